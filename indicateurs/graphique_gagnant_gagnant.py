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

LABEL_POSITIONS = ("top center", "bottom center")
CENTRE_POINTS = 20


def label_positions(points: list[tuple[list, list]], label_share: float = 0.16,
                    band_share: float = 0.06) -> list[list[str]]:
    """The text position of every labelled point (``points``: the x and y of each labelled trace), so that
    neighbouring labels do not overlap.

    Points on about the same height (within ``band_share`` of the vertical span) and closer than a label's
    width (``label_share`` of the horizontal span) take turns above and below.
    """
    flat = [(float(x), float(y), n, k) for n, (xs, ys) in enumerate(points) for k, (x, y) in enumerate(zip(xs, ys))]
    positions = [["top center"] * len(xs) for xs, _ys in points]
    if not flat:
        return positions
    xs, ys = [p[0] for p in flat], [p[1] for p in flat]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0
    last_in_band: dict[int, tuple[float, int]] = {}  # band → (x of its last label, index in LABEL_POSITIONS)
    for x, y, n, k in sorted(flat, key=lambda p: (round(p[1] / (span_y * band_share)), p[0])):
        band = round(y / (span_y * band_share))
        previous = last_in_band.get(band)
        turn = 0 if previous is None or x - previous[0] >= span_x * label_share else (previous[1] + 1) % 2
        positions[n][k] = LABEL_POSITIONS[turn]
        last_in_band[band] = (x, turn)
    return positions


def spread_labels(traces: list[dict]) -> list[dict]:
    """Gives neighbouring labelled points alternate text positions (``label_positions``) so that their labels
    do not overlap; labels are drawn even where they pass the plot's edge (a point on an axis keeps its whole
    name). ``traces``: the trace dicts of a figure not yet validated (``graphiques.win_win_parts``), changed
    in place."""
    labelled = [t for t in traces if "text" in (t.get("mode") or "") and t.get("x") is not None and len(t["x"])]
    if not labelled:
        return traces
    for trace, positions in zip(labelled, label_positions([(t["x"], t["y"]) for t in labelled])):
        trace["textposition"] = positions
        trace["cliponaxis"] = False
    return traces


def drawn_points(pairs: pd.DataFrame) -> pd.DataFrame:
    """The pairs placed by verdict that the quadrant draws.

    Points without coordinates are not drawn; points all at the centre (no change on either side) hide one
    another beyond a few: neither is sent to the browser (at 100x the demo, megabytes of them).
    """
    drawn = pairs[[*graphiques.QUADRANT_COLUMNS, "quadrant", "verdict_usagers", "verdict_agents"]]  # not the 30 others
    placed = placed_by_verdict(drawn).dropna(subset=["oriente_usagers", "oriente_agents"])
    centre = (placed["oriente_usagers"] == 0) & (placed["oriente_agents"] == 0)
    return pd.concat([placed[~centre], placed[centre].head(CENTRE_POINTS)])


def win_win_by_verdict(pairs: pd.DataFrame, users_label: str, agents_label: str, users_unit: str,
                       agents_unit: str) -> go.Figure:
    """The quadrant of one agents ↔ users pair, points placed by verdict, meaningful points labelled."""
    # Labels placed on the figure's dict before it becomes a figure (each trace's textposition set on a built
    # figure was its own validation).
    parts = graphiques.win_win_parts(drawn_points(pairs), users_label, agents_label, users_unit, agents_unit)
    spread_labels(parts["data"])
    return graphiques.finished_dict(parts)
