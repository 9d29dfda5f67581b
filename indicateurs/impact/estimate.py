"""The shape every effect is returned in: a point estimate with its 95% confidence interval."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Estimate:
    """An estimated effect.

    ``estimate``, ``low`` and ``high`` are on the reporting scale (unit of the indicator, or rate ratio
    for count models); ``se`` is the standard error on the model's linear scale (the log scale for
    count models), ``p_value`` is two-sided, for "no effect".
    """

    estimate: float
    low: float
    high: float
    p_value: float
    se: float | None = None

    def excludes(self, null: float = 0.0) -> bool:
        """True when the whole interval lies on one side of ``null`` (0 for a difference, 1 for a ratio)."""
        return self.low > null or self.high < null
