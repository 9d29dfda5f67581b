"""The chart builders as they were before issue 12 built them as one dict, kept as a reference: the new
builders must return the same figures on the demo base. Vue d'ensemble, Direction and Parcours as before commit
c9fdbfb; the event study (Les 4 engagements), the win-win quadrant (Agents) and the mirror dumbbells (Miroir)
as at commit 000aa98: a relayout per trace, line and axis, each trace fed a filtered frame (the new builders
feed them numpy arrays), labels spread and ticks set on the built figure. Only how a figure is assembled
changed, so the rules both share (segment labels, layout, placement by verdict, label positions, signed ticks,
each trace's look and hover text) are imported from indicateurs rather than copied. Test code only; nothing in
the app imports this."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from indicateurs.format_fr import format_month, format_number, format_percent
from indicateurs.graphiques import (BLACK, BLUE, EFFECT_UNITS, FRENCH_TICKS, NNBSP, NO_RESULT, ORANGE,
                                    QUADRANT_STYLE, VERDICT_LOOK, WHITE, _dumbbells, _event_panels, _event_points,
                                    _forest_panels, _layout, _quadrant_points, count_segments, finished, plain,
                                    unit_hover, verdict_colour)
from indicateurs.graphique_gagnant_gagnant import CENTRE_POINTS, label_positions
from indicateurs.graphique_miroir import signed_ticks
from indicateurs.lecture_agents import placed_by_verdict
from indicateurs.tableaux import verdict_text


def stacked_counts(frame: pd.DataFrame, label_column: str, title: str, height: int | None = None) -> go.Figure:
    """Horizontal stacked bars of verdict counts (columns of ``COUNT_LABELS``), one bar per row of ``frame``.

    Every segment carries its verdict's symbol and its count, so that the chart reads without colour: inside
    the segment where it fits, otherwise just after the end of its bar (« ▼ 2 · ◆ 1 »), never hidden or
    overlapping. The colours are the verdicts' (``VERDICT_LOOK``), as in every chart.
    """
    fig = go.Figure()
    labels, totals, widest, segments, outside = count_segments(frame, label_column)
    for name, verdict, values, inside in segments:
        fig.add_trace(go.Bar(
            y=labels, x=values, orientation="h", name=name,
            marker=dict(color=verdict_colour(verdict), line=dict(color=BLACK, width=0.8)),
            text=inside, textposition="inside", insidetextanchor="middle", textangle=0,
            textfont=dict(color=BLACK, size=13), constraintext="none", customdata=[name] * len(values),
            hovertemplate="%{y}<br>%{customdata} : %{x:,.0f}<extra></extra>",
        ))
    for label, total, texts in zip(labels, totals, outside):
        if texts:
            fig.add_annotation(x=total, y=label, xanchor="left", xshift=5, showarrow=False,
                               text=" · ".join(texts), font=dict(size=13, color=BLACK))
    _layout(fig, title, height or 90 + 46 * len(labels), legend_rows=2, barmode="stack")
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(title_text="nombre de séries parcours × indicateur", tickformat=",d",
                     range=[0, widest * 1.15])
    return finished(fig)


def direction_score_bars(scores: pd.DataFrame, selected: str | None = None) -> go.Figure:
    """The stored score of each direction, best first; 1 means « on target on average »."""
    frame = scores.sort_values("score", ascending=True)
    labels = [f"{'▶ ' if d == selected else ''}{d}" for d in frame["direction"]]
    colours = [ORANGE if d == selected else BLUE for d in frame["direction"]]
    fig = go.Figure(go.Bar(
        x=frame["score"], y=labels, orientation="h", marker=dict(color=colours),
        text=[format_number(s, 2) for s in frame["score"]], textposition="outside",
        customdata=np.stack([frame["libelle"].map(plain), frame["parcours"]], axis=-1),
        hovertemplate="<b>%{y}</b> – %{customdata[0]}<br>score : %{x:.2f}<br>"
                      "%{customdata[1]} parcours notés<extra></extra>", showlegend=False))
    fig.add_vline(x=1, line=dict(color=BLACK, dash="dash", width=1.5))
    fig.add_annotation(x=1, y=1.0, yref="paper", text="1 = cible atteinte en moyenne", showarrow=False,
                       xanchor="left", yanchor="bottom", font=dict(size=12))
    _layout(fig, "Score par direction (1 = cible atteinte en moyenne, plafonné à 1,25)", 120 + 24 * len(frame))
    fig.update_xaxes(range=[0, 1.3], tickformat=".2f", title_text="score")
    fig.update_yaxes(automargin=True)
    return finished(fig)


def completeness_bars(frame: pd.DataFrame, month: date, selected: str | None = None) -> go.Figure:
    """Share of the expected values received for one month, per direction (lowest first)."""
    data = frame.sort_values("taux", ascending=False)
    labels = [f"{'▶ ' if d == selected else ''}{d}" for d in data["direction"]]
    colours = [ORANGE if d == selected else BLUE for d in data["direction"]]
    fig = go.Figure(go.Bar(
        x=data["taux"] * 100, y=labels, orientation="h", marker=dict(color=colours), showlegend=False,
        text=[f"{format_percent(t)} ({r}/{a})" for t, r, a in zip(data["taux"], data["recues"], data["attendues"])],
        textposition="outside",
        customdata=np.stack([data["libelle"].map(plain), data["recues"], data["attendues"]], axis=-1),
        hovertemplate="<b>%{y}</b> – %{customdata[0]}<br>%{x:.1f} % reçues<br>"
                      "%{customdata[1]} valeurs reçues sur %{customdata[2]} attendues<extra></extra>"))
    _layout(fig, f"Complétude de {format_month(month)} par direction", 120 + 24 * len(data))
    fig.update_xaxes(range=[0, 125], ticksuffix=f"{NNBSP}%", title_text="part des valeurs attendues reçues",
                     tickvals=[0, 25, 50, 75, 100])
    fig.update_yaxes(automargin=True)
    return finished(fig)


def effect_forest(effects: pd.DataFrame, title: str, estimate="effet", low="effet_bas", high="effet_haut",
                  unit="effet_unite", verdict="verdict") -> go.Figure:
    """Effects with the interval printed beside their verdict, one row per indicator, one panel per unit."""
    units, grid, effects = _forest_panels(effects, unit)
    if grid is None:
        return _layout(go.Figure(), title, 200)
    fig = make_subplots(**grid)
    seen = set()
    for row, u in enumerate(units, start=1):
        part = effects[effects[unit].fillna("") == u]
        fig.update_yaxes(categoryorder="array", categoryarray=part["etiquette"].tolist()[::-1], row=row, col=1)
        for v, group in part.groupby(verdict, sort=False):
            colour, symbol = VERDICT_LOOK.get(v, VERDICT_LOOK[NO_RESULT])
            suffix = f"{NNBSP}{u}" if u else ""
            fig.add_trace(go.Scatter(
                x=group[estimate], y=group["etiquette"], mode="markers", name=verdict_text(v),
                legendgroup=v, showlegend=v not in seen,
                marker=dict(symbol=symbol, color=colour if colour != WHITE else BLACK, size=13,
                            line=dict(color=BLACK, width=1)),
                error_x=dict(type="data", symmetric=False, array=group[high] - group[estimate],
                             arrayminus=group[estimate] - group[low], color="#555555", thickness=1.5),
                customdata=np.stack([group[low], group[high]], axis=-1),
                hovertemplate=("%{y}<br>écart moyen : %{x:+,.1f}" + suffix + "<br>intervalle du verdict : "
                               "[%{customdata[0]:,.1f} ; %{customdata[1]:,.1f}]<extra>" + verdict_text(v) + "</extra>"),
            ), row=row, col=1)
            seen.add(v)
        fig.add_vline(x=0, line=dict(color=BLACK, width=1), row=row, col=1)
    _layout(fig, title, 150 + 34 * int(effects[unit].fillna("").isin(units).sum()) + 40 * len(units))
    fig.update_yaxes(automargin=True)
    fig.update_xaxes(tickformat=FRENCH_TICKS)
    return finished(fig)


def overview_multiples(values: pd.DataFrame, verdicts: pd.DataFrame, deployment: date | None,
                       order: list[str], cols: int = 3) -> go.Figure:
    """Small multiples: every indicator of one parcours, its values and the deployment month."""
    codes = [c for c in order if c in set(values["indicateur"])]
    rows = max(1, int(np.ceil(len(codes) / cols)))
    symbols = dict(zip(verdicts["indicateur"], verdicts["symbole"])) if len(verdicts) else {}
    labels = values.drop_duplicates("indicateur").set_index("indicateur")["libelle_indicateur"]
    titles = [f"{symbols.get(c, '–')} {plain(labels[c])}" for c in codes]
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=titles, vertical_spacing=0.5 / rows,
                        horizontal_spacing=0.06)
    by_code = dict(tuple(values.groupby("indicateur")))
    lines = []  # set at once: each add_vline re-validated every shape already there (21 of them, slowly)
    for n, code in enumerate(codes):
        r, c = n // cols + 1, n % cols + 1
        data = by_code[code]
        fmt, suffix = unit_hover(data["unite"].iloc[0])
        fig.add_trace(go.Scatter(x=data["mois"], y=data["valeur"], mode="lines", line=dict(color=BLACK, width=1.5),
                                 showlegend=False, name=labels[code],
                                 hovertemplate=f"%{{x|%b %Y}} : %{{y:{fmt}}}{suffix}<extra>{labels[code]}</extra>"),
                      row=r, col=c)
        if deployment is not None:
            axes = fig.get_subplot(r, c)
            lines.append(dict(type="line", xref=axes.xaxis.plotly_name.replace("axis", ""),
                              yref=axes.yaxis.plotly_name.replace("axis", "") + " domain",
                              x0=deployment.isoformat(), x1=deployment.isoformat(), y0=0, y1=1,
                              line=dict(color=BLUE, width=1.5, dash="dash")))
    if lines:
        fig.update_layout(shapes=lines)
    _layout(fig, "Tous les indicateurs du parcours (trait pointillé bleu : déploiement)", 150 + 190 * rows)
    fig.update_annotations(font=dict(size=12))
    fig.update_xaxes(tickformat="%b %Y", nticks=4)
    # French numbers on every axis (« 35 000 », never Plotly's « 35k »): d3's ~r keeps the tick's digits.
    fig.update_yaxes(nticks=4, tickformat=FRENCH_TICKS)
    return finished(fig)


def event_study_chart(rows: pd.DataFrame, overall: pd.DataFrame, title: str) -> go.Figure:
    """graphiques.event_study_chart, a relayout per trace, line and axis."""
    codes, grid = _event_panels(rows, overall)
    if grid is None:
        return _layout(go.Figure(), title, 200)
    fig, nrows, cols = make_subplots(**grid), grid["rows"], grid["cols"]
    shown = set()
    for n, code in enumerate(codes):
        r, c = n // cols + 1, n % cols + 1
        data = rows[rows["indicateur"] == code]
        step = data["pas"].iloc[0]
        for placebo, part in data.groupby("placebo"):
            fig.add_trace(go.Scatter(**_event_points(part, placebo, step, shown)), row=r, col=c)
        fig.add_hline(y=0, line=dict(color=BLACK, width=1), row=r, col=c)
        fig.add_vline(x=-0.5, line=dict(color=BLACK, width=1, dash="dot"), row=r, col=c)
        fig.update_xaxes(title_text=f"{step} depuis le déploiement", row=r, col=c, tickformat="d")
    _layout(fig, title, 140 + 300 * nrows)
    fig.update_annotations(font=dict(size=13))
    return finished(fig)


def win_win_quadrant(pairs: pd.DataFrame, users_label: str, agents_label: str, users_unit: str,
                     agents_unit: str) -> go.Figure:
    """graphiques.win_win_quadrant, a relayout per trace, line and note."""
    fig = go.Figure()
    for label in QUADRANT_STYLE:
        part = pairs[pairs["quadrant"] == label]
        if part.empty:
            continue
        fig.add_trace(go.Scatter(**_quadrant_points(label, part)))
    fig.add_hline(y=0, line=dict(color=BLACK, width=1))
    fig.add_vline(x=0, line=dict(color=BLACK, width=1))
    for x, y, text, xa, ya in ((1, 1, "gagnant-gagnant", "right", "top"),
                               (0, 1, "agents gagnants,<br>usagers perdants", "left", "top"),
                               (1, 0, "usagers gagnants,<br>agents perdants", "right", "bottom"),
                               (0, 0, "perdant-perdant", "left", "bottom")):
        fig.add_annotation(x=x, y=y, xref="paper", yref="paper", text=f"<i>{text}</i>", showarrow=False,
                           xanchor=xa, yanchor=ya, font=dict(size=12, color="#555555"))
    unit_x = EFFECT_UNITS.get(users_unit, "")
    unit_y = EFFECT_UNITS.get(agents_unit, "")
    _layout(fig, f"{agents_label} (agents) face à {users_label} (usagers)", 520)
    fig.update_xaxes(title_text=f"Usagers : {users_label}, changement {unit_x} (à droite = mieux)",
                     zeroline=False, tickformat=",.1f")
    fig.update_yaxes(title_text=f"Agents : changement {unit_y}<br>(en haut = mieux)", zeroline=False,
                     tickformat=",.1f")
    return finished(fig)


def mirror_dumbbells(gaps: pd.DataFrame, titles: dict[str, str]) -> go.Figure:
    """graphiques.mirror_dumbbells, a relayout per trace, line and axis."""
    pairs = [p for p in titles if p in set(gaps["paire"])]
    if not pairs:
        return _layout(go.Figure(), "Écart de perception agents − usagers", 200)
    fig = make_subplots(rows=1, cols=len(pairs), subplot_titles=[titles[p] for p in pairs], shared_yaxes=True,
                        horizontal_spacing=0.04)
    shown = set()
    for n, pair in enumerate(pairs, start=1):
        for trace in _dumbbells(gaps[gaps["paire"] == pair], shown):
            fig.add_trace(go.Scatter(**trace), row=1, col=n)
        fig.add_vline(x=0, line=dict(color=BLACK, width=1), row=1, col=n)
        fig.update_xaxes(title_text="agents − usagers (points)", tickformat="+,.0f", row=1, col=n)
    height = 160 + 22 * gaps["parcours"].nunique()
    _layout(fig, "Écart de perception agents − usagers, avant et depuis le déploiement", height)
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_annotations(font=dict(size=13))
    return finished(fig)


# graphique_gagnant_gagnant (labels spread on the built figure)

def spread_labels(fig: go.Figure) -> go.Figure:
    """Gives neighbouring labelled points alternate text positions so that their labels do not overlap."""
    labelled = [t for t in fig.data if t.mode and "text" in t.mode and t.x is not None and len(t.x)]
    if not labelled:
        return fig
    for trace, positions in zip(labelled, label_positions([(t.x, t.y) for t in labelled])):
        trace.textposition = positions
        trace.cliponaxis = False
    return fig


def win_win_by_verdict(pairs: pd.DataFrame, users_label: str, agents_label: str, users_unit: str,
                       agents_unit: str) -> go.Figure:
    """graphique_gagnant_gagnant.win_win_by_verdict, labels spread on the built figure."""
    placed = placed_by_verdict(pairs)
    placed = placed.dropna(subset=["oriente_usagers", "oriente_agents"])
    centre = (placed["oriente_usagers"] == 0) & (placed["oriente_agents"] == 0)
    placed = pd.concat([placed[~centre], placed[centre].head(CENTRE_POINTS)])
    fig = win_win_quadrant(placed, users_label, agents_label, users_unit, agents_unit)
    fig = spread_labels(fig)
    if hasattr(fig, "_frozen_dict"):
        fig._frozen_dict = None  # changed after graphiques marked it finished
    return fig


# graphique_miroir (ticks set on the built figure)

def mirror_gap_chart(gaps: pd.DataFrame, titles: dict[str, str]) -> go.Figure:
    """Per mirror pair, each parcours's gap before and after deployment, with French signed ticks."""
    fig = mirror_dumbbells(gaps, titles)
    both = pd.concat([gaps["ecart_avant"], gaps["ecart_apres"]]).dropna() if len(gaps) else pd.Series(dtype=float)
    if len(both):
        values, labels = signed_ticks(float(both.min()), float(both.max()))
        fig.update_xaxes(tickmode="array", tickvals=values, ticktext=labels)
        if hasattr(fig, "_frozen_dict"):
            fig._frozen_dict = None  # changed after graphiques marked it finished
    return fig
