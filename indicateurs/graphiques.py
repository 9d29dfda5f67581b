"""Plotly chart builders for the CODIR dashboards (no Streamlit here: the pages display what these return).

Accessibility: the Okabe–Ito palette (safe for the common colour-vision deficiencies), and nothing said by
colour alone: every verdict also has a symbol (▲ amélioration, ▼ dégradation, ● pas de changement,
○ données insuffisantes), written in every heat-map cell and bar segment with its count. One colour and one
symbol per verdict everywhere (``VERDICT_LOOK``). Numbers and months are French: the layout's
separators are « , » and a narrow no-break space, hover templates use explicit d3 formats, month ticks
use the French month names given in the chart's locale (see ``ui.graphique``).
"""

from __future__ import annotations

import copy
import functools
import html
from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from indicateurs import marges_graphiques as marges
from indicateurs.format_fr import format_interval, format_month, format_number, format_percent, format_value
from indicateurs.impact.verdicts import (DEGRADATION, FALL, IMPROVEMENT, INSUFFICIENT, MIN_MONTHS_AFTER,
                                         MIN_MONTHS_BEFORE, NO_CHANGE, RISE, SIGNAL)
from indicateurs.mois import add_months
from indicateurs.tableaux import (COUNT_LABELS, NO_RESULT, QUADRANT_INSUFFICIENT, SerieIndicateur,
                                  verdict_symbol, verdict_text)

# Okabe & Ito (2008), « Color Universal Design ».
BLACK, ORANGE, SKY_BLUE, GREEN, YELLOW, BLUE, VERMILLION, PURPLE = (
    "#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
GREY, LIGHT_GREY, WHITE = "#BBBBBB", "#EEEEEE", "#FFFFFF"
GREEN_TINT, VERMILLION_TINT = "#80CFB9", "#EAAF80"  # the same hues, half-way to white

SEPARATORS = ",\u202f"  # decimal comma, narrow no-break space between thousands
FONT = dict(family="Source Sans Pro, Arial, sans-serif", size=13, color="#262730")
NNBSP = "\u202f"
FRENCH_TICKS = ",~r"  # d3: thousands grouped (a narrow space with SEPARATORS), no SI suffix, no trailing 0

# One look per verdict, used by every chart (bars, heat map, effects, legends): the colour, the marker drawn
# in legends and the symbol written in cells and bar segments. Provisional verdicts keep their verdict's
# colour; their symbol carries a « * ». Defined once here so that ▼ is never one colour in one chart and
# another colour elsewhere.
VERDICT_LOOK = {  # verdict: (colour, marker symbol)
    IMPROVEMENT: (GREEN, "triangle-up"),
    # not significant after correction: counted with « pas de changement », a lighter grey, its own ◐
    SIGNAL: ("#DDDDDD", "circle"),
    NO_CHANGE: (GREY, "circle"),
    DEGRADATION: (VERMILLION, "triangle-down"),
    RISE: (SKY_BLUE, "diamond"),
    FALL: (SKY_BLUE, "diamond"),
    INSUFFICIENT: (WHITE, "circle-open"),
    NO_RESULT: (LIGHT_GREY, "line-ew"),
}
COUNT_VERDICTS = {"amelioration": IMPROVEMENT, "pas_de_changement": NO_CHANGE, "degradation": DEGRADATION,
                  "hausse_ou_baisse": RISE, "insuffisant": INSUFFICIENT}  # count column -> its verdict


def verdict_colour(verdict: str | None) -> str:
    """The one colour of a verdict in every chart."""
    return VERDICT_LOOK.get(verdict or NO_RESULT, VERDICT_LOOK[NO_RESULT])[0]


def verdict_mark(verdict: str | None) -> str:
    """The one symbol of a verdict (▲ ▼ ● ◐ ◆ ○ –), as written in cells, segments and legends."""
    return verdict_symbol(verdict)


# Heat-map categories, in legend order: (key, verdict, legend label)
CATEGORIES = [
    ("amelioration", IMPROVEMENT, "▲ amélioration significative"),
    ("degradation", DEGRADATION, "▼ dégradation significative"),
    ("stable", NO_CHANGE, "● pas de changement détectable"),
    ("signal", SIGNAL, "◐ signal à confirmer (pas significatif après correction : compté avec ●)"),
    ("neutre", RISE, "◆ hausse ou baisse significative (volume, ni bonne ni mauvaise)"),
    ("insuffisant", INSUFFICIENT, f"○ données insuffisantes (moins de {MIN_MONTHS_BEFORE} mois avant ou de "
                                  f"{MIN_MONTHS_AFTER} mois après)"),
    ("absent", NO_RESULT, "– pas de résultat (parcours pas encore déployé ou sans valeur)"),
]
CATEGORY_INDEX = {key: n for n, (key, *_rest) in enumerate(CATEGORIES)}
PROVISIONAL_NOTE = "* : verdict provisoire (6 à 11 mois de recul)"
UNIT_HOVER = {"%": (",.1f", f"{NNBSP}%"), "jours": (",.1f", f"{NNBSP}j"), "nombre": (",.0f", ""),
              "ratio": (",.2f", "")}
EFFECT_UNITS = {"pt": "en points de pourcentage", "j": "en jours", "%": "en % (variation relative)",
                "": "dans l'unité de l'indicateur"}


def plain(text) -> str:
    """Referential text (editable in the app) as plain text inside a chart: Plotly renders a subset of HTML
    (``<b>``, ``<a href>``…) in titles, ticks and hover text, so ``<`` and ``&`` are escaped."""
    return html.escape("" if text is None else str(text), quote=False)


class FrozenFigure(go.Figure):
    """A finished figure that will not change again: its dict is computed once.

    Streamlit converts a figure to a dict on every run; for the cached figures of the pages that
    conversion (a deep copy and base64 of every array) was most of a page's time.
    """

    _frozen_dict = None

    def to_dict(self):
        if self._frozen_dict is None:
            self._frozen_dict = super().to_dict()
        return self._frozen_dict

    def __reduce__(self):
        return go.Figure, (dict(self.to_dict()),)


def finished_dict(figure: dict) -> FrozenFigure:
    """A finished figure made from one dict of plain values and numpy arrays, without Plotly's validation.

    Validating every property was most of what remained of the quadrant's and the event study's time (first
    run of the Agents page about 0.95 -> 0.65 s CPU, machine loaded). Only for builders whose figures a test
    compares, JSON for JSON, with validated ones (tests/test_graphiques_dict.py): without it a misspelt
    property would reach the browser unnoticed.
    """
    return finished(go.Figure(figure, _validate=False))


def finished(fig: go.Figure) -> FrozenFigure:
    """Mark a built figure as finished (no more changes): later conversions reuse the first one."""
    fig.__class__ = FrozenFigure
    return fig


def _category(verdict: str, provisoire: bool = False) -> str:
    if verdict == IMPROVEMENT:
        return "amelioration"
    if verdict == DEGRADATION:
        return "degradation"
    if verdict == NO_CHANGE:
        return "stable"
    if verdict == SIGNAL:
        return "signal"
    if verdict in (RISE, FALL):
        return "neutre"
    if verdict == INSUFFICIENT:
        return "insuffisant"
    return "absent"


def _layout_keys(title: str, height: int, legend_rows: int = 1) -> dict:
    """The shared layout's keys (see ``_layout``), for a figure built from a dict in one go."""
    bottom = 40 + 26 * legend_rows
    return dict(
        title=dict(text=title, x=0, xanchor="left", font=dict(size=16)), height=height + bottom,
        separators=SEPARATORS, font=FONT, margin=dict(l=10, r=10, t=70, b=bottom),
        hoverlabel=dict(font=dict(size=13)),
        legend=dict(orientation="h", yref="container", y=0, yanchor="bottom", x=0, xanchor="left",
                    traceorder="normal"))


def _legend_names(traces) -> list[str]:
    """The entries of the legend Plotly draws for ``traces`` (dicts or trace objects): those not hidden
    (a heat map is not in a legend unless asked), none when only one would be there and none was asked for."""
    names, asked = [], False
    for trace in traces:
        get = trace.get if isinstance(trace, dict) else trace.__getitem__
        shown = get("showlegend")
        if shown is False or (shown is None and get("type") == "heatmap"):
            continue
        asked |= shown is True
        names.append(get("name") or "")
    return names if asked or len(names) >= 2 else []


def _sized(layout: dict, traces, left: int, below: float, right: int = 0) -> dict:
    """``layout``'s margins made wide enough, before the browser draws, for what Plotly measures after its
    first draw (``marges_graphiques``): ``left`` pixels for the y axis, ``below`` pixels for the x axis under
    the plot, then the legend of ``traces`` as it wraps on a chart ``marges.REFERENCE_WIDTH`` wide; ``right``:
    room for the last x tick label. A margin is never made smaller. The figure grows by the legend rows a
    chart that narrow needs more than one across the main column of a 1440-pixel screen (``WIDE_WIDTH``):
    there, its plot keeps the height it had."""
    margin = layout["margin"]
    margin["l"] = max(margin["l"], left)
    margin["r"] = max(margin["r"], right)
    names = _legend_names(traces)
    bottom = {width: max(margin["b"], marges.bottom_margin(below, marges.legend_height(
        names, width - margin["l"] - margin["r"]))) for width in (marges.REFERENCE_WIDTH, marges.WIDE_WIDTH)}
    margin["b"] = bottom[marges.REFERENCE_WIDTH]
    if "height" in layout:
        layout["height"] += bottom[marges.REFERENCE_WIDTH] - bottom[marges.WIDE_WIDTH]
    return layout


def _layout(fig: go.Figure, title: str, height: int, *, legend_rows: int = 1, **extra) -> go.Figure:
    """Shared layout: title top left, French separators, legend at the bottom of the figure."""
    fig.update_layout(**_layout_keys(title, height, legend_rows), **extra)
    return fig


def _skeleton(fig: go.Figure) -> dict:
    """The layout ``make_subplots`` built (the subplots' axes and titles) as a dict, for a figure finished as
    one dict and validated once by ``go.Figure``: every add_trace with a row, add_vline and update_xaxes /
    update_yaxes / update_annotations is its own validated relayout, slow with many subplots. Without the
    template: ``go.Figure`` applies the same default one again, without validating a copy."""
    layout = fig.to_dict()["layout"]
    layout.pop("template", None)
    return layout


def _axis_refs(fig: go.Figure, row: int, col: int) -> tuple[str, str]:
    """The x and y references (« x2 », « y2 ») of one subplot, for shapes drawn in it."""
    axes = fig.get_subplot(row, col)
    return axes.xaxis.plotly_name.replace("axis", ""), axes.yaxis.plotly_name.replace("axis", "")


def _rows_by(frame: pd.DataFrame, key: str, columns: list[str]) -> dict[object, dict[str, np.ndarray]]:
    """``columns`` of ``frame`` as numpy arrays, split by the value of ``key`` (first seen first, rows kept in
    order; a missing key is left out): a chart's traces read from these instead of a filtered frame each (a
    boolean filter of a wide frame per trace was most of a quadrant's time), and Plotly validates arrays
    faster than Series."""
    codes, keys = pd.factorize(frame[key])
    arrays = {c: frame[c].to_numpy() for c in columns}
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(-1, len(keys) + 1))[1:]
    return {k: {c: a[order[bounds[n]:bounds[n + 1]]] for c, a in arrays.items()} for n, k in enumerate(keys)}


