"""« En bref »: the answer first, at the top of Vue d'ensemble and of Direction.

Two columns, Usagers and Agents, naming each significant change (deteriorations first), the longer lists
capped with « et N autres » and an expander holding the rest, then the win-win check in one sentence per
parcours where users and agents moved apart. Everything comes from ``indicateurs.changements.in_brief``,
itself read from the stored results by ``what_changed``, the function the fiche CODIR prints: the page and
the fiche never disagree.
"""

from __future__ import annotations

import streamlit as st

from indicateurs.changements import EnBref, LigneChangement
from indicateurs.format_fr import format_number
from indicateurs.impact.verdicts import DEGRADATION, IMPROVEMENT
from ui.mise_en_page import empty_state
from ui.texte import litteral

HEADING = "En bref : ce qui a changé, pour les usagers et pour les agents"
SYMBOL = {DEGRADATION: "▼", IMPROVEMENT: "▲"}
# Beyond these, « et N de plus » (issue 12: at 100 times the demo, 8,000 changes and 200 divergences were
# written out on every rerun, most of the page's time).
OTHERS_LIMIT = 100  # changes listed in the « Voir les N autres » expander
DIVERGENCES_LIMIT = 30  # win-win divergences listed
WHERE_ALL = "tous sont dans les téléchargements des résultats, plus bas sur cette page"


def more_text(hidden: int, noun: str) -> str:
    """« … et 6 381 autres changements non listés ici : tous sont dans les téléchargements … »."""
    return f"… et {format_number(hidden, 0)} autres {noun} non listés ici : {WHERE_ALL}."


def item_text(line: LigneChangement) -> str:
    """« Délai moyen de traitement +3,9 j » (« (provisoire) » when it is), as Markdown-safe text."""
    return f"{litteral(line.libelle_indicateur)} **{line.effet}**" + (  # our own number: kept whole
        " (provisoire)" if line.provisoire else "")


def _lines(lines: list[LigneChangement]) -> str:
    """One bullet per parcours and kind of change, its changes after it: « ▼ **Parcours** (CODE) : A −7,8 pt ·
    B +3,9 j ». ``lines`` come deteriorations first, then by parcours: consecutive lines share a bullet."""
    groups: list[tuple[str, LigneChangement, list[str]]] = []
    for line in lines:
        key = f"{line.verdict}|{line.parcours}"
        if groups and groups[-1][0] == key:
            groups[-1][2].append(item_text(line))
        else:
            groups.append((key, line, [item_text(line)]))
    return "\n".join(
        f"- {SYMBOL[first.verdict]} **{litteral(first.libelle_parcours)}** ({litteral(first.parcours)}) : "
        + " · ".join(items) for _key, first, items in groups)


def show_in_brief(answer: EnBref, scope: str) -> None:
    """The two columns and the win-win check; ``scope`` names what is judged (« toute la Ville »…)."""
    st.header(HEADING)
    st.caption(f"Changements significatifs depuis le déploiement, {scope}, d'après les verdicts enregistrés "
               "(les mêmes que la fiche CODIR) : ▼ dégradation, ▲ amélioration, par parcours. Chaque nombre est "
               "l'écart moyen depuis le déploiement par rapport à la tendance d'avant ; « provisoire » : 6 à 11 "
               "mois de recul, trop tôt pour conclure.")
    if answer.vide:
        empty_state(answer.vide)
        return
    columns = st.columns(2, gap="large")
    for column, side in zip(columns, answer.cotes):
        with column:
            st.subheader(side.titre)
            st.caption(side.bilan)
            if side.vide:
                st.markdown(side.vide)
                continue
            st.markdown(_lines(side.montrees))
            if side.autres:
                st.markdown(f"*{litteral(side.autres_titre)}*")
                with st.expander(f"Voir les {len(side.autres)} autres ({side.titre.lower()})"):
                    st.markdown(_lines(side.autres[:OTHERS_LIMIT]))
                    if len(side.autres) > OTHERS_LIMIT:
                        st.caption(more_text(len(side.autres) - OTHERS_LIMIT, "changements"))
    st.markdown(f"**{litteral(answer.gagnant_gagnant)}**")
    if answer.divergences:
        st.markdown("\n".join(f"- {litteral(phrase)}" for phrase in answer.divergences[:DIVERGENCES_LIMIT]))
        if len(answer.divergences) > DIVERGENCES_LIMIT:
            st.caption(f"… et {format_number(len(answer.divergences) - DIVERGENCES_LIMIT, 0)} autres parcours où "
                       "usagers et agents ont évolué en sens contraire : la page « Conditions de travail des "
                       "agents » les détaille.")
