"""Bulk import: idempotent by (source, reference), row errors kept apart, unreadable files refused."""

from __future__ import annotations

import io
import json

from sqlalchemy import func, select

from tests import factories
from tracker.extensions import db
from tracker.models import Handoff

HEADER = "commitment,consumer,title,requested_at,delivered_at,external_ref\n"


def _csv(world, *rows: str) -> bytes:
    return (HEADER + "".join(r.format(c=world.commitment.id) + "\n" for r in rows)).encode()


GOOD_ROWS = (
    "{c},SALES,Laptop for Ana,2026-01-05T09:00:00+08:00,,T-1",
    "{c},SALES,Laptop for Bo,2026-01-05T10:00:00+08:00,2026-01-05T15:00:00+08:00,T-2",
)


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Handoff))


def _post(client, body: bytes, source="helpdesk", content_type="text/csv"):
    return client.post(f"/api/v1/handoffs/import?source={source}", data=body, content_type=content_type)


def test_import_creates_rows_with_due_times(client, login_as, world):
    login_as("employee", department=world.provider)
    response = _post(client, _csv(world, *GOOD_ROWS))
    assert response.status_code == 200, response.json
    assert response.json == {"created": 2, "updated": 0, "unchanged": 0, "errors": [], "errors_omitted": 0}
    delivered = db.session.scalar(select(Handoff).where(Handoff.external_ref == "T-2"))
    assert (delivered.status, delivered.met, delivered.external_source) == ("delivered", True, "helpdesk")


def test_importing_the_same_file_twice_changes_nothing(client, login_as, world):
    login_as("admin")
    body = _csv(world, *GOOD_ROWS)
    _post(client, body)
    before = db.session.execute(select(Handoff.id, Handoff.updated_at, Handoff.status).order_by(Handoff.id)).all()
    again = _post(client, body).json
    after = db.session.execute(select(Handoff.id, Handoff.updated_at, Handoff.status).order_by(Handoff.id)).all()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    assert before == after


def test_a_changed_row_updates_its_handoff(client, login_as, world):
    login_as("admin")
    _post(client, _csv(world, *GOOD_ROWS))
    changed = _post(client, _csv(world, GOOD_ROWS[0].replace(",,T-1", ",2026-01-06T10:00:00+08:00,T-1"))).json
    assert (changed["updated"], _count()) == (1, 2)
    assert db.session.scalar(select(Handoff.status).where(Handoff.external_ref == "T-1")) == "delivered"


def test_bad_rows_are_reported_and_good_rows_kept(client, login_as, world):
    login_as("admin")
    body = _csv(world, GOOD_ROWS[0], "{c},NOPE,Laptop,,,T-3", "abc,SALES,Laptop,,,T-4",
                "{c},SALES,Laptop,2026-01-05T09:00:00,,T-5", "{c},SALES,,,,T-6", "{c},SALES,too,many,fields,,x,y",
                GOOD_ROWS[1])
    report = _post(client, body).json
    assert report["created"] == 2
    assert [(e["row"], e["field"]) for e in report["errors"]] == [
        (2, "consumer"), (3, "commitment"), (4, "requested_at"), (5, "title"), (6, "row")]
    assert all(e["message"] for e in report["errors"])
    assert _count() == 2


def test_delivery_before_request_and_future_times_are_row_errors(client, login_as, world):
    login_as("admin")
    body = _csv(world, "{c},SALES,A,2026-01-05T09:00:00+00:00,2026-01-04T09:00:00+00:00,T-1",
                "{c},SALES,B,2099-01-05T09:00:00+00:00,,T-2")
    report = _post(client, body).json
    assert [(e["row"], e["field"]) for e in report["errors"]] == [(1, "delivered_at"), (2, "requested_at")]


def test_other_department_may_not_import_for_the_provider(client, login_as, world):
    login_as("lead", department=world.consumer)
    report = _post(client, _csv(world, *GOOD_ROWS)).json
    assert [e["field"] for e in report["errors"]] == ["commitment", "commitment"]
    assert _count() == 0


def test_non_utf8_file_is_refused_as_a_whole(client, login_as, world):
    login_as("admin")
    body = _csv(world, GOOD_ROWS[0]) + f"{world.commitment.id},SALES,Café,,,T-9\n".encode("latin-1")
    response = _post(client, body)
    assert response.status_code == 422
    assert "UTF-8" in response.json["message"]
    assert _count() == 0