def _grid(rows: int, cols: int, subplot_titles: list[str], **options) -> tuple[dict, tuple]:
    """What ``make_subplots(rows, cols, subplot_titles, **options)`` lays out, as a dict (see ``_skeleton``),
    and each subplot's (x, y) references by row then column (``_axis_refs``).

    make_subplots validates every axis and title (tens of ms a chart): the untitled grid is built once per
    process (the same few shapes come back on every page and after every import), then copied and titled.
    """
    key = tuple((name, tuple(value) if isinstance(value, list) else value) for name, value in sorted(options.items()))
    layout, refs = _grid_template(rows, cols, tuple(bool(t) for t in subplot_titles), key)
    layout = copy.deepcopy(layout)
    notes = iter(layout.get("annotations", []))  # one per non-empty title, in order
    for text in subplot_titles:
        if text:
            next(notes)["text"] = text
    return layout, refs


@functools.lru_cache(maxsize=64)
def _grid_template(rows: int, cols: int, titled: tuple[bool, ...], options: tuple) -> tuple[dict, tuple]:
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=["·" if t else "" for t in titled],
                        **{name: list(value) if isinstance(value, tuple) else value for name, value in options})
    refs = tuple(tuple(_axis_refs(fig, r, c) for c in range(1, cols + 1)) for r in range(1, rows + 1))
    return _skeleton(fig), refs


def _legend_marker(name: str, colour: str, symbol: str) -> go.Scatter:
    """An invisible point whose only job is a legend entry: symbol + colour + words."""
    hollow = symbol.endswith("-open") or symbol.startswith("line")
    return go.Scatter(x=[None], y=[None], mode="markers", name=name, showlegend=True, hoverinfo="skip",
                      marker=dict(symbol=symbol, color=BLACK if hollow else colour, size=13,
                                  line=dict(color=BLACK, width=2 if hollow else 1)))


def unit_hover(unite: str) -> tuple[str, str]:
    """The d3 format and the suffix of a value of this unit in a hover label."""
    return UNIT_HOVER.get(unite, (",.1f", ""))


# --- vue d'ensemble -----------------------------------------------------------------------------------

