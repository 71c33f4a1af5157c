"""The five dashboards as pages, each with a CSV of its data and filters kept in the URL."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from marshmallow import Schema, ValidationError, fields, validate

from dashboards import figures
from tracker.departments.services import get_by_code
from tracker.errors import InvalidInput
from tracker.metrics import services
from tracker.metrics.periods import PERIOD_KINDS
from tracker.metrics.ranges import period_range
from tracker.metrics.results import FEW, OPEN, PROTECTED, Attainment, PairPoint, Published
from tracker.models import REASON_TAGS
from tracker.schemas import no_nul
from tracker.web.csvout import csv_response
from tracker.web.labels import REASON_LABELS
from tracker.web.templating import reader_locale

bp = Blueprint("dashboards", __name__, url_prefix="/dashboards")

class _Filters(Schema):
    period = fields.String(load_default=None, validate=validate.OneOf(PERIOD_KINDS))
    at = fields.String(load_default=None, validate=[validate.Length(max=32), no_nul])
    from_ = fields.String(data_key="from", load_default=None, validate=[validate.Length(max=32), no_nul])
    to = fields.String(load_default=None, validate=[validate.Length(max=32), no_nul])
    metric = fields.String(load_default="satisfaction", validate=validate.OneOf(services.METRICS))


def _filters(default_period: str) -> dict:
    try:
        args = _Filters().load(request.args.to_dict())
    except ValidationError as exc:
        field = next(iter(exc.messages))
        raise InvalidInput(_("This filter is not valid."), field=field) from exc
    args["period"] = args["period"] or default_period
    return args


def _metric_labels() -> dict:
    return {"satisfaction": _("Satisfaction (1-5)"), "collaboration": _("Collaboration (1-5)"),
            "csat": _("CSAT %"), "attainment": _("Attainment %")}


def _period_labels() -> dict:
    return {"week": _("ISO week"), "month": _("Month"), "quarter": _("Quarter")}


def _names(departments=None) -> dict[str, str]:
    """Department code -> name in the reader's language (Chinese names for a Chinese reader)."""
    locale = reader_locale()
    return {d.code: d.display_name(locale) for d in (departments or services.department_list())}


def _value_columns(cell: Published | Attainment | None) -> list:
    """n, raters, value, low, high, suppressed and why: a withheld value has no count at all."""
    if not cell:
        return ["", "", "", "", "", "", ""]
    if cell.suppressed:
        return ["", "", "", "", "", "true", cell.reason]
    raters = "" if cell.raters is None else cell.raters
    return [cell.n, raters, cell.value, cell.low, cell.high, "false", ""]


VALUE_HEADER = ["n", "raters", "value", "low", "high", "suppressed", "withheld"]


# --- the company matrix -------------------------------------------------------------------------

def _matrix_data():
    args = _filters("quarter")
    result = services.matrix(current_user, args["metric"], args["period"], args["at"])
    return args, result


@bp.route("")
@login_required
def matrix():
    args, result = _matrix_data()
    codes = {d.id: d.code for d in result.departments}
    involved = {p for p, _c in result.cells} | {c for _p, c in result.cells} | set(result.providers) | set(
        result.consumers)
    providers = [d.code for d in result.departments if d.id in involved]
    cells = {(codes[p], codes[c]): v for (p, c), v in result.cells.items()}
    labels = _metric_labels()
    names = _names(result.departments)
    scale = {"satisfaction": (1, 5), "collaboration": (1, 5), "csat": (0, 100), "attainment": (0, 100)}
    figure = figures.matrix_figure(providers, providers, cells, _("%(metric)s, %(period)s",
                                   metric=labels[args["metric"]], period=result.label), labels[args["metric"]],
                                   _("not enough ratings"), *scale[args["metric"]], names=names,
                                   axis_titles=(_("Provider"), _("Consumer")), empty_label=_("no handoffs"),
                                   protected_label=_("hidden to protect a small group"),
                                   open_label=_("not released yet"))
    shown = [(names[p], names[c], v) for (p, c), v in sorted(cells.items()) if v.shown]
    best = max(shown, key=lambda x: x[2].value, default=None)
    worst = min(shown, key=lambda x: x[2].value, default=None)
    margins = [(d, result.providers.get(d.id), result.consumers.get(d.id)) for d in result.departments
               if d.id in result.providers or d.id in result.consumers]
    return render_template("dashboards/matrix.html", args=args, result=result, figure=figure, labels=labels,
                           period_labels=_period_labels(), shown=shown, best=best, worst=worst, margins=margins,
                           few=sum(1 for v in cells.values() if v.reason == FEW),
                           protected=sum(1 for v in cells.values() if v.reason == PROTECTED),
                           pair_url=url_for("dashboards.pair", provider="__P__", consumer="__C__",
                                            period="month"))


