"""How to call every route of the app against a SecurityWorld: the URL with its arguments and a valid body.

Each entry is (endpoint, method) -> a function (world, caller) -> (url, request keyword arguments).
Requests that use an object up (deliver, publish, erase ...) get a fresh object, so that no call
depends on another and an allowed caller always meets a valid state. The static endpoints are
left out on purpose: they serve files, not data.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import sqlalchemy as sa

from tests import factories
from tests.factories import DEAD_CHANNEL, MARKER_ID, SecurityWorld
from tracker.extensions import db
from tracker.metrics.periods import label
from tracker.metrics.ranges import finished_starts

STATIC_ENDPOINTS = ("static", "bootstrap.static")
SKIPPED_METHODS = {"HEAD", "OPTIONS"}
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
# Columns that reading may touch: when a session was last seen, when a token was last used.
TOUCHED_COLUMNS = {"last_seen_at", "last_used_at"}

Call = Callable[[SecurityWorld, str], tuple[str, dict]]
NEW_PASSWORD = "cobalt ledger sunflower"  # a password the policy accepts


def url_rules(app) -> set[tuple[str, str]]:
    """Every (endpoint, method) the app answers, static files and HEAD/OPTIONS aside."""
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in STATIC_ENDPOINTS
        for method in rule.methods - SKIPPED_METHODS
    }


def _get(url: str) -> Call:
    return lambda w, caller: (url.format(w=w), {})


def _commitment_form(w: SecurityWorld, title: str) -> dict:
    return {"title": title, "description": "Delivered as promised.", "needs_from_consumer": "A request.",
            "target_amount": "3", "target_unit": "business_days", "attainment_target": "90",
            "satisfaction_target": "4", "calendar": str(w.calendar.id), "owner": str(w.people["provider_lead"].id),
            "review_cadence": "month", "save": "Save"}


def _calendar_form(name: str) -> dict:
    return {"name": name, "timezone": "Europe/Berlin", "weekdays": ["0", "1", "2"], "hours": "08:00-16:00",
            "country": "DE", "subdivision": "", "closures": "", "extra_working_days": "", "save": "Save"}


def _commitment_json(w: SecurityWorld) -> dict:
    return {"provider": w.provider.code, "title": w.unique("API commitment "), "description": "d",
            "needs_from_consumer": "n", "consumers": [], "target": {"amount": 2, "unit": "business_days"},
            "attainment_target": 0.95, "satisfaction_target": 4.0, "calendar": w.calendar.id,
            "owner": w.people["provider_lead"].email}


def _import_csv(w: SecurityWorld) -> dict:
    body = f"commitment,consumer,title,external_ref\n{w.published.id},CON,Imported,{w.unique('REF-')}\n"
    return {"data": body, "content_type": "text/csv"}


def _erase_form(w: SecurityWorld) -> tuple[str, dict]:
    user = w.fresh_user()
    return f"/admin/people/{user.id}/erase", {"data": {"confirm_email": user.email}}


def _person_form(w: SecurityWorld) -> tuple[str, dict]:
    user = w.fresh_user()
    return f"/admin/people/{user.id}", {"data": {"display_name": "Renamed person", "role": "employee",
                                                 "department": "OTH", "locale": "", "active": "y"}}


def _login(w: SecurityWorld, caller: str) -> tuple[str, dict]:
    user = factories.make_user(department=w.other)
    db.session.commit()
    return "/login", {"data": {"email": user.email, "password": factories.PASSWORD}}


CALLS: dict[tuple[str, str], Call] = {
    # --- pages --------------------------------------------------------------------------------
    ("web.home", "GET"): _get("/"),
    ("web.health", "GET"): _get("/healthz"),
    ("web.api_docs", "GET"): _get("/api/v1/docs"),
    ("web.set_locale", "POST"): lambda w, c: ("/locale", {"data": {"locale": "en", "next": "/"}}),
    ("auth.login", "GET"): _get("/login"),
    ("auth.login", "POST"): _login,
    ("auth.logout", "POST"): lambda w, c: ("/logout", {}),
    ("auth.change_password", "GET"): _get("/account/password"),
    ("auth.change_password", "POST"): lambda w, c: ("/account/password", {"data": {
        "old_password": factories.PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}}),
    ("admin.index", "GET"): _get("/admin"),
    ("admin.audit", "GET"): _get("/admin/audit"),
    ("admin.people", "GET"): _get("/admin/people"),
    ("admin.people", "POST"): lambda w, c: ("/admin/people", {"data": {
        "email": f"{w.unique('new')}@example.test", "display_name": "New person", "role": "employee",
        "department": "OTH", "password": ""}}),
    ("admin.person", "GET"): _get("/admin/people/{w.people[consumer_employee].id}"),
    ("admin.person", "POST"): lambda w, c: _person_form(w),
    ("admin.export_person", "GET"): _get("/admin/people/{w.people[consumer_employee].id}/export"),
    ("admin.erase_person", "POST"): lambda w, c: _erase_form(w),
    ("admin.tokens", "GET"): _get("/admin/tokens"),
    ("admin.revoke_token", "POST"): lambda w, c: (f"/admin/tokens/{w.fresh_token()}/revoke", {}),
    ("calendars.index", "GET"): _get("/calendars"),
    ("calendars.detail", "GET"): _get("/calendars/{w.calendar.id}"),
    ("calendars.new", "GET"): _get("/calendars/new"),
    ("calendars.new", "POST"): lambda w, c: ("/calendars/new", {"data": _calendar_form(w.unique("Berlin "))}),
    ("calendars.edit", "GET"): _get("/calendars/{w.calendar.id}/edit"),
    ("calendars.edit", "POST"): lambda w, c: (f"/calendars/{w.calendar.id}/edit",
                                              {"data": _calendar_form(w.unique("Renamed "))}),
    ("commitments.catalog", "GET"): _get("/commitments?scope=all&status=any"),
    ("commitments.department", "GET"): _get("/departments/PRV"),
    ("commitments.detail", "GET"): _get("/commitments/{w.draft.id}"),
    ("commitments.compare", "GET"): _get("/commitments/{w.draft.id}/compare"),
    ("commitments.new", "GET"): _get("/departments/PRV/commitments/new"),
    ("commitments.new", "POST"): lambda w, c: ("/departments/PRV/commitments/new",
                                               {"data": _commitment_form(w, w.unique("Form commitment "))}),
    ("commitments.edit", "GET"): _get("/commitments/{w.draft.id}/edit"),
    ("commitments.edit", "POST"): lambda w, c: (f"/commitments/{w.fresh_commitment().id}/edit",
                                                {"data": _commitment_form(w, w.unique("Revised "))}),
    ("commitments.publish", "POST"): lambda w, c: (f"/commitments/{w.fresh_commitment('draft').id}/publish", {}),
    ("commitments.retire", "GET"): _get("/commitments/{w.published.id}/retire"),
    ("commitments.retire", "POST"): lambda w, c: (f"/commitments/{w.fresh_commitment().id}/retire", {}),
    ("handoffs.index", "GET"): _get("/handoffs"),
    ("handoffs.create", "POST"): lambda w, c: ("/handoffs", {"data": {"commitment": str(w.published.id),
                                                                     "title": "Requested by form"}}),
    ("handoffs.export_csv", "GET"): _get("/handoffs/export.csv"),
    ("handoffs.detail", "GET"): _get("/handoffs/{w.open.id}"),
    ("handoffs.act", "POST"): lambda w, c: (f"/handoffs/{w.fresh_handoff().id}/deliver", {}),
    ("handoffs.delivered", "GET"): _get("/handoffs/delivered?provider=PRV"),
    ("ratings.delivered", "GET"): _get("/ratings/delivered?provider=PRV"),
    ("ratings.inbox", "GET"): _get("/ratings/inbox"),
    ("ratings.mine", "GET"): _get("/ratings/mine"),
    ("ratings.rate", "GET"): _get("/handoffs/{w.delivered.id}/rate"),
    ("ratings.rate_from_link", "GET"): lambda w, c: (w.fresh_link(), {}),
    ("ratings.rate_from_link", "POST"): lambda w, c: (w.fresh_link(), {"data": {"satisfaction": "4",
                                                                                 "collaboration": "5"}}),
    ("messages.index", "GET"): _get("/messages"),
    ("messages.detail", "GET"): _get("/messages/{w.marker_message_id}"),
    ("admin.messages", "GET"): _get("/admin/messages"),
    ("messages.settings", "GET"): _get("/messages/settings"),
    ("messages.settings", "POST"): lambda w, c: ("/messages/settings", {"data": {
        "rating_request": "app", "due_soon": "mail", "overdue": "mail", "budget": "mail",
        "satisfaction_drop": "mail", "digest": "mail"}}),
    ("messages.unsubscribe", "GET"): lambda w, c: (w.fresh_unsubscribe(), {}),
    ("messages.unsubscribe", "POST"): lambda w, c: (w.fresh_unsubscribe(), {}),
    ("messages.channels", "GET"): _get("/departments/PRV/channels"),
    ("messages.channels", "POST"): lambda w, c: ("/departments/PRV/channels", {"data": {
        "label": w.unique("Desk "), "address": DEAD_CHANNEL, "locale": "en"}}),
    ("messages.department_hours", "POST"): lambda w, c: ("/departments/PRV/hours", {"data": {
        "calendar": str(w.calendar.id)}}),
    ("messages.test_channel", "POST"): lambda w, c: (f"/departments/PRV/channels/{w.fresh_channel()}/test", {}),
    ("messages.remove_channel", "POST"): lambda w, c: (f"/departments/PRV/channels/{w.fresh_channel()}/remove", {}),
    ("ratings.rate", "POST"): lambda w, c: (f"/handoffs/{w.fresh_handoff('delivered').id}/rate",
                                            {"data": {"satisfaction": "4", "collaboration": "5", "comment": "ok"}}),
    ("dashboards.matrix", "GET"): _get("/dashboards"),
    ("dashboards.matrix_csv", "GET"): _get("/dashboards/matrix.csv"),
    ("dashboards.pair", "GET"): _get("/dashboards/pairs/PRV/CON"),
    ("dashboards.pair_csv", "GET"): _get("/dashboards/pairs/PRV/CON.csv"),
    ("dashboards.department", "GET"): _get("/dashboards/departments/PRV"),
    ("dashboards.department_csv", "GET"): _get("/dashboards/departments/PRV.csv"),
    ("dashboards.flows", "GET"): _get("/dashboards/flows"),
    ("dashboards.flows_csv", "GET"): _get("/dashboards/flows.csv"),
    ("dashboards.movers", "GET"): _get("/dashboards/movers"),
    ("dashboards.movers_csv", "GET"): _get("/dashboards/movers.csv"),
    # --- API ----------------------------------------------------------------------------------
    ("api-docs.openapi_json", "GET"): _get("/api/v1/openapi.json"),
    ("api_me.me", "GET"): _get("/api/v1/me"),
    ("api_me.list_tokens", "GET"): _get("/api/v1/tokens"),
    ("api_me.create_token", "POST"): lambda w, c: ("/api/v1/tokens", {"json": {"name": "matrix"}}),
    ("api_me.revoke_token", "DELETE"): lambda w, c: (f"/api/v1/tokens/{w.fresh_token()}", {}),
    ("api_users.export_me", "GET"): _get("/api/v1/me/export"),
    ("api_users.list_users", "GET"): _get("/api/v1/users"),
    ("api_users.create_user", "POST"): lambda w, c: ("/api/v1/users", {"json": {
        "email": f"{w.unique('api')}@example.test", "display_name": "API person", "department": "OTH"}}),
    ("api_users.get_user", "GET"): _get("/api/v1/users/{w.people[consumer_employee].id}"),
    ("api_users.update_user", "PATCH"): lambda w, c: (f"/api/v1/users/{w.fresh_user().id}",
                                                      {"json": {"display_name": "Renamed by API"}}),
    ("api_users.export_user", "GET"): _get("/api/v1/users/{w.people[consumer_employee].id}/export"),
    ("api_users.erase_user", "POST"): lambda w, c: (f"/api/v1/users/{w.fresh_user().id}/erase",
                                                    {"json": {"confirm": True}}),
    ("api_departments.list_departments", "GET"): _get("/api/v1/departments"),
    ("api_departments.create_department", "POST"): lambda w, c: ("/api/v1/departments", {"json": {
        "code": w.unique("NEW"), "name": "New department"}}),
    ("api_departments.get_department", "GET"): _get("/api/v1/departments/PRV"),
    ("api_calendars.list_calendars", "GET"): _get("/api/v1/calendars"),
    ("api_calendars.create_calendar", "POST"): lambda w, c: ("/api/v1/calendars", {"json": {
        "name": w.unique("API calendar "), "timezone": "UTC", "weekdays": [0], "hours": [["09:00", "17:00"]]}}),
    ("api_calendars.get_calendar", "GET"): _get("/api/v1/calendars/{w.calendar.id}"),
    ("api_calendars.update_calendar", "PATCH"): lambda w, c: (f"/api/v1/calendars/{w.calendar.id}",
                                                              {"json": {"name": w.unique("Patched ")}}),
    ("api_calendars.due", "GET"): _get("/api/v1/calendars/{w.calendar.id}/due?from=2025-01-24T17:00:00%2B08:00"
                                       "&amount=4&unit=business_hours"),
    ("api_calendars.working_days", "GET"): _get("/api/v1/calendars/{w.calendar.id}/working-days"),
    ("api_commitments.list_commitments", "GET"): _get("/api/v1/commitments"),
    ("api_commitments.create_commitment", "POST"): lambda w, c: ("/api/v1/commitments",
                                                                 {"json": _commitment_json(w)}),
    ("api_commitments.get_commitment", "GET"): _get("/api/v1/commitments/{w.draft.id}"),
    ("api_commitments.update_commitment", "PATCH"): lambda w, c: (
        f"/api/v1/commitments/{w.fresh_commitment().id}", {"json": {"title": w.unique("Revised by API ")}}),
    ("api_commitments.publish_commitment", "POST"): lambda w, c: (
        f"/api/v1/commitments/{w.fresh_commitment('draft').id}/publish", {}),
    ("api_commitments.retire_commitment", "POST"): lambda w, c: (
        f"/api/v1/commitments/{w.fresh_commitment().id}/retire", {}),
    ("api_commitments.list_versions", "GET"): _get("/api/v1/commitments/{w.draft.id}/versions"),
    ("api_handoffs.list_handoffs", "GET"): _get("/api/v1/handoffs"),
    ("api_handoffs.create_handoff", "POST"): lambda w, c: ("/api/v1/handoffs", {"json": {
        "commitment": w.published.id, "consumer": "CON", "title": "Requested by API"}}),
    ("api_handoffs.get_handoff", "GET"): _get("/api/v1/handoffs/{w.open.id}"),
    ("api_handoffs.deliver", "POST"): lambda w, c: (f"/api/v1/handoffs/{w.fresh_handoff().id}/deliver",
                                                    {"json": {}}),
    ("api_handoffs.pause", "POST"): lambda w, c: (f"/api/v1/handoffs/{w.fresh_handoff().id}/pause",
                                                  {"json": {"reason": "waiting_on_consumer"}}),
    ("api_handoffs.resume", "POST"): lambda w, c: (f"/api/v1/handoffs/{w.fresh_handoff('paused').id}/resume",
                                                   {"json": {}}),
    ("api_handoffs.cancel", "POST"): lambda w, c: (f"/api/v1/handoffs/{w.fresh_handoff().id}/cancel",
                                                   {"json": {}}),
    ("api_handoffs.reopen", "POST"): lambda w, c: (f"/api/v1/handoffs/{w.fresh_handoff('delivered').id}/reopen",
                                                   {"json": {}}),
    ("api_handoffs.import_handoffs", "POST"): lambda w, c: ("/api/v1/handoffs/import?source=matrix",
                                                            _import_csv(w)),
    ("api_ratings.put_rating", "PUT"): lambda w, c: (f"/api/v1/handoffs/{w.fresh_handoff('delivered').id}/rating",
                                                     {"json": {"satisfaction": 4, "collaboration": 4}}),
    ("api_ratings.get_rating", "GET"): _get("/api/v1/handoffs/{w.rated[2].id}/rating"),
    ("api_ratings.inbox", "GET"): _get("/api/v1/ratings/inbox"),
    ("api_ratings.mine", "GET"): _get("/api/v1/ratings/mine"),
    ("api_metrics.pairs", "GET"): _get("/api/v1/metrics/pairs?period=quarter"),
    ("api_metrics.pair", "GET"): _get("/api/v1/metrics/pairs/PRV/CON"),
    ("api_metrics.commitment", "GET"): _get("/api/v1/metrics/commitments/{w.draft.id}"),
}


def snapshot() -> dict[str, list]:
    """Every row of every table, in a stable order, without the columns reads may touch."""
    db.session.commit()
    found = {}
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if c.name not in TOUCHED_COLUMNS]
        rows = db.session.execute(sa.select(*columns)).all()
        found[table.name] = sorted(tuple(map(repr, row)) for row in rows)
    return found


def ordered(keys) -> list[tuple[str, str]]:
    """Reads first, then writes; signing in and out last, since they change who the client is."""
    def rank(key):
        endpoint, method = key
        return (endpoint.startswith("auth."), endpoint == "auth.logout", method != "GET", endpoint, method)

    return sorted(keys, key=rank)


def periods() -> dict:
    today = datetime.now(UTC).date()
    last_quarter = finished_starts("quarter", 1)[0]
    return {"today": today.isoformat(), "old": last_quarter.replace(day=25).isoformat(),
            "quarter": label(last_quarter, "quarter")}


def _dashboards(path: str, p: dict) -> list[str]:
    return [path, *(f"{path}?period={kind}&at={p['today']}" for kind in ("week", "month")),
            f"{path}?period=quarter&at={p['old']}"]


def _ranges(path: str, p: dict) -> list[str]:
    return [path, *(f"{path}?period={kind}&from={p['old']}&to={p['today']}" for kind in ("week", "month", "quarter"))]


# GET endpoint -> (world, periods) -> URLs to fetch, with the query variants that change what is shown.
# Every GET route is here (tests/security/test_marker.py checks it).
GET_URLS = {
    "web.home": lambda w, p: ["/"],
    "web.health": lambda w, p: ["/healthz"],
    "web.api_docs": lambda w, p: ["/api/v1/docs"],
    "auth.login": lambda w, p: ["/login"],
    "auth.change_password": lambda w, p: ["/account/password"],
    "admin.index": lambda w, p: ["/admin"],
    "admin.audit": lambda w, p: ["/admin/audit", "/admin/audit?action=user.export"],
    "admin.people": lambda w, p: ["/admin/people", "/admin/people?q=zyxq"],
    "admin.person": lambda w, p: [f"/admin/people/{MARKER_ID}", f"/admin/people/{w.people['provider_lead'].id}"],
    "admin.export_person": lambda w, p: [f"/admin/people/{MARKER_ID}/export"],
    "admin.tokens": lambda w, p: ["/admin/tokens"],
    "calendars.index": lambda w, p: ["/calendars"],
    "calendars.detail": lambda w, p: [f"/calendars/{w.calendar.id}"],
    "calendars.new": lambda w, p: ["/calendars/new"],
    "calendars.edit": lambda w, p: [f"/calendars/{w.calendar.id}/edit"],
    "commitments.catalog": lambda w, p: ["/commitments", "/commitments?scope=all&status=any", "/commitments?q=a"],
    "commitments.department": lambda w, p: ["/departments/PRV", "/departments/CON"],
    "commitments.detail": lambda w, p: [f"/commitments/{w.published.id}", f"/commitments/{w.draft.id}"],
    "commitments.compare": lambda w, p: [f"/commitments/{w.published.id}/compare"],
    "commitments.new": lambda w, p: ["/departments/PRV/commitments/new", "/departments/CON/commitments/new"],
    "commitments.edit": lambda w, p: [f"/commitments/{w.published.id}/edit"],
    "commitments.retire": lambda w, p: [f"/commitments/{w.published.id}/retire"],
    "handoffs.index": lambda w, p: ["/handoffs", "/handoffs?status=delivered", "/handoffs?consumer=CON&page=2"],
    "handoffs.export_csv": lambda w, p: ["/handoffs/export.csv", "/handoffs/export.csv?status=delivered"],
    "handoffs.detail": lambda w, p: [f"/handoffs/{h.id}" for h in (*w.rated, w.delivered, w.open)],
    "handoffs.delivered": lambda w, p: ["/handoffs/delivered?provider=PRV"],
    "ratings.delivered": lambda w, p: ["/ratings/delivered", "/ratings/delivered?provider=PRV",
                                       f"/ratings/delivered?provider=PRV&quarter={p['quarter']}"],
    "ratings.inbox": lambda w, p: ["/ratings/inbox"],
    "ratings.mine": lambda w, p: ["/ratings/mine"],
    "ratings.rate": lambda w, p: [f"/handoffs/{h.id}/rate" for h in (*w.rated, w.delivered)],
    "ratings.rate_from_link": lambda w, p: [w.marker_link],
    "messages.index": lambda w, p: ["/messages", "/messages?page=2"],
    "messages.detail": lambda w, p: [f"/messages/{w.marker_message_id}"],
    "admin.messages": lambda w, p: ["/admin/messages"],
    "messages.settings": lambda w, p: ["/messages/settings"],
    "messages.unsubscribe": lambda w, p: [w.marker_unsubscribe],
    "messages.channels": lambda w, p: ["/departments/PRV/channels"],
    "dashboards.matrix": lambda w, p: [*_dashboards("/dashboards", p),
                                       *(f"/dashboards?metric={m}" for m in ("collaboration", "csat", "attainment"))],
    "dashboards.matrix_csv": lambda w, p: [*_dashboards("/dashboards/matrix.csv", p),
                                           "/dashboards/matrix.csv?metric=csat"],
    "dashboards.pair": lambda w, p: [*_ranges("/dashboards/pairs/PRV/CON", p), "/dashboards/pairs/CON/PRV"],
    "dashboards.pair_csv": lambda w, p: _ranges("/dashboards/pairs/PRV/CON.csv", p),
    "dashboards.department": lambda w, p: [*_ranges("/dashboards/departments/PRV", p), "/dashboards/departments/CON"],
    "dashboards.department_csv": lambda w, p: _ranges("/dashboards/departments/PRV.csv", p),
    "dashboards.flows": lambda w, p: _ranges("/dashboards/flows", p),
    "dashboards.flows_csv": lambda w, p: _ranges("/dashboards/flows.csv", p),
    "dashboards.movers": lambda w, p: _dashboards("/dashboards/movers", p),
    "dashboards.movers_csv": lambda w, p: _dashboards("/dashboards/movers.csv", p),
    "api-docs.openapi_json": lambda w, p: ["/api/v1/openapi.json"],
    "api_me.me": lambda w, p: ["/api/v1/me"],
    "api_me.list_tokens": lambda w, p: ["/api/v1/tokens"],
    "api_users.export_me": lambda w, p: ["/api/v1/me/export"],
    "api_users.list_users": lambda w, p: ["/api/v1/users", "/api/v1/users?q=zyxq", "/api/v1/users?department=CON"],
    "api_users.get_user": lambda w, p: [f"/api/v1/users/{MARKER_ID}"],
    "api_users.export_user": lambda w, p: [f"/api/v1/users/{MARKER_ID}/export"],
    "api_departments.list_departments": lambda w, p: ["/api/v1/departments"],
    "api_departments.get_department": lambda w, p: ["/api/v1/departments/CON"],
    "api_calendars.list_calendars": lambda w, p: ["/api/v1/calendars"],
    "api_calendars.get_calendar": lambda w, p: [f"/api/v1/calendars/{w.calendar.id}"],
    "api_calendars.due": lambda w, p: [f"/api/v1/calendars/{w.calendar.id}/due?from=2026-01-05T09:00:00Z"
                                       "&amount=4&unit=business_hours"],
    "api_calendars.working_days": lambda w, p: [f"/api/v1/calendars/{w.calendar.id}/working-days"],
    "api_commitments.list_commitments": lambda w, p: ["/api/v1/commitments", "/api/v1/commitments?status=draft"],
    "api_commitments.get_commitment": lambda w, p: [f"/api/v1/commitments/{w.published.id}"],
    "api_commitments.list_versions": lambda w, p: [f"/api/v1/commitments/{w.published.id}/versions"],
    "api_handoffs.list_handoffs": lambda w, p: ["/api/v1/handoffs", "/api/v1/handoffs?status=delivered&page_size=500"],
    "api_handoffs.get_handoff": lambda w, p: [f"/api/v1/handoffs/{h.id}" for h in (*w.rated, w.delivered)],
    "api_ratings.get_rating": lambda w, p: [f"/api/v1/handoffs/{h.id}/rating" for h in (*w.rated, w.delivered)],
    "api_ratings.inbox": lambda w, p: ["/api/v1/ratings/inbox"],
    "api_ratings.mine": lambda w, p: ["/api/v1/ratings/mine"],
    "api_metrics.pairs": lambda w, p: [f"/api/v1/metrics/pairs?period={kind}&metric={metric}"
                                       for kind in ("week", "month", "quarter")
                                       for metric in ("satisfaction", "collaboration", "csat", "attainment")],
    "api_metrics.pair": lambda w, p: [f"/api/v1/metrics/pairs/PRV/CON?period={kind}&from={p['old']}&to={p['today']}"
                                      for kind in ("week", "month", "quarter")],
    "api_metrics.commitment": lambda w, p: [f"/api/v1/metrics/commitments/{w.published.id}?period=week"],
}