HEADER_ROW = 20  # pixels: height of one row of the heat map's column-group header
HEAT_MAP_LABELS_GAP = 27  # pixels: the parcours's names and the cells (measured in chromium, see marges_graphiques)


def verdict_heatmap(grid: pd.DataFrame, groups: dict[str, tuple[str, str]] | None = None,
                    title: str = "Carte des verdicts : parcours × indicateur") -> go.Figure:
    """Parcours (rows) × indicators (columns), coloured by verdict, with the verdict's symbol in each cell.

    ``groups`` maps an indicator's code to its (side, rule) header, e.g. (« Usagers », « Règle d'or 2 »)
    (``changements.indicator_groups``): columns are then ordered by group and each group is named above its
    columns, on two rows, between the cells and the indicators' names.
    """
    parcours = grid.drop_duplicates("parcours").sort_values("ordre_parcours")
    indicators = grid.drop_duplicates("indicateur").sort_values("ordre_indicateur")
    if groups:
        sides = list(dict.fromkeys(groups[c] for c in groups))
        indicators = indicators.assign(_g=indicators["indicateur"].map(
            lambda c: sides.index(groups[c]) if c in groups else len(sides))).sort_values(["_g", "ordre_indicateur"])
    columns = {code: n for n, code in enumerate(indicators["indicateur"])}
    shape = (len(parcours), len(indicators))
    ordered = grid.assign(_col=grid["indicateur"].map(columns)).sort_values(["ordre_parcours", "_col"])
    z = np.array([CATEGORY_INDEX[_category(v)] for v in ordered["verdict"]], dtype=float).reshape(shape)
    text = ordered["symbole"].to_numpy(dtype=object).reshape(shape)
    custom = np.dstack([ordered[c].map(plain).to_numpy(dtype=object).reshape(shape)
                        for c in ("libelle_parcours", "verdict_affiche", "phrase")])
    k = len(CATEGORIES)
    colorscale = []
    for n, (_key, verdict, _label) in enumerate(CATEGORIES):
        colorscale += [[n / k, verdict_colour(verdict)], [(n + 1) / k, verdict_colour(verdict)]]
    x_labels = indicators["libelle_indicateur"].map(plain).tolist()
    y_labels = parcours["parcours"].tolist()
    fig = go.Figure(go.Heatmap(
        z=z, x=x_labels, y=y_labels, text=text, texttemplate="%{text}", textfont=dict(size=13, color=BLACK),
        customdata=custom, colorscale=colorscale, zmin=-0.5, zmax=k - 0.5, showscale=False, xgap=2, ygap=2,
        hovertemplate="<b>%{y}</b> – %{customdata[0]}<br>%{x}<br>%{customdata[1]}<br>%{customdata[2]}<extra></extra>",
    ))
    for _key, verdict, label in CATEGORIES:
        colour, symbol = VERDICT_LOOK[verdict]
        fig.add_trace(_legend_marker(label, colour, symbol))
    header = 0
    if groups:
        header = 2 * HEADER_ROW + 4
        _group_header(fig, [groups.get(c, ("", "")) for c in indicators["indicateur"]])
    # Room above the cells for the rotated names (about 6.5 px a character at 12 px, sine of 40°), so that
    # the title never overlaps them, whatever the number of rows.
    longest = max((len(label) for label in x_labels), default=10)
    names = int(longest * 6.5 * 0.65) + 16
    top = 50 + header + names
    height = top + 26 * shape[0] + 20
    _layout(fig, title, height, legend_rows=4, plot_bgcolor=WHITE)
    # no x axis below the cells (their names are above): only the legend there
    sized = _sized(dict(margin=dict(l=10, r=140, b=fig.layout.margin.b), height=fig.layout.height), fig.data,
                   marges.left_margin(y_labels, gap=HEAT_MAP_LABELS_GAP), marges.MIN_PUSH)
    fig.update_layout(margin=dict(t=top, **sized["margin"]), height=sized["height"],
                      title=dict(y=1, yref="container", yanchor="top", pad=dict(t=14)))
    fig.update_xaxes(side="top", tickangle=-40, showgrid=False, automargin=True, ticklabelstandoff=header,
                     tickfont=dict(size=12))
    fig.update_yaxes(autorange="reversed", showgrid=False, automargin=True)
    return finished(fig)


def _group_header(fig: go.Figure, headers: list[tuple[str, str]]) -> None:
    """Two header rows over the heat map's columns: the side (Usagers, Agents…) and the rule (Règle d'or 2…);
    a band per run of equal headers, its name centred, a black line between sides."""
    shapes, notes = [], []  # set at once: Plotly validates each add_shape / add_annotation call, slowly
    for level, offset in ((0, HEADER_ROW + 4), (1, 2)):
        runs: list[tuple[object, int, int]] = []
        for n, h in enumerate(headers):
            key = h[0] if level == 0 else h
            if runs and runs[-1][0] == key:
                runs[-1] = (key, runs[-1][1], n)
            else:
                runs.append((key, n, n))
        for key, first, last in runs:
            name = key if level == 0 else key[1]
            if not name:
                continue
            shapes.append(dict(type="rect", xref="x", yref="paper", x0=first - 0.45, x1=last + 0.45,
                               ysizemode="pixel", yanchor=1, y0=offset, y1=offset + HEADER_ROW - 2,
                               line=dict(width=0), fillcolor="#DCE6F0" if level == 0 else "#EEF3F8", layer="below"))
            notes.append(dict(x=(first + last) / 2, xref="x", y=1, yref="paper", yanchor="bottom", yshift=offset - 1,
                              text=f"<b>{plain(name)}</b>" if level == 0 else plain(name), showarrow=False,
                              font=dict(size=12 if level == 0 else 11)))
    for n in range(1, len(headers)):
        if headers[n][0] != headers[n - 1][0]:
            shapes.append(dict(type="line", xref="x", yref="paper", x0=n - 0.5, x1=n - 0.5, y0=0, y1=1,
                               line=dict(color=BLACK, width=2)))
    fig.update_layout(shapes=shapes, annotations=notes)


def segment_label(column: str, count: int) -> str:
    """The text of one bar segment: the verdict's symbol and its count (« ▼ 2 »), empty for none."""
    return f"{verdict_mark(COUNT_VERDICTS[column])} {count}" if count else ""


PLOT_WIDTH = 600  # pixels: the narrowest bar area the pages give a stacked bar chart (1440 px screen)


def _fits(text: str, count: int, widest: int) -> bool:
    """Whether « ▼ 12 » fits inside its segment (about 8 px a character at 13 px, plus padding)."""
    return count / widest * PLOT_WIDTH >= 8 * len(text) + 8


def _segment_texts(values: list[int], column: str, widest: int, outside: list[list[str]]) -> list[str]:
    """The label inside each segment of one verdict's bars; a label that does not fit goes to ``outside``
    (shown after the end of its bar)."""
    inside = []
    for n, v in enumerate(values):
        text = segment_label(column, v)
        if text and not _fits(text, v, widest):
            outside[n].append(text)
            text = ""
        inside.append(text)
    return inside


