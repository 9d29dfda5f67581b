"""« Détails statistiques »: the p-values and method names of the stored results, kept out of the reader's
way (Direction and Parcours) in an expander that explains them to a non-statistician when opened."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from indicateurs import tableaux

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
    return tableaux.results_for_display(verdicts).drop(columns=STATISTICAL_COLUMNS)


def statistical_details(verdicts: pd.DataFrame) -> None:
    """The expander: the explanation, then every stored result with its p-value and method (the page's
    download of the results already holds them)."""
    with st.expander(LABEL, icon=":material/functions:"):
        st.markdown(EXPLANATION)
        st.dataframe(tableaux.results_for_display(verdicts), hide_index=True, width="stretch")
