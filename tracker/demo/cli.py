"""`flask --app wsgi demo seed`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("seed")
@click.option("--seed", "seed_value", type=int, default=2026, show_default=True, help="Random seed.")
@click.option("--password", default="demo-password", show_default=True, help="Password of every demo user.")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already holds departments.")
@click.option("--scale", type=click.Choice(["demo", "large"]), default="demo", show_default=True)
def seed(seed_value: int, password: str, if_empty: bool, scale: str) -> None:
    """Load the demo organisation (about 12 departments, 120 people, 12 months of ratings).

    The same seed on the same day gives the same data: the period ends at midnight UTC today.
    `--scale large` loads 60 departments and a million ratings over two years.
    """
    from tracker.demo.seed import DemoDataExists, database_is_empty, seed_demo

    if if_empty and not database_is_empty():
        click.echo("demo data: the database already holds data; nothing loaded")
        return
    try:
        summary = seed_demo(seed=seed_value, password=password, scale=scale, progress=click.echo)
    except DemoDataExists as exc:
        raise click.ClickException(f"{exc} (use --if-empty to skip loading)") from None
    click.echo("demo data loaded: " + ", ".join(f"{v} {k}" for k, v in summary.items()))
