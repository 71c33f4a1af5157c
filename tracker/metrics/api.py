"""Metrics over the API: the matrix cells, one pair's series, a commitment's error budget."""

from __future__ import annotations

import json

from flask import Response
from flask_login import current_user
from flask_smorest import Blueprint

from tracker.commitments.services import get_commitment
from tracker.departments.services import get_by_code
from tracker.metrics import attainment, schemas, services
from tracker.metrics.ranges import period_range
from tracker.metrics.visibility import visible_department

blp = Blueprint("api_metrics", __name__, url_prefix="/api/v1/metrics", description="Metrics")


@blp.route("/pairs")
@blp.arguments(schemas.PairsQuery, location="query")
@blp.response(200, schemas.Cell(many=True))
def pairs(args):
    """Matrix cells per pair and whole period; values behind fewer than k raters are suppressed."""
    prange = period_range(args["period"], args["from_"], args["to"])
    # A quarter of a 60-department company is ~3,500 cells: they are plain dicts already shaped as
    # the Cell schema documents, so they are serialised directly instead of dumped field by field.
    cells = services.pair_cells(current_user, args["metric"], prange)
    return Response(json.dumps(cells, separators=(",", ":")), mimetype="application/json")


@blp.route("/pairs/<string:provider>/<string:consumer>")
@blp.arguments(schemas.PeriodQuery, location="query")
@blp.response(200, schemas.PairSeries)
def pair(args, provider, consumer):
    """One pair's satisfaction, collaboration, CSAT and attainment per period, and the reverse pair."""
    prange = period_range(args["period"], args["from_"], args["to"], default_count=12, include_current=True)
    return services.pair_series(current_user, get_by_code(provider[:16]), get_by_code(consumer[:16]), prange)


@blp.route("/commitments/<int(max=2147483647):commitment_id>")
@blp.arguments(schemas.PeriodQuery, location="query")
@blp.response(200, schemas.CommitmentBudget)
def commitment(args, commitment_id):
    """Attainment, error budget, remaining budget and burn rate per period."""
    prange = period_range(args["period"], args["from_"], args["to"], default_count=12, include_current=True)
    commitment = get_commitment(current_user, commitment_id)
    return attainment.commitment_budget(visible_department(current_user), commitment, prange)
