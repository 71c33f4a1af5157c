"""Plotly figure builders: plain data in, a figure out (go.Figure, or a plain `Figure` dict for the big
ones). No Flask, no database, no tracker imports. Department codes identify the cells; `names`
(code -> name in the reader's language) is what the axes, titles and labels show.

Every text a figure shows (names, titles, labels, legend entries, hover text) goes through
`plotly_text`: Plotly reads `<a href>`, `<br>`, `<b>` and `&...;` in any text as markup, so a
department called `<a href="https://evil.example/">x</a>` would otherwise become a live link
inside the chart. Callers pass plain text; the builders escape it. Department codes are escaped
too where they are shown; period keys (`2026-01`, `2026-W05`, `2026-Q1`) are made by the
metrics layer from digits and letters and are drawn as they come.

Values arrive as objects with the attributes of `Estimate` (the metrics layer's published values
fit it; so does any object with those attributes). Withheld values (`suppressed` true, or None)
are drawn as gaps: never a number and never a colour.
"""

from __future__ import annotations

from typing import Protocol

from plotly import graph_objects as go
from plotly.subplots import make_subplots

BLUE, ORANGE, GREY, GREEN, RED = "#0d6efd", "#fd7e14", "#adb5bd", "#198754", "#dc3545"
_MARKUP = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def plotly_text(text) -> str:
    """`text` as Plotly shows it literally: its pseudo-HTML (`<a>`, `<br>`, `<b>`, entities) escaped."""
    return str(text).translate(_MARKUP)


def _layout(fig: go.Figure, title: str, height: int = 480) -> go.Figure:
    fig.update_layout(title={"text": plotly_text(title), "x": 0}, height=height,
                      margin={"l": 60, "r": 20, "t": 60, "b": 60}, template="plotly_white",
                      legend={"orientation": "h", "y": -0.15})
    return fig


class Estimate(Protocol):
    """A value with its 95 % interval and counts; `raters` is None where counted from something else."""

    n: int
    raters: int | None
    value: float | None
    low: float | None
    high: float | None
    suppressed: bool
    reason: str | None  # why a value is withheld: "few" raters or "protected"


class Point(Protocol):
    """One period of a pair's trend: its label, ratings count and the metrics shown (None where withheld)."""

    period: str
    n: int

    def metric(self, name: str) -> Estimate | None: ...


def _shown(value: Estimate | None) -> bool:
    return value is not None and not value.suppressed and value.value is not None


class Figure(dict):
    """A figure as the plain dict Plotly.js draws ({"data": [...], "layout": {...}}).

    The two figures drawn from thousands of values (the 60 x 60 matrix, the two-year pair
    trend) are built as plain data: go.Figure validates every element in Python, which costs
    more than reading the numbers. `to_dict()` gives the same shape as go.Figure.to_dict().
    """

    def to_dict(self) -> dict:
        return self


def _plain_layout(title: str, height: int, **extra) -> dict:
    layout = {"title": {"text": plotly_text(title), "x": 0}, "height": height,
              "margin": {"l": 60, "r": 20, "t": 60, "b": 60}, "template": _white_template(),
              "legend": {"orientation": "h", "y": -0.15}}
    layout.update(extra)
    return layout


_TEMPLATE: dict = {}


def _white_template() -> dict:
    """The layout part of plotly's "plotly_white" template, read once."""
    if not _TEMPLATE:
        import plotly.io as pio

        template = pio.templates["plotly_white"].to_plotly_json()
        _TEMPLATE["layout"] = template["layout"]
    return _TEMPLATE


def _category_axis(codes: list[str], names: dict[str, str] | None, title: str, **extra) -> dict:
    """A category axis of department codes whose ticks read as the reader's department names."""
    shown = [plotly_text(code) for code in codes]
    axis = {"type": "category", "title": {"text": plotly_text(title)}, "automargin": True,
            "categoryorder": "array", "categoryarray": shown, **extra}
    if names:
        axis.update(tickmode="array", tickvals=shown, ticktext=[plotly_text(names.get(code, code)) for code in codes])
    return axis


