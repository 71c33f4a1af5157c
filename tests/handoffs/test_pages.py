"""The handoff list pages through its handoffs: the Next and Previous links work and keep the filters."""

from __future__ import annotations

import re
from html import unescape

from tests import factories
from tests.factories import HandoffWorld
from tracker.extensions import db
from tracker.handoffs.views import PAGE_SIZE


def _links(html: str, label: str) -> list[str]:
    return [unescape(href) for href in re.findall(rf'<a class="page-link" href="([^"]+)">{label}</a>', html)]


def _handoffs(world: HandoffWorld, count: int) -> None:
    for n in range(count):
        factories.make_handoff(commitment=world.commitment, consumer=world.consumer, title=f"Paged handoff {n}")
    db.session.commit()


def test_following_next_from_the_first_page_shows_the_second(client, login_as, world):
    _handoffs(world, PAGE_SIZE + 3)
    login_as("employee", department=world.consumer)
    [next_page] = _links(client.get("/handoffs").get_data(as_text=True), "Next")
    second = client.get(next_page)
    assert (second.status_code, second.get_data(as_text=True).count("Paged handoff")) == (200, 3)


def test_the_second_page_links_back_with_its_filters_and_without_a_second_page_number(client, login_as, world):
    _handoffs(world, PAGE_SIZE + 3)
    login_as("employee", department=world.consumer)
    second = client.get("/handoffs?page=2&consumer=SALES&status=open")
    [previous] = _links(second.get_data(as_text=True), "Previous")
    assert second.status_code == 200
    assert sorted(previous.split("?")[1].split("&")) == ["consumer=SALES", "page=1", "status=open"]


def test_a_handoff_that_cannot_be_seen_is_a_404_page_with_the_services_message_in_chinese(client, login_as, world):
    login_as("employee", department=world.consumer, locale="zh")
    response = client.get("/handoffs/424242")
    assert response.status_code == 404
    assert "不存在您可查看的编号为 424242 的交接事项。" in response.get_data(as_text=True)


def test_an_unknown_department_filter_is_a_404_page_naming_the_code(client, login_as, world):
    login_as("employee", department=world.consumer)
    response = client.get("/handoffs?provider=NOPE", headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 404
    assert "不存在代码为 NOPE 的部门。" in response.get_data(as_text=True)
