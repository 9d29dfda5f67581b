"""The win-win quadrant of the Agents page, each parcours placed by its two verdicts and every meaningful
point labelled.

``graphiques.win_win_quadrant`` places points by their estimates: a « pas de changement » point could sit
in the « usagers gagnants, agents perdants » corner while its verdict says nothing of the sort. Here a side
without a significant change sits on its axis (``lecture_agents.placed_by_verdict``), so every point lies
in the corner its situation names, and the labels of points sharing a place are spread around it so that
none hides another.
"""

from __future__ import annotations

import plotly.graph_objects as go
import pandas as pd

from indicateurs import graphiques
from indicateurs.lecture_agents import placed_by_verdict

LABEL_POSITIONS = ("top center", "bottom center", "middle right", "middle left", "top right", "bottom left",
                   "top left", "bottom right")


def spread_labels(fig: go.Figure, resolution: float = 0.04) -> go.Figure:
    """Gives each labelled point a text position of its own among the points close to it (within
    ``resolution`` of the axes' spans), so that labels of neighbouring points do not overlap."""
    labelled = [t for t in fig.data if t.mode and "text" in t.mode and t.x is not None and len(t.x)]
    xs = [float(x) for t in labelled for x in t.x]
    ys = [float(y) for t in labelled for y in t.y]
    if not xs:
        return fig
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0
    taken: dict[tuple[int, int], int] = {}
    for trace in labelled:
        positions = []
        for x, y in zip(trace.x, trace.y):
            cell = (round(float(x) / (span_x * resolution)), round(float(y) / (span_y * resolution)))
            rank = taken.get(cell, 0)
            taken[cell] = rank + 1
            positions.append(LABEL_POSITIONS[rank % len(LABEL_POSITIONS)])
        trace.textposition = positions
    return fig


def win_win_by_verdict(pairs: pd.DataFrame, users_label: str, agents_label: str, users_unit: str,
                       agents_unit: str) -> go.Figure:
    """The quadrant of one agents ↔ users pair, points placed by verdict, meaningful points labelled."""
    fig = graphiques.win_win_quadrant(placed_by_verdict(pairs), users_label, agents_label, users_unit,
                                      agents_unit)
    return spread_labels(fig)