def matrix_figure(providers: list[str], consumers: list[str], cells: dict[tuple[str, str], Estimate],
                  title: str, value_label: str, suppressed_label: str,
                  zmin: float | None = None, zmax: float | None = None,
                  names: dict[str, str] | None = None, axis_titles: tuple[str, str] = ("provider", "consumer"),
                  empty_label: str = "–", protected_label: str | None = None,
                  open_label: str | None = None) -> Figure:
    """Providers (rows) x consumers (columns) of department codes; cells maps (provider, consumer) to a value.

    `names` maps codes to the names shown on the axes. A cell's hover text holds its interval and
    counts; the value itself is `z`. Withheld and empty cells have no z (a gap, no colour) and say
    which they are: `suppressed_label` for too few raters, `protected_label` for a value withheld
    to protect a small group, `open_label` for a period not released yet, `empty_label` for a pair
    without a cell.
    """
    withheld_labels = {"protected": protected_label, "open": open_label}
    z, text = [], []
    for provider in providers:
        z_row, text_row = [], []
        for consumer in consumers:
            cell = cells.get((provider, consumer))
            if _shown(cell):
                z_row.append(cell.value)
                raters = "" if cell.raters is None else f", raters {cell.raters}"
                text_row.append(f"{cell.value:.2f} [{cell.low:.2f}, {cell.high:.2f}]<br>n {cell.n}{raters}")
            else:
                z_row.append(None)
                label = empty_label if cell is None else withheld_labels.get(cell.reason) or suppressed_label
                text_row.append(plotly_text(label))
        z.append(z_row)
        text.append(text_row)
    trace = {"type": "heatmap", "z": z, "x": [plotly_text(c) for c in consumers],
             "y": [plotly_text(p) for p in providers], "text": text,
             "hovertemplate": f"%{{y}} → %{{x}}<br>{_escape_template(plotly_text(value_label))}: %{{text}}"
                              "<extra></extra>",
             "colorscale": "RdYlGn", "zmin": zmin, "zmax": zmax, "hoverongaps": True, "xgap": 1, "ygap": 1,
             "colorbar": {"title": {"text": plotly_text(value_label)}}}
    layout = _plain_layout(title, max(420, 28 * len(providers) + 160),
                           xaxis=_category_axis(consumers, names, axis_titles[1], side="bottom"),
                           yaxis=_category_axis(providers, names, axis_titles[0], autorange="reversed"))
    return Figure(data=[trace], layout=layout)


def _escape_template(text: str) -> str:
    """Plotly reads %{...} in a hover template as a placeholder; a label must not."""
    return text.replace("%", "%%") if "%{" in text else text


def _band(data: list, points: list[Point], metric: str, name: str, colour: str, axes: tuple[str, str],
          legend: bool) -> None:
    """The mean as a line with gaps, and its interval as one shaded polygon per run of shown periods."""
    xs = [p.period for p in points]
    runs, current = [], []
    for point in points:
        if point.metric(metric):
            current.append(point)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    xaxis, yaxis = axes
    for run in runs:
        x = [p.period for p in run]
        data.append({"type": "scatter", "x": x + x[::-1],
                     "y": [p.metric(metric).high for p in run] + [p.metric(metric).low for p in run][::-1],
                     "fill": "toself", "fillcolor": colour + "33", "line": {"width": 0}, "mode": "lines",
                     "hoverinfo": "skip", "showlegend": False, "legendgroup": metric, "xaxis": xaxis,
                     "yaxis": yaxis})
    values = [p.metric(metric) for p in points]
    data.append({"type": "scatter", "x": xs, "y": [value.value if value else None for value in values],
                 "mode": "lines+markers", "name": plotly_text(name), "line": {"color": colour}, "legendgroup": metric,
                 "showlegend": legend, "connectgaps": False, "xaxis": xaxis, "yaxis": yaxis})


