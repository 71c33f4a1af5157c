"""Commitment pages: the catalog, department pages, forms, preview, publish, revise, compare, retire."""

from __future__ import annotations

from sqlalchemy import func, select

from tests import factories
from tracker.extensions import db
from tracker.models import AuditEvent, ServiceCommitment


def _follow(client, response):
    """Open the page a redirect points to (the test client runs each request in its own context)."""
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client.get(response.headers["Location"])


def _form(calendar, owner, /, **overrides) -> dict:
    data = {
        "title": "Purchase orders approved", "description": "Orders under 10,000.", "needs_from_consumer": "",
        "consumers": ["SALES"], "target_amount": "2", "target_unit": "business_days", "attainment_target": "95",
        "satisfaction_target": "4", "calendar": str(calendar.id), "owner": str(owner.id), "review_cadence": "month",
        "save": "Save",
    }
    data.update(overrides)
    return data


def test_lead_writes_a_draft_previews_and_publishes_it(client, auth):
    _provider, _other, lead, calendar = factories.make_purchasing_organisation()
    db.session.commit()
    auth.login(lead)
    created = client.post("/departments/PUR/commitments/new", data=_form(calendar, lead))
    assert created.status_code == 302
    page = client.get(created.headers["Location"]).get_data(as_text=True)
    assert "Preview: this draft is visible only to its department" in page
    assert "Purchase orders approved within 2 business days, 95% of the time; satisfaction at least 4.0" in page
    published = _follow(client, client.post(created.headers["Location"] + "/publish"))
    assert "The commitment is published as version 1." in published.get_data(as_text=True)
    assert db.session.scalar(select(ServiceCommitment.status)) == "published"


def test_preview_button_shows_the_promise_and_saves_nothing(client, auth):
    _provider, _other, lead, calendar = factories.make_purchasing_organisation()
    db.session.commit()
    auth.login(lead)
    response = client.post("/departments/PUR/commitments/new",
                           data=_form(calendar, lead, save="", preview="Preview", target_amount="1"))
    assert response.status_code == 200
    assert "within 1 business day," in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ServiceCommitment)) == 0


def test_form_errors_are_422_next_to_the_field_and_nothing_is_saved(client, auth):
    _provider, _other, lead, calendar = factories.make_purchasing_organisation()
    db.session.commit()
    auth.login(lead)
    response = client.post("/departments/PUR/commitments/new",
                           data=_form(calendar, lead, title="", attainment_target="100", satisfaction_target="9"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for field in ("title", "attainment_target", "satisfaction_target"):
        assert f'id="{field}-error"' in page
    assert db.session.scalar(select(func.count()).select_from(ServiceCommitment)) == 0


def test_service_rule_errors_appear_next_to_their_field(client, auth):
    provider, _other, lead, calendar = factories.make_purchasing_organisation()
    leaver = factories.make_user(department=provider)
    db.session.commit()
    leaver_id = leaver.id
    leaver.active = False
    db.session.commit()
    auth.login(lead)
    response = client.post("/departments/PUR/commitments/new", data=_form(calendar, lead, owner=str(leaver_id)))
    assert response.status_code == 422
    assert 'id="owner-error"' in response.get_data(as_text=True)


def test_revising_publishes_the_next_version_and_compare_shows_the_change(client, auth):
    provider, _other, lead, calendar = factories.make_purchasing_organisation()
    commitment = factories.make_commitment(provider=provider, owner=lead, calendar=calendar, title="Orders")
    db.session.commit()
    auth.login(lead)
    data = _form(calendar, lead, title="Orders", target_amount="1", consumers=[])
    revised = _follow(client, client.post(f"/commitments/{commitment.id}/edit", data=data))
    assert "Version 2 is published." in revised.get_data(as_text=True)
    compare = client.get(f"/commitments/{commitment.id}/compare?from=1&to=2").get_data(as_text=True)
    assert "<th scope=\"row\">Target</th>" in compare
    assert "<th scope=\"row\">Title</th>" not in compare
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "commitment.revise"))


def test_retire_asks_for_confirmation_then_flashes(client, auth):
    provider, _other, lead, calendar = factories.make_purchasing_organisation()
    commitment = factories.make_commitment(provider=provider, owner=lead, calendar=calendar)
    db.session.commit()
    auth.login(lead)
    question = client.get(f"/commitments/{commitment.id}/retire")
    assert "This cannot be undone." in question.get_data(as_text=True)
    assert db.session.get(ServiceCommitment, commitment.id).status == "published"
    done = _follow(client, client.post(f"/commitments/{commitment.id}/retire"))
    assert "The commitment is retired; its history stays." in done.get_data(as_text=True)


def test_catalog_shows_by_default_what_my_department_may_expect(client, login_as):
    pur, sales, it = (factories.make_department(code=c) for c in ("PUR", "SALES", "IT"))
    factories.make_commitment(provider=pur, title="For sales", consumers=[sales])
    factories.make_commitment(provider=it, title="For purchasing only", consumers=[pur])
    login_as("employee", department=sales)
    mine = client.get("/commitments").get_data(as_text=True)
    assert "For sales" in mine
    assert "For purchasing only" not in mine
    assert "For purchasing only" in client.get("/commitments?scope=all").get_data(as_text=True)


def test_catalog_empty_state_says_what_to_do(client, login_as):
    login_as("lead")
    page = client.get("/commitments?q=nothing").get_data(as_text=True)
    assert "No commitment matches these filters." in page
    assert "first commitment" in page


def test_department_page_shows_drafts_and_new_button_only_to_its_leads(client, auth):
    provider, other, lead, calendar = factories.make_purchasing_organisation()
    factories.make_commitment(provider=provider, owner=lead, calendar=calendar, status="draft", title="Secret draft")
    outsider = factories.make_user(role="lead", department=other)
    db.session.commit()
    auth.login(lead)
    own = client.get("/departments/PUR").get_data(as_text=True)
    assert "Secret draft" in own and "New commitment" in own
    auth.logout()
    auth.login(outsider)
    foreign = client.get("/departments/PUR").get_data(as_text=True)
    assert "Secret draft" not in foreign and "New commitment" not in foreign


def test_detail_shows_history_with_who_published(client, login_as):
    provider = factories.make_department(code="PUR")
    owner = factories.make_user(role="lead", department=provider, display_name="Owner Person")
    commitment = factories.make_commitment(provider=provider, owner=owner)
    login_as("employee")
    page = client.get(f"/commitments/{commitment.id}").get_data(as_text=True)
    assert "Version history" in page and "Owner Person" in page and "(Asia/Shanghai)" in page


def test_unknown_department_and_commitment_are_404(client, login_as):
    login_as("employee")
    assert client.get("/departments/NOPE").status_code == 404
    assert client.get("/commitments/424242").status_code == 404


def test_comparing_with_a_missing_version_is_a_404_page_naming_the_version(client, login_as):
    commitment = factories.make_commitment()
    db.session.commit()
    login_as("employee")
    response = client.get(f"/commitments/{commitment.id}/compare?from=1&to=7")
    assert response.status_code == 404
    assert "The commitment has no version 7." in response.get_data(as_text=True)


def test_form_post_without_csrf_token_is_refused(form_sign_in):
    _provider, _other, lead, calendar = factories.make_purchasing_organisation()
    db.session.commit()
    client = form_sign_in(lead)
    response = client.post("/departments/PUR/commitments/new", data=_form(calendar, lead))
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(ServiceCommitment)) == 0
