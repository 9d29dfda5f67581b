"""« Détails statistiques »: the p-values and method names of the stored results, kept out of the reader's
way (Direction and Parcours) in an expander that explains them to a non-statistician when opened."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from indicateurs import tableaux
from indicateurs.lignes_affichees import wrapped_row_height
from ui.impression import PRINTABLE_KEY, html_table
from ui.memo import same_frame

LABEL = "Détails statistiques"
# What the reader's tables leave out: the adjusted p-value and the model's name.
STATISTICAL_COLUMNS = [tableaux.RESULT_COLUMNS["p_ajustee"], tableaux.RESULT_COLUMNS["methode"]]
EXPLANATION = """\
**Comment lire ces détails.** Chaque verdict compare les valeurs reçues depuis le déploiement à ce que la
tendance d'avant laissait attendre si rien n'avait changé.

- **p ajustée (BH)** : la probabilité d'observer un écart au moins aussi grand si la refonte n'avait rien changé.
  Comme on regarde une vingtaine d'indicateurs par parcours, certains écarts paraîtraient grands par hasard :
  cette probabilité est donc corrigée (méthode de Benjamini et Hochberg). En dessous de 0,05, l'écart est jugé
  significatif (▲ ou ▼) ; « signal à confirmer » : l'écart serait significatif pour cet indicateur seul, pas
  après cette correction.
- **Méthode** : le calcul utilisé. « Série temporelle interrompue » : la tendance des mois d'avant est
  prolongée après le déploiement et l'écart moyen à cette tendance est mesuré. Pour les taux et les délais,
  « moindres carrés généralisés, erreurs AR(1) » tient compte de ce que deux mois voisins se ressemblent ;
  pour les nombres (réclamations, incivilités…), « quasi-Poisson » est fait pour des événements comptés, le cas
  échéant rapportés au volume de demandes. « Avec saisonnalité » : la série est assez longue pour tenir compte
  des mois de l'année.
- **Intervalle du verdict** : il est plus large qu'un intervalle à 95 % habituel, parce qu'il tient compte du
  nombre d'indicateurs regardés ; il exclut 0 exactement quand le verdict est significatif.

La page « Méthodologie » détaille ces choix et leurs limites mesurées.
"""


def reader_results(verdicts: pd.DataFrame) -> pd.DataFrame:
    """The stored results for the reader's table: the display columns without p-values and method names."""
    return _for_display(verdicts).drop(columns=STATISTICAL_COLUMNS)


def _for_display(verdicts: pd.DataFrame) -> pd.DataFrame:
    """``results_for_display``, written once per shared frame of results (``ui.memo``): the reader's table
    and the statistical details both start from it on every rerun."""
    return same_frame(tableaux.results_for_display, verdicts)


T = tableaux.RESULT_COLUMNS
# The reader's table on a 1440-pixel screen: short titles (the full one in the tooltip), set widths, long
# labels wrapped; the sentence, the months and the statistics stay on paper, in the downloads and below.
ON_SCREEN = {  # column: (title on screen, width in px, characters per line when wrapped)
    T["parcours"]: ("Parcours", 165, None),
    T["libelle_indicateur"]: ("Indicateur", 235, 32),
    T["verdict_affiche"]: ("Verdict", 235, 32),
    T["avant"]: ("Avant", 80, None),
    T["apres"]: ("Depuis", 80, None),
    T["changement"]: ("Écart moyen [intervalle]", 175, None),
}


def show_reader_results(verdicts: pd.DataFrame, *, key: str, with_parcours: bool = True) -> None:
    """The stored results for a reader, fitting the screen without a cut column; on paper (print), every
    column of ``reader_results`` and every row."""
    columns = [c for c in ON_SCREEN if with_parcours or c != T["parcours"]]
    config = {c: st.column_config.TextColumn(ON_SCREEN[c][0], width=ON_SCREEN[c][1], help=c) for c in columns}
    shown, row_height, printed = same_frame(_reader_table, verdicts, with_parcours)
    with st.container(key=f"{PRINTABLE_KEY}{key}"):
        st.dataframe(shown, hide_index=True, column_order=columns, column_config=config, row_height=row_height)
        st.html(printed)


def _reader_table(verdicts: pd.DataFrame, with_parcours: bool) -> tuple[pd.DataFrame, int, str]:
    """What ``show_reader_results`` sends: the table, its row height and its printed copy (HTML), built once
    per shared frame of results (``ui.memo``) instead of on every rerun."""
    shown = reader_results(verdicts)
    columns = [c for c in ON_SCREEN if with_parcours or c != T["parcours"]]
    wraps = {c: ON_SCREEN[c][2] for c in columns if ON_SCREEN[c][2]}
    printed = html_table(shown if with_parcours else shown.drop(columns=T["parcours"]))
    return shown, wrapped_row_height(shown, wraps), printed


def statistical_details(verdicts: pd.DataFrame) -> None:
    """The expander: the explanation, then every stored result with its p-value and method (the page's
    download of the results already holds them)."""
    with st.expander(LABEL, icon=":material/functions:"):
        st.markdown(EXPLANATION)
        st.dataframe(_for_display(verdicts), hide_index=True, width="stretch")