def pair_trend_figure(series: dict, reverse: dict, labels: dict, names: dict[str, str] | None = None) -> Figure:
    """Satisfaction and collaboration with 95 % bands, the target line and volume bars; reverse pair beside it.

    Laid out as a 2 x 2 grid: the trends on top (x/y, x2/y2), the volumes below (x3/y3, x4/y4).
    """
    names = names or {}
    data: list = []
    layout = _plain_layout(labels["title"], 560, annotations=[])
    gap, split = 0.03, 0.28 + 0.06
    for col, part in ((1, series), (2, reverse)):
        points = part["points"]
        periods = [p.period for p in points]
        top, bottom = ("x", "y") if col == 1 else ("x2", "y2"), ("x3", "y3") if col == 1 else ("x4", "y4")
        _band(data, points, "satisfaction", labels["satisfaction"], BLUE, top, col == 1)
        _band(data, points, "collaboration", labels["collaboration"], ORANGE, top, col == 1)
        if part.get("satisfaction_target") is not None and points:
            data.append({"type": "scatter", "x": periods, "y": [part["satisfaction_target"]] * len(points),
                         "mode": "lines", "name": plotly_text(labels["target"]), "line": {"color": RED, "dash": "dash"},
                         "showlegend": col == 1, "legendgroup": "target", "xaxis": top[0], "yaxis": top[1]})
        data.append({"type": "bar", "x": periods, "y": [p.n for p in points], "name": plotly_text(labels["volume"]),
                     "marker": {"color": GREY}, "showlegend": col == 1, "legendgroup": "volume",
                     "xaxis": bottom[0], "yaxis": bottom[1]})
        domain = [0, 0.5 - gap] if col == 1 else [0.5 + gap, 1]
        axis = {"type": "category", "categoryorder": "array", "categoryarray": periods, "domain": domain}
        suffix = "" if col == 1 else "2"
        below = "3" if col == 1 else "4"
        layout[f"xaxis{suffix}"] = {**axis, "anchor": f"y{suffix}", "matches": f"x{below}", "showticklabels": False}
        layout[f"yaxis{suffix}"] = {"anchor": f"x{suffix}", "domain": [split, 1], "range": [1, 5.1]}
        layout[f"xaxis{below}"] = {**axis, "anchor": f"y{below}"}
        # Counts never go below zero; a direction without ratings shows an axis at 0, not -1..1.
        volume_axis = {"anchor": f"x{below}", "domain": [0, split - 0.06], "rangemode": "nonnegative"}
        if not any(p.n for p in points):
            volume_axis.update(range=[0, 1], tickvals=[0])
        layout[f"yaxis{below}"] = volume_axis
        provider, consumer = part["provider"], part["consumer"]
        layout["annotations"].append({
            "text": plotly_text(f"{names.get(provider, provider)} → {names.get(consumer, consumer)}"),
            "showarrow": False,
            "x": sum(domain) / 2, "xanchor": "center", "xref": "paper", "y": 1, "yanchor": "bottom",
            "yref": "paper", "font": {"size": 16}})
    return Figure(data=data, layout=layout)


def attainment_figure(commitments: list[dict], labels: dict) -> go.Figure:
    """Attainment % per commitment (bars) against its target (markers)."""
    names = [plotly_text(c["title"]) for c in commitments]
    values = [c["attainment"] for c in commitments]
    colours = [GREY if v is None else GREEN if v >= c["target"] else RED for v, c in zip(values, commitments,
                                                                                         strict=True)]
    fig = go.Figure([
        go.Bar(x=names, y=values, name=plotly_text(labels["attainment"]), marker_color=colours),
        go.Scatter(x=names, y=[c["target"] for c in commitments], mode="markers", name=plotly_text(labels["target"]),
                   marker={"symbol": "line-ew-open", "size": 30, "color": "#212529", "line": {"width": 3}}),
    ])
    fig.update_yaxes(range=[0, 105], ticksuffix=" %")
    return _layout(fig, labels["title"], height=380)


