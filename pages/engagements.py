"""Les 4 engagements: for each règle d'or, where its indicators improved and the overall effect."""

from pathlib import Path

import streamlit as st

from indicateurs import graphiques, tableaux
from indicateurs.db import Database
from indicateurs.format_fr import format_number
from indicateurs.impact.verdicts import unit_suffix
from indicateurs.lecture_engagements import engagements_overview
from indicateurs.lignes_affichees import wrapped_row_height
from indicateurs.referentiel import ENGAGEMENTS
from ui.contexte import database, referentiel, version
from ui.graphique import show_chart
from ui.telechargements import download_buttons
from ui.mise_en_page import banner, empty_state, sidebar_filters
from ui.texte import litteral

COUNT_COLUMNS = tableaux.COUNT_HEADERS
TAB_KEY = "engagement"  # session_state[TAB_KEY]: the label of the open tab
# A bare « * » at the start of a Markdown line is a bullet: escaped.
PROVISIONAL_NOTE = ("\\* : verdict provisoire (6 à 11 mois de recul). ◐ : signal à confirmer, compté avec "
                    "« sans changement détectable ».")
THIN_POINTS_INTRO = (f"**Points fragiles.** Peu de parcours ont déjà beaucoup de recul : ces points de l'étude "
                     f"reposent sur moins de {tableaux.MIN_EVENT_PARCOURS} parcours et peuvent varier beaucoup, ne "
                     "les lisez pas comme une tendance (survolez un point pour voir sur combien de parcours il "
                     "repose) :\n")
STATISTICAL_DETAILS = """
**D'où vient l'effet moyen.** La méthode (dite de Callaway et Sant'Anna, du nom de ses auteurs) compare, mois
par mois, les parcours déjà refondus à ceux qui ne le sont pas encore. Ce qui a changé partout à la fois (un
été, une grève, une nouvelle loi) touche les deux groupes et s'annule ; ce qui reste est attribué à la refonte.

**La fourchette entre crochets** (« IC 95 % » dans le jargon, pour « intervalle de confiance ») est la plage où
se trouve très probablement le vrai effet. Elle est élargie parce que tous les indicateurs sont examinés en même
temps (sans cela, un ou deux paraîtraient bouger par pur hasard). Si elle ne contient pas 0, l'effet est dit
« significatif » ; si elle contient 0, on ne peut pas exclure qu'il n'y ait eu aucun effet.

**Le « test placebo ».** Avant leur refonte, les parcours ne pouvaient pas encore en ressentir l'effet : on
mesure quand même un « effet » sur ces mois-là. S'il s'éloigne nettement de 0, les parcours comparés
n'évoluaient déjà pas de la même façon avant la refonte, et l'effet moyen est à prendre avec prudence ; la
lecture le dit alors en toutes lettres (« effet moyen fragile »).

**Pourquoi une moyenne peut s'améliorer quand aucun parcours ne s'améliore seul.** Un parcours seul a peu de
mois et beaucoup de variations : un petit gain s'y perd dans le bruit. Trente parcours ensemble en donnent une
mesure bien plus précise : de petits gains dans le même sens deviennent visibles dans la moyenne. Les deux
lectures sont vraies ensemble : « en moyenne, ça va mieux » et « on ne peut désigner aucun parcours où c'est
sûr ».

Méthode détaillée : page Méthodologie.
"""


# Shared, read-only, never copied (cache_data unpickled every frame of the page on each rerun); nothing below
# modifies what it returns.
@st.cache_resource(show_spinner=False, max_entries=32)
def _engagements(path: str, data_version: str, direction: str | None, _ref) -> dict:
    return engagements_overview(Database(Path(path)), _ref, direction)


def _step(step: str, count: int) -> str:
    """« mois » / « trimestres », singular for one quarter."""
    return "trimestre" if step == "trimestres" and abs(count) == 1 else step


def _counts_alt(title: str, frame, label: str) -> str:
    return f"{title} : " + " ; ".join(
        f"{getattr(r, label)} : {r.amelioration} amélioration(s), {r.pas_de_changement} sans changement, "
        f"{r.degradation} dégradation(s), {r.insuffisant} insuffisant(s)" for r in frame.itertuples())


# Figures and their text alternatives are built once per data version and shared, read-only: the summary for
# every visit, an engagement's own figures the first time its tab is opened (only the open tab is drawn).
@st.cache_resource(show_spinner=False, max_entries=32)
def _summary_figure(path: str, data_version: str, direction: str | None, _data: dict) -> tuple:
    counts = _data["comptes"][(_data["comptes"]["type"] == "engagement") & (_data["comptes"]["total"] > 0)]
    return (graphiques.stacked_counts(counts, "groupe", "Verdicts des séries de chaque règle d'or"),
            _counts_alt("Verdicts par règle d'or", counts, "groupe"))


