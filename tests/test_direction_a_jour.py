"""The Direction page keeps what it writes in shared caches (ui/lectures_direction.py): new values and their
results must show at the next rerun of an open session, in every part built from those caches (figures, chart,
parcours table, cards, results table), never a stale one (the caches are keyed by the data version)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from indicateurs.impact.verdicts import IMPROVEMENT, NO_CHANGE
from indicateurs.resultats import refresh_results
from indicateurs.tableaux import format_mean
from indicateurs.valeurs import write_values
from tests.outils.pages import open_page


def _series_without_change(db):
    """A percentage series « pas de changement », its unit and direction: +35 points after the deployment
    make it an improvement."""
    rows = db.query_df(
        "SELECT r.parcours, r.indicateur, r.deploiement, i.unite, p.direction FROM resultats r "
        "JOIN indicateurs i ON i.code = r.indicateur JOIN parcours p ON p.code = r.parcours "
        "WHERE r.verdict = ? AND i.unite = '%' AND i.sens = 'hausse' AND r.moyenne_avant < 60 "
        "ORDER BY r.parcours, r.indicateur", [NO_CHANGE])
    return rows.iloc[0]


def _stored(db, parcours: str, indicateur: str) -> tuple[float, int]:
    """The stored mean since the deployment of one series and its parcours' number of improvements."""
    mean = db.query_one("SELECT moyenne_apres FROM resultats WHERE parcours = ? AND indicateur = ?",
                        [parcours, indicateur])[0]
    improvements = db.query_one("SELECT count(*) FROM resultats WHERE parcours = ? AND verdict = ?",
                                [parcours, IMPROVEMENT])[0]
    return mean, improvements


def _shown(at, parcours: str, libelle: str) -> dict:
    """What the page shows of one parcours: its improvements in the chart's text alternative and data table
    and in the parcours table, the card's means, the results table's « Depuis » of the indicator."""
    alt = at.get("plotly_chart")[0].proto.alt
    chart = next(e.value for e in at.dataframe if "Libellé" in e.value.columns and "Parcours" in e.value.columns)
    table = next(e.value for e in at.dataframe if "mois_de_recul" in e.value.columns)
    results = next(e.value for e in at.dataframe if "Moyenne depuis le déploiement" in e.value.columns)
    result = results[(results["Parcours"] == parcours) & (results["Indicateur"] == libelle)]
    cards = [m.value for m in at.markdown if "Moyenne des 12 mois avant" in m.value]
    return {"alt": alt, "graphique": chart.set_index("Parcours").loc[parcours, "▲ Améliorations"],
            "tableau": table.set_index("code").loc[parcours, "amelioration"],
            "depuis": result["Moyenne depuis le déploiement"].tolist(),
            "cartes": cards}


def test_direction_shows_new_results_at_the_next_rerun_of_an_open_session(demo_db, monkeypatch):
    st.cache_data.clear()
    st.cache_resource.clear()
    series = _series_without_change(demo_db)
    parcours, indicateur, unite = series["parcours"], series["indicateur"], series["unite"]
    libelle = demo_db.query_one("SELECT libelle FROM indicateurs WHERE code = ?", [indicateur])[0]
    at = open_page(demo_db, monkeypatch, "pages/direction.py", timeout=120, direction=series["direction"])
    old_mean, old_improvements = _stored(demo_db, parcours, indicateur)
    before = _shown(at, parcours, libelle)
    assert f"{parcours} : {old_improvements} amélioration(s)" in before["alt"]
    assert before["graphique"] == before["tableau"] == old_improvements
    old_card = f"Moyenne depuis le déploiement : **{format_mean(old_mean, unite)}**"
    assert any(old_card in c for c in before["cartes"])
    assert before["depuis"] == [format_mean(old_mean, unite)]

    post = demo_db.query_df("SELECT parcours, indicateur, mois, valeur FROM valeurs WHERE parcours = ? "
                            "AND indicateur = ? AND mois >= ?", [parcours, indicateur, series["deploiement"]])
    post["mois"] = pd.to_datetime(post["mois"]).dt.date
    post["valeur"] = (post["valeur"] + 35).clip(upper=100)
    post["commentaire"] = None
    write_values(demo_db, post, utilisateur="tests", fichier="hausse.csv")
    refresh_results(demo_db)
    new_mean, new_improvements = _stored(demo_db, parcours, indicateur)
    assert new_improvements == old_improvements + 1 and format_mean(new_mean, unite) != format_mean(old_mean, unite)

    at.run()  # the same session, every cache warm from before the new values
    assert not at.exception
    after = _shown(at, parcours, libelle)
    assert f"{parcours} : {new_improvements} amélioration(s)" in after["alt"]
    assert after["graphique"] == after["tableau"] == new_improvements
    new_card = f"Moyenne depuis le déploiement : **{format_mean(new_mean, unite)}**"
    assert any(new_card in c for c in after["cartes"]) and not any(old_card in c for c in after["cartes"])
    assert after["depuis"] == [format_mean(new_mean, unite)]
    metrics = {m.label: m.value for m in at.metric}
    total = demo_db.query_one("SELECT count(*) FROM resultats r JOIN parcours p ON p.code = r.parcours "
                              "WHERE p.direction = ? AND r.verdict = ?", [series["direction"], IMPROVEMENT])[0]
    assert metrics["▲ Améliorations significatives"] == str(total)
