"""The « Données du graphique » table under each chart speaks French like its download."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from ui.graphique import screen_table


def test_chart_data_on_screen_is_rounded_and_written_in_french():
    data = pd.DataFrame({"Mois": [date(2026, 9, 1), date(2026, 10, 1)],
                         "Part": [0.26791234, np.nan],
                         "Volume": [18029.0, 5.0],
                         "Provisoire": [True, False]})
    shown = screen_table(data)
    assert shown["Mois"].tolist() == ["2026-09", "2026-10"]
    assert shown["Part"].tolist() == ["0,27", ""]
    assert shown["Volume"].tolist() == ["18\u202f029", "5"]
    assert shown["Provisoire"].tolist() == ["oui", "non"]
