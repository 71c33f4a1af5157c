"""The journeys of the tracker, end to end in chromium, in English and in Chinese.

Elements are found by their role and accessible name, in the reader's language, so the tests
also prove that every control they touch has a label. In Chinese, every step's visible text is
checked for English left untranslated (the world's own data is written in Chinese there).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext
from playwright.sync_api import expect
from sqlalchemy import func, select

from tests import factories
from tests.browser.helpers import PageWatch, screenshot, sign_in
from tests.factories import Org, at
from tests.i18n.reading import english_leftovers, english_messages, visible_text
from tests.live import LiveServer, free_port
from tracker.extensions import db
from tracker.handoffs.services import create_handoff
from tracker.messages.mail import deliver_due
from tracker.metrics.releases import is_due
from tracker.models import Rating

pytestmark = [pytest.mark.browser, pytest.mark.server]

LANGUAGES = ["en", "zh"]
# The world's data in each language: departments, titles.
DATA = {
    "en": {"provider": ("Purchasing", None), "consumer": ("Sales", None), "title": "Purchase orders approved",
           "calendar": "Shanghai office", "request": "Approve the order for 20 laptops", "lead": "Lin Wei",
           "employee": "Zhang Min", "leadership": "Chen Jie"},
    "zh": {"provider": ("Purchasing", "采购部"), "consumer": ("Sales", "销售部"), "title": "采购订单审批",
           "calendar": "上海办公日历", "request": "审批二十台笔记本电脑的订单", "lead": "林伟",
           "employee": "张敏", "leadership": "陈杰"},
}


# The page as the reader sees it, chart text included, less Plotly's own tool buttons (English only).
WITHOUT_CHART_TOOLS = """() => {
  const copy = document.documentElement.cloneNode(true);
  copy.querySelectorAll('.dashboard-figure .modebar-container').forEach((tools) => tools.remove());
  return copy.outerHTML;
}"""


class Words:
    """The interface's words in one language, from the same catalog the pages use."""

    def __init__(self, app, lang: str) -> None:
        self.app, self.lang = app, lang
        self.messages = english_messages() if lang == "zh" else []

    def __call__(self, msgid: str, **values) -> str:
        with self.app.test_request_context(), force_locale(self.lang):
            return gettext(msgid, **values)

    def exact(self, msgid: str, **values):
        return re.compile(rf"^\s*{re.escape(self(msgid, **values))}\s*$")

    def check_page(self, page) -> None:
        """In Chinese, nothing the reader sees is left in English (Plotly's tool buttons aside)."""
        page.wait_for_load_state()
        if self.lang == "zh":
            found = english_leftovers(visible_text(page.evaluate(WITHOUT_CHART_TOOLS)), self.messages)
            assert found == [], f"{page.url}: {found}"


def _department(code: str, lang: str, key: str):
    name, name_zh = DATA[lang][key]
    return factories.make_department(code=code, name=name, name_zh=name_zh)


def _sign_out(page, words: Words) -> None:
    page.get_by_role("button", name=words("Sign out")).click()
    page.wait_for_load_state("networkidle")


def expect_flash(page, text: str) -> None:
    """The page confirms what happened (waiting for the next page, not reading the last one)."""
    expect(page.locator("main .alert[role=status]").first).to_have_text(text)


