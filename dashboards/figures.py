"""Plotly figure builders: plain data in, go.Figure out. No Flask, no database, no tracker imports.

Suppressed values arrive as dicts with `suppressed: True` (or as None) and are drawn as gaps:
never a number and never a colour.
"""

from __future__ import annotations

from plotly import graph_objects as go
from plotly.subplots import make_subplots

BLUE, ORANGE, GREY, GREEN, RED = "#0d6efd", "#fd7e14", "#adb5bd", "#198754", "#dc3545"


def _layout(fig: go.Figure, title: str, height: int = 480) -> go.Figure:
    fig.update_layout(title={"text": title, "x": 0}, height=height, margin={"l": 60, "r": 20, "t": 60, "b": 60},
                      template="plotly_white", legend={"orientation": "h", "y": -0.15})
    return fig


def _shown(value) -> bool:
    return bool(value) and not value.get("suppressed") and value.get("value") is not None


def matrix_figure(providers: list[str], consumers: list[str], cells: dict, title: str, value_label: str,
                  suppressed_label: str, zmin: float | None = None, zmax: float | None = None) -> go.Figure:
    """Providers (rows) x consumers (columns); cells maps (provider, consumer) to a published value."""
    z, text, custom = [], [], []
    for provider in providers:
        z_row, text_row, custom_row = [], [], []
        for consumer in consumers:
            cell = cells.get((provider, consumer))
            if _shown(cell):
                z_row.append(cell["value"])
                extra = f"<br>n {cell.get('n', '')}" + (f", raters {cell['raters']}" if "raters" in cell else "")
                text_row.append(f"{provider} → {consumer}<br>{value_label} {cell['value']:.2f} "
                                f"[{cell['low']:.2f}, {cell['high']:.2f}]{extra}")
            else:
                z_row.append(None)
                text_row.append(f"{provider} → {consumer}<br>{suppressed_label}" if cell else
                                f"{provider} → {consumer}")
            custom_row.append([provider, consumer])
        z.append(z_row)
        text.append(text_row)
        custom.append(custom_row)
    fig = go.Figure(go.Heatmap(z=z, x=consumers, y=providers, text=text, customdata=custom, hoverinfo="text",
                               colorscale="RdYlGn", zmin=zmin, zmax=zmax, hoverongaps=True, xgap=1, ygap=1,
                               colorbar={"title": {"text": value_label}}))
    fig.update_xaxes(title_text="consumer", side="bottom", type="category")
    fig.update_yaxes(title_text="provider", autorange="reversed", type="category")
    return _layout(fig, title, height=max(420, 28 * len(providers) + 160))


def _band(fig, points: list[dict], metric: str, name: str, colour: str, row: int, col: int, legend: bool) -> None:
    """The mean as a line with gaps, and its interval as one shaded polygon per run of shown periods."""
    xs = [p["period"] for p in points]
    runs, current = [], []
    for point in points:
        if point.get(metric):
            current.append(point)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    for run in runs:
        x = [p["period"] for p in run]
        fig.add_trace(go.Scatter(
            x=x + x[::-1], y=[p[metric]["high"] for p in run] + [p[metric]["low"] for p in run][::-1],
            fill="toself", fillcolor=colour + "33", line={"width": 0}, mode="lines", hoverinfo="skip",
            showlegend=False, legendgroup=metric), row=row, col=col)
    fig.add_trace(go.Scatter(x=xs, y=[p[metric]["value"] if p.get(metric) else None for p in points],
                             mode="lines+markers", name=name, line={"color": colour}, legendgroup=metric,
                             showlegend=legend, connectgaps=False), row=row, col=col)