@st.cache_resource(show_spinner=False, max_entries=128)
def _figures(path: str, data_version: str, direction: str | None, number: int, _data: dict) -> dict:
    part = _data["par_engagement"][number]
    indicators, did = part["indicateurs"], part["did"]
    figures = {}
    if indicators[["amelioration", "pas_de_changement", "degradation", "insuffisant"]].to_numpy().sum():
        figures["comptes"] = (
            graphiques.stacked_counts(indicators, "libelle_indicateur",
                                      f"Engagement {number} : verdicts par indicateur"),
            _counts_alt(f"Engagement {number}, verdicts par indicateur", indicators, "libelle_indicateur"))
    if len(part["evenements"]):
        alt = f"Étude d'événement de l'engagement {number} : " + " ; ".join(
            f"{r.libelle_indicateur} : effet global "
            f"{tableaux.change_text(r.estimation, r.bas, r.haut, unit_suffix(r.unite))}"
            for r in did.itertuples()) + "."
        figures["evenements"] = (graphiques.event_study_chart(
            part["evenements"], did, f"Engagement {number} : effet selon le temps écoulé depuis le déploiement"),
            alt)
    return figures


# What an engagement's tab writes (lists, tables, row heights), built once per data version and shared, read-only.
@st.cache_resource(show_spinner=False, max_entries=128)
def _texts(path: str, data_version: str, direction: str | None, number: int, _data: dict) -> dict:
    part = _data["par_engagement"][number]
    indicators, did, thin = part["indicateurs"], part["did"], part["points_fragiles"]
    lists = indicators[["libelle_indicateur", "parcours_ameliores", "parcours_degrades", "parcours_sans_changement"]]
    shown = did.assign(
        effet=[tableaux.change_text(e, lo, hi, unit_suffix(u)) for e, lo, hi, u in
               zip(did["estimation"], did["bas_corrige"], did["haut_corrige"], did["unite"])],
        n=did["n"].map(lambda n: format_number(n, 0)))
    table = shown[["libelle_indicateur", "effet", "lecture", "n"]]
    return {
        "listes": "\n".join(
            f"- **{litteral(r.libelle_indicateur)}** : " + " ; ".join(
                f"{title} ({count}) : {names}" for title, count, names in (
                    ("▼ dégradé dans", r.degradation, r.parcours_degrades),
                    ("▲ amélioré dans", r.amelioration, r.parcours_ameliores),
                    ("● sans changement détectable dans", r.pas_de_changement, r.parcours_sans_changement))
                if count) + (f" ; ○ données insuffisantes : {r.insuffisant} parcours" if r.insuffisant else "")
            for r in indicators.itertuples()),
        "tableau_listes": lists,
        "hauteur_listes": wrapped_row_height(lists, {"libelle_indicateur": 24, "parcours_ameliores": 32,
                                                     "parcours_degrades": 24, "parcours_sans_changement": 40}),
        "effets": table,
        "hauteur_effets": wrapped_row_height(table, {"libelle_indicateur": 30, "lecture": 58}),
        "ensemble": "\n".join(f"- **{litteral(r.libelle_indicateur)}** : {r.ensemble}"
                               for r in did.itertuples() if r.ensemble),
        "donnees_comptes": indicators.drop(columns=["parcours_ameliores", "parcours_degrades",
                                                    "parcours_sans_changement"]),
        "telechargement_effets": did.drop(columns=["type", "cle"]),
        "donnees_evenements": part["evenements"][["libelle_indicateur", "periode", "pas", "placebo", "estimation",
                                                  "bas", "haut", "n"]],
        "fragiles": THIN_POINTS_INTRO + "\n".join(
            f"- {litteral(label)} : " + ", ".join(
                f"{r.periode} {_step(r.pas, r.periode)} après ({r.n} parcours)" for r in rows.itertuples())
            for label, rows in thin.groupby("libelle_indicateur", sort=False)) if len(thin) else ""}


