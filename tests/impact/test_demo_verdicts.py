"""On every stored series of the demo base: the verdict and the interval printed beside it agree, and the
correction family (one parcours) makes each parcours' verdicts independent of the others' data."""

from __future__ import annotations

import numpy as np

from indicateurs.format_fr import format_interval
from indicateurs.resultats import refresh_results

SIGNIFICANT = {"amélioration significative", "dégradation significative", "hausse significative",
               "baisse significative"}


def _stored(db):
    return db.query_df("SELECT parcours, indicateur, verdict, significatif, effet, effet_bas, effet_haut, "
                       "effet_bas_95, effet_haut_95, p_valeur, p_ajustee, niveau_intervalle, phrase "
                       "FROM resultats ORDER BY parcours, indicateur")


def test_interval_excludes_zero_exactly_when_the_verdict_is_significant(demo_db):
    rows = _stored(demo_db)
    judged = rows[rows["verdict"] != "données insuffisantes"]
    assert len(judged) > 300
    excludes = (judged["effet_bas"] > 0) | (judged["effet_haut"] < 0)
    significant = judged["verdict"].isin(SIGNIFICANT)
    assert (excludes == significant).all(), judged[excludes != significant][["parcours", "indicateur", "verdict"]]
    assert (significant == judged["significatif"].astype(bool)).all()
    # the estimate lies inside its interval, and the printed interval is never narrower than the 95 % one
    assert ((judged["effet_bas"] <= judged["effet"]) & (judged["effet"] <= judged["effet_haut"])).all()
    assert (judged["effet_haut"] - judged["effet_bas"] >= judged["effet_haut_95"] - judged["effet_bas_95"] - 1e-9).all()
    # « signal à confirmer »: significant alone (95 % interval off 0), not after correction
    signal = judged[judged["verdict"] == "signal à confirmer"]
    assert len(signal) > 0
    assert ((signal["effet_bas_95"] > 0) | (signal["effet_haut_95"] < 0)).all()
    assert ((signal["effet_bas"] <= 0) & (signal["effet_haut"] >= 0)).all()
    # every sentence prints the interval the verdict was read from
    for row in judged.itertuples():
        assert row.verdict in row.phrase
    # as a reader sees it: a significant interval never shows a bound written as 0 (« [0,0 ; 9,7] »)
    shown = judged[significant]
    for low, high in zip(shown["effet_bas"], shown["effet_haut"]):
        bounds = format_interval(low, high).strip("[]").split(" ; ")
        assert all(b.strip("0,\u2212") for b in bounds), (low, high, bounds)


def test_removing_one_parcours_changes_no_other_parcours_verdict(demo_db):
    before = _stored(demo_db)
    with demo_db.transaction() as con:
        con.execute("DELETE FROM valeurs WHERE parcours = 'DDCT-TITRE-IDENTITE'")
    refresh_results(demo_db, force=True)
    after = _stored(demo_db)
    assert "DDCT-TITRE-IDENTITE" not in set(after["parcours"])
    kept = before[before["parcours"] != "DDCT-TITRE-IDENTITE"].reset_index(drop=True)
    assert list(kept["verdict"]) == list(after["verdict"])
    assert np.allclose(kept["effet_bas"].fillna(0), after["effet_bas"].fillna(0))
    assert np.allclose(kept["effet_haut"].fillna(0), after["effet_haut"].fillna(0))


def test_the_volume_is_outside_the_correction_family(demo_db):
    rows = demo_db.query_df("SELECT parcours, indicateur, taille_famille, niveau_intervalle, verdict FROM resultats "
                            "WHERE verdict <> 'données insuffisantes'")
    volume = rows[rows["indicateur"] == "VOLUME_DEMANDES"]
    assert (volume["niveau_intervalle"] == 0.95).all()
    assert not volume["verdict"].isin(["amélioration significative", "dégradation significative"]).any()
    others = rows[rows["indicateur"] != "VOLUME_DEMANDES"]
    per_parcours = others.groupby("parcours")["taille_famille"].agg(["min", "max", "count"])
    assert (per_parcours["min"] == per_parcours["max"]).all()
    assert (per_parcours["max"] == per_parcours["count"]).all()
