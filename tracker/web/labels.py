"""Every display label of a stored word (a status, a pause reason, an event, a reason tag), once.

Pages, forms and CSV headers show these; templates find them as globals under the names of
`TEMPLATE_GLOBALS` (registered by templating.py), so a status word means the same everywhere.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

HANDOFF_STATUS_LABELS = {
    "open": _l("open"), "paused": _l("paused"), "delivered": _l("delivered"), "cancelled": _l("cancelled"),
}
COMMITMENT_STATUS_LABELS = {"draft": _l("Draft"), "published": _l("Published"), "retired": _l("Retired")}
PAUSE_LABELS = {"waiting_on_consumer": _l("Waiting on the consumer"),
                "waiting_on_third_party": _l("Waiting on a third party")}
EVENT_LABELS = {"request": _l("Requested"), "pause": _l("Paused"), "resume": _l("Resumed"),
                "deliver": _l("Delivered"), "reopen": _l("Reopened"), "cancel": _l("Cancelled")}
# The words a rater chose from are the words the scorecard shows (a tag is released or not; there is
# no "other" bucket, whose count minus the shown tags' would be a withheld tag's).
REASON_LABELS = {
    "unclear-responsibility": _l("Unclear who is responsible"),
    "late": _l("Late"),
    "incomplete-or-wrong": _l("Incomplete or wrong"),
    "not-informed": _l("We were not kept informed"),
    "hard-to-reach": _l("Hard to reach"),
    "process-too-complex": _l("Process too complex"),
    "tooling-or-system": _l("Tools or systems got in the way"),
    "attitude": _l("Attitude"),
}

TEMPLATE_GLOBALS = {
    "handoff_status_labels": HANDOFF_STATUS_LABELS,
    "commitment_status_labels": COMMITMENT_STATUS_LABELS,
    "pause_labels": PAUSE_LABELS,
    "event_labels": EVENT_LABELS,
    "reason_labels": REASON_LABELS,
}
