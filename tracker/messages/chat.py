"""Chat: each department's channels, by apprise address, and the posts the worker sends to them.

A department's lead or an administrator adds channels (Slack, Microsoft Teams workflows,
DingTalk, Feishu/Lark, WeCom, generic JSON webhooks ... in apprise's URL form) and tries each
with a test post. An address holds the service's secret, so it is read by the worker alone:
pages and the audit log show apprise's privacy form of it (secrets masked), never the address.

Posts are written in the transaction of what causes them (a new request, the sweep's alerts), one
per channel, and sent by the worker like mail (tracker/messages/delivery.py): retried with
backoff, a worker killed mid-send posting at most one duplicate. A post goes to a whole channel,
so it names the handoff and links to its page, never to a person's rating link.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import apprise
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tracker.audit.services import record
from tracker.auth.permissions import require_department_manager
from tracker.errors import InvalidInput, NotFound
from tracker.extensions import db
from tracker.messages.delivery import Outbox
from tracker.messages.models import POST_STATUSES, Channel, ChannelPost
from tracker.messages.quiet import send_after
from tracker.messages.wake import wake_after_commit
from tracker.models import LOCALES, Department, Handoff, User
from tracker.types import utcnow

POSTS = Outbox(ChannelPost, ChannelPost.status)
MAX_ADDRESS = 2000
MAX_CHANNELS = 20  # per department


# -- the channels ------------------------------------------------------------------------------

def _plugin(address: str):
    """The apprise service an address names, or InvalidInput on the `address` field saying why not."""
    address = (address or "").strip()
    if not address:
        raise InvalidInput(_("Give the channel's address."), "address")
    if len(address) > MAX_ADDRESS:
        raise InvalidInput(_("An address has at most %(n)s characters.", n=MAX_ADDRESS), "address")
    scheme = address.partition("://")[0].lower()
    allowed = current_app.config["CHAT_SCHEMES"]
    if scheme not in allowed:
        raise InvalidInput(_("Use an address of one of these services: %(schemes)s.",
                             schemes=", ".join(f"{s}://" for s in allowed)), "address")
    plugin = apprise.Apprise.instantiate(address, suppress_exceptions=True)
    if not plugin:
        raise InvalidInput(_("This address is not complete for its service: check it against the "
                             "service's instructions for incoming webhooks."), "address")
    return plugin


def channels_of(department: Department) -> list[Channel]:
    return list(db.session.scalars(select(Channel).where(Channel.department_id == department.id)
                                   .order_by(Channel.id)))


def post_counts(department: Department) -> dict[int, dict[str, int]]:
    """{channel id: {status: posts}} for the department's channels, in one query."""
    counts: dict[int, dict[str, int]] = {}
    for channel_id, status, n in db.session.execute(
            select(ChannelPost.channel_id, ChannelPost.status, func.count()).join(Channel)
            .where(Channel.department_id == department.id).group_by(ChannelPost.channel_id, ChannelPost.status)):
        counts.setdefault(channel_id, dict.fromkeys(POST_STATUSES, 0))[status] = n
    return counts


def add_channel(actor: User, department: Department, label: str, address: str, locale: str) -> Channel:
    """Add a chat channel to the department (its lead or an administrator)."""
    require_department_manager(actor, department.id)
    label = (label or "").strip()
    if not 1 <= len(label) <= 100:
        raise InvalidInput(_("Give the channel a name of at most 100 characters."), "label")
    if locale not in LOCALES:
        raise InvalidInput(_("Choose the language of the posts."), "locale")
    # Without its options (the query): what is left names the service and the place, secrets masked.
    shown = _plugin(address).url(privacy=True).partition("?")[0][:500]
    if len(channels_of(department)) >= MAX_CHANNELS:
        raise InvalidInput(_("A department has at most %(n)s channels.", n=MAX_CHANNELS), "address")
    channel = Channel(department=department, label=label, address=address.strip(), shown=shown, locale=locale,
                      created_by_id=actor.id)
    db.session.add(channel)
    db.session.flush()
    record(actor, "channel.add", channel, {"department": department.code, "label": label, "address": shown})
    return channel


def get_channel(actor: User, department: Department, channel_id: int) -> Channel:
    """One of the department's channels, for its lead or an administrator."""
    require_department_manager(actor, department.id)
    channel = db.session.get(Channel, channel_id)
    if channel is None or channel.department_id != department.id:
        raise NotFound(_("No such channel."))
    return channel


