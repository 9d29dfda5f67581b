"""The demonstration data: deterministic, shaped like the real thing, with known effects."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from indicateurs.demo import generate_demo
from indicateurs.referentiel import load_referentiel

END = date(2026, 10, 1)


@pytest.fixture(scope="module")
def ref():
    return load_referentiel()


@pytest.fixture(scope="module")
def data(ref):
    return generate_demo(ref, END)


def test_same_seed_same_values(ref, data):
    pd.testing.assert_frame_equal(data, generate_demo(ref, END))
    other = generate_demo(ref, END, seed=1)
    assert not other["valeur"].equals(data["valeur"])


def test_every_parcours_and_indicator_is_present(ref, data):
    assert set(data["parcours"]) == {p.code for p in ref.parcours}
    assert set(data["indicateur"]) == {i.code for i in ref.indicateurs}
    assert not data.duplicated(["parcours", "indicateur", "mois"]).any()


def test_span_starts_24_months_before_deployment_never_before_2023(data):
    first = data.groupby("parcours")["mois"].min()
    assert first["DDCT-TITRE-IDENTITE"] == date(2023, 1, 1)  # deployed January 2025
    assert first["DJS-CRENEAU-SPORTIF"] == date(2024, 4, 1)  # deployed April 2026
    assert data["mois"].max() == END


def test_quarterly_indicators_only_on_quarter_months(ref, data):
    quarterly = {i.code for i in ref.indicateurs if i.periodicite == "trimestrielle"}
    months = data[data["indicateur"].isin(quarterly)]["mois"].map(lambda m: m.month)
    assert set(months) <= {3, 6, 9, 12}
    assert len(months) > 0


def test_values_within_bounds(ref, data):
    bounds = {i.code: (i.min, i.max) for i in ref.indicateurs}
    low = data["indicateur"].map(lambda c: bounds[c][0])
    high = data["indicateur"].map(lambda c: bounds[c][1])
    assert ((data["valeur"] >= low) & (data["valeur"] <= high)).all()


def test_some_months_are_missing(data):
    full = data.groupby(["parcours", "indicateur"]).size()
    assert len(data) < full.size * 46
    assert not ((data["parcours"] == "DVD-DEMENAGEMENT") & (data["mois"] == END)).any()


def _series(data, parcours, indicateur):
    s = data[(data["parcours"] == parcours) & (data["indicateur"] == indicateur)]
    return s.set_index("mois")["valeur"]


def test_pools_are_busier_in_summer(data):
    volume = _series(data, "DJS-PISCINE", "VOLUME_DEMANDES")
    july = volume[[m for m in volume.index if m.month == 7]].mean()
    january = volume[[m for m in volume.index if m.month == 1]].mean()
    assert july > 1.5 * january


def test_school_registrations_peak_in_spring(data):
    volume = _series(data, "DASCO-INSCRIPTION", "VOLUME_DEMANDES")
    april = volume[[m for m in volume.index if m.month == 4]].mean()
    november = volume[[m for m in volume.index if m.month == 11]].mean()
    assert april > 2.5 * november


def _before_after(data, parcours, indicateur, deployment):
    s = _series(data, parcours, indicateur)
    before = s[[m for m in s.index if m < deployment]].tail(12).mean()
    after = s[[m for m in s.index if m >= deployment]].mean()
    return before, after


def test_identity_documents_delay_falls_after_redesign(data):
    before, after = _before_after(data, "DDCT-TITRE-IDENTITE", "DELAI_TRAITEMENT", date(2025, 1, 1))
    assert after < 0.85 * before


def test_agents_overload_grows_on_public_procurement(data):
    before, after = _before_after(data, "DFA-MARCHE", "SOLLICITATIONS_PAR_AGENT", date(2025, 5, 1))
    assert after > before + 3
