"""Every page read in Chinese shows no English interface text.

Each GET page of the HTML blueprints is rendered for each role with the locale set to zh. The
visible text (text nodes outside <script>, <style> and <code>, plus the labels a screen reader
reads: aria-label, title, placeholder, alt and the value of buttons) must contain no English
message of the catalog, and no English word of four letters or more at all: the second check
also finds strings that were never wrapped for translation. The world is written in Chinese, so
that any English left on a page comes from the interface, not from the data.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests import factories
from tests.factories import Org, at
from tests.i18n.reading import english_leftovers, english_messages, visible_text
from tracker.audit.services import record
from tracker.extensions import db
from tracker.messages.outbox import request_ratings
from tracker.models import Handoff, HandoffEvent, RatingReason
from tracker.ratings.links import link_token

# Pages that are not HTML, or not ours to translate.
SKIPPED_ENDPOINTS = {
    "static", "bootstrap.static", "web.health", "api-docs.openapi_json",
    "web.api_docs",  # Swagger UI, a third-party tool for developers, in English only
    "admin.export_person",  # JSON
}
class ChineseWorld:
    """Departments, people, a calendar, commitments, handoffs and ratings, all named in Chinese."""

    def __init__(self) -> None:
        self.provider = factories.make_department(code="PRV", name="Purchasing", name_zh="采购部")
        self.consumer = factories.make_department(code="CON", name="Sales", name_zh="销售部")
        self.calendar = factories.make_calendar(name="上海办公日历")
        self.admin = factories.make_user(role="admin", display_name="管理员", locale="zh")
        self.leadership = factories.make_user(role="leadership", department=self.consumer, display_name="总经理",
                                              locale="zh")
        self.lead = factories.make_user(role="lead", department=self.provider, display_name="采购主管",
                                        locale="zh")
        self.employee = factories.make_user(department=self.consumer, display_name="销售员工", locale="zh")
        self.commitment = factories.make_commitment(provider=self.provider, owner=self.lead,
                                                    consumers=[self.consumer], calendar=self.calendar,
                                                    title="采购订单审批")
        version = self.commitment.current_version
        version.description, version.needs_from_consumer = "两个工作日内审批。", "完整的申请单。"
        self.draft = factories.make_commitment(provider=self.provider, owner=self.lead, status="draft",
                                               calendar=self.calendar, title="供应商评估")
        now = datetime.now(UTC)
        self.open = factories.make_handoff(self.commitment, consumer=self.consumer, title="采购笔记本电脑")
        self.open.events.append(HandoffEvent(kind="request", at=self.open.requested_at))
        self.paused = factories.make_handoff(self.commitment, consumer=self.consumer, title="采购显示器")
        self.paused.status = "paused"
        self.paused.events.append(HandoffEvent(kind="pause", reason="waiting_on_consumer", at=now))
        self.to_rate = factories.make_handoff(self.commitment, consumer=self.consumer, title="采购办公椅",
                                              delivered_at=now - timedelta(hours=5))
        self.rated = factories.make_handoff(self.commitment, consumer=self.consumer, title="采购打印机",
                                            requested_at=now - timedelta(days=5), delivered_at=now - timedelta(days=1))
        rating = factories.make_rating(self.rated, rater=self.employee, satisfaction=2, collaboration=3,
                                       comment="交付太晚。")
        rating.reasons.append(RatingReason(tag="late"))
        org = Org()
        org.departments.update({"PRV": self.provider, "CON": self.consumer})
        org.commitments["PRV"] = self.commitment
        last_month = now.replace(day=1) - timedelta(days=1)
        for rater in range(6):
            org.rate("PRV", "CON", rater, 4, 3, at(last_month.year, last_month.month, 10))
        for user in org.raters.values():
            user.display_name, user.locale = "评价人", "zh"
        for handoff in db.session.scalars(select(Handoff).where(Handoff.title.like("Handoff %"))):
            handoff.title = "采购文具"
        draft = self.draft.current_version
        draft.description, draft.needs_from_consumer = "评估新的供应商。", "供应商名单。"
        record(self.admin, "user.create", self.employee, {"role": "employee"})
        self.to_rate.requested_by = self.employee
        (self.request,) = request_ratings(self.to_rate)
        db.session.commit()

    def arguments(self) -> dict:
        return {"user_id": self.employee.id, "calendar_id": self.calendar.id, "commitment_id": self.commitment.id,
                "code": self.provider.code, "provider": self.provider.code, "consumer": self.consumer.code,
                "handoff_id": self.to_rate.id, "message_id": self.request.id,
                "token": link_token(self.employee, self.to_rate)}


EXTRA_URLS = (
    "/commitments?scope=all&status=any",
    "/ratings/delivered?provider=PRV",
    "/dashboards?period=month",
    "/handoffs?status=delivered",
)


def _page_urls(app, world: ChineseWorld) -> list[str]:
    from flask import url_for

    arguments = world.arguments()
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint in SKIPPED_ENDPOINTS or rule.endpoint.startswith("api_"):
                continue
            if rule.endpoint.endswith("_csv"):
                continue
            urls.append(url_for(rule.endpoint, **{name: arguments[name] for name in rule.arguments}))
    more = [f"/commitments/{world.draft.id}", f"/commitments/{world.draft.id}/edit", f"/handoffs/{world.paused.id}",
            f"/handoffs/{world.open.id}"]
    return [*sorted(set(urls)), *EXTRA_URLS, *more]


def _leftovers_for(client, auth, user, urls, messages) -> tuple[dict[str, list[str]], int]:
    auth.login(user)
    shown = 0
    problems = {}
    for url in urls:
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        shown += 1
        found = english_leftovers(visible_text(response.get_data(as_text=True)), messages)
        if found:
            problems[url] = found
    auth.logout()
    return problems, shown


@pytest.mark.parametrize("role", ["admin", "leadership", "lead", "employee"])
def test_pages_in_chinese_show_no_english_interface_text(app, client, auth, role):
    world = ChineseWorld()
    urls = _page_urls(app, world)
    problems, shown = _leftovers_for(client, auth, getattr(world, role), urls, english_messages())
    assert shown >= 8, f"only {shown} pages answered 200 for {role}"
    assert problems == {}, "\n".join(f"{url}: {found}" for url, found in problems.items())


def test_sign_in_page_in_chinese_shows_no_english_interface_text(app, client):
    response = client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert english_leftovers(visible_text(response.get_data(as_text=True)), english_messages()) == []


def test_the_check_finds_an_untranslated_sentence():
    parts = visible_text('<main><p>Nothing to rate right now.</p><script>var English = 1;</script></main>')
    assert english_leftovers(parts, english_messages()) != []
