"""The Miroir page's chart: ``graphiques.mirror_dumbbells`` with its gap axis written the French way.

A Plotly tick format with a sign (« +,.0f ») writes zero as « +0 »; here the ticks are chosen and written
by ``format_fr`` instead: « −10 », « −5 », « 0 », « +5 ».
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from indicateurs import graphiques
from indicateurs.format_fr import format_number
from indicateurs.marges_graphiques import nice_step


def signed_ticks(low: float, high: float, count: int = 6) -> tuple[list[float], list[str]]:
    """Tick values covering [low, high] (0 always included) and their French labels with a sign, zero
    written « 0 »."""
    low, high = min(low, 0.0), max(high, 0.0)
    step = nice_step(high - low, count)
    first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    values = [round(k * step, 10) for k in range(first, last + 1)]
    decimals = 0 if step >= 1 else int(-math.floor(math.log10(step)))
    return values, ["0" if k == 0 else format_number(v, decimals, signed=True)
                    for k, v in zip(range(first, last + 1), values)]


def mirror_gap_chart(gaps: pd.DataFrame, titles: dict[str, str]) -> go.Figure:
    """Per mirror pair, each parcours's gap before and after deployment, with French signed ticks."""
    both = pd.concat([gaps["ecart_avant"], gaps["ecart_apres"]]).dropna() if len(gaps) else pd.Series(dtype=float)
    ticks = signed_ticks(float(both.min()), float(both.max())) if len(both) else None
    return graphiques.mirror_dumbbells(gaps, titles, ticks)
