"""`flask --app wsgi metrics rebuild`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

metrics_cli = AppGroup("metrics", help="Metrics rollups.")


@metrics_cli.command("rebuild")
def rebuild() -> None:
    """Recompute the rating rollups and the withheld periods from the ratings table (after bulk loads,
    an upgrade that adds rollup tables, or a change of TRACKER_CONFIDENTIALITY_K)."""
    from tracker.extensions import db
    from tracker.metrics.rollups import rebuild_rollups

    counts = rebuild_rollups()
    db.session.commit()
    click.echo(f"rollups rebuilt: {counts['periods']} period rows, {counts['raters']} rater rows, "
               f"{counts['hidden']} periods withheld against differencing")