def burn_down_figure(commitments: list[dict], labels: dict) -> go.Figure:
    """Remaining error budget per period for each commitment; below zero the budget is spent."""
    fig = go.Figure()
    for commitment in commitments:
        points = commitment["points"]
        fig.add_trace(go.Scatter(x=[p["period"] for p in points], y=[p["remaining"] for p in points],
                                 mode="lines+markers", name=plotly_text(commitment["title"])))
    fig.add_hline(y=0, line={"color": RED, "dash": "dot"})
    fig.update_xaxes(type="category")
    fig.update_yaxes(title_text=plotly_text(labels["remaining"]))
    return _layout(fig, labels["title"], height=380)


def by_consumer_figure(values: dict[str, Estimate], labels: dict, names: dict[str, str] | None = None) -> go.Figure:
    """Satisfaction from each consumer (code -> value) with its interval; suppressed consumers are left out."""
    shown = [(code, value) for code, value in values.items() if _shown(value)]
    names = names or {}
    fig = go.Figure(go.Bar(
        x=[plotly_text(names.get(code, code)) for code, _ in shown], y=[value.value for _, value in shown],
        marker_color=BLUE, name=plotly_text(labels["satisfaction"]),
        error_y={"type": "data", "symmetric": False, "array": [value.high - value.value for _, value in shown],
                 "arrayminus": [value.value - value.low for _, value in shown]}))
    fig.update_yaxes(range=[0, 5.2])
    return _layout(fig, labels["title"], height=380)


def pareto_figure(reasons: list[dict], labels: dict) -> go.Figure:
    """Reason tags by count, with the cumulative share."""
    total = sum(r["n"] for r in reasons) or 1
    cumulative, running = [], 0
    for reason in reasons:
        running += reason["n"]
        cumulative.append(round(100 * running / total, 2))
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    tags = [plotly_text(r["label"]) for r in reasons]
    fig.add_trace(go.Bar(x=tags, y=[r["n"] for r in reasons], name=plotly_text(labels["count"]),
                         marker_color=ORANGE), secondary_y=False)
    fig.add_trace(go.Scatter(x=tags, y=cumulative, name=plotly_text(labels["cumulative"]),
                             mode="lines+markers", line={"color": "#212529"}), secondary_y=True)
    fig.update_yaxes(range=[0, 105], ticksuffix=" %", secondary_y=True)
    return _layout(fig, labels["title"], height=380)


def flows_figure(flows: list[dict], title: str, names: dict[str, str] | None = None) -> go.Figure:
    """Sankey of handoff volume: providers on the left, consumers on the right."""
    providers = sorted({f["provider"] for f in flows})
    consumers = sorted({f["consumer"] for f in flows})
    names = names or {}
    nodes = [plotly_text(names.get(code, code)) for code in providers + consumers]
    fig = go.Figure(go.Sankey(
        node={"label": nodes, "pad": 12, "thickness": 14},
        link={"source": [providers.index(f["provider"]) for f in flows],
              "target": [len(providers) + consumers.index(f["consumer"]) for f in flows],
              "value": [f["handoffs"] for f in flows]}))
    return _layout(fig, title, height=max(420, 22 * max(len(providers), len(consumers)) + 120))


def movers_figure(movers: list[dict], labels: dict, names: dict[str, str] | None = None) -> go.Figure:
    """Each pair's change against the previous period with its 95 % interval; grey when it may be noise."""
    names = names or {}
    pairs = [plotly_text(f"{names.get(m['provider'], m['provider'])} → {names.get(m['consumer'], m['consumer'])}")
             for m in movers]
    fig = go.Figure(go.Bar(
        y=pairs, x=[m["change"] for m in movers], orientation="h",
        marker_color=[(GREEN if m["change"] > 0 else RED) if m["is_change"] else GREY for m in movers],
        error_x={"type": "data", "symmetric": False, "array": [m["high"] - m["change"] for m in movers],
                 "arrayminus": [m["change"] - m["low"] for m in movers]},
        name=plotly_text(labels["change"])))
    fig.add_vline(x=0, line={"color": "#212529"})
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(title_text=plotly_text(labels["change"]))
    return _layout(fig, labels["title"], height=max(360, 26 * len(movers) + 140))
