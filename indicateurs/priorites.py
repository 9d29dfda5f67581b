"""Which parcours a page shows first when there are too many to show them all at once (issue 12: at 100 times
the demo, 3,000 parcours), and how a long list is cut into pages: the reader always learns how many are not
on screen and can reach them.

The order « what matters first » is the one of « En bref »: the parcours with the most significant
deteriorations, then the most significant improvements, then the others, each group in the given order.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicateurs.format_fr import format_number
from indicateurs.impact.verdicts import DEGRADATION, IMPROVEMENT


def marked_first(codes: list[str], verdicts: pd.DataFrame) -> list[str]:
    """``codes`` (parcours), those with the most significant deteriorations first, then the most significant
    improvements, the others after in the given order; ``verdicts`` has columns ``parcours`` and ``verdict``
    (one row per series, e.g. ``tableaux.verdict_rows`` or ``tableaux.verdict_grid``)."""
    if verdicts.empty:
        return list(codes)
    worse = verdicts.loc[verdicts["verdict"] == DEGRADATION, "parcours"].value_counts().to_dict()
    better = verdicts.loc[verdicts["verdict"] == IMPROVEMENT, "parcours"].value_counts().to_dict()
    position = {code: n for n, code in enumerate(codes)}
    return sorted(codes, key=lambda c: (-worse.get(c, 0), -better.get(c, 0), position[c]))


@dataclass(frozen=True)
class Tranche:
    """One page of a long list: rows ``debut`` to ``fin`` (0-based, end excluded) of ``total``."""

    debut: int
    fin: int
    total: int

    @property
    def cachees(self) -> int:
        """How many items are not on this page."""
        return self.total - (self.fin - self.debut)

    def libelle(self, nom: str) -> str:
        """« parcours 31 à 60 sur 300 », the words of the page chooser (``nom``: the plural noun)."""
        return (f"{nom} {format_number(self.debut + 1, 0)} à {format_number(self.fin, 0)} "
                f"sur {format_number(self.total, 0)}")


def slices(total: int, size: int) -> list[Tranche]:
    """The pages of ``size`` items covering ``total`` items (one page, possibly empty, when it all fits)."""
    if total <= size:
        return [Tranche(0, total, total)]
    return [Tranche(start, min(start + size, total), total) for start in range(0, total, size)]