def remove_channel(actor: User, channel: Channel) -> None:
    record(actor, "channel.remove", channel, {"department": channel.department.code, "label": channel.label,
                                               "address": channel.shown})
    db.session.delete(channel)
    db.session.flush()


def test_channel(actor: User, channel: Channel) -> str | None:
    """Post a test to the channel now; None when the service took it, else what went wrong."""
    with force_locale(channel.locale):
        title = render_template("messages/chat/test.subject.txt").strip()
        body = render_template("messages/chat/test.txt", department=channel.department).strip()
    problem = _send(channel.address, title, body)
    record(actor, "channel.test", channel, {"department": channel.department.code, "label": channel.label,
                                             "ok": problem is None})
    return problem


# -- posting ---------------------------------------------------------------------------------

def post_to_department(department_id: int, kind: str, key: str, template: str, at: datetime | None = None,
                       handoff: Handoff | None = None, **context) -> int:
    """Write a post to each channel of the department, once per key and channel; returns how many."""
    channels = db.session.scalars(select(Channel).where(Channel.department_id == department_id)).all()
    keys = {f"{key}:{channel.id}" for channel in channels}
    posted = set(db.session.scalars(select(ChannelPost.key).where(ChannelPost.key.in_(keys)))) if keys else set()
    written = 0
    for channel in channels:
        channel_key = f"{key}:{channel.id}"
        if channel_key in posted:
            continue
        with force_locale(channel.locale):
            title = render_template(f"messages/chat/{template}.subject.txt", kind=kind, handoff=handoff,
                                    **context).strip()
            body = render_template(f"messages/chat/{template}.txt", kind=kind, handoff=handoff, **context).strip()
        when = at or utcnow()
        db.session.add(ChannelPost(key=channel_key, kind=kind, channel=channel, handoff=handoff, title=title[:300],
                                   body=body, status="queued", created_at=when,
                                   next_attempt_at=send_after(department_id, when, kind, handoff)))
        written += 1
    if written:
        wake_after_commit()
    return written


def post_about(handoff: Handoff, kind: str, at: datetime | None = None) -> int:
    """Tell the provider's channels of a new request, or of a handoff due soon or overdue."""
    return post_to_department(handoff.provider_id, kind, f"{kind}:{handoff.id}", "handoff", at, handoff=handoff,
                              action_url=f"{current_app.config['BASE_URL']}/handoffs/{handoff.id}")


# -- sending (the worker) --------------------------------------------------------------------

def _send(address: str, title: str, body: str) -> str | None:
    """Post once through apprise; None when the service took it, else its complaint."""
    notifier = apprise.Apprise()
    if not notifier.add(address):
        return "the address is not one apprise can use"
    problems: list[str] = []
    result = notifier.notify(body=body, title=title, body_format=apprise.NotifyFormat.TEXT,
                             log_callback=lambda entry, _plugin: problems.append(str(entry.message)),
                             log_level=30)  # warnings and errors: what went wrong, not the address
    return None if result else ("; ".join(problems) or "the service did not accept the post")[:300]


def deliver_posts(now: datetime | None = None) -> dict[str, int]:
    """Send the posts that are due, one batch; returns how many were sent and how many failed."""
    config = current_app.config
    ids = POSTS.claim(secrets.token_hex(8), now or utcnow(), config["MAIL_BATCH_SIZE"],
                      timedelta(seconds=config["MAIL_LEASE_SECONDS"]))
    counts = {"sent": 0, "failed": 0}
    posts = [(p.id, p.attempts, p.channel.address, p.title, p.body) for p in db.session.scalars(
        select(ChannelPost).where(ChannelPost.id.in_(ids)).order_by(ChannelPost.id)
        .options(selectinload(ChannelPost.channel)))] if ids else []
    for post_id, attempts, address, title, body in posts:
        problem = _send(address, title, body)
        if problem is None:
            POSTS.sent(post_id)
            counts["sent"] += 1
        else:
            POSTS.failed(post_id, attempts + 1, problem, config["MAIL_MAX_ATTEMPTS"])
            counts["failed"] += 1
        db.session.commit()  # one commit per post: a worker killed now leaves at most this one to post again
    return counts