@bp.route("/matrix.csv")
@login_required
def matrix_csv():
    args, result = _matrix_data()
    codes = {d.id: d.code for d in result.departments}
    rows = [[codes[p], codes[c], result.label, args["metric"], *_value_columns(v)]
            for (p, c), v in sorted(result.cells.items(), key=lambda item: (codes[item[0][0]], codes[item[0][1]]))]
    rows += [[codes[p], "*", result.label, args["metric"], *_value_columns(v)] for p, v in result.providers.items()]
    rows += [["*", codes[c], result.label, args["metric"], *_value_columns(v)] for c, v in result.consumers.items()]
    if result.company:
        rows.append(["*", "*", result.label, args["metric"], *_value_columns(result.company)])
    return csv_response("matrix", ["provider", "consumer", "period", "metric", *VALUE_HEADER], rows)


# --- one pair -----------------------------------------------------------------------------------

def _pair_data(provider: str, consumer: str):
    args = _filters("month")
    prange = period_range(args["period"], args["from_"], args["to"], default_count=12, include_current=True)
    return args, services.pair_series(current_user, get_by_code(provider[:16]), get_by_code(consumer[:16]), prange)


@bp.route("/pairs/<string:provider>/<string:consumer>")
@login_required
def pair(provider, consumer):
    args, data = _pair_data(provider, consumer)
    labels = {"satisfaction": _("Satisfaction"), "collaboration": _("Collaboration"), "target": _("Target"),
              "volume": _("Ratings")}
    names = _names()
    labels["title"] = _("%(provider)s → %(consumer)s and the reverse direction",
                        provider=names.get(data["provider"]), consumer=names.get(data["consumer"]))
    figure = figures.pair_trend_figure(data["series"], data["reverse"], labels, names)
    tables = [(series, [(point.period, "–" if point.n is None else point.n, _point_cells(point))
                        for point in series["points"]],
               latest_words(series, names)) for series in (data["series"], data["reverse"])]
    return render_template("dashboards/pair.html", args=args, data=data, figure=figure, names=names, tables=tables,
                           period_labels=_period_labels())


def _point_cells(point: PairPoint) -> list[tuple[str, str, str]]:
    """(kind, value, interval) for satisfaction, collaboration, CSAT and attainment of one period.

    Formatted here rather than by a template macro per cell: two years of weeks in both
    directions are over 800 cells.
    """
    cells = []
    withheld = _withheld_kind(point)
    for metric in services.RATING_METRICS:
        value = point.metric(metric)
        if withheld:
            cells.append((withheld, "", ""))
        elif value:
            cells.append(("value", f"{value.value:.2f}", f"[{value.low:.2f}, {value.high:.2f}]"))
        else:
            cells.append(("none", "", ""))
    attainment = point.attainment
    if not attainment.shown:
        cells.append(("none", "", ""))
    else:
        cells.append(("value", f"{attainment.value:.2f}", f"[{attainment.low:.2f}, {attainment.high:.2f}]"))
    return cells


def _withheld_kind(point: PairPoint) -> str | None:
    """How a withheld period reads: protected, not released yet or not enough ratings (when it had
    handoffs), or nothing (when it had none).

    Decided from the handoffs due in the period, which are not confidential, never from whether a
    rating arrived.
    """
    if not point.suppressed:
        return None
    if point.reason == PROTECTED:
        return "protected"
    if point.reason == OPEN:
        return "open" if point.attainment.n else "none"
    return "suppressed" if point.attainment.n else "none"


def latest_words(series: dict, names: dict) -> str:
    """One sentence on the newest period of the series that may be shown."""
    pair = f"{names.get(series['provider'], series['provider'])} → {names.get(series['consumer'], series['consumer'])}"
    shown = [p for p in series["points"] if p.satisfaction]
    hidden = sum(1 for p in series["points"] if _withheld_kind(p) in ("suppressed", "protected"))
    if not shown:
        text = _("%(pair)s: no period has enough raters to show a number.", pair=pair)
    else:
        last = shown[-1]
        text = _("%(pair)s: in %(period)s satisfaction was %(satisfaction).2f and collaboration %(collaboration).2f "
                 "from %(n)d ratings.", pair=pair, period=last.period, satisfaction=last.satisfaction.value,
                 collaboration=last.collaboration.value, n=last.n)
    if hidden:
        text += " " + ngettext("%(num)d period has too few raters to be shown.",
                                "%(num)d periods have too few raters to be shown.", hidden)
    return text


@bp.route("/pairs/<string:provider>/<string:consumer>.csv")
@login_required
def pair_csv(provider, consumer):
    _args, data = _pair_data(provider, consumer)
    rows = []
    for series in (data["series"], data["reverse"]):
        for point in series["points"]:
            row = [series["provider"], series["consumer"], point.period, "" if point.n is None else point.n,
                   "" if point.raters is None else point.raters]
            for metric in services.RATING_METRICS:
                value = point.metric(metric)
                row += [value.value, value.low, value.high] if value else ["", "", ""]
            row += [point.attainment.value, "true" if point.suppressed else "false", point.reason or ""]
            rows.append(row)
    header = ["provider", "consumer", "period", "n", "raters"]
    for metric in services.RATING_METRICS:
        header += [metric, f"{metric}_low", f"{metric}_high"]
    header += ["attainment", "suppressed", "withheld"]
    return csv_response(f"pair-{data['provider']}-{data['consumer']}", header, rows)