def _finish(page) -> None:
    assert page.watch.errors == []
    assert page.watch.dialogs == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_lead_publishes_a_commitment_its_consumers_find_in_the_catalog(app, page, lang):
    words = Words(app, lang)
    data = DATA[lang]
    provider, consumer = _department("PUR", lang, "provider"), _department("SAL", lang, "consumer")
    factories.make_calendar(name=data["calendar"])
    lead = factories.make_user(role="lead", department=provider, locale=lang, display_name=data["lead"])
    reader = factories.make_user(department=consumer, locale=lang, display_name=data["employee"])
    db.session.commit()

    sign_in(page, lead.email, factories.PASSWORD)
    page.get_by_role("link", name=words("Service catalog")).click()
    page.get_by_role("link", name=words("Write your department's first commitment")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        words("New commitment of %(department)s", department=provider.display_name(lang)))
    words.check_page(page)

    # A wrong form: no title, an attainment target over 100 %.
    page.get_by_label(words("Attainment target (%)")).fill("150")
    page.get_by_role("button", name=words("Save draft")).click()
    title = page.get_by_label(words("Title"))
    assert title.get_attribute("aria-invalid") == "true" or "is-invalid" in title.get_attribute("class")
    title_error = page.locator("#title-error")
    expect(title_error).to_be_visible()
    assert "title-error" in title.get_attribute("aria-describedby")
    attainment = page.get_by_label(words("Attainment target (%)"))
    assert page.locator("#attainment_target-error").inner_text() == words(
        "Enter a number greater than %(low)s and less than %(high)s.", low=0, high=100)
    assert "attainment_target-error" in attainment.get_attribute("aria-describedby")
    words.check_page(page)
    screenshot(page, f"journey1-form-errors-{lang}")

    # The fixed form is saved as a draft, then published.
    title.fill(data["title"])
    attainment.fill("95")
    page.get_by_role("checkbox", name=re.compile(consumer.code)).check()
    page.get_by_label(words("Business calendar")).select_option(label=data["calendar"])
    page.get_by_role("button", name=words("Save draft")).click()
    expect_flash(page, words("The draft is saved. Check it, then publish it."))
    page.get_by_role("button", name=words("Publish")).click()
    expect_flash(page, words("The commitment is published as version %(number)s.", number=1))
    words.check_page(page)
    screenshot(page, f"journey1-published-{lang}")
    _sign_out(page, words)

    # A member of the consumer department finds it in what their department may expect.
    sign_in(page, reader.email, factories.PASSWORD)
    page.get_by_role("link", name=words("Service catalog")).click()
    expected = page.get_by_role("link", name=words("What my department may expect"))
    assert expected.get_attribute("aria-current") == "page"
    expect(page.get_by_role("link", name=data["title"])).to_be_visible()
    words.check_page(page)
    screenshot(page, f"journey1-catalog-{lang}")
    _finish(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_employee_asks_for_work_and_rates_it_once_delivered(app, page, lang):
    words = Words(app, lang)
    data = DATA[lang]
    provider, consumer = _department("PUR", lang, "provider"), _department("SAL", lang, "consumer")
    calendar = factories.make_calendar(name=data["calendar"], timezone="Asia/Shanghai")
    lead = factories.make_user(role="lead", department=provider, locale=lang, display_name=data["lead"])
    factories.make_commitment(provider=provider, owner=lead, consumers=[consumer], calendar=calendar,
                              title=data["title"])
    employee = factories.make_user(department=consumer, locale=lang, display_name=data["employee"])
    db.session.commit()

    # The employee asks for work under the commitment offered to their department.
    sign_in(page, employee.email, factories.PASSWORD)
    page.get_by_role("link", name=words("Handoffs"), exact=True).click()
    commitments = page.get_by_label(words("Service commitment"))
    commitments.select_option(commitments.locator("option", has_text=data["title"]).get_attribute("value"))
    page.get_by_label(words("What do you need?")).fill(data["request"])
    page.get_by_role("button", name=words("Send request")).click()
    expect_flash(page, words("Your request is recorded."))
    assert page.get_by_role("heading", level=1).inner_text().startswith(data["request"])
    assert "(Asia/Shanghai)" in page.locator("dl").inner_text()  # due time in the calendar's zone
    handoff_url = page.url
    words.check_page(page)
    screenshot(page, f"journey2-requested-{lang}")
    _sign_out(page, words)

    # The provider delivers it.
    sign_in(page, lead.email, factories.PASSWORD)
    page.goto(handoff_url)
    page.get_by_role("button", name=words("Mark delivered")).click()
    expect_flash(page, words("The handoff is marked delivered."))
    words.check_page(page)
    _sign_out(page, words)

    # The employee finds it in the "to rate" inbox and rates it low, with a reason.
    sign_in(page, employee.email, factories.PASSWORD)
    page.get_by_role("link", name=words("To rate"), exact=True).click()
    item = page.get_by_role("listitem").filter(has_text=data["request"])
    words.check_page(page)
    screenshot(page, f"journey2-inbox-{lang}")
    item.get_by_role("link", name=words("Rate"), exact=True).click()
    reasons = page.get_by_role("group", name=words("What went wrong? (for a score of 1 or 2)"))
    satisfaction = page.get_by_role("group", name=words("How satisfied are you with the result?"))
    collaboration = page.get_by_role("group", name=words("How well did the collaboration work?"))
    expect(reasons).to_be_hidden()
    satisfaction.get_by_label(words("2 · poor")).check()
    collaboration.get_by_label(words("3 · acceptable")).check()
    expect(reasons).to_be_visible()
    reasons.get_by_label(words("Late"), exact=True).check()
    words.check_page(page)
    screenshot(page, f"journey2-rate-low-{lang}")
    page.get_by_role("button", name=words("Send rating")).click()
    expect_flash(page, words("Thank you: your rating is saved."))
    expect(page.get_by_text(words("Nothing to rate right now."))).to_be_visible()

    # Then changes the rating; a good score needs no reason.
    page.get_by_role("link", name=words("My ratings")).click()
    row = page.get_by_role("row").filter(has_text=data["request"])
    expect(row.get_by_role("cell", name=words("Late"))).to_be_visible()
    row.get_by_role("link", name=words("Change")).click()
    expect(satisfaction.get_by_label(words("2 · poor"))).to_be_checked()
    satisfaction.get_by_label(words("4 · good")).check()
    collaboration.get_by_label(words("4 · good")).check()
    expect(reasons).to_be_hidden()
    page.get_by_role("button", name=words("Save my changed rating")).click()
    expect_flash(page, words("Thank you: your rating is saved."))
    page.get_by_role("link", name=words("My ratings")).click()
    cells = page.get_by_role("row").filter(has_text=data["request"]).get_by_role("cell")
    expect(cells.nth(2)).to_have_text("4")
    expect(cells.nth(3)).to_have_text("4")
    expect(cells.nth(4)).to_have_text("")
    words.check_page(page)
    screenshot(page, f"journey2-my-ratings-{lang}")
    _finish(page)


@pytest.fixture
def mailing_server(app, database_url, mail_server):
    """gunicorn that queues mail for the test's SMTP server, its links pointing at itself."""
    db.session.commit()
    port = free_port()
    live = LiveServer(database_url, workers=2, port=port, env={
        "TRACKER_TEST_MAIL_URL": mail_server.url, "TRACKER_BASE_URL": f"http://127.0.0.1:{port}"}).start()
    app.config["MAIL_URL"] = mail_server.url  # the test sends the outbox itself, as the worker would
    yield live
    live.stop()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_employee_rates_from_the_link_in_the_mail_without_signing_in(app, browser, mailing_server, mail_server,
                                                                        lang):
    words = Words(app, lang)
    data = DATA[lang]
    provider, consumer = _department("PUR", lang, "provider"), _department("SAL", lang, "consumer")
    calendar = factories.make_calendar(name=data["calendar"], timezone="Asia/Shanghai")
    lead = factories.make_user(role="lead", department=provider, locale=lang, display_name=data["lead"])
    commitment = factories.make_commitment(provider=provider, owner=lead, consumers=[consumer], calendar=calendar,
                                           title=data["title"])
    employee = factories.make_user(department=consumer, locale=lang, display_name=data["employee"],
                                   email=f"zhang.min.{lang}@example.test")
    handoff = create_handoff(employee, commitment.id, consumer.code, data["request"])
    db.session.commit()
    context = browser.new_context(base_url=mailing_server.url, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.watch = PageWatch(page)

    # The provider delivers; the delivery's request goes out by mail in the employee's language.
    sign_in(page, lead.email, factories.PASSWORD)
    page.goto(f"/handoffs/{handoff.id}")
    page.get_by_role("button", name=words("Mark delivered")).click()
    expect_flash(page, words("The handoff is marked delivered."))
    _sign_out(page, words)
    db.session.rollback()  # a fresh look at the database, as the worker takes
    assert deliver_due()["sent"] == 1
    (mail,) = mail_server.received.to(employee.email)
    assert mail["Subject"] == words("Please rate: %(title)s", title=data["request"])
    text = mail.get_body(("plain",)).get_content()
    link = re.search(rf"{re.escape(mailing_server.url)}/rate/\S+", text).group()
    assert f'href="{link}"' in mail.get_body(("html",)).get_content()

    # Opened from the mail, signed out: the form, nothing chosen, in the employee's language.
    page.goto(link)
    satisfaction = page.get_by_role("group", name=words("How satisfied are you with the result?"))
    collaboration = page.get_by_role("group", name=words("How well did the collaboration work?"))
    for choice in ("1 · very poor", "5 · excellent"):
        expect(satisfaction.get_by_label(words(choice))).not_to_be_checked()
    words.check_page(page)
    screenshot(page, f"journey4-link-{lang}")
    satisfaction.get_by_label(words("4 · good")).check()
    collaboration.get_by_label(words("5 · excellent")).check()
    page.get_by_role("button", name=words("Send rating")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words("Thank you: your rating is saved."))
    words.check_page(page)
    db.session.rollback()  # again a fresh look: the rating was saved by the server
    rating = db.session.scalar(select(Rating).where(Rating.handoff_id == handoff.id))
    assert (rating.rater_id, rating.satisfaction, rating.collaboration) == (employee.id, 4, 5)

    # The same link again saves nothing more and says how to change the rating.
    page.goto(link)
    expect(page.get_by_text(words("You have rated this handoff already. Sign in and open “My ratings” to change it.")))\
        .to_be_visible()
    words.check_page(page)
    assert db.session.scalar(select(func.count()).select_from(Rating)) == 1
    page.watch.errors = [e for e in page.watch.errors if "status of 409" not in e]  # the refusal, as meant
    _finish(page)
    context.close()


# The heat map's cell of one pair, in page pixels, from the figure's own axes (categories are codes).
CELL_POSITION = """([provider, consumer]) => {
  const gd = document.getElementById('matrix-figure');
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, box = gd.getBoundingClientRect();
  return {x: box.left + xa._offset + xa.d2p(consumer), y: box.top + ya._offset + ya.d2p(provider)};
}"""


@pytest.mark.parametrize("lang", LANGUAGES)
def test_leadership_follows_a_matrix_cell_to_the_pair_trend_and_downloads_it(app, page, lang):
    words = Words(app, lang)
    org = Org()
    org.departments["FIN"] = factories.make_department(code="FIN", name="Finance", name_zh="财务部")
    org.departments["HRM"] = factories.make_department(code="HRM", name="Human resources", name_zh="人力资源部")
    org.departments["OPS"] = factories.make_department(code="OPS", name="Operations", name_zh="运营部")
    org.departments["MKT"] = factories.make_department(code="MKT", name="Marketing", name_zh="市场部")
    last_month = datetime.now(UTC).replace(day=1) - timedelta(days=1)
    month = f"{last_month:%Y-%m}"
    for rater in range(6):
        org.rate("FIN", "HRM", rater, 4, 3 + rater % 2, at(last_month.year, last_month.month, 10))
        org.rate("HRM", "FIN", rater, 2, 2, at(last_month.year, last_month.month, 12))
        # A third pair, so that the company total (released first) minus one pair is not the other's.
        org.rate("OPS", "MKT", rater, 3, 3, at(last_month.year, last_month.month, 12))
    if lang == "zh":
        for handoff_owner in org.raters.values():
            handoff_owner.display_name = "评价人"
    office = factories.make_department(code="CEO", name="Executive office", name_zh="总经理办公室")
    viewer = factories.make_user(role="leadership", department=office, locale=lang,
                                 display_name=DATA[lang]["leadership"])
    db.session.commit()

    sign_in(page, viewer.email, factories.PASSWORD)
    page.get_by_role("link", name=words("Dashboards")).click()
    page.wait_for_selector("#matrix-figure .main-svg")

    # Another number and another period through the filter form.
    page.get_by_label(words("Number")).select_option(label=words("Collaboration (1-5)"))
    page.get_by_label(words("Period"), exact=True).select_option(label=words("Month"))
    page.get_by_label(words("Which period")).fill(month)
    page.get_by_role("button", name=words("Show")).click()
    page.wait_for_selector("#matrix-figure .main-svg")
    assert "metric=collaboration" in page.url and "period=month" in page.url
    expect(page.get_by_role("row").filter(has_text="FIN").first).to_be_visible()
    words.check_page(page)
    screenshot(page, f"journey3-matrix-{lang}")

    # A real click on the FIN → HRM cell opens the pair's trend.
    figure = page.locator("#matrix-figure")
    figure.scroll_into_view_if_needed()
    point = page.evaluate(CELL_POSITION, ["FIN", "HRM"])
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url("**/dashboards/pairs/FIN/HRM**")
    page.wait_for_selector("#pair-figure .main-svg")
    names = {"en": ("Finance", "Human resources"), "zh": ("财务部", "人力资源部")}[lang]
    assert page.get_by_role("heading", level=1).inner_text() == words(
        "Pair trend: %(provider)s → %(consumer)s", provider=names[0], consumer=names[1])

    # The pair by quarter, then its data as CSV.
    page.get_by_label(words("Period"), exact=True).select_option(label=words("Quarter"))
    page.get_by_role("button", name=words("Show")).click()
    page.wait_for_selector("#pair-figure .main-svg")
    assert "period=quarter" in page.url
    words.check_page(page)
    screenshot(page, f"journey3-pair-{lang}")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=words("Download the data (CSV)")).click()
    download = download_info.value
    assert download.suggested_filename == "pair-FIN-HRM.csv"
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert rows[0][:5] == ["provider", "consumer", "period", "n", "raters"]
    # The quarter holding last month is still open (or has just closed): nothing of it is shown yet.
    quarter = f"{last_month.year}-Q{(last_month.month - 1) // 3 + 1}"
    rated = [row for row in rows[1:] if row[:3] == ["FIN", "HRM", quarter]]
    released = is_due("quarter", date(last_month.year, (last_month.month - 1) // 3 * 3 + 1, 1))
    assert len(rated) == 1
    assert rated[0][3:5] == (["6", "6"] if released else ["", ""])
    assert rated[0][-2:] == (["false", ""] if released else ["true", "open"])
    _finish(page)
