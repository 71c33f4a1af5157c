"""Stored XSS: a payload corpus in every free-text field, every page rendered in chromium.

The corpus goes into department names (English and Chinese), people's names, calendar names,
commitment titles, descriptions and needs, handoff titles, external sources and references,
rating comments, API token names and audit details. Then every HTML page of the app is opened
as an administrator, as leadership and as an employee of the consumer department, and:

- no dialog opens and no Content Security Policy violation is reported;
- nothing the payloads would inject exists: no element with an `on*` attribute, no `img[src=x]`,
  no inline script other than `application/json` data, no `javascript:` link, no `<b>` from a name;
- `{{7*7}}` renders literally wherever the payload is shown;
- the Plotly figure JSON inside `<script type="application/json">` gives back the payload
  (with `</script>`, quotes and U+2028) unchanged. Department names never reach a figure (the
  figures use department codes), so commitment titles, which the scorecard's figures carry, are
  the names compared.

Reason tags are not free text: a payload as a reason tag is refused by the API and the form.
Browser tests run on SQLite, like the other browser journeys. Chromium is driven from a thread of
its own: Playwright's sync API refuses to start while another test module's browser (a session
fixture of tests/browser) is open in the same test process.
"""

from __future__ import annotations

import json
import threading

import pytest
from playwright.sync_api import sync_playwright

from tests import factories
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, REQUIRE_BROWSER, PageWatch, server  # noqa: F401
from tests.trust.routes import GET_URLS, periods
from tests.trust.world import build_world
from tracker.auth import services as auth_services
from tracker.extensions import db
from tracker.models import AuditEvent, Rating

TEMPLATE = "Xq5{{7*7}}"
PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "</script><script>alert(1)</script>",
    TEMPLATE,
    "'\"--><svg onload=alert(1)>",
    "line\u2028sep\u2029end",
    "it's \"quoted\" & <b>Xbold</b>",
    '<a href="javascript:alert(2)">Xlink</a>',
)
CORPUS = " ".join(PAYLOADS)  # 218 characters: too long for names of at most 200
SHORT = CORPUS[:200]
ROLES = ("admin", "leadership", "consumer_employee")
# Answers that are not HTML pages: CSV downloads, JSON and the API.
NOT_HTML = ("api", "web.health", "admin.export_person")
ADMIN_ONLY = ("admin.", "calendars.new", "calendars.edit")

INJECTED = """() => {
  const all = [...document.querySelectorAll("*")];
  const found = [];
  for (const e of all) {
    for (const a of e.attributes) {
      if (a.name.startsWith("on")) { found.push(e.tagName + " " + a.name); }
      if ((a.name === "href" || a.name === "xlink:href") && a.value.trim().toLowerCase().startsWith("javascript:")) {
        found.push(e.tagName + " javascript link");
      }
    }
  }
  for (const s of document.querySelectorAll("script:not([src])")) {
    if (s.type !== "application/json") { found.push("inline script " + s.textContent.slice(0, 40)); }
  }
  for (const i of document.querySelectorAll("img[src=x]")) { found.push("img src=x"); }
  for (const b of document.querySelectorAll("b")) {
    if (b.textContent.includes("Xbold")) { found.push("b from a name"); }
  }
  return found;
}"""
CSP_COLLECTOR = """
window.__csp = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI));
"""
FIGURES = """() => [...document.querySelectorAll('script[type="application/json"]')]
  .filter((s) => s.id.endsWith("-data")).map((s) => JSON.parse(s.textContent))"""


@pytest.fixture(params=["sqlite"])
def backend(request) -> str:
    return request.param


def _payload_world():
    """The trust world, with the corpus written into every free-text field."""
    world = build_world()
    for number, department in enumerate((world.provider, world.consumer, world.other, world.executive)):
        department.name = SHORT if number % 2 == 0 else CORPUS[-200:]
        department.name_zh = CORPUS[-200:]
    for person in world.people.values():
        person.display_name = SHORT
    world.calendar.name = PAYLOADS[0]
    for payload in PAYLOADS[1:]:
        factories.make_calendar(name=payload)
    for commitment in (world.published, world.draft):
        version = commitment.current_version
        version.title, version.description, version.needs_from_consumer = SHORT, CORPUS, CORPUS
    handoffs = [*world.rated, world.open, world.delivered]
    for number, handoff in enumerate(handoffs):
        handoff.title = CORPUS
        handoff.external_source = PAYLOADS[number % len(PAYLOADS)][:64]
        handoff.external_ref = PAYLOADS[(number + 1) % len(PAYLOADS)]
    for rating in db.session.scalars(db.select(Rating)):
        rating.comment = CORPUS
    auth_services.create_token(world.people["admin"], name=PAYLOADS[1])
    db.session.add(AuditEvent(actor_id=world.people["admin"].id, action="user.update", target_type="User",
                              target_id=world.people["marker"].id, details={"note": CORPUS, "role": PAYLOADS[5]}))
    db.session.commit()
    return world