# --- department scorecard -----------------------------------------------------------------------

def _scorecard_data(code: str):
    args = _filters("month")
    prange = period_range(args["period"], args["from_"], args["to"], default_count=6)
    return args, services.scorecard(current_user, get_by_code(code[:16]), prange, reader_locale())


@bp.route("/departments/<string:code>")
@login_required
def department(code):
    args, card = _scorecard_data(code)
    commitments = [{"title": c["title"], "attainment": c["total"]["attainment"], "target": c["attainment_target"],
                    "points": c["points"]} for c in card["commitments"]]
    reasons = [{**r, "label": str(REASON_LABELS.get(r["tag"], r["tag"]))} for r in card["reasons"]]
    names = _names()
    figs = {
        "attainment": figures.attainment_figure(commitments, {
            "attainment": _("Attainment %"), "target": _("Target"), "title": _("Attainment against target")}),
        "burn": figures.burn_down_figure(commitments, {
            "remaining": _("Remaining error budget (handoffs)"), "title": _("Error budget per period")}),
        "consumers": figures.by_consumer_figure(card["by_consumer"], {
            "satisfaction": _("Satisfaction"),
            "title": _("Satisfaction by consumer, %(period)s", period=card["last_period"])}, names),
        "reasons": figures.pareto_figure(reasons, {
            "count": _("Ratings"), "cumulative": _("Cumulative %"),
            "title": _("Reasons behind low ratings, %(period)s", period=card["last_period"])}),
    }
    return render_template("dashboards/department.html", args=args, card=card, figs=figs, reasons=reasons,
                           period_labels=_period_labels(), tags=REASON_TAGS)


@bp.route("/departments/<string:code>.csv")
@login_required
def department_csv(code):
    _args, card = _scorecard_data(code)
    rows = []
    for commitment in card["commitments"]:
        for point in commitment["points"]:
            rows.append(["commitment", commitment["title"], point["period"], "attainment", point["due"], "",
                         point["attainment"], "", "", "false", "", commitment["attainment_target"],
                         point["remaining"], point["burn_rate"]])
    rows.append(["department", card["department"], card["last_period"], "satisfaction",
                 *_value_columns(card["satisfaction"]), card["satisfaction_target"], "", ""])
    for consumer, value in card["by_consumer"].items():
        rows.append(["consumer", consumer, card["last_period"], "satisfaction", *_value_columns(value),
                     card["satisfaction_target"], "", ""])
    for reason in card["reasons"]:
        rows.append(["reason", reason["tag"], card["last_period"], "count", reason["n"], reason["raters"],
                     "", "", "", "false", "", "", "", ""])
    return csv_response(f"scorecard-{card['department']}", ["kind", "name", "period", "metric", *VALUE_HEADER,
                                                            "target", "remaining", "burn_rate"], rows)


# --- flows and movers ---------------------------------------------------------------------------

def _flows_data():
    args = _filters("quarter")
    prange = period_range(args["period"], args["from_"], args["to"])
    return args, prange, services.flows(current_user, prange)


@bp.route("/flows")
@login_required
def flows():
    args, prange, data = _flows_data()
    figure = figures.flows_figure(data, _("Handoffs requested between departments"), _names())
    return render_template("dashboards/flows.html", args=args, prange=prange, data=data, figure=figure,
                           total=sum(f["handoffs"] for f in data), period_labels=_period_labels())


@bp.route("/flows.csv")
@login_required
def flows_csv():
    _args, _prange, data = _flows_data()
    return csv_response("flows", ["provider", "consumer", "handoffs"],
                [[f["provider"], f["consumer"], f["handoffs"]] for f in data])


def _movers_data():
    args = _filters("month")
    metric = args["metric"] if args["metric"] in ("satisfaction", "collaboration") else "satisfaction"
    return args, services.movers(current_user, args["period"], args["at"], metric)


@bp.route("/movers")
@login_required
def movers():
    args, data = _movers_data()
    labels = {"change": _("Change against %(previous)s", previous=data["previous"]),
              "title": _("Largest changes in %(period)s", period=data["period"])}
    figure = figures.movers_figure(data["movers"], labels, _names())
    return render_template("dashboards/movers.html", args=args, data=data, figure=figure,
                           period_labels=_period_labels())


@bp.route("/movers.csv")
@login_required
def movers_csv():
    _args, data = _movers_data()
    return csv_response("movers", ["provider", "consumer", "period", "previous", "metric", "before", "after", "change",
                           "low", "high", "is_change"],
                [[m["provider"], m["consumer"], data["period"], data["previous"], data["metric"], m["before"],
                  m["after"], m["change"], m["low"], m["high"], "true" if m["is_change"] else "false"]
                 for m in data["movers"]])
