"""What each caller may do on each route: the table that the authorization tests hold the app to.

One column per caller of build_security_world in tests/factories.py; LOGIN stands for a redirect to sign-in.
"""

from __future__ import annotations

from tests.factories import CALLERS

LOGIN = "login"  # a redirect to the sign-in page
DENIED = {401, 403, 404}


def _by(anonymous, consumer_employee, other_employee, provider_lead, other_lead, leadership, admin) -> dict:
    return dict(zip(CALLERS, (anonymous, consumer_employee, other_employee, provider_lead, other_lead, leadership,
                              admin), strict=True))


# endpoint -> method -> {caller: status}. Rows of note:
# - api_handoffs.import_handoffs answers 200 to everyone signed in: rows the caller may not record come
#   back as row errors and create nothing (tests/handoffs/test_authorization.py proves the latter).
# - handoffs.create (the request form) is for departments the commitment is offered to: the provider's
#   own lead and an administrator (no department) get 403; other departments may request (302).
# - api_ratings.get_rating asks for a handoff the marker rated: nobody else ever gets that rating.
# - api_me.revoke_token targets the provider lead's token: only its owner may revoke it over the API.
EXPECTED: dict[str, dict[str, dict]] = {
    "admin.audit": {
        "GET": _by(LOGIN, 403, 403, 403, 403, 403, 200),
    },
    "admin.erase_person": {
        "POST": _by(LOGIN, 403, 403, 403, 403, 403, 302),
    },
    "admin.export_person": {
        "GET": _by(LOGIN, 403, 403, 403, 403, 403, 200),
    },
    "admin.index": {
        "GET": _by(LOGIN, 403, 403, 403, 403, 403, 200),
    },
    "admin.people": {
        "GET": _by(LOGIN, 403, 403, 403, 403, 403, 200),
        "POST": _by(LOGIN, 403, 403, 403, 403, 403, 302),
    },
    "admin.person": {
        "GET": _by(LOGIN, 403, 403, 403, 403, 403, 200),
        "POST": _by(LOGIN, 403, 403, 403, 403, 403, 302),
    },
    "admin.revoke_token": {
        "POST": _by(LOGIN, 403, 403, 403, 403, 403, 302),
    },
    "admin.tokens": {
        "GET": _by(LOGIN, 403, 403, 403, 403, 403, 200),
    },
    "api-docs.openapi_json": {
        "GET": _by(200, 200, 200, 200, 200, 200, 200),
    },
    "api_calendars.create_calendar": {
        "POST": _by(401, 403, 403, 403, 403, 403, 201),
    },
    "api_calendars.due": {
        "GET": _by(401, 200, 200, 200, 200, 200, 200),
    },
    "api_calendars.get_calendar": {
        "GET": _by(401, 200, 200, 200, 200, 200, 200),
    },
    "api_calendars.list_calendars": {
        "GET": _by(401, 200, 200, 200, 200, 200, 200),
    },
    "api_calendars.update_calendar": {
        "PATCH": _by(401, 403, 403, 403, 403, 403, 200),
    },
    "api_calendars.working_days": {
        "GET": _by(401, 200, 200, 200, 200, 200, 200),
    },
    "api_commitments.create_commitment": {
        "POST": _by(401, 403, 403, 201, 403, 403, 201),
    },
    "api_commitments.get_commitment": {
        "GET": _by(401, 403, 403, 200, 403, 403, 200),
    },
    "api_commitments.list_commitments": {
        "GET": _by(401, 200, 200, 200, 200, 200, 200),
    },
    "api_commitments.list_versions": {
        "GET": _by(401, 403, 403, 200, 403, 403, 200),
    },
    "api_commitments.publish_commitment": {
        "POST": _by(401, 403, 403, 200, 403, 403, 200),
    },
    "api_commitments.retire_commitment": {
        "POST": _by(401, 403, 403, 200, 403, 403, 200),
    },
    "api_commitments.update_commitment": {
        "PATCH": _by(401, 403, 403, 200, 403, 403, 200),
    },
    "api_departments.create_department": {
        "POST": _by(401, 403, 403, 403, 403, 403, 201),
    },
    "api_departments.get_department": {
        "GET": _by(401, 200, 200, 200, 200, 200, 200),
    },
    "api_departments.list_departments": {
        "GET": _by(401, 200, 200, 200, 200, 200, 200),
    },
    "api_handoffs.cancel": {
        "POST": _by(401, 403, 404, 200, 404, 403, 200),
    },
    "api_handoffs.create_handoff": {
        "POST": _by(401, 201, 403, 201, 403, 403, 201),
    },
    "api_handoffs.deliver": {
        "POST": _by(401, 403, 404, 200, 404, 403, 200),
    },
    "api_handoffs.get_handoff": {
        "GET": _by(401, 200, 404, 200, 404, 200, 200),
    },
    "api_handoffs.import_handoffs": {
        "POST": _by(401, 200, 200, 200, 200, 200, 200),
    },
    "api_handoffs.list_handoffs": {
        "GET": _by(401, 200, 200, 200, 200, 200, 200),
    },
    "api_handoffs.pause": {
        "POST": _by(401, 403, 404, 200, 404, 403, 200),
    },
    "api_handoffs.reopen": {
        "POST": _by(401, 403, 404, 200, 404, 403, 200),
    },
    "api_handoffs.resume": {
        "POST": _by(401, 403, 404, 200, 404, 403, 200),
    },
    "api_me.create_token": {
        "POST": _by(401, 201, 201, 201, 201, 201, 201),
    },
    "api_me.list_tokens": {
        "GET": _by(401, 200, 200, 200, 200, 200, 200),
    },
    "api_me.me": {
        "GET": _by(401, 200, 200, 200, 200, 200, 200),
    },
    "api_me.revoke_token": {
        "DELETE": _by(401, 404, 404, 204, 404, 404, 404),
    },
    "api_metrics.commitment": {
        "GET": _by(401, 403, 403, 200, 403, 403, 200),
    },
    "api_metrics.pair": {
        "GET": _by(401, 200, 403, 200, 403, 200, 200),
    },
    "api_metrics.pairs": {
        "GET": _by(401, 200, 200, 200, 200, 200, 200),
    },
    "api_ratings.get_rating": {
        "GET": _by(401, 404, 404, 404, 404, 404, 404),
    },
    "api_ratings.inbox": {
        "GET": _by(401, 200, 200, 200, 200, 200, 200),
    },
    "api_ratings.mine": {
        "GET": _by(401, 200, 200, 200, 200, 200, 200),
    },
    "api_ratings.put_rating": {
        "PUT": _by(401, 201, 404, 403, 404, 403, 403),
    },
    "api_users.create_user": {
        "POST": _by(401, 403, 403, 403, 403, 403, 201),
    },
    "api_users.erase_user": {
        "POST": _by(401, 403, 403, 403, 403, 403, 200),
    },
    "api_users.export_me": {
        "GET": _by(401, 200, 200, 200, 200, 200, 200),
    },
    "api_users.export_user": {
        "GET": _by(401, 403, 403, 403, 403, 403, 200),
    },
    "api_users.get_user": {
        "GET": _by(401, 403, 403, 403, 403, 403, 200),
    },
    "api_users.list_users": {
        "GET": _by(401, 403, 403, 403, 403, 403, 200),
    },
    "api_users.update_user": {
        "PATCH": _by(401, 403, 403, 403, 403, 403, 200),
    },
    "auth.change_password": {
        "GET": _by(LOGIN, 200, 200, 200, 200, 200, 200),
        "POST": _by(LOGIN, 302, 302, 302, 302, 302, 302),
    },
    "auth.login": {
        "GET": _by(200, 302, 302, 302, 302, 302, 302),
        "POST": _by(302, 302, 302, 302, 302, 302, 302),
    },
    "auth.logout": {
        "POST": _by(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
    },
    "calendars.detail": {
        "GET": _by(LOGIN, 200, 200, 200, 200, 200, 200),
    },
    "calendars.edit": {
        "GET": _by(LOGIN, 403, 403, 403, 403, 403, 200),
        "POST": _by(LOGIN, 403, 403, 403, 403, 403, 302),
    },
    "calendars.index": {
        "GET": _by(LOGIN, 200, 200, 200, 200, 200, 200),
    },
    "calendars.new": {
        "GET": _by(LOGIN, 403, 403, 403, 403, 403, 200),
        "POST": _by(LOGIN, 403, 403, 403, 403, 403, 302),
    },
    "commitments.catalog": {
        "GET": _by(LOGIN, 200, 200, 200, 200, 200, 200),
    },
    "commitments.compare": {
        "GET": _by(LOGIN, 403, 403, 200, 403, 403, 200),
    },
    "commitments.department": {
        "GET": _by(LOGIN, 200, 200, 200, 200, 200, 200),
    },
    "commitments.detail": {
        "GET": _by(LOGIN, 403, 403, 200, 403, 403, 200),
    },
    "commitments.edit": {
        "GET": _by(LOGIN, 403, 403, 200, 403, 403, 200),
        "POST": _by(LOGIN, 403, 403, 302, 403, 403, 302),
    },
    "commitments.new": {
        "GET": _by(LOGIN, 403, 403, 200, 403, 403, 200),
        "POST": _by(LOGIN, 403, 403, 302, 403, 403, 302),
    },
    "commitments.publish": {
        "POST": _by(LOGIN, 403, 403, 302, 403, 403, 302),
    },
    "commitments.retire": {
        "GET": _by(LOGIN, 403, 403, 200, 403, 403, 200),
        "POST": _by(LOGIN, 403, 403, 302, 403, 403, 302),
    },
    "dashboards.department": {
        "GET": _by(LOGIN, 403, 403, 200, 403, 200, 200),
    },
    "dashboards.department_csv": {
        "GET": _by(LOGIN, 403, 403, 200, 403, 200, 200),
    },
    "dashboards.flows": {
        "GET": _by(LOGIN, 200, 200, 200, 200, 200, 200),
    },
    "dashboards.flows_csv": {
        "GET": _by(LOGIN, 200, 200, 200, 200, 200, 200),
    },
    "dashboards.matrix": {
        "GET": _by(LOGIN, 200, 200, 200, 200, 200, 200),
    },
    "dashboards.matrix_csv": {
        "GET": _by(LOGIN, 200, 200, 200, 200, 200, 200),
    },
    "dashboards.movers": {
        "GET": _by(LOGIN, 200, 200, 200, 200, 200, 200),
    },
    "dashboards.movers_csv": {
        "GET": _by(LOGIN, 200, 200, 200, 200, 200, 200),
    },
    "dashboards.pair": {
        "GET": _by(LOGIN, 200, 403, 200, 403, 200, 200),
    },
    "dashboards.pair_csv": {
        "GET": _by(LOGIN, 200, 403, 200, 403, 200, 200),
    },
    "handoffs.act": {
        "POST": _by(LOGIN, 403, 404, 302, 404, 403, 302),
    },
    "handoffs.create": {
        "POST": _by(LOGIN, 302, 302, 403, 302, 302, 403),
    },
    "handoffs.delivered": {
        "GET": _by(LOGIN, 301, 301, 301, 301, 301, 301),
    },
    "handoffs.detail": {
        "GET": _by(LOGIN, 200, 404, 200, 404, 200, 200),
    },
    "handoffs.export_csv": {
        "GET": _by(LOGIN, 200, 200, 200, 200, 200, 200),
    },
    "handoffs.index": {
        "GET": _by(LOGIN, 200, 200, 200, 200, 200, 200),
    },
    "ratings.delivered": {
        "GET": _by(LOGIN, 403, 403, 200, 403, 200, 200),
    },
    "ratings.inbox": {
        "GET": _by(LOGIN, 200, 200, 200, 200, 200, 200),
    },
    "ratings.mine": {
        "GET": _by(LOGIN, 200, 200, 200, 200, 200, 200),
    },
    "ratings.rate_from_link": {  # a link of a consumer employee: theirs alone, signed in or not
        "GET": _by(200, 403, 403, 403, 403, 403, 403),
        "POST": _by(200, 403, 403, 403, 403, 403, 403),
    },
    "messages.index": {
        "GET": _by(LOGIN, 200, 200, 200, 200, 200, 200),
    },
    "messages.detail": {  # the marker's own message: nobody else reads it, administrators included
        "GET": _by(LOGIN, 404, 404, 404, 404, 404, 404),
    },
    "messages.settings": {  # each person their own
        "GET": _by(LOGIN, 200, 200, 200, 200, 200, 200),
        "POST": _by(LOGIN, 302, 302, 302, 302, 302, 302),
    },
    "messages.unsubscribe": {  # signed for one person and one kind of message: it needs no sign-in
        "GET": _by(200, 200, 200, 200, 200, 200, 200),
        "POST": _by(200, 200, 200, 200, 200, 200, 200),
    },
    "admin.messages": {
        "GET": _by(LOGIN, 403, 403, 403, 403, 403, 200),
    },
    "messages.channels": {  # the provider's: its lead and administrators
        "GET": _by(LOGIN, 403, 403, 200, 403, 403, 200),
        "POST": _by(LOGIN, 403, 403, 302, 403, 403, 302),
    },
    "messages.department_hours": {
        "POST": _by(LOGIN, 403, 403, 302, 403, 403, 302),
    },
    "messages.test_channel": {
        "POST": _by(LOGIN, 403, 403, 302, 403, 403, 302),
    },
    "messages.remove_channel": {
        "POST": _by(LOGIN, 403, 403, 302, 403, 403, 302),
    },
    "ratings.rate": {
        "GET": _by(LOGIN, 200, 404, 403, 404, 403, 403),
        "POST": _by(LOGIN, 302, 404, 403, 404, 403, 403),
    },
    "web.api_docs": {
        "GET": _by(200, 200, 200, 200, 200, 200, 200),
    },
    "web.health": {
        "GET": _by(200, 200, 200, 200, 200, 200, 200),
    },
    "web.home": {
        "GET": _by(LOGIN, 200, 200, 200, 200, 200, 200),
    },
    "web.set_locale": {
        "POST": _by(302, 302, 302, 302, 302, 302, 302),
    }
}
