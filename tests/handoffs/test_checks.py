"""One handoff and an import of many are refused by the same checks, with the same field and words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests import factories
from tracker.extensions import db

FUTURE = "future"  # two days from now, made when the test runs (ids must not hold times)
PAST = "2026-01-05T09:00:00+00:00"


def _draft(world) -> int:
    return factories.make_commitment(provider=world.provider, status="draft").id


def _missing(world) -> int:
    return 2_000_000_000


@pytest.mark.parametrize(("commitment", "consumer", "requested_at", "field"), [
    (None, "NOPE", PAST, "consumer"),
    (None, "IT", PAST, "consumer"),
    (None, "SALES", FUTURE, "requested_at"),
    (_draft, "SALES", PAST, "commitment"),
    (_missing, "SALES", PAST, "commitment"),
])
def test_single_and_bulk_refuse_alike(client, login_as, world, commitment, consumer, requested_at, field):
    commitment_id = commitment(world) if commitment else world.commitment.id
    if requested_at == FUTURE:
        requested_at = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    db.session.commit()
    login_as("admin")
    single = client.post("/api/v1/handoffs", json={"commitment": commitment_id, "consumer": consumer, "title": "x",
                                                   "requested_at": requested_at})
    assert single.status_code == 422, single.json
    row = f"commitment,consumer,title,requested_at,external_ref\n{commitment_id},{consumer},x,{requested_at},R-1\n"
    bulk = client.post("/api/v1/handoffs/import?source=erp", data=row.encode(), content_type="text/csv")
    assert bulk.status_code == 200, bulk.json
    [error] = bulk.json["errors"]
    assert (error["field"], [error["message"]]) == (field, single.json["errors"]["json"][field])


def test_a_refused_update_row_changes_nothing_of_its_handoff(client, login_as, world):
    login_as("admin")
    header = "commitment,consumer,title,requested_at,delivered_at,external_ref\n"
    first = f"{header}{world.commitment.id},SALES,Laptop,{PAST},,R-1\n"
    assert client.post("/api/v1/handoffs/import?source=erp", data=first.encode(),
                       content_type="text/csv").json["created"] == 1
    # A new title with a delivery before the request: the row is refused, the title stays.
    bad = f"{header}{world.commitment.id},SALES,Renamed,{PAST},2026-01-01T00:00:00+00:00,R-1\n"
    report = client.post("/api/v1/handoffs/import?source=erp", data=bad.encode(), content_type="text/csv").json
    assert [(e["row"], e["field"]) for e in report["errors"]] == [(1, "delivered_at")]
    listed = client.get("/api/v1/handoffs?consumer=SALES").json
    items = listed["items"] if isinstance(listed, dict) else listed
    assert [h["title"] for h in items] == ["Laptop"]
