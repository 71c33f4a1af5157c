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
  (with quotes and U+2028) unchanged, in the escaped form Plotly shows literally: department
  names (the matrix's axis labels) and commitment titles (the scorecard's bars) are read back
  with JSON.parse and compared;
- a department name and a commitment title `<a href="https://evil.example/">x</a>` become no
  link inside any chart's SVG, and the literal text is drawn.

Reason tags are not free text: a payload as a reason tag is refused by the API and the form.
Browser tests run on SQLite, like the other browser journeys, in the shared chromium (`browser`).
"""

from __future__ import annotations

import json

from dashboards.figures import plotly_text
from tests import factories
from tests.browser.helpers import ON_SQLITE, PageWatch, sign_in
from tests.factories import build_security_world
from tests.security.routes import GET_URLS, periods
from tracker.auth import services as auth_services
from tracker.extensions import db
from tracker.models import AuditEvent, Rating

# The corpus is rendered on SQLite, as every page a browser reads in the tests.
pytestmark = [ON_SQLITE]

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
PROVIDER_NAME, CONSUMER_NAME, TITLE = SHORT, CORPUS[-200:], "T " + CORPUS[:198]
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


def _payload_world():
    """The trust world, with the corpus written into every free-text field."""
    world = build_security_world()
    for number, department in enumerate((world.provider, world.consumer, world.other, world.executive)):
        department.name = PROVIDER_NAME if number % 2 == 0 else CONSUMER_NAME
        department.name_zh = CORPUS[-200:]
    for person in world.people.values():
        person.display_name = SHORT
    world.calendar.name = PAYLOADS[0]
    for payload in PAYLOADS[1:]:
        factories.make_calendar(name=payload)
    for commitment in (world.published, world.draft):
        version = commitment.current_version
        version.title, version.description, version.needs_from_consumer = TITLE, CORPUS, CORPUS
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


def _strings(value) -> set[str]:
    """Every string inside a parsed figure."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set().union(*map(_strings, value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*map(_strings, value)) if value else set()
    return set()


def test_every_page_renders_the_corpus_as_text(app, browser, server):
    world = _payload_world()
    problems, figure_strings, literal = [], set(), 0
    for role in ROLES:
        context = browser.new_context(base_url=server.url)
        context.add_init_script(CSP_COLLECTOR)
        page = context.new_page()
        watch = PageWatch(page)
        try:
            sign_in(page, world.people[role].email, factories.PASSWORD)
            for url in _html_urls(world, role):
                seen = _visit(page, url)
                problems += [f"{role} {url}: {what}" for what in seen["injected"]]
                problems += [f"{role} {url}: CSP {what}" for what in seen["csp"]]
                if seen["template_shown"] != seen["template_literal"]:
                    problems.append(f"{role} {url}: {{{{7*7}}}} was evaluated")
                literal += seen["template_literal"]
                figure_strings |= _strings(seen["figures"])
        finally:
            context.close()
        problems += [f"{role}: dialog {message!r}" for message in watch.dialogs]
    assert problems == []
    assert literal > 50, "the payloads should be shown on many pages"
    shown = {plotly_text(text) for text in (PROVIDER_NAME, CONSUMER_NAME, TITLE)}
    assert shown <= figure_strings, "figures should give the names back unchanged, escaped for Plotly"


LINK = '<a href="https://evil.example/">x</a>'
CHART_LINKS = """() => [...document.querySelectorAll('.js-plotly-plot svg a')].map((a) => a.outerHTML)"""
CHART_TEXTS = """() => [...document.querySelectorAll('.js-plotly-plot svg text')].map((t) => t.textContent)"""


def test_names_in_charts_are_text_not_links(app, browser, server):
    world = build_security_world()
    for department in (world.provider, world.consumer, world.other, world.executive):
        department.name = LINK
    world.published.current_version.title = LINK
    db.session.commit()
    when = periods()
    urls = [GET_URLS[endpoint](world, when)[0] for endpoint in GET_URLS
            if endpoint.startswith("dashboards.") and not endpoint.endswith("_csv")]
    context = browser.new_context(base_url=server.url)
    page = context.new_page()
    links, drawn = [], []
    try:
        sign_in(page, world.people["admin"].email, factories.PASSWORD)
        for url in urls:
            _visit(page, url)
            links += [f"{url}: {link}" for link in page.evaluate(CHART_LINKS)]
            if any(LINK in text for text in page.evaluate(CHART_TEXTS)):
                drawn.append(url)
    finally:
        context.close()
    assert links == []
    # The world has no period before its rated one, so the movers chart has no pair to name;
    # its texts are checked on to_dict() in tests/dashboards/test_figure_markup.py.
    assert drawn == [url for url in urls if not url.startswith("/dashboards/movers")]


def test_reason_tags_are_not_free_text(app, client, auth):
    world = build_security_world()
    auth.login(world.people["consumer_employee"])
    before = db.session.scalar(db.select(db.func.count()).select_from(Rating))
    api = client.put(f"/api/v1/handoffs/{world.delivered.id}/rating",
                     json={"satisfaction": 1, "collaboration": 1, "reasons": [PAYLOADS[0]]})
    form = client.post(f"/handoffs/{world.delivered.id}/rate",
                       data={"satisfaction": "1", "collaboration": "1", "reasons": [PAYLOADS[1]]})
    after = db.session.scalar(db.select(db.func.count()).select_from(Rating))
    assert (api.status_code, form.status_code, after) == (422, 422, before)
    assert "reasons" in json.dumps(api.json["errors"])
