"""The job queue: huey, on SQLite under instance/ for one machine, on Redis when TRACKER_REDIS_URL is set.

`flask --app wsgi worker` runs a consumer; `make run` starts one beside the web server. The web
processes only enqueue (a commit that queued mail wakes the worker); the worker runs every job in
an application context of its own. Every minute it also sweeps: mail that is due (a wake-up lost
in a crash, a retry whose backoff has passed, a claim whose worker died) and releases that fell due;
every hour it looks for error budgets that burn too fast.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app
from huey import Huey, RedisHuey, SqliteHuey, crontab
from huey.api import TaskWrapper
from huey.exceptions import TaskLockedException

from tracker.extensions import db

log = logging.getLogger(__name__)

MAX_BATCHES_PER_RUN = 50  # one job sends at most this many batches, then leaves the rest to the next

@dataclass(frozen=True)
class Queue:
    """A huey instance with the tracker's tasks registered on it."""

    huey: Huey
    send_mail: TaskWrapper
    sweep: TaskWrapper
    budgets: TaskWrapper


_queues: dict[tuple, Queue] = {}  # per storage (Redis URL, SQLite path): made once per process


def _storage(config) -> tuple:
    return config["REDIS_URL"], config["JOBS_PATH"]


def _make_queue(config) -> Huey:
    if config["REDIS_URL"]:
        return RedisHuey("tracker", url=config["REDIS_URL"])
    Path(config["JOBS_PATH"]).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("tracker", filename=config["JOBS_PATH"])


def _queue(config=None) -> Queue:
    """The queue the configuration names, with its tasks registered."""
    config = config or current_app.config
    found = _queues.get(_storage(config))
    if found is None:
        huey = _make_queue(config)

        # One job at a time writes the outbox: on SQLite two writers would wait on each other's lock.
        # Made here, before any consumer starts, so that its flush_locks knows the lock and clears it.
        outbox = huey.lock_task("outbox")

        @huey.task(retries=3, retry_delay=10)
        def send_mail() -> None:
            with outbox:  # held by a sweep: tried again in 10 s (the sweep sends too)
                _in_app(_send_mail)

        @huey.periodic_task(crontab(minute="*"))
        def sweep() -> None:
            try:
                with outbox:
                    _in_app(_sweep)
            except TaskLockedException:
                log.info("the previous sweep is still running; this one is skipped")

        # Hourly, as burn windows are counted in working days; held off by a sweep, tried again soon.
        @huey.periodic_task(crontab(minute="5"), retries=10, retry_delay=30)
        def budgets() -> None:
            with outbox:
                _in_app(_budgets)

        found = _queues[_storage(config)] = Queue(huey, send_mail, sweep, budgets)
    return found


def wake_mail() -> None:
    """Ask a worker to send queued mail now."""
    try:
        _queue().send_mail()
    except Exception:
        log.warning("could not reach the job queue; queued mail goes out with the next sweep", exc_info=True)


_worker_app: list[Flask] = []  # the application a worker process runs its jobs in


def _in_app(job) -> None:
    with _worker_app[0].app_context():
        try:
            job()
        finally:
            db.session.remove()


def _send_mail() -> None:
    """Send queued mail and chat posts, batch after batch, until none is due."""
    from tracker.messages.chat import deliver_posts
    from tracker.messages.mail import deliver_due

    for deliver in (deliver_due, deliver_posts):
        for _ in range(MAX_BATCHES_PER_RUN):
            counts = deliver()
            if not counts["sent"] and not counts["failed"]:
                break


def _sweep() -> None:
    from tracker.messages.digests import write_digests
    from tracker.messages.outbox import alert_due, remind_due
    from tracker.messages.satisfaction import alert_drops
    from tracker.metrics.releases import release_due

    remind_due()
    alert_due()
    db.session.commit()
    _send_mail()
    released = release_due()
    if released:
        alert_drops(released)
        write_digests(released)
        db.session.commit()
        _send_mail()


def _budgets() -> None:
    from tracker.messages.budget import alert_budgets

    alert_budgets()
    db.session.commit()
    _send_mail()


def run_worker(app: Flask, workers: int) -> None:
    """Run a consumer in this process until it is stopped (SIGINT or SIGTERM)."""
    from huey.consumer import Consumer

    queue = _queue(app.config)
    _worker_app[:] = [app]
    queue.sweep()  # at start: whatever a stopped or killed worker left is sent now, not at the next minute
    queue.budgets()  # and budgets are looked at now, not at the next hour
    # flush_locks: a worker killed while it held the outbox's lock must not keep it from the next one.
    Consumer(queue.huey, workers=workers, worker_type="thread", periodic=True, check_worker_health=True,
             flush_locks=True).run()
