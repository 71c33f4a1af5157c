"""`flask --app wsgi handoffs import FILE --source NAME`: bulk import from a file."""

from __future__ import annotations

import io
import json

import click
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlalchemy import select

from tracker.errors import DomainError
from tracker.extensions import db
from tracker.handoffs import imports
from tracker.models import User

handoffs_cli = AppGroup("handoffs", help="Handoffs: bulk import.")


@handoffs_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--source", default=None, help="external_source for rows that give none, e.g. the ticketing system.")
@click.option("--as", "email", default=None, help="Import as this user (default: the first active administrator).")
def import_command(path: str, source: str | None, email: str | None) -> None:
    """Import handoffs from a CSV file with a header row, or a .json list; prints counts and row errors."""
    actor = _actor(email)
    try:
        with force_locale("en"), open(path, "rb") as binary:
            if path.lower().endswith(".json"):
                rows = imports.json_rows(json.load(binary))
                report = imports.import_handoffs(actor, rows, source=source)
            else:
                text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
                report = imports.import_handoffs(actor, imports.csv_rows(text), source=source)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"not valid JSON: {exc}") from None
    click.echo(f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}, "
               f"errors {len(report.errors) + report.errors_omitted}")
    for error in report.as_dict()["errors"]:
        click.echo(f"row {error['row']}: {error['field']}: {error['message']}", err=True)
    if report.errors_omitted:
        click.echo(f"... and {report.errors_omitted} more row errors", err=True)


def _actor(email: str | None) -> User:
    query = select(User).where(User.active.is_(True))
    query = query.where(User.email == email.strip().lower()) if email else query.where(User.role == "admin")
    user = db.session.scalars(query.order_by(User.id)).first()
    if user is None:
        raise click.ClickException(f"no active user {email}" if email else "no active administrator to import as")
    return user
