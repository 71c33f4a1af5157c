"""Bulk import of handoffs from integrations (CSV or JSON), idempotent and streamed.

A row is identified by (external_source, external_ref): a row seen before updates or leaves
its handoff alone, so importing the same file twice changes nothing. Rows are read and written
in chunks; memory holds one chunk at a time, whatever the size of the file. A bad row is
reported with its number (the first data row is row 1), the field and the reason, and the good
rows are kept. A file that cannot be read at all (not UTF-8, broken CSV quoting, unknown
columns) is refused as a whole and nothing is written.

Who may import: administrators for every provider; anyone else only rows whose commitment
belongs to their own department (the provider side records its own deliveries).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import insert, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from tracker.audit.services import record
from tracker.auth.permissions import is_admin
from tracker.calendars.services import calendar_spec
from tracker.calendars.timecalc import CalendarSpec, due_at
from tracker.errors import InvalidInput
from tracker.extensions import db
from tracker.handoffs import fairness
from tracker.handoffs.checks import (
    check_delivered_after_request,
    check_not_future,
    check_offered,
    department_by_code,
    published_commitment,
)
from tracker.handoffs.lifecycle import handoff_due_at
from tracker.handoffs.schemas import HandoffImportRow
from tracker.models import CommitmentVersion, Handoff, HandoffEvent, User
from tracker.types import utcnow

CHUNK_ROWS = 1000
MAX_REPORTED_ERRORS = 1000
# The import's audit event names at most this many handoffs (and counts them all).
MAX_AUDITED_IDS = 1000
COLUMNS = ("commitment", "consumer", "title", "requested_at", "delivered_at", "external_source", "external_ref")
REQUIRED_COLUMNS = ("commitment", "consumer", "title", "external_ref")

_row_schema = HandoffImportRow()


@dataclass
class ImportReport:
    """What an import did: counts, and the rows it refused."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)
    errors_omitted: int = 0

    def error(self, row: int, field_name: str, message: str) -> None:
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append({"row": row, "field": field_name, "message": message})
        else:
            self.errors_omitted += 1

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "errors": sorted(self.errors, key=lambda e: e["row"]), "errors_omitted": self.errors_omitted}


@dataclass(frozen=True)
class _Target:
    """What a row needs to know about its commitment, kept as plain values."""

    version_id: int
    provider_id: int
    consumers: frozenset[int] | None  # None: offered to every department
    amount: Decimal
    unit: str
    spec: CalendarSpec


class _RowError(Exception):
    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.message = message

    @classmethod
    def of(cls, exc: InvalidInput) -> _RowError:
        """A refusal of a shared check, as the error of the row it concerns."""
        return cls(next(iter(exc.errors or {"row": None})), exc.message)


def csv_rows(stream: io.TextIOBase) -> Iterator[tuple[int, dict]]:
    """Yield (row number, {column: value}) from a CSV text stream with a header row.

    Empty cells count as absent. Raises InvalidInput for an unreadable file.
    """
    reader = csv.reader(stream, strict=True)
    row_number = 0
    try:
        header = next(reader, None)
        if header is None:
            raise InvalidInput(_("The file is empty: a header row is needed."), "file")
        names = [name.strip().lower() for name in header]
        unknown = [name for name in names if name not in COLUMNS]
        if unknown:
            raise InvalidInput(_("Unknown columns: %(names)s. Allowed: %(allowed)s.",
                                 names=", ".join(unknown), allowed=", ".join(COLUMNS)), "file")
        missing = [name for name in REQUIRED_COLUMNS if name not in names]
        if missing:
            raise InvalidInput(_("Missing columns: %(names)s.", names=", ".join(missing)), "file")
        for row_number, values in enumerate(reader, start=1):
            if len(values) != len(names):
                yield row_number, {"__width__": len(values)}
                continue
            yield row_number, {name: value for name, value in zip(names, values, strict=True) if value.strip()}
    except UnicodeDecodeError as exc:
        raise InvalidInput(_("The file is not UTF-8 text (near data row %(row)s); save it as UTF-8 and try again.",
                             row=row_number + 1), "file") from exc
    except csv.Error as exc:
        raise InvalidInput(_("The file is not valid CSV near data row %(row)s: %(reason)s.",
                             row=row_number + 1, reason=str(exc)), "file") from exc