def test_malformed_csv_is_refused_with_its_row(client, login_as, world):
    login_as("admin")
    body = _csv(world, GOOD_ROWS[0]) + b'1,SALES,"unterminated,,,T-9\n'
    response = _post(client, body)
    assert response.status_code == 422
    assert "row 2" in response.json["message"]
    assert _count() == 0


def test_unknown_columns_are_refused(client, login_as, world):
    login_as("admin")
    response = _post(client, b"commitment,consumer,title,external_ref,status\n")
    assert response.status_code == 422
    assert "status" in response.json["message"]


def test_rows_need_a_source(client, login_as, world):
    login_as("admin")
    response = client.post("/api/v1/handoffs/import", data=_csv(world, GOOD_ROWS[0]), content_type="text/csv")
    assert response.json["errors"][0]["field"] == "external_source"


def test_json_list_and_multipart_file_import(client, login_as, world):
    login_as("admin")
    rows = [{"commitment": world.commitment.id, "consumer": "SALES", "title": "A", "external_source": "x",
             "external_ref": "J-1"}, "not an object"]
    report = client.post("/api/v1/handoffs/import", json=rows).json
    assert (report["created"], report["errors"][0]["row"]) == (1, 2)
    upload = client.post("/api/v1/handoffs/import?source=y",
                         data={"file": (io.BytesIO(_csv(world, *GOOD_ROWS)), "export.csv")},
                         content_type="multipart/form-data").json
    assert upload["created"] == 2


def test_a_reference_twice_in_one_file_is_one_handoff(client, login_as, world):
    login_as("admin")
    report = _post(client, _csv(world, GOOD_ROWS[0], GOOD_ROWS[0].replace("Ana", "Ana B."))).json
    assert (report["created"], report["updated"], _count()) == (1, 1, 1)


def test_cli_imports_a_file(runner, world, tmp_path):
    factories.make_user(role="admin")
    path = tmp_path / "export.csv"
    path.write_bytes(_csv(world, *GOOD_ROWS, "{c},NOPE,x,,,T-3"))
    result = runner.invoke(args=["handoffs", "import", str(path), "--source", "helpdesk"])
    assert result.exit_code == 0, result.output
    assert "created 2, updated 0, unchanged 0, errors 1" in result.output
    assert "row 3: consumer" in result.output


def test_import_accepts_a_body_over_the_app_wide_limit(client, login_as, world, app):
    login_as("admin")
    row = f"99999,SALES,{'x' * 290},R{{}}\n"
    body = ("commitment,consumer,title,external_ref\n" + "".join(row.format(i) for i in range(28_000))).encode()
    assert len(body) > app.config["MAX_CONTENT_LENGTH"]
    imported = _post(client, body)
    elsewhere = client.post("/api/v1/handoffs", data=body, content_type="application/json")
    assert (imported.status_code, elsewhere.status_code) == (200, 413)
    assert imported.json["errors_omitted"] + len(imported.json["errors"]) == 28_000


def test_an_upload_or_json_list_over_the_app_wide_limit_is_imported_too(client, login_as, world, app):
    login_as("admin")
    row = f"99999,SALES,{'x' * 290},R{{}}\n"
    body = ("commitment,consumer,title,external_ref\n" + "".join(row.format(i) for i in range(28_000))).encode()
    rows = json.dumps([{"commitment": 99999, "consumer": "SALES", "title": "x" * 290, "external_ref": f"R{i}"}
                       for i in range(28_000)])
    assert min(len(body), len(rows)) > app.config["MAX_CONTENT_LENGTH"]
    # The multipart body is written here: the test client would spool one this large to a file it never closes.
    form = (b'--b\r\nContent-Disposition: form-data; name="file"; filename="export.csv"\r\n'
            b"Content-Type: text/csv\r\n\r\n" + body + b"\r\n--b--\r\n")
    uploaded = _post(client, form, content_type="multipart/form-data; boundary=b")
    listed = _post(client, rows.encode(), content_type="application/json")
    assert (uploaded.status_code, listed.status_code) == (200, 200)
