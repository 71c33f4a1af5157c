"""`flask --app wsgi metrics rebuild` and `flask --app wsgi metrics release`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

metrics_cli = AppGroup("metrics", help="Metrics rollups.")


@metrics_cli.command("rebuild")
def rebuild() -> None:
    """Recompute the rating rollups from the ratings table (after bulk loads or an upgrade that adds
    rollup tables). Releases already made stay as they are."""
    from tracker.extensions import db
    from tracker.metrics.rollups import rebuild_rollups

    counts = rebuild_rollups()
    db.session.commit()
    click.echo(f"rollups rebuilt: {counts['periods']} period rows, {counts['raters']} rater rows, "
               f"{counts['atom_raters']} atom rater rows")


@metrics_cli.command("release")
def release() -> None:
    """Make the releases that are due: every closed period's numbers, decided once (run it from cron
    a few minutes after midnight; a dashboard read makes them too when nobody has)."""
    import time

    from tracker.metrics.releases import release_due

    began = time.perf_counter()
    released = release_due()
    took = time.perf_counter() - began
    if not released:
        click.echo("no release is due")
        return
    kinds = {kind: sum(1 for k, _ in released if k == kind) for kind in ("week", "month", "quarter")}
    click.echo(f"released {len(released)} periods ({kinds['week']} weeks, {kinds['month']} months, "
               f"{kinds['quarter']} quarters) in {took:.1f} s")
