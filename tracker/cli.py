"""Command-line administration: `flask --app wsgi <group> <command>`."""

from __future__ import annotations

import logging

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from tracker.auth import services as auth_services
from tracker.departments import services as department_services
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.models import ROLES, User

departments_cli = AppGroup("departments", help="Manage departments.")
users_cli = AppGroup("users", help="Manage people.")
tokens_cli = AppGroup("tokens", help="Manage API tokens.")


def _fail(exc: DomainError) -> None:
    db.session.rollback()
    detail = f" ({exc.errors})" if exc.errors else ""
    raise click.ClickException(f"{exc.message}{detail}")


@departments_cli.command("create")
@click.option("--code", required=True, help="Unique short code, e.g. FIN.")
@click.option("--name", required=True, help="Display name.")
@click.option("--name-zh", default=None, help="Display name in Chinese.")
def create_department(code: str, name: str, name_zh: str | None) -> None:
    """Create a department."""
    try:
        department = department_services.create_department(None, code, name, name_zh)
        db.session.commit()
    except DomainError as exc:
        _fail(exc)
    click.echo(f"created department {department.code}")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True, help="Display name.")
@click.option("--department", "department_code", default=None, help="Department code.")
@click.option("--role", type=click.Choice(ROLES), default="employee", show_default=True)
@click.option("--password", default=None, help="Asked for when not given.")
@click.option("--locale", type=click.Choice(["en", "zh"]), default=None)
def create_user(email: str, name: str, department_code: str | None, role: str, password: str | None, locale) -> None:
    """Create a person who can sign in."""
    from tracker.users.services import create_user as create

    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create(None, email=email, display_name=name, department_code=department_code, role=role,
                      password=password, locale=locale)
        db.session.commit()
    except DomainError as exc:
        _fail(exc)
    click.echo(f"created user {user.email} ({user.role})")


@tokens_cli.command("create")
@click.option("--email", required=True, help="The user the token acts for.")
@click.option("--name", default="integration", show_default=True, help="What the token is for.")
def create_token(email: str, name: str) -> None:
    """Create an API token; the secret is printed once, alone on the last line."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"no user with the email {email!r}")
    _token, secret = auth_services.create_token(user, name=name)
    db.session.commit()
    click.echo(f"token for {user.email}; store it now, it is not shown again:", err=True)
    click.echo(secret)


@tokens_cli.command("revoke")
@click.argument("token_id", type=int)
def revoke_token(token_id: int) -> None:
    """Revoke a token by its id."""
    try:
        auth_services.revoke_token(token_id)
        db.session.commit()
    except DomainError as exc:
        _fail(exc)
    click.echo(f"revoked token {token_id}")


@click.command("worker")
@click.option("--workers", default=2, show_default=True, help="Jobs run at once (threads).")
@with_appcontext
def worker(workers: int) -> None:
    """Run the job queue's worker: sends mail, sweeps every minute, until stopped."""
    from flask import current_app

    from tracker.jobs import run_worker

    if current_app.config["LOG_LEVEL"] != "DEBUG":
        logging.getLogger("huey").setLevel(logging.ERROR)  # not a line per job, per minute, per lock met
    run_worker(current_app._get_current_object(), workers)


def register_cli(app: Flask) -> None:
    """Add the command groups to `flask`."""
    from tracker.demo.cli import demo_cli
    from tracker.handoffs.cli import handoffs_cli
    from tracker.metrics.cli import metrics_cli

    for group in (departments_cli, users_cli, tokens_cli, demo_cli, handoffs_cli, metrics_cli, worker):
        app.cli.add_command(group)