def count_segments(frame: pd.DataFrame, label_column: str):
    """What a stacked count chart draws, however the figure is assembled: the bars' labels, their totals,
    the widest total, one (name, verdict, counts, label inside each segment) per verdict that has any, and
    per bar the labels that do not fit inside their segment (shown after the end of the bar)."""
    labels = frame[label_column].tolist()
    present = [c for c in COUNT_VERDICTS if c in frame.columns]
    totals = frame[present].sum(axis=1).astype(int).tolist() if present else [0] * len(frame)
    widest = max([1, *totals])
    outside: list[list[str]] = [[] for _ in labels]
    segments = []
    for column in present:
        if not frame[column].sum():
            continue
        values = frame[column].astype(int).tolist()
        segments.append((COUNT_LABELS[column], COUNT_VERDICTS[column], values,
                         _segment_texts(values, column, widest, outside)))
    return labels, totals, widest, segments, outside


def stacked_counts(frame: pd.DataFrame, label_column: str, title: str, height: int | None = None) -> go.Figure:
    """Horizontal stacked bars of verdict counts (columns of ``COUNT_LABELS``), one bar per row of ``frame``.

    Every segment carries its verdict's symbol and its count, so that the chart reads without colour: inside
    the segment where it fits, otherwise just after the end of its bar (« ▼ 2 · ◆ 1 »), never hidden or
    overlapping. The colours are the verdicts' (``VERDICT_LOOK``), as in every chart.
    """
    # one dict, validated once by go.Figure: each add_trace, add_annotation and axis update was a relayout
    labels, totals, widest, segments, outside = count_segments(frame, label_column)
    bars = []
    for name, verdict, values, inside in segments:
        bars.append(dict(
            type="bar", y=labels, x=values, orientation="h", name=name,
            marker=dict(color=verdict_colour(verdict), line=dict(color=BLACK, width=0.8)),
            text=inside, textposition="inside", insidetextanchor="middle", textangle=0,
            textfont=dict(color=BLACK, size=13), constraintext="none", customdata=[name] * len(values),
            hovertemplate="%{y}<br>%{customdata} : %{x:,.0f}<extra></extra>",
        ))
    notes = [dict(x=total, y=label, xanchor="left", xshift=5, showarrow=False, text=" · ".join(texts),
                  font=dict(size=13, color=BLACK)) for label, total, texts in zip(labels, totals, outside) if texts]
    layout = _layout_keys(title, height or 90 + 46 * len(labels), legend_rows=2)
    x_title = "nombre de séries parcours × indicateur"
    layout.update(barmode="stack", yaxis=dict(autorange="reversed", automargin=True),
                  xaxis=dict(title=dict(text=x_title), tickformat=",d",
                             range=[0, widest * 1.15]), **({"annotations": notes} if notes else {}))
    _sized(layout, bars, marges.left_margin(labels), marges.x_axis_height(x_title), marges.LAST_TICK_RIGHT)
    return finished(go.Figure(dict(data=bars, layout=layout)))


def direction_score_bars(scores: pd.DataFrame, selected: str | None = None) -> go.Figure:
    """The stored score of each direction, best first; 1 means « on target on average »."""
    frame = scores.sort_values("score", ascending=True)
    labels = [f"{'▶ ' if d == selected else ''}{d}" for d in frame["direction"]]
    colours = [ORANGE if d == selected else BLUE for d in frame["direction"]]
    # One dict, validated once by go.Figure (add_vline, add_annotation, update_xaxes and update_yaxes were each a
    # validated relayout: most of this chart's time).
    bars = dict(
        type="bar", x=frame["score"], y=labels, orientation="h", marker=dict(color=colours),
        text=[format_number(s, 2) for s in frame["score"]], textposition="outside",
        customdata=np.stack([frame["libelle"].map(plain), frame["parcours"]], axis=-1),
        hovertemplate="<b>%{y}</b> – %{customdata[0]}<br>score : %{x:.2f}<br>"
                      "%{customdata[1]} parcours notés<extra></extra>", showlegend=False)
    layout = _layout_keys("Score par direction (1 = cible atteinte en moyenne, plafonné à 1,25)", 120 + 24 * len(frame))
    layout.update(
        shapes=[dict(type="line", x0=1, x1=1, xref="x", y0=0, y1=1, yref="y domain",
                     line=dict(color=BLACK, dash="dash", width=1.5))],
        annotations=[dict(x=1, y=1.0, yref="paper", text="1 = cible atteinte en moyenne", showarrow=False,
                          xanchor="left", yanchor="bottom", font=dict(size=12))],
        xaxis=dict(range=[0, 1.3], tickformat=".2f", title=dict(text="score")), yaxis=dict(automargin=True))
    _sized(layout, [bars], marges.left_margin(labels), marges.x_axis_height("score"))
    fig = go.Figure(dict(data=[bars], layout=layout))
    return finished(fig)


def completeness_bars(frame: pd.DataFrame, month: date, selected: str | None = None) -> go.Figure:
    """Share of the expected values received for one month, per direction (lowest first)."""
    data = frame.sort_values("taux", ascending=False)
    labels = [f"{'▶ ' if d == selected else ''}{d}" for d in data["direction"]]
    colours = [ORANGE if d == selected else BLUE for d in data["direction"]]
    bars = dict(
        type="bar", x=data["taux"] * 100, y=labels, orientation="h", marker=dict(color=colours), showlegend=False,
        text=[f"{format_percent(t)} ({r}/{a})" for t, r, a in zip(data["taux"], data["recues"], data["attendues"])],
        textposition="outside",
        customdata=np.stack([data["libelle"].map(plain), data["recues"], data["attendues"]], axis=-1),
        hovertemplate="<b>%{y}</b> – %{customdata[0]}<br>%{x:.1f} % reçues<br>"
                      "%{customdata[1]} valeurs reçues sur %{customdata[2]} attendues<extra></extra>")
    layout = _layout_keys(f"Complétude de {format_month(month)} par direction", 120 + 24 * len(data))
    layout.update(xaxis=dict(range=[0, 125], ticksuffix=f"{NNBSP}%", title=dict(text="part des valeurs attendues reçues"),
                             tickvals=[0, 25, 50, 75, 100]), yaxis=dict(automargin=True))
    _sized(layout, [bars], marges.left_margin(labels), marges.x_axis_height("part des valeurs attendues reçues"))
    fig = go.Figure(dict(data=[bars], layout=layout))  # one dict, validated once (see direction_score_bars)
    return finished(fig)


# --- direction -----------------------------------------------------------------------------------------

