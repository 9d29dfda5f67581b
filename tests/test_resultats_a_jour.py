"""A page read while the results are being recomputed shows the new verdict once they are.

Between an import's commit and the end of the results refresh, the values are new and the verdicts old.
A page opened in that window must not keep the old verdict in its cache for every later session: what a
page shows is keyed on the results it shows. Expected sentences are read from the ``resultats`` table.
"""

from __future__ import annotations


import pandas as pd
import streamlit as st
from streamlit.testing.v1 import AppTest

from indicateurs.referentiel_store import read_referentiel
from indicateurs.resultats import refresh_results
from indicateurs.valeurs import write_values
from ui.texte import litteral
from tests.outils.pages import open_page

NO_CHANGE = "pas de changement détectable"


def _direction_page(db, monkeypatch, direction: str) -> AppTest:
    return open_page(db, monkeypatch, "pages/direction.py", timeout=120, direction=direction)


def _captions(at: AppTest) -> list[str]:
    """Every sentence the page shows: its captions (escaped) and the tooltips of its cards' titles
    (where the Direction page puts each series' stored sentence, as written)."""
    tooltips = [litteral(m.proto.help) for m in at.markdown if m.proto.help]
    return [c.value for c in at.caption] + tooltips


def _sentence(db, parcours: str, indicateur: str) -> str:
    """The stored sentence, as the page writes it (escaped so that no label can inject Markdown)."""
    return litteral(db.query_one("SELECT phrase FROM resultats WHERE parcours = ? AND indicateur = ?",
                                 [parcours, indicateur])[0])


def _a_series_without_change(db):
    """A percentage series judged « pas de changement », with room to move by 30 points."""
    ref = read_referentiel(db)
    percent = {i.code for i in ref.indicateurs if i.unite == "%" and i.sens == "hausse"}
    rows = db.query_df("SELECT parcours, indicateur, moyenne_avant, deploiement FROM resultats WHERE verdict = ?",
                       [NO_CHANGE])
    rows = rows[rows["indicateur"].isin(percent) & (rows["moyenne_avant"] < 60)]
    row = rows.sort_values(["parcours", "indicateur"]).iloc[0]
    direction = ref.un_parcours(row["parcours"]).direction
    return row["parcours"], row["indicateur"], pd.Timestamp(row["deploiement"]).date(), direction


def test_a_page_read_mid_refresh_shows_the_new_verdict_once_the_refresh_ends(demo_db, monkeypatch):
    st.cache_data.clear()
    st.cache_resource.clear()
    parcours, indicateur, deployment, direction = _a_series_without_change(demo_db)
    old_sentence = _sentence(demo_db, parcours, indicateur)
    post = demo_db.query_df("SELECT parcours, indicateur, mois, valeur FROM valeurs WHERE parcours = ? "
                            "AND indicateur = ? AND mois >= ?", [parcours, indicateur, deployment])
    post["mois"] = pd.to_datetime(post["mois"]).dt.date
    post["valeur"] = (post["valeur"] + 35).clip(upper=100)
    post["commentaire"] = None
    before = _direction_page(demo_db, monkeypatch, direction)  # the server is up, its database open
    assert old_sentence in _captions(before)
    write_values(demo_db, post, utilisateur="tests", fichier="hausse.csv")  # committed, results not yet refreshed

    during = _direction_page(demo_db, monkeypatch, direction)
    assert old_sentence in _captions(during)
    assert any("en cours de mise à jour" in i.value for i in during.info)

    refresh_results(demo_db)
    new_sentence = _sentence(demo_db, parcours, indicateur)
    assert new_sentence != old_sentence and NO_CHANGE not in new_sentence
    after = _direction_page(demo_db, monkeypatch, direction)  # same process: the page caches are still warm
    assert new_sentence in _captions(after)
    assert old_sentence not in _captions(after)
    assert not any("en cours de mise à jour" in i.value for i in after.info)