def json_rows(items) -> Iterator[tuple[int, dict]]:
    """Yield (row number, object) from a JSON list of objects."""
    if not isinstance(items, list):
        raise InvalidInput(_("Send a JSON list of handoffs."), "file")
    for row_number, item in enumerate(items, start=1):
        yield row_number, item if isinstance(item, dict) else {"__not_object__": True}


def import_handoffs(actor: User, rows: Iterable[tuple[int, dict]], source: str | None = None,
                    now: datetime | None = None) -> ImportReport:
    """Create or update handoffs from rows; counts and row errors come back in a report."""
    importer = _Importer(actor, source, now or utcnow())
    chunk: list[tuple[int, dict]] = []
    for numbered in rows:
        chunk.append(numbered)
        if len(chunk) >= CHUNK_ROWS:
            importer.process(chunk)
            chunk = []
    if chunk:
        importer.process(chunk)
    if importer.audited:
        record(actor, "handoff.import", ("Handoff", None),
               {"reasons": sorted(importer.reasons), "handoffs": sorted(importer.audited)[:MAX_AUDITED_IDS],
                "count": len(importer.audited), "source": source})
    return importer.report


class _Importer:
    def __init__(self, actor: User, source: str | None, now: datetime) -> None:
        self.actor_id = actor.id
        self.admin = is_admin(actor)
        self.department_id = actor.department_id
        self.source = source
        self.now = now
        self.report = ImportReport()
        self.targets: dict[int, _Target | _RowError] = {}
        self.departments: dict[str, int | None] = {}
        # Handoffs whose times were dated back or lie in a closed period: one audit event names them.
        self.audited: set[int] = set()
        self.reasons: set[str] = set()
        self.pending_audit: list[tuple[dict, list[str]]] = []
        self.cutoff = fairness.closed_before(now)

    # -- one chunk ------------------------------------------------------------------------
    def process(self, chunk: list[tuple[int, dict]]) -> None:
        parsed: list[tuple[int, dict]] = []
        for row_number, raw in chunk:
            data = self._parse(row_number, raw)
            if data is not None:
                parsed.append((row_number, data))
        keys = {(d["external_source"], d["external_ref"]) for _n, d in parsed}
        existing = self._existing(keys)
        pending: list[tuple[int, dict, list[dict]]] = []
        pending_keys: set[tuple[str, str]] = set()
        for row_number, data in parsed:
            key = (data["external_source"], data["external_ref"])
            if key in pending_keys:
                # The same reference twice: write the first, then treat the second as an update.
                self._insert(pending)
                existing.update(self._existing(pending_keys))
                pending, pending_keys = [], set()
            try:
                target = self._target(data["commitment"])
                consumer_id = self._consumer(data["consumer"], target)
                reasons = self._check_times(data, target.provider_id)
                if key in existing:
                    handoff = existing[key]
                    if fairness.touches_closed_period(handoff, self.now, self.cutoff):
                        reasons.append("closed_period")
                    if self._update(handoff, data, target, consumer_id) and reasons:
                        self._audit(handoff.id, reasons)
                else:
                    pending.append((row_number, *self._new(data, target, consumer_id)))
                    pending_keys.add(key)
                    if reasons:
                        self.pending_audit.append((pending[-1][1], reasons))
            except (_RowError, InvalidInput) as exc:
                error = exc if isinstance(exc, _RowError) else _RowError.of(exc)
                self.report.error(row_number, error.field, error.message)
        self._insert(pending)
        db.session.flush()

    def _parse(self, row_number: int, raw: dict) -> dict | None:
        if "__width__" in raw:
            self.report.error(row_number, "row", _("The row has %(got)s fields, unlike the header.",
                                                   got=raw["__width__"]))
            return None
        if "__not_object__" in raw:
            self.report.error(row_number, "row", _("Each item must be a JSON object."))
            return None
        try:
            data = _row_schema.load(raw)
        except ValidationError as exc:
            for name, messages in sorted(exc.messages.items()):
                message = messages[0] if isinstance(messages, list) else str(messages)
                self.report.error(row_number, name, str(message))
            return None
        data["external_source"] = data.get("external_source") or self.source
        if not data["external_source"]:
            self.report.error(row_number, "external_source",
                              _("Give an external_source column or the source of the file."))
            return None
        return data

    def _existing(self, keys: set[tuple[str, str]]) -> dict[tuple[str, str], Handoff]:
        if not keys:
            return {}
        sources = {s for s, _r in keys}
        refs = {r for _s, r in keys}
        # Locked (in id order, so two imports of one file never deadlock): an update checks the
        # status before it delivers, and a concurrent import or deliver must not do so too.
        found = db.session.scalars(
            select(Handoff)
            .where(Handoff.external_source.in_(sources), Handoff.external_ref.in_(refs))
            .options(selectinload(Handoff.version))
            .order_by(Handoff.id)
            .with_for_update(key_share=True)
        ).all()
        return {(h.external_source, h.external_ref): h for h in found if (h.external_source, h.external_ref) in keys}

    # -- rules ----------------------------------------------------------------------------
    def _target(self, commitment_id: int) -> _Target:
        if commitment_id not in self.targets:
            self.targets[commitment_id] = self._load_target(commitment_id)
        target = self.targets[commitment_id]
        if isinstance(target, _RowError):
            raise target
        return target

    def _load_target(self, commitment_id: int) -> _Target | _RowError:
        try:
            commitment = published_commitment(commitment_id)
        except InvalidInput as exc:
            return _RowError.of(exc)
        if not (self.admin or commitment.provider_id == self.department_id):
            return _RowError("commitment", _("You may import handoffs only for your own department's commitments."))
        version: CommitmentVersion = commitment.current_version
        consumers = None if version.all_consumers else frozenset(d.id for d in version.consumers)
        return _Target(version.id, commitment.provider_id, consumers, Decimal(version.target_amount),
                       version.target_unit, calendar_spec(version.calendar))

    def _consumer(self, code: str, target: _Target) -> int:
        code = code.strip().upper()
        if code not in self.departments:
            try:
                self.departments[code] = department_by_code(code, "consumer").id
            except InvalidInput as exc:
                self.departments[code] = _RowError.of(exc)
        consumer_id = self.departments[code]
        if isinstance(consumer_id, _RowError):
            raise consumer_id
        check_offered(consumer_id != target.provider_id
                      and (target.consumers is None or consumer_id in target.consumers), code)
        return consumer_id

    def _check_times(self, data: dict, provider_id: int) -> list[str]:
        """Check a row's times; give the reasons its handoff must be named in the import's audit event."""
        data["requested_at"] = data.get("requested_at") or self.now
        reasons = []
        for name in ("requested_at", "delivered_at"):
            value = data.get(name)
            check_not_future(value, name, self.now)
            if value is not None:
                reasons += fairness.check_time(None, provider_id, value, name, self.now, far_allowed=True,
                                               cutoff=self.cutoff)
        check_delivered_after_request(data["requested_at"], data.get("delivered_at"))
        return reasons

    # -- writing --------------------------------------------------------------------------
    def _new(self, data: dict, target: _Target, consumer_id: int) -> tuple[dict, list[dict]]:
        requested = data["requested_at"]
        delivered = data.get("delivered_at")
        row = {
            "commitment_version_id": target.version_id, "provider_id": target.provider_id,
            "consumer_id": consumer_id, "title": data["title"].strip(),
            "external_source": data["external_source"], "external_ref": data["external_ref"],
            "requested_by_id": self.actor_id, "requested_at": requested,
            "due_at": self._due_at(requested, target),
            "delivered_at": delivered, "status": "delivered" if delivered else "open",
        }
        events = [{"kind": "request", "at": requested, "reason": None, "by_id": self.actor_id}]
        if delivered:
            events.append({"kind": "deliver", "at": delivered, "reason": None, "by_id": self.actor_id})
        return row, events

    @staticmethod
    def _due_at(requested: datetime, target: _Target) -> datetime:
        try:
            return due_at(requested, target.amount, target.unit, target.spec)
        except ValueError as exc:
            raise _RowError("commitment", str(exc).partition(": ")[2] or str(exc)) from None

    def _audit(self, handoff_id: int, reasons: list[str]) -> None:
        self.audited.add(handoff_id)
        self.reasons.update(reasons)

    def _insert(self, pending: list[tuple[int, dict, list[dict]]]) -> None:
        self._insert_rows(pending)
        audited = {(row["external_source"], row["external_ref"]): reasons for row, reasons in self.pending_audit}
        self.pending_audit = []
        if audited:
            found = db.session.execute(select(Handoff.id, Handoff.external_source, Handoff.external_ref).where(
                tuple_(Handoff.external_source, Handoff.external_ref).in_(list(audited)))).all()
            for handoff_id, source, ref in found:
                self._audit(handoff_id, audited[(source, ref)])

    def _insert_rows(self, pending: list[tuple[int, dict, list[dict]]]) -> None:
        """Insert new handoffs in one statement; on a clash fall back to one row at a time."""
        if not pending:
            return
        try:
            with db.session.begin_nested():
                ids = db.session.scalars(
                    insert(Handoff).returning(Handoff.id, sort_by_parameter_order=True), [p[1] for p in pending]
                ).all()
                self._insert_events(zip(ids, (p[2] for p in pending), strict=True))
            self.report.created += len(ids)
        except IntegrityError:
            for row_number, row, events in pending:
                try:
                    with db.session.begin_nested():
                        new_id = db.session.scalar(insert(Handoff).returning(Handoff.id), row)
                        self._insert_events([(new_id, events)])
                    self.report.created += 1
                except IntegrityError:
                    self.report.error(row_number, "external_ref",
                                      _("The row conflicts with a handoff that already exists."))

    @staticmethod
    def _insert_events(pairs) -> None:
        rows = [{**event, "handoff_id": handoff_id} for handoff_id, events in pairs for event in events]
        if rows:
            db.session.execute(insert(HandoffEvent), rows)

    def _update(self, handoff: Handoff, data: dict, target: _Target, consumer_id: int) -> bool:
        if handoff.version.commitment_id != data["commitment"]:
            raise _RowError("commitment", _("An imported handoff keeps its commitment."))
        if handoff.consumer_id != consumer_id:
            raise _RowError("consumer", _("An imported handoff keeps its consumer."))
        changed = False
        title = data["title"].strip()
        if handoff.title != title:
            handoff.title = title
            changed = True
        if handoff.requested_at != data["requested_at"]:
            first_event = min((e.at for e in handoff.events if e.kind != "request"), default=None)
            if first_event is not None and first_event < data["requested_at"]:
                raise _RowError("requested_at", _("The handoff has events before this request time."))
            handoff.requested_at = data["requested_at"]
            for event in handoff.events:
                if event.kind == "request":
                    event.at = data["requested_at"]
            changed = True
        delivered = data.get("delivered_at")
        if delivered is not None and handoff.delivered_at != delivered:
            if handoff.status == "cancelled":
                raise _RowError("delivered_at", _("The handoff is cancelled."))
            if handoff.status == "delivered":
                for event in handoff.events:
                    if event.kind == "deliver" and event.at == handoff.delivered_at:
                        event.at = delivered
            else:
                handoff.events.append(HandoffEvent(kind="deliver", at=delivered, by_id=self.actor_id))
                handoff.status = "delivered"
            handoff.delivered_at = delivered
            changed = True
        if changed:
            handoff.due_at = handoff_due_at(handoff)
            self.report.updated += 1
        else:
            self.report.unchanged += 1
        return changed