def _forest_panels(effects: pd.DataFrame, unit: str) -> tuple[list[str], dict | None, pd.DataFrame]:
    """The units present (one panel each, sized by its rows), the grid of subplots (``make_subplots``'s
    arguments), and ``effects`` with the row label (« (baisse favorable) » where a fall is good); no grid when
    no effect has a unit."""
    units = [u for u in ("pt", "j", "%", "") if (effects[unit].fillna("") == u).any()]
    if not units:
        return units, None, effects
    counts = [int((effects[unit].fillna("") == u).sum()) for u in units]
    grid = dict(rows=len(units), cols=1, row_heights=counts, vertical_spacing=0.12 if len(units) > 1 else 0,
                subplot_titles=[f"Changement {EFFECT_UNITS[u]}" for u in units])
    effects = effects.assign(etiquette=[
        f"{label} (baisse favorable)" if sens == "baisse" else label
        for label, sens in zip(effects["libelle_indicateur"].map(plain), effects.get("sens", [""] * len(effects)))])
    return units, grid, effects


def effect_forest(effects: pd.DataFrame, title: str, estimate="effet", low="effet_bas", high="effet_haut",
                  unit="effet_unite", verdict="verdict") -> go.Figure:
    """Effects with the interval printed beside their verdict, one row per indicator, one panel per unit."""
    units, grid, effects = _forest_panels(effects, unit)
    if grid is None:
        return _layout(go.Figure(), title, 200)
    seen = set()
    # Built as one dict (see ``_skeleton``): each add_trace, update_yaxes and add_vline with a row was its own
    # validated relayout (a third of the Direction page's first run).
    (layout, refs), traces, lines = _grid(**grid), [], []
    for row, u in enumerate(units, start=1):
        part = effects[effects[unit].fillna("") == u]
        x_ref, y_ref = refs[row - 1][0]
        layout[y_ref.replace("y", "yaxis")].update(categoryorder="array", automargin=True,
                                                   categoryarray=part["etiquette"].tolist()[::-1])
        for v, group in part.groupby(verdict, sort=False):
            colour, symbol = VERDICT_LOOK.get(v, VERDICT_LOOK[NO_RESULT])
            suffix = f"{NNBSP}{u}" if u else ""
            traces.append(dict(
                type="scatter", xaxis=x_ref, yaxis=y_ref,
                x=group[estimate], y=group["etiquette"], mode="markers", name=verdict_text(v),
                legendgroup=v, showlegend=v not in seen,
                marker=dict(symbol=symbol, color=colour if colour != WHITE else BLACK, size=13,
                            line=dict(color=BLACK, width=1)),
                error_x=dict(type="data", symmetric=False, array=group[high] - group[estimate],
                             arrayminus=group[estimate] - group[low], color="#555555", thickness=1.5),
                customdata=np.stack([group[low], group[high]], axis=-1),
                hovertemplate=("%{y}<br>écart moyen : %{x:+,.1f}" + suffix + "<br>intervalle du verdict : "
                               "[%{customdata[0]:,.1f} ; %{customdata[1]:,.1f}]<extra>" + verdict_text(v) + "</extra>"),
            ))
            seen.add(v)
        lines.append(dict(type="line", x0=0, x1=0, xref=x_ref, y0=0, y1=1, yref=f"{y_ref} domain",
                          line=dict(color=BLACK, width=1)))
    layout.update(_layout_keys(title, 150 + 34 * int(effects[unit].fillna("").isin(units).sum()) + 40 * len(units)), shapes=lines)
    for name, axis in layout.items():
        if name.startswith("xaxis"):
            axis.update(tickformat=FRENCH_TICKS)
    shown = effects[effects[unit].fillna("").isin(units)]
    _sized(layout, traces, marges.left_margin(shown["etiquette"]), marges.X_LABELS, marges.LAST_TICK_RIGHT)
    fig = go.Figure(dict(data=traces, layout=layout))
    return finished(fig)


# --- parcours ------------------------------------------------------------------------------------------

def series_chart(serie: SerieIndicateur, debut: date | None = None, fin: date | None = None) -> go.Figure:
    """One parcours × indicateur: monthly values, deployment, 12-month baseline, counterfactual and target."""
    points = serie.points
    if debut is not None and fin is not None:
        points = points[(points["mois"] >= debut) & (points["mois"] <= fin)]
    fmt, suffix = unit_hover(serie.unite)
    unit_words = {"%": "%", "jours": "jours", "nombre": "nombre", "ratio": "ratio"}[serie.unite]
    fig = go.Figure()
    after = points[points["contrefactuel"].notna()]
    if serie.deploiement is not None:
        after = after[after["mois"] >= serie.deploiement]
    if len(after):
        fig.add_trace(go.Scatter(x=after["mois"], y=after["contrefactuel_haut"], mode="lines", line=dict(width=0),
                                 showlegend=False, hoverinfo="skip", legendgroup="cf"))
        fig.add_trace(go.Scatter(
            x=after["mois"], y=after["contrefactuel_bas"], mode="lines", line=dict(width=0), fill="tonexty",
            fillcolor="rgba(86,180,233,0.30)", name="intervalle à 95 % du contrefactuel", legendgroup="cf",
            customdata=after["contrefactuel_haut"],
            hovertemplate=f"intervalle : [%{{y:{fmt}}} ; %{{customdata:{fmt}}}]{suffix}<extra></extra>"))
        fig.add_trace(go.Scatter(
            x=after["mois"], y=after["contrefactuel"], mode="lines", line=dict(color=BLUE, dash="dash", width=2),
            name="sans la refonte (contrefactuel du modèle)",
            hovertemplate=f"sans la refonte : %{{y:{fmt}}}{suffix}<extra></extra>"))
    step = "valeur trimestrielle" if serie.periodicite == "trimestrielle" else "valeur mensuelle"
    fig.add_trace(go.Scatter(
        x=points["mois"], y=points["valeur"], mode="lines+markers", name=step,
        line=dict(color=BLACK, width=2), marker=dict(size=6, symbol="circle"),
        hovertemplate=f"{step} : %{{y:{fmt}}}{suffix}<extra></extra>"))
    if serie.moyenne_reference is not None and serie.deploiement is not None:
        x = [serie.debut_reference, add_months(serie.deploiement, -1)]
        label = f"moyenne des 12 mois avant : {format_value(serie.moyenne_reference, serie.unite)}"
        fig.add_trace(go.Scatter(x=x, y=[serie.moyenne_reference] * 2, mode="lines", name=label,
                                 line=dict(color=ORANGE, dash="dot", width=3),
                                 hovertemplate=f"moyenne des 12 mois avant : %{{y:{fmt}}}{suffix}<extra></extra>"))
    shown = pd.concat([points["valeur"], after["contrefactuel_bas"], after["contrefactuel_haut"]]).dropna()
    if serie.moyenne_reference is not None:
        shown = pd.concat([shown, pd.Series([serie.moyenne_reference])])
    low, high = (float(shown.min()), float(shown.max())) if len(shown) else (0.0, 1.0)
    pad = max((high - low) * 0.08, abs(high) * 0.02, 1e-6)
    y_range = [low - pad, high + pad]
    if serie.cible is not None and len(points):
        label = f"cible : {format_value(serie.cible, serie.unite)}"
        inside = low - 2 * (high - low) <= serie.cible <= high + 2 * (high - low)
        if inside:
            y_range = [min(y_range[0], serie.cible - pad), max(y_range[1], serie.cible + pad)]
            fig.add_trace(go.Scatter(x=[points["mois"].min(), points["mois"].max()], y=[serie.cible] * 2,
                                     mode="lines", name=label, line=dict(color=PURPLE, dash="dashdot", width=2),
                                     hovertemplate=f"cible : %{{y:{fmt}}}{suffix}<extra></extra>"))
        else:  # far off the values: say where it is rather than crush the series
            above = serie.cible > high
            fig.add_annotation(x=0, xref="paper", y=1 if above else 0, yref="paper", showarrow=False,
                               xanchor="left", yanchor="top" if above else "bottom", font=dict(color=PURPLE),
                               text=f"{'↑' if above else '↓'} {label} (hors du cadre, "
                                    f"{'au-dessus' if above else 'en dessous'})")
    if serie.deploiement is not None and len(points) and points["mois"].min() <= serie.deploiement <= points["mois"].max():
        x = serie.deploiement.isoformat()
        fig.add_shape(type="line", x0=x, x1=x, y0=0, y1=1, yref="paper", line=dict(color=BLACK, width=2))
        fig.add_annotation(x=x, y=1, yref="paper", text=f"déploiement ({format_month(serie.deploiement)})",
                           showarrow=False, xanchor="left", yanchor="bottom", font=dict(size=12))
    title = f"{plain(serie.libelle)} – {serie.parcours}"
    _layout(fig, title, 470, hovermode="x unified")
    y_title = f"{plain(serie.libelle)} ({unit_words})"
    ticks = marges.number_labels(*y_range, decimals=int(fmt.split(".")[1][0]))
    sized = _sized(dict(margin=fig.layout.margin.to_plotly_json(), height=fig.layout.height), fig.data,
                   marges.left_margin(ticks, title=y_title), marges.X_LABELS)
    fig.update_layout(margin=sized["margin"], height=sized["height"])
    fig.update_xaxes(tickformat="%b %Y", hoverformat="%B %Y", title_text=None)
    fig.update_yaxes(title_text=y_title, tickformat=fmt.replace(".0f", "d"), range=y_range)
    return finished(fig)


