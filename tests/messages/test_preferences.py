"""Each person chooses which messages they get and where; every mail carries a one-click unsubscribe."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests import factories
from tracker.extensions import db
from tracker.handoffs.services import change_state, create_handoff
from tracker.messages.mail import deliver_due
from tracker.messages.models import Message
from tracker.messages.preferences import choices, unsubscribe_path


def _deliver(world, requester):
    provider = factories.make_user(department=world.provider)
    handoff = create_handoff(requester, world.commitment.id, world.consumer.code, "Laptop for Ana")
    change_state(provider, handoff.id, "deliver")
    db.session.commit()


def _statuses(person) -> list[str]:
    return list(db.session.scalars(select(Message.mail_status).where(Message.recipient_id == person.id)))


def test_by_mail_here_only_or_not_at_all(make_app, mail_server):
    make_app(MAIL_URL=mail_server.url)
    world = factories.make_handoff_world()
    mailed, here, off = (factories.make_user(department=world.consumer) for _ in range(3))
    here.message_settings, off.message_settings = {"rating_request": "app"}, {"rating_request": "off"}
    for person in (mailed, here, off):
        _deliver(world, person)
    assert (_statuses(mailed), _statuses(here), _statuses(off)) == (["queued"], ["kept"], [])


def test_the_settings_page_saves_the_choices_and_refuses_unknown_ones(client, login_as, world):
    person = login_as("employee", department=world.consumer)
    page = client.get("/messages/settings")
    assert page.status_code == 200
    assert 'value="off"' in page.get_data(as_text=True)
    wanted = {"rating_request": "app", "due_soon": "mail", "overdue": "off", "budget": "app",
              "satisfaction_drop": "off", "digest": "off"}
    saved = client.post("/messages/settings", data=wanted)
    assert saved.status_code == 302
    db.session.expire_all()
    assert choices(person) == wanted
    refused = client.post("/messages/settings", data={**wanted, "rating_request": "loud"})
    assert refused.status_code == 422 and "is-invalid" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert choices(person)["rating_request"] == "app"  # nothing half-written


def test_mail_carries_one_click_unsubscribe_which_works_without_signing_in(make_app, mail_server):
    app = make_app(MAIL_URL=mail_server.url, WTF_CSRF_ENABLED=True)
    world = factories.make_handoff_world()
    person = factories.make_user(department=world.consumer, email="ana@example.test")
    _deliver(world, person)
    deliver_due()
    (mail,) = mail_server.received.to("ana@example.test")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = re.fullmatch(r"<http://127\.0\.0\.1:5000(/messages/unsubscribe/\S+)>", mail["List-Unsubscribe"]).group(1)
    client = app.test_client()
    assert client.get(path).status_code == 200  # opening it (a scanner) changes nothing
    db.session.expire_all()
    assert choices(person)["rating_request"] == "mail"
    # What a mail program sends for the one click: a POST, no form token, no session.
    assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    db.session.expire_all()
    assert choices(person) == {"rating_request": "app", "due_soon": "mail", "overdue": "mail", "budget": "mail",
                               "satisfaction_drop": "mail", "digest": "mail"}
    _deliver(world, person)
    assert _statuses(person).count("kept") == 1  # the next request stays in the tracker


def test_an_altered_unsubscribe_link_changes_nothing(world, client):
    person = factories.make_user(department=world.consumer)
    db.session.commit()
    path = unsubscribe_path(person, "rating_request")
    assert client.post(path[:-3] + "xyz").status_code == 404
    assert client.post("/messages/unsubscribe/not-a-token").status_code == 404
    db.session.expire_all()
    assert choices(person)["rating_request"] == "mail"
