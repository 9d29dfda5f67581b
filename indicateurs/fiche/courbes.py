"""The fiche's before/after charts: which series to draw, and the app's chart made fit for paper.

The chart is the Parcours page's own (``graphiques.series_chart``: values, deployment, the 12 months
before, the counterfactual and its band, the target), re-laid for A4: DejaVu Sans, no title (the fiche
prints it), month ticks written here in French (the browser that draws the SVG knows no French
locale), and no referential text inside the picture (labels are printed by the fiche, as typed).
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from indicateurs import graphiques, tableaux
from indicateurs.db import Database
from indicateurs.format_fr import format_month
from indicateurs.impact.verdicts import DEGRADATION
from indicateurs.mois import month_range
from indicateurs.referentiel import Referentiel

WIDTH, HEIGHT = 520, 260  # CSS pixels; printed 8.6 cm wide
FONT = dict(family="DejaVu Sans", size=11, color="#262730")
UNIT_WORDS = {"%": "%", "jours": "jours", "nombre": "nombre", "ratio": "ratio"}
MAX_DETERIORATIONS = 2


def strength(row) -> float:
    """How clearly a change stands out: the effect over the half-width of its printed interval."""
    half = (row.high - row.low) / 2
    return abs(row.estimate) / half if half and half > 0 else 0.0


def chosen_series(changes: pd.DataFrame, count: int) -> list[tuple[str, str]]:
    """The ``count`` most telling significant changes, one per parcours: deteriorations first (at most
    two), then the clearest improvements."""
    if changes.empty or count <= 0:
        return []
    ranked = changes.assign(force=[strength(r) for r in changes.itertuples()])
    ranked = ranked.sort_values("force", ascending=False, kind="stable")
    picked: list[tuple[str, str]] = []
    seen: set[str] = set()
    worse = ranked[ranked["verdict"] == DEGRADATION]
    for part, limit in ((worse, MAX_DETERIORATIONS), (ranked[ranked["verdict"] != DEGRADATION], count)):
        taken = 0
        for r in part.itertuples():
            if len(picked) >= count or taken >= limit:
                break
            if r.parcours in seen:
                continue
            picked.append((r.parcours, r.indicateur))
            seen.add(r.parcours)
            taken += 1
    return picked


def month_ticks(first: date, last: date) -> tuple[list[str], list[str]]:
    """Tick positions (ISO dates) and French labels (« janv. 2025 »): every January and July for up to
    30 months, every January beyond, so that at most five or six labels share the axis."""
    months = month_range(first, last)
    every = 6 if len(months) <= 30 else 12
    ticks = [m for m in months if (m.month - 1) % every == 0]
    if len(ticks) < 2:
        ticks = months[:: max(1, len(months) // 3)]
    return [m.isoformat() for m in ticks], [format_month(m) for m in ticks]


def paper_chart(db: Database, ref: Referentiel, parcours: str, indicateur: str) -> dict:
    """The Parcours page's chart of one series, laid out for print (a figure dict, ready for kaleido)."""
    serie = tableaux.indicator_series(db, ref, parcours, indicateur)
    fig = graphiques.series_chart(serie).to_dict()
    layout = fig["layout"]
    layout.update(title=None, width=WIDTH, height=HEIGHT, font=FONT, hovermode=False, showlegend=False,
                  margin=dict(l=55, r=12, t=26, b=30), paper_bgcolor="white", plot_bgcolor="white")
    grid = dict(showgrid=True, gridcolor="#EEEEEE")
    layout["yaxis"] = {**layout.get("yaxis", {}), **grid, "title": {"text": UNIT_WORDS.get(serie.unite, "")}}
    xaxis = {**layout.get("xaxis", {}), **grid}
    points = serie.points
    if len(points):
        values, labels = month_ticks(points["mois"].min(), points["mois"].max())
        xaxis.update(tickmode="array", tickvals=values, ticktext=labels, tickangle=0)
        xaxis.pop("tickformat", None)
    layout["xaxis"] = xaxis
    return fig


LEGEND = ("Trait noir : valeurs reçues ; trait vertical : déploiement ; tirets bleus et bande bleue : ce que la "
          "tendance d'avant laissait attendre sans la refonte, avec son intervalle à 95 % ; pointillés orange : "
          "moyenne des 12 mois avant ; tirets violets : cible.")


def caption(row) -> str:
    """What the fiche prints under a chart: symbol, parcours, indicator and the stored change."""
    return f"{row.symbole} {row.parcours} – {row.libelle_indicateur} : {row.changement}"
