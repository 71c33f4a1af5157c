"""Exports that cannot hurt the reader: no cell runs as a spreadsheet formula, nothing is cached.

One CSV writer (`tracker/web/csvout.py`) serves every CSV of the app; every route that exports
(a rule ending in `.csv` or naming `export`) answers with `Cache-Control: no-store`.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

from tests.factories import build_security_world
from tests.security.routes import GET_URLS, periods
from tracker.extensions import db
from tracker.web.csvout import csv_cell, csv_text

FORMULAS = ("=HYPERLINK(\"https://evil.example/\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", "\n=1+1",
            "\uff1d1+1", "\uff0b1", "\uff0d1", "\uff20SUM(A1)", "  =1+1")
KNOWN_EXPORTS = {"handoffs.export_csv", "dashboards.matrix_csv", "dashboards.pair_csv", "dashboards.department_csv",
                 "dashboards.flows_csv", "dashboards.movers_csv", "admin.export_person", "api_users.export_me",
                 "api_users.export_user"}


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


@pytest.mark.parametrize("text", FORMULAS)
def test_a_cell_that_a_spreadsheet_would_run_gets_a_leading_quote(text):
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("value", [-0.5, 3, Decimal("-1.25"), "Plain text", "2026-W05", "a=b", "5 - 3"])
def test_numbers_and_plain_text_are_left_alone(value):
    assert csv_cell(value) == value


def test_text_cells_are_quoted_and_numbers_are_bare():
    assert csv_text(["name", "change"], [["=1+1", -0.5], [None, True]]) == (
        '"name","change"\r\n"\'=1+1",-0.5\r\n"","true"\r\n')


def test_the_handoff_export_neutralises_formulas_in_every_text_column(client, auth):
    world = build_security_world()
    handoff = world.fresh_handoff(title="=1+1")
    handoff.external_source, handoff.external_ref = "\t=cmd|' /C calc'!A0", "-2+3"
    db.session.commit()
    auth.login(world.people["admin"])
    header, *rows = _rows(client.get("/handoffs/export.csv"))
    row = dict(zip(header, next(r for r in rows if r[0] == str(handoff.id)), strict=True))
    assert (row["title"], row["external_source"], row["external_ref"]) == (
        "'=1+1", "'\t=cmd|' /C calc'!A0", "'-2+3")


def test_the_scorecard_csv_neutralises_a_full_width_formula_in_a_commitment_title(client, auth):
    world = build_security_world()
    world.published.current_version.title = "\uff1dHYPERLINK(\"https://evil.example/\")"
    db.session.commit()
    auth.login(world.people["admin"])
    rows = _rows(client.get(f"/dashboards/departments/PRV.csv?period=quarter&from={periods()['old']}"))
    titles = {row[1] for row in rows[1:] if row[0] == "commitment"}
    assert titles == {"'\uff1dHYPERLINK(\"https://evil.example/\")"}


def test_the_app_has_one_csv_writer():
    root = Path(__file__).resolve().parents[2] / "tracker"
    writers = sorted(str(p.relative_to(root)) for p in root.rglob("*.py") if "csv.writer(" in p.read_text())
    assert writers == ["web/csvout.py"]


def test_every_export_is_not_stored_by_a_cache(app, client, auth):
    exports = {rule.endpoint for rule in app.url_map.iter_rules()
               if "GET" in rule.methods and (rule.rule.endswith(".csv") or "export" in rule.rule)}
    assert exports >= KNOWN_EXPORTS, "the finder should see every export the app has today"
    assert exports <= set(GET_URLS), "each export needs its URLs in tests/security/routes.py"
    world = build_security_world()
    auth.login(world.people["admin"])
    answers = {url: client.get(url) for endpoint in sorted(exports) for url in GET_URLS[endpoint](world, periods())}
    assert {url: r.status_code for url, r in answers.items() if r.status_code != 200} == {}
    assert [url for url, r in answers.items() if "no-store" not in r.headers.get("Cache-Control", "")] == []