def _html_urls(world, role: str) -> list[str]:
    """One address per HTML page (two for the scorecard, whose figures carry titles).

    Pages only administrators may open answer others with the error page, which is checked once.
    """
    when = periods()
    urls = []
    for endpoint, make in GET_URLS.items():
        if endpoint.startswith(NOT_HTML) or endpoint.endswith("_csv"):
            continue
        if role != "admin" and endpoint.startswith(ADMIN_ONLY):
            continue
        found = make(world, when)
        urls += found[:2] if endpoint == "dashboards.department" else found[:1]
    return urls


def _visit(page, url: str) -> dict:
    page.goto(url, wait_until="load")
    if page.locator("[data-figure]").count():
        page.wait_for_function("() => [...document.querySelectorAll('[data-figure]')]"
                               ".every((e) => e.classList.contains('js-plotly-plot'))", timeout=10_000)
    text = page.evaluate("() => document.body.innerText")
    return {"injected": page.evaluate(INJECTED), "csp": page.evaluate("() => window.__csp"),
            "template_shown": text.count("Xq5"), "template_literal": text.count(TEMPLATE),
            "figures": page.evaluate(FIGURES)}


def _in_thread(work):
    """Run `work` in a new thread and hand back its result or its exception."""
    outcome = {}

    def run():
        try:
            outcome["value"] = work()
        except BaseException as exc:  # raised again in the test thread
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _sign_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/login" not in url)


def _render_everything(base_url: str, visits: dict[str, list[str]]) -> dict:
    problems, figure_names, literal = [], set(), 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            for email, urls in visits.items():
                context = browser.new_context(base_url=base_url)
                context.add_init_script(CSP_COLLECTOR)
                page = context.new_page()
                watch = PageWatch(page)
                try:
                    _sign_in(page, email)
                    for url in urls:
                        seen = _visit(page, url)
                        problems += [f"{email} {url}: {what}" for what in seen["injected"]]
                        problems += [f"{email} {url}: CSP {what}" for what in seen["csp"]]
                        if seen["template_shown"] != seen["template_literal"]:
                            problems.append(f"{email} {url}: {{{{7*7}}}} was evaluated")
                        literal += seen["template_literal"]
                        for figure in seen["figures"]:
                            for trace in figure["data"]:
                                figure_names.update(x for x in trace.get("x") or [] if isinstance(x, str))
                                figure_names.add(str(trace.get("name")))
                finally:
                    context.close()
                problems += [f"{email}: dialog {message!r}" for message in watch.dialogs]
        finally:
            browser.close()
    return {"problems": problems, "figure_names": figure_names, "literal": literal}


def test_every_page_renders_the_corpus_as_text(app, server):  # noqa: F811 (fixture)
    if not CHROMIUM.exists():
        if REQUIRE_BROWSER:
            pytest.fail(f"TRACKER_REQUIRE_BROWSER=1 but {CHROMIUM} is missing", pytrace=False)
        pytest.skip(f"{CHROMIUM} is not installed")
    world = _payload_world()
    visits = {world.people[role].email: _html_urls(world, role) for role in ROLES}
    seen = _in_thread(lambda: _render_everything(server.url, visits))
    assert seen["problems"] == []
    assert seen["literal"] > 50, "the payloads should be shown on many pages"
    assert SHORT in seen["figure_names"], "the scorecard figure should carry the commitment title unchanged"


def test_reason_tags_are_not_free_text(app, client, auth):
    world = build_world()
    auth.login(world.people["consumer_employee"])
    before = db.session.scalar(db.select(db.func.count()).select_from(Rating))
    api = client.put(f"/api/v1/handoffs/{world.delivered.id}/rating",
                     json={"satisfaction": 1, "collaboration": 1, "reasons": [PAYLOADS[0]]})
    form = client.post(f"/handoffs/{world.delivered.id}/rate",
                       data={"satisfaction": "1", "collaboration": "1", "reasons": [PAYLOADS[1]]})
    after = db.session.scalar(db.select(db.func.count()).select_from(Rating))
    assert (api.status_code, form.status_code, after) == (422, 422, before)
    assert "reasons" in json.dumps(api.json["errors"])