def overview_multiples(values: pd.DataFrame, verdicts: pd.DataFrame, deployment: date | None,
                       order: list[str], cols: int = 3) -> go.Figure:
    """Small multiples: every indicator of one parcours, its values and the deployment month."""
    codes = [c for c in order if c in set(values["indicateur"])]
    rows = max(1, int(np.ceil(len(codes) / cols)))
    symbols = dict(zip(verdicts["indicateur"], verdicts["symbole"])) if len(verdicts) else {}
    labels = values.drop_duplicates("indicateur").set_index("indicateur")["libelle_indicateur"]
    titles = [f"{symbols.get(c, '–')} {plain(labels[c])}" for c in codes]
    layout, refs = _grid(rows=rows, cols=cols, subplot_titles=titles, vertical_spacing=0.5 / rows,
                         horizontal_spacing=0.06)
    by_code = dict(tuple(values.groupby("indicateur")))
    # Built as one dict (see ``_skeleton``): one relayout per subplot made this chart most of the Parcours
    # page's first run (0.45 -> 0.28 s CPU for 21 subplots).
    traces, lines = [], []
    for n, code in enumerate(codes):
        data = by_code[code]
        fmt, suffix = unit_hover(data["unite"].iloc[0])
        x_ref, y_ref = refs[n // cols][n % cols]
        traces.append(dict(type="scatter", x=data["mois"], y=data["valeur"], mode="lines",
                           line=dict(color=BLACK, width=1.5), showlegend=False, name=labels[code],
                           hovertemplate=f"%{{x|%b %Y}} : %{{y:{fmt}}}{suffix}<extra>{labels[code]}</extra>",
                           xaxis=x_ref, yaxis=y_ref))
        if deployment is not None:
            lines.append(dict(type="line", xref=x_ref, yref=f"{y_ref} domain",
                              x0=deployment.isoformat(), x1=deployment.isoformat(), y0=0, y1=1,
                              line=dict(color=BLUE, width=1.5, dash="dash")))
    if lines:
        layout["shapes"] = lines
    layout.update(_layout_keys("Tous les indicateurs du parcours (trait pointillé bleu : déploiement)",
                               150 + 190 * rows))
    ticks = [label for code in codes
             for label in marges.number_labels(float(by_code[code]["valeur"].min()), float(by_code[code]["valeur"].max()))]
    _sized(layout, traces, marges.left_margin(ticks), marges.X_LABELS)
    for note in layout.get("annotations", []):
        note["font"] = {**note.get("font", {}), "size": 12}
    for name, axis in layout.items():
        if name.startswith("xaxis"):
            axis.update(tickformat="%b %Y", nticks=4)
        elif name.startswith("yaxis"):
            # French numbers on every axis (« 35 000 », never Plotly's « 35k »): d3's ~r keeps the tick's digits.
            axis.update(nticks=4, tickformat=FRENCH_TICKS)
    fig = go.Figure(dict(data=traces, layout=layout))
    return finished(fig)


# --- engagements ---------------------------------------------------------------------------------------

def _event_panels(rows: pd.DataFrame, overall: pd.DataFrame) -> tuple[list[str], dict | None]:
    """The indicators of an event study in order and the grid of subplots (``make_subplots``'s arguments),
    each titled by its indicator and overall effect; no grid when there is no indicator."""
    first = rows.drop_duplicates("indicateur")
    codes = first["indicateur"].tolist()
    if not codes:
        return codes, None
    overall = overall.set_index("indicateur") if len(overall) else overall
    titles = []
    for code, label in zip(codes, first["libelle_indicateur"].map(plain)):
        if len(overall) and code in overall.index:
            o = overall.loc[code]
            titles.append(f"{label}<br><sup>effet global {format_number(o['estimation'], 1, signed=True)} "
                          f"{format_interval(o['bas'], o['haut'])}</sup>")
        else:
            titles.append(label)
    cols = min(2, len(codes))
    nrows = int(np.ceil(len(codes) / cols))
    return codes, dict(rows=nrows, cols=cols, subplot_titles=titles, vertical_spacing=0.32 / nrows + 0.08,
                       horizontal_spacing=0.08)


def _event_points(part, placebo: bool, step: str, shown: set[str]) -> dict:
    """The points of one indicator's event study before (placebo) or since its deployment, with their
    intervals; in the legend once (``shown``: the names already there, this one added). ``part``: its rows, a
    frame or its columns as arrays (``_rows_by``)."""
    name = ("avant le déploiement (test placebo : devrait rester proche de 0)" if placebo
            else "depuis le déploiement (effet)")
    points = dict(
        x=part["periode"], y=part["estimation"], mode="markers", name=name, legendgroup=name,
        showlegend=name not in shown,
        marker=dict(symbol="circle-open" if placebo else "circle", size=9,
                    color=GREY if placebo else BLUE, line=dict(width=2, color="#777777" if placebo else BLUE)),
        error_y=dict(type="data", symmetric=False, array=part["haut"] - part["estimation"],
                     arrayminus=part["estimation"] - part["bas"], color="#777777" if placebo else BLUE,
                     thickness=1.3),
        customdata=np.stack([part["bas"], part["haut"], part["n"]], axis=-1),
        hovertemplate=(f"%{{x}} {step} depuis le déploiement<br>effet : %{{y:+,.2f}}<br>"
                       "intervalle à 95 % : [%{customdata[0]:,.2f} ; %{customdata[1]:,.2f}]<br>"
                       "%{customdata[2]} parcours<extra></extra>"))
    shown.add(name)
    return points


def event_study_chart(rows: pd.DataFrame, overall: pd.DataFrame, title: str) -> go.Figure:
    """Event study per indicator: the effect by period since deployment with its 95 % interval; the periods
    before the deployment are placebo checks (they should be close to 0)."""
    codes, grid = _event_panels(rows, overall)
    if grid is None:
        return _layout(go.Figure(), title, 200)
    # Built as one dict (see ``_skeleton``): each add_trace, add_hline, add_vline and update_xaxes with a row was
    # its own validated relayout (most of the 4 engagements page's first run).
    (layout, refs), traces, lines = _grid(**grid), [], []
    nrows, cols = grid["rows"], grid["cols"]
    shown = set()
    by_code = _rows_by(rows, "indicateur", ["placebo", "periode", "estimation", "bas", "haut", "n", "pas"])
    for n, code in enumerate(codes):
        x_ref, y_ref = refs[n // cols][n % cols]
        data = by_code[code]
        step = data["pas"][0]
        for placebo in (False, True):  # the effect's points first, as a group-by of « placebo » gave them
            chosen = data["placebo"] == placebo
            if chosen.any():
                part = {column: values[chosen] for column, values in data.items()}
                traces.append(dict(type="scatter", xaxis=x_ref, yaxis=y_ref,
                                   **_event_points(part, placebo, step, shown)))
        lines += [dict(type="line", xref=f"{x_ref} domain", x0=0, x1=1, yref=y_ref, y0=0, y1=0,
                       line=dict(color=BLACK, width=1)),
                  dict(type="line", xref=x_ref, x0=-0.5, x1=-0.5, yref=f"{y_ref} domain", y0=0, y1=1,
                       line=dict(color=BLACK, width=1, dash="dot"))]
        layout[x_ref.replace("x", "xaxis")].update(title=dict(text=f"{step} depuis le déploiement"), tickformat="d")
    layout.update(_layout_keys(title, 140 + 300 * nrows), shapes=lines)
    for note in layout.get("annotations", []):
        note["font"] = {**note.get("font", {}), "size": 13}
    ticks = marges.number_labels(min(float(rows["bas"].min()), 0.0), max(float(rows["haut"].max()), 0.0))
    _sized(layout, traces, marges.left_margin(ticks), marges.x_axis_height(f"{step} depuis le déploiement"))
    return finished_dict(dict(data=traces, layout=layout))


# --- agents ----------------------------------------------------------------------------------------------

QUADRANT_STYLE = {  # colour and marker of each situation: better on both sides, mixed, worse...
    "gagnant-gagnant": (GREEN, "star"),
    "usagers gagnants, agents inchangés": (GREEN_TINT, "triangle-right"),
    "agents gagnants, usagers inchangés": (GREEN_TINT, "triangle-up"),
    "usagers gagnants, agents perdants": (ORANGE, "triangle-se"),
    "agents gagnants, usagers perdants": (ORANGE, "triangle-nw"),
    "pas de changement détectable des deux côtés": (GREY, "circle"),
    "usagers perdants, agents inchangés": (VERMILLION_TINT, "triangle-left"),
    "agents perdants, usagers inchangés": (VERMILLION_TINT, "triangle-down"),
    "perdant-perdant": (VERMILLION, "x"),
    QUADRANT_INSUFFICIENT: ("#777777", "circle-open"),
}


# Situations drawn without their parcours's name, so that the names that matter stay readable.
QUIET_SITUATIONS = ("pas de changement détectable des deux côtés", QUADRANT_INSUFFICIENT)


QUADRANT_COLUMNS = ["parcours", "libelle_parcours", "oriente_usagers", "oriente_bas_usagers", "oriente_haut_usagers",
                    "oriente_agents", "oriente_bas_agents", "oriente_haut_agents", "verdict_affiche_usagers",
                    "verdict_affiche_agents"]  # what the quadrant draws of each pair


def _situations(pairs: pd.DataFrame):
    """Each situation present in ``pairs`` (in ``QUADRANT_STYLE``'s order) and its rows' columns as arrays."""
    groups = _rows_by(pairs, "quadrant", QUADRANT_COLUMNS)
    for label in QUADRANT_STYLE:
        if label in groups:
            yield label, groups[label]


def _quadrant_points(label: str, part) -> dict:
    """The points of one situation of the win-win quadrant: its look, its intervals, its hover text. ``part``:
    its rows, a frame or its columns as arrays (``_rows_by``)."""
    colour, symbol = QUADRANT_STYLE[label]
    return dict(
        x=part["oriente_usagers"], y=part["oriente_agents"], name=label,
        mode="markers" if label in QUIET_SITUATIONS else "markers+text",
        text=part["parcours"], textposition="top center", textfont=dict(size=10),
        marker=dict(symbol=symbol, size=14, color=colour,
                    line=dict(color=colour if symbol.endswith("-open") else BLACK,
                              width=2 if symbol.endswith("-open") else 1)),
        error_x=dict(type="data", symmetric=False, array=part["oriente_haut_usagers"] - part["oriente_usagers"],
                     arrayminus=part["oriente_usagers"] - part["oriente_bas_usagers"], color="#AAAAAA", thickness=1),
        error_y=dict(type="data", symmetric=False, array=part["oriente_haut_agents"] - part["oriente_agents"],
                     arrayminus=part["oriente_agents"] - part["oriente_bas_agents"], color="#AAAAAA", thickness=1),
        customdata=np.stack([[plain(v) for v in part["libelle_parcours"]], part["verdict_affiche_usagers"],
                             part["verdict_affiche_agents"]], axis=-1),
        hovertemplate=("<b>%{text}</b> – %{customdata[0]}<br>usagers : %{customdata[1]}<br>"
                       "agents : %{customdata[2]}<extra>" + label + "</extra>"))


def win_win_quadrant(pairs: pd.DataFrame, users_label: str, agents_label: str, users_unit: str,
                     agents_unit: str) -> go.Figure:
    """Each parcours placed by its change for the users (x) and for the agents (y), both oriented so that
    right and up mean better; the situation (gagnant-gagnant…) comes from the two stored verdicts."""
    return finished_dict(win_win_parts(pairs, users_label, agents_label, users_unit, agents_unit))


def win_win_parts(pairs: pd.DataFrame, users_label: str, agents_label: str, users_unit: str,
                  agents_unit: str) -> dict:
    """The figure of ``win_win_quadrant`` as one dict (``data``: a trace dict per situation present,
    ``layout``), for a caller that still places its labels before it becomes a figure (``finished_dict``)."""
    traces = [dict(type="scatter", **_quadrant_points(label, part)) for label, part in _situations(pairs)]
    unit_x = EFFECT_UNITS.get(users_unit, "")
    unit_y = EFFECT_UNITS.get(agents_unit, "")
    layout = _layout_keys(f"{agents_label} (agents) face à {users_label} (usagers)", 520)
    x_title = f"Usagers : {users_label}, changement {unit_x} (à droite = mieux)"
    y_title = f"Agents : changement {unit_y}<br>(en haut = mieux)"
    layout.update(
        shapes=[dict(type="line", xref="x domain", x0=0, x1=1, yref="y", y0=0, y1=0, line=dict(color=BLACK, width=1)),
                dict(type="line", xref="x", x0=0, x1=0, yref="y domain", y0=0, y1=1, line=dict(color=BLACK, width=1))],
        annotations=[dict(x=x, y=y, xref="paper", yref="paper", text=f"<i>{text}</i>", showarrow=False,
                          xanchor=xa, yanchor=ya, font=dict(size=12, color="#555555"))
                     for x, y, text, xa, ya in ((1, 1, "gagnant-gagnant", "right", "top"),
                                                (0, 1, "agents gagnants,<br>usagers perdants", "left", "top"),
                                                (1, 0, "usagers gagnants,<br>agents perdants", "right", "bottom"),
                                                (0, 0, "perdant-perdant", "left", "bottom"))],
        xaxis=dict(title=dict(text=x_title), zeroline=False, tickformat=",.1f"),
        yaxis=dict(title=dict(text=y_title), zeroline=False, tickformat=",.1f"))
    agents = pairs[["oriente_agents", "oriente_bas_agents", "oriente_haut_agents"]].to_numpy(dtype=float)
    low, high = (float(np.nanmin(agents, initial=0.0)), float(np.nanmax(agents, initial=0.0))) if agents.size else (0, 0)
    _sized(layout, traces, marges.left_margin(marges.number_labels(low, high, 1), title=y_title),
           marges.x_axis_height(x_title))
    return dict(data=traces, layout=layout)


# --- mirror survey -----------------------------------------------------------------------------------------

GAP_MARKS = (("ecart_avant", "avant le déploiement", "circle-open", BLACK),
             ("ecart_apres", "depuis le déploiement", "circle", BLUE))  # column, legend name, symbol, colour


def _dumbbells(data: pd.DataFrame, shown: set[str]) -> list[dict]:
    """One mirror pair's traces: a grey bar from each parcours's gap before to its gap after, then the gaps
    before (○) and after (●); each name in the legend once (``shown``: the names already there, updated)."""
    both = data.dropna(subset=["ecart_avant", "ecart_apres"])
    xs, ys = [], []
    for r in both.itertuples():
        xs += [r.ecart_avant, r.ecart_apres, None]
        ys += [r.parcours, r.parcours, None]
    traces = [dict(x=xs, y=ys, mode="lines", line=dict(color=GREY, width=2), showlegend=False, hoverinfo="skip")]
    for column, name, symbol, colour in GAP_MARKS:
        part = data.dropna(subset=[column])
        traces.append(dict(
            x=part[column], y=part["parcours"], mode="markers", name=name, legendgroup=name,
            showlegend=name not in shown, marker=dict(symbol=symbol, size=11, color=colour,
                                                      line=dict(width=2, color=colour)),
            customdata=part["libelle_parcours"].map(plain),
            hovertemplate=f"<b>%{{y}}</b> – %{{customdata}}<br>{name} : %{{x:+,.1f}} pt<extra></extra>"))
        shown.add(name)
    return traces


def mirror_dumbbells(gaps: pd.DataFrame, titles: dict[str, str],
                     ticks: tuple[list[float], list[str]] | None = None) -> go.Figure:
    """Per mirror pair, each parcours's gap (agents − users, in points) before (○) and after (●) deployment.

    ``ticks``: the gap axes' tick values and their labels, when the caller writes them itself."""
    pairs = [p for p in titles if p in set(gaps["paire"])]
    if not pairs:
        layout = _layout_keys("Écart de perception agents − usagers", 200)
        if ticks is not None:
            layout["xaxis"] = dict(tickmode="array", tickvals=ticks[0], ticktext=ticks[1])
        return finished(go.Figure(dict(data=[], layout=layout)))
    layout, refs = _grid(rows=1, cols=len(pairs), subplot_titles=[titles[p] for p in pairs], shared_yaxes=True,
                         horizontal_spacing=0.04)
    # Built as one dict (see ``_skeleton``): each add_trace, add_vline and update_xaxes with a column was its own
    # validated relayout.
    traces, lines = [], []
    shown = set()
    for n, pair in enumerate(pairs, start=1):
        x_ref, y_ref = refs[0][n - 1]
        traces += [dict(type="scatter", xaxis=x_ref, yaxis=y_ref, **trace)
                   for trace in _dumbbells(gaps[gaps["paire"] == pair], shown)]
        lines.append(dict(type="line", xref=x_ref, x0=0, x1=0, yref=f"{y_ref} domain", y0=0, y1=1,
                          line=dict(color=BLACK, width=1)))
        layout[x_ref.replace("x", "xaxis")].update(title=dict(text="agents − usagers (points)"), tickformat="+,.0f")
    height = 160 + 22 * gaps["parcours"].nunique()
    layout.update(_layout_keys("Écart de perception agents − usagers, avant et depuis le déploiement", height),
                  shapes=lines)
    _sized(layout, traces, marges.left_margin(gaps["parcours"].unique()), marges.x_axis_height("agents − usagers (points)"),
           marges.LAST_TICK_RIGHT)
    for name, axis in layout.items():
        if name.startswith("yaxis"):
            axis.update(autorange="reversed", automargin=True)
        elif name.startswith("xaxis") and ticks is not None:
            axis.update(tickmode="array", tickvals=ticks[0], ticktext=ticks[1])
    for note in layout.get("annotations", []):
        note["font"] = {**note.get("font", {}), "size": 13}
    return finished(go.Figure(dict(data=traces, layout=layout)))