def _engagement(number: int, name: str, part: dict, figures: dict, written: dict, scope: str) -> None:
    """One engagement's tab: where its indicators improved or not, then the overall effect of the refonte."""
    st.header(f"Engagement {number} – {name}")
    indicators = part["indicateurs"]
    st.subheader("Où ça s'est amélioré, où non")
    if "comptes" in figures:
        fig, alt = figures["comptes"]
        show_chart(fig, alt=alt, name=f"engagement-{number}-verdicts",
                   key=f"comptes-{number}", data=written["donnees_comptes"],
                   columns={"indicateur": "Code", "libelle_indicateur": "Indicateur", **COUNT_COLUMNS})
    else:
        empty_state(f"Aucun parcours de {scope} n'a encore de verdict pour cet engagement.")
    st.markdown(written["listes"])
    st.caption(PROVISIONAL_NOTE)
    with st.expander("Les mêmes listes en tableau (à trier, à télécharger)"):
        st.dataframe(written["tableau_listes"], hide_index=True, width="stretch",
                     row_height=written["hauteur_listes"],
                     column_config={
                         "libelle_indicateur": st.column_config.TextColumn("Indicateur", width=180),
                         "parcours_ameliores": st.column_config.TextColumn("▲ Amélioré dans", width=240),
                         "parcours_degrades": st.column_config.TextColumn("▼ Dégradé dans", width=180),
                         "parcours_sans_changement": st.column_config.TextColumn(
                             "● Sans changement détectable dans", width=300)})
    download_buttons(indicators, f"engagement-{number}-parcours", key=f"parcours-{number}")

    st.subheader("L'effet moyen sur l'ensemble des parcours")
    did = part["did"]
    if did.empty:
        empty_state("L'effet d'ensemble n'est pas encore calculable : il faut des parcours déjà déployés et "
                    "d'autres pas encore, observés sur les mêmes mois.")
        return
    st.caption("L'évolution des parcours déjà déployés comparée, sur les mêmes mois, à celle des parcours pas "
               "encore déployés ; sur tous les parcours (le filtre de direction ne s'applique pas ici). Les "
               "comptages sont des taux pour 1 000 demandes.")
    st.dataframe(written["effets"], hide_index=True, width="stretch", row_height=written["hauteur_effets"],
                 column_config={"libelle_indicateur": st.column_config.TextColumn("Indicateur", width=220),
                                "effet": st.column_config.TextColumn("Effet moyen [fourchette]", width=200),
                                "lecture": st.column_config.TextColumn("Verdict de la moyenne", width=420),
                                "n": st.column_config.TextColumn("Parcours", width=70)})
    st.markdown("**La moyenne et les parcours, lus ensemble**")
    st.markdown(written["ensemble"])
    download_buttons(written["telechargement_effets"], f"engagement-{number}-effet-global", key=f"did-{number}")
    if "evenements" in figures:
        st.caption("L'effet mois par mois (ou trimestre par trimestre) depuis le déploiement. Avant le "
                   "déploiement (points creux, à gauche du pointillé), il ne devrait rien y avoir : ces points "
                   "vérifient que la comparaison est juste et devraient rester proches de 0.")
        if written["fragiles"]:
            st.markdown(written["fragiles"])
        fig, alt = figures["evenements"]
        show_chart(fig, alt=alt, name=f"engagement-{number}-etude-evenement",
                   key=f"evenements-{number}",
                   data=written["donnees_evenements"],
                   columns={"libelle_indicateur": "Indicateur", "periode": "Période depuis le déploiement",
                            "pas": "Pas", "placebo": "Avant le déploiement (placebo)", "estimation": "Effet",
                            "bas": "Borne basse (95 %)", "haut": "Borne haute (95 %)", "n": "Parcours"})
    with st.expander("Détails statistiques"):
        st.markdown(STATISTICAL_DETAILS)


st.title("Les 4 engagements")
st.caption("Les quatre règles d'or de la relation usager : pour chacune, ses indicateurs dans tous les parcours, "
           "où ils se sont améliorés et où non, et l'effet moyen de la refonte sur l'ensemble des parcours.")
banner()
debut, fin, direction = sidebar_filters()
ref = referentiel()
db = database()
path, data_version = str(db.path), version()
data = _engagements(path, data_version, direction, ref)
if data["verdicts"].empty and data["did"].empty:
    empty_state("Aucun résultat n'est encore calculé : les verdicts apparaîtront quand les parcours auront au moins "
                "12 mois de valeurs avant leur déploiement et 6 mois après.")
    st.stop()

scope = f"les parcours de la direction {direction}" if direction else "tous les parcours"
st.subheader("Les quatre règles d'or en un coup d'œil")
st.caption(f"Nombre de séries parcours × indicateur par verdict, pour {scope}.")
counts = data["comptes"][data["comptes"]["type"] == "engagement"]
fig, alt = _summary_figure(path, data_version, direction, data)
show_chart(fig, alt=alt, name="verdicts-par-engagement", key="resume",
           data=counts.drop(columns=["type", "hausse_ou_baisse"]),
           columns={"groupe": "Règle d'or", **COUNT_COLUMNS, "provisoires": "dont provisoires", "total": "Séries"})

# Only the open tab is drawn (the reader sees one; a hidden tab's 2 Plotly charts cost the browser as much as a
# shown one's): choosing a tab reruns the page, and session_state[TAB_KEY] holds the open tab's label.
tabs = st.tabs([f"{n}. {name}" for n, name in ENGAGEMENTS.items()], key=TAB_KEY, on_change="rerun")
for tab, (number, name) in zip(tabs, ENGAGEMENTS.items()):
    if tab.open:
        with tab:
            _engagement(number, name, data["par_engagement"][number],
                        _figures(path, data_version, direction, number, data),
                        _texts(path, data_version, direction, number, data), scope)
