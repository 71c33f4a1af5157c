"""The default demo seed, loaded once per database and test module: none of the demo tests writes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.databases import BACKEND_STATES, BACKENDS, Backend, empty_all_tables, make_app
from tests.factories import Seeded
from tracker.demo.seed import demo_period, seed_demo
from tracker.extensions import db
from tracker.models import Department


@pytest.fixture(scope="module", params=BACKENDS)
def seeded(request):
    """The default demo seed, loaded once per database for the whole module."""
    state = BACKEND_STATES.setdefault(request.param, Backend(request.param))
    app = make_app(state.prepare())
    with app.app_context():
        empty_all_tables()
        start, end = demo_period()
        seed_demo(progress=lambda _message: None, today=end.date())
        codes = dict(db.session.execute(select(Department.code, Department.id)).all())
        yield Seeded(app, start, end, codes)
        db.session.remove()
        empty_all_tables()
        db.session.remove()
        db.engine.dispose()