def pair_trend_figure(series: dict, reverse: dict, labels: dict) -> go.Figure:
    """Satisfaction and collaboration with 95 % bands, the target line and volume bars; reverse pair beside it."""
    titles = [f"{series['provider']} → {series['consumer']}", f"{reverse['provider']} → {reverse['consumer']}"]
    fig = make_subplots(rows=2, cols=2, shared_xaxes=True, row_heights=[0.72, 0.28], vertical_spacing=0.06,
                        horizontal_spacing=0.06, subplot_titles=titles)
    for col, data in ((1, series), (2, reverse)):
        points = data["points"]
        _band(fig, points, "satisfaction", labels["satisfaction"], BLUE, 1, col, col == 1)
        _band(fig, points, "collaboration", labels["collaboration"], ORANGE, 1, col, col == 1)
        if data.get("satisfaction_target") is not None and points:
            fig.add_trace(go.Scatter(x=[p["period"] for p in points], y=[data["satisfaction_target"]] * len(points),
                                     mode="lines", name=labels["target"], line={"color": RED, "dash": "dash"},
                                     showlegend=col == 1, legendgroup="target"), row=1, col=col)
        fig.add_trace(go.Bar(x=[p["period"] for p in points], y=[p["n"] for p in points], name=labels["volume"],
                             marker_color=GREY, showlegend=col == 1, legendgroup="volume"), row=2, col=col)
        fig.update_yaxes(range=[1, 5.1], row=1, col=col)
        fig.update_xaxes(type="category", categoryorder="array", categoryarray=[p["period"] for p in points],
                         row=1, col=col)
        fig.update_xaxes(type="category", categoryorder="array", categoryarray=[p["period"] for p in points],
                         row=2, col=col)
    return _layout(fig, labels["title"], height=560)


def attainment_figure(commitments: list[dict], labels: dict) -> go.Figure:
    """Attainment % per commitment (bars) against its target (markers)."""
    names = [c["title"] for c in commitments]
    values = [c["attainment"] for c in commitments]
    colours = [GREY if v is None else GREEN if v >= c["target"] else RED for v, c in zip(values, commitments,
                                                                                         strict=True)]
    fig = go.Figure([
        go.Bar(x=names, y=values, name=labels["attainment"], marker_color=colours),
        go.Scatter(x=names, y=[c["target"] for c in commitments], mode="markers", name=labels["target"],
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
                                 mode="lines+markers", name=commitment["title"]))
    fig.add_hline(y=0, line={"color": RED, "dash": "dot"})
    fig.update_xaxes(type="category")
    fig.update_yaxes(title_text=labels["remaining"])
    return _layout(fig, labels["title"], height=380)


def by_consumer_figure(rows: list[dict], labels: dict) -> go.Figure:
    """Satisfaction from each consumer with its interval; suppressed consumers are left out."""
    shown = [r for r in rows if _shown(r)]
    fig = go.Figure(go.Bar(
        x=[r["consumer"] for r in shown], y=[r["value"] for r in shown], marker_color=BLUE,
        name=labels["satisfaction"],
        error_y={"type": "data", "symmetric": False, "array": [r["high"] - r["value"] for r in shown],
                 "arrayminus": [r["value"] - r["low"] for r in shown]}))
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
    fig.add_trace(go.Bar(x=[r["label"] for r in reasons], y=[r["n"] for r in reasons], name=labels["count"],
                         marker_color=ORANGE), secondary_y=False)
    fig.add_trace(go.Scatter(x=[r["label"] for r in reasons], y=cumulative, name=labels["cumulative"],
                             mode="lines+markers", line={"color": "#212529"}), secondary_y=True)
    fig.update_yaxes(range=[0, 105], ticksuffix=" %", secondary_y=True)
    return _layout(fig, labels["title"], height=380)


def flows_figure(flows: list[dict], title: str) -> go.Figure:
    """Sankey of handoff volume: providers on the left, consumers on the right."""
    providers = sorted({f["provider"] for f in flows})
    consumers = sorted({f["consumer"] for f in flows})
    nodes = providers + consumers
    fig = go.Figure(go.Sankey(
        node={"label": nodes, "pad": 12, "thickness": 14},
        link={"source": [providers.index(f["provider"]) for f in flows],
              "target": [len(providers) + consumers.index(f["consumer"]) for f in flows],
              "value": [f["handoffs"] for f in flows]}))
    return _layout(fig, title, height=max(420, 22 * max(len(providers), len(consumers)) + 120))


def movers_figure(movers: list[dict], labels: dict) -> go.Figure:
    """Each pair's change against the previous period with its 95 % interval; grey when it may be noise."""
    names = [f"{m['provider']} → {m['consumer']}" for m in movers]
    fig = go.Figure(go.Bar(
        y=names, x=[m["change"] for m in movers], orientation="h",
        marker_color=[(GREEN if m["change"] > 0 else RED) if m["is_change"] else GREY for m in movers],
        error_x={"type": "data", "symmetric": False, "array": [m["high"] - m["change"] for m in movers],
                 "arrayminus": [m["change"] - m["low"] for m in movers]},
        name=labels["change"]))
    fig.add_vline(x=0, line={"color": "#212529"})
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(title_text=labels["change"])
    return _layout(fig, labels["title"], height=max(360, 26 * len(movers) + 140))
