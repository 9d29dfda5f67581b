"""Les 4 engagements: for each règle d'or, where its indicators improved and the overall effect."""

from pathlib import Path

import streamlit as st

from indicateurs import graphiques, tableaux
from indicateurs.db import Database
from indicateurs.format_fr import format_number
from indicateurs.impact.verdicts import unit_suffix
from indicateurs.referentiel import ENGAGEMENTS
from ui.contexte import database, referentiel, version
from ui.graphique import show_chart
from ui.telechargements import download_buttons
from ui.mise_en_page import banner, empty_state, sidebar_filters

COUNT_COLUMNS = tableaux.COUNT_HEADERS


@st.cache_data(show_spinner=False, max_entries=32)
def _engagements(path: str, data_version: int, direction: str | None, _ref) -> dict:
    db = Database(Path(path))
    verdicts = tableaux.verdict_rows(db, _ref, direction=direction)
    overall = tableaux.did_overall(db, _ref)
    out = {"verdicts": verdicts, "comptes": tableaux.counts_by_group(verdicts), "did": overall, "par_engagement": {}}
    for number in ENGAGEMENTS:
        codes = [i.code for i in _ref.indicateurs if i.engagement == number]
        out["par_engagement"][number] = {
            "indicateurs": tableaux.engagement_indicators(verdicts, _ref, number),
            "did": overall[overall["indicateur"].isin(codes)].reset_index(drop=True),
            "evenements": tableaux.event_study(db, _ref, codes)}
    return out


def _counts_alt(title: str, frame, label: str) -> str:
    return f"{title} : " + " ; ".join(
        f"{getattr(r, label)} : {r.amelioration} amélioration(s), {r.pas_de_changement} sans changement, "
        f"{r.degradation} dégradation(s), {r.insuffisant} insuffisant(s)" for r in frame.itertuples())


# Figures and their text alternatives are built once per data version and shared, read-only.
@st.cache_resource(show_spinner=False, max_entries=32)
def _figures(path: str, data_version: int, direction: str | None, _data: dict) -> dict:
    counts = _data["comptes"][(_data["comptes"]["type"] == "engagement") & (_data["comptes"]["total"] > 0)]
    figures = {"resume": (graphiques.stacked_counts(counts, "groupe", "Verdicts des séries de chaque règle d'or"),
                          _counts_alt("Verdicts par règle d'or", counts, "groupe"))}
    for number, part in _data["par_engagement"].items():
        indicators, did = part["indicateurs"], part["did"]
        if indicators[["amelioration", "pas_de_changement", "degradation", "insuffisant"]].to_numpy().sum():
            figures[(number, "comptes")] = (
                graphiques.stacked_counts(indicators, "libelle_indicateur",
                                          f"Engagement {number} : verdicts par indicateur"),
                _counts_alt(f"Engagement {number}, verdicts par indicateur", indicators, "libelle_indicateur"))
        if len(part["evenements"]):
            alt = f"Étude d'événement de l'engagement {number} : " + " ; ".join(
                f"{r.libelle_indicateur} : effet global "
                f"{tableaux.change_text(r.estimation, r.bas, r.haut, unit_suffix(r.unite))}"
                for r in did.itertuples()) + "."
            figures[(number, "evenements")] = (graphiques.event_study_chart(
                part["evenements"], did, f"Engagement {number} : effet selon le temps écoulé depuis le déploiement"),
                alt)
    return figures


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

figures = _figures(path, data_version, direction, data)
scope = f"les parcours de la direction {direction}" if direction else "tous les parcours"
st.subheader("Les quatre règles d'or en un coup d'œil")
st.caption(f"Nombre de séries parcours × indicateur par verdict, pour {scope}.")
counts = data["comptes"][data["comptes"]["type"] == "engagement"]
fig, alt = figures["resume"]
show_chart(fig, alt=alt, name="verdicts-par-engagement", key="resume",
           data=counts.drop(columns=["type", "hausse_ou_baisse"]),
           columns={"groupe": "Règle d'or", **COUNT_COLUMNS, "provisoires": "dont provisoires", "total": "Séries"})

tabs = st.tabs([f"{n}. {name}" for n, name in ENGAGEMENTS.items()])
for tab, (number, name) in zip(tabs, ENGAGEMENTS.items()):
    part = data["par_engagement"][number]
    with tab:
        st.header(f"Engagement {number} – {name}")
        indicators = part["indicateurs"]
        st.subheader("Où ça s'est amélioré, où non")
        if (number, "comptes") in figures:
            fig, alt = figures[(number, "comptes")]
            show_chart(fig, alt=alt, name=f"engagement-{number}-verdicts",
                       key=f"comptes-{number}", data=indicators.drop(columns=[
                           "parcours_ameliores", "parcours_degrades", "parcours_sans_changement"]),
                       columns={"indicateur": "Code", "libelle_indicateur": "Indicateur", **COUNT_COLUMNS})
        else:
            empty_state(f"Aucun parcours de {scope} n'a encore de verdict pour cet engagement.")
        st.dataframe(indicators[["libelle_indicateur", "parcours_ameliores", "parcours_degrades",
                                 "parcours_sans_changement"]], hide_index=True, width="stretch", column_config={
            "libelle_indicateur": "Indicateur", "parcours_ameliores": "▲ Amélioré dans",
            "parcours_degrades": "▼ Dégradé dans", "parcours_sans_changement": "● Sans changement détectable dans"})
        st.caption("* : verdict provisoire (6 à 11 mois de recul).")
        download_buttons(indicators, f"engagement-{number}-parcours", key=f"parcours-{number}")

        st.subheader("L'effet moyen sur l'ensemble des parcours")
        did = part["did"]
        if did.empty:
            empty_state("L'effet d'ensemble n'est pas encore calculable : il faut des parcours déjà déployés et "
                        "d'autres pas encore, observés sur les mêmes mois.")
            continue
        st.caption("Différence de différences échelonnée (Callaway et Sant'Anna) : l'évolution des parcours déployés "
                   "comparée à celle des parcours pas encore déployés, sur tous les parcours (le filtre de direction "
                   "ne s'applique pas ici). L'intervalle est corrigé pour les indicateurs examinés ensemble : il "
                   "exclut 0 exactement quand la lecture dit « significative ». Les comptages sont des taux pour "
                   "1 000 demandes. Un test conjoint des placebos raté est signalé dans la lecture.")
        shown = did.assign(
            effet=[tableaux.change_text(e, lo, hi, unit_suffix(u)) for e, lo, hi, u in
                   zip(did["estimation"], did["bas_corrige"], did["haut_corrige"], did["unite"])],
            n=did["n"].map(lambda n: format_number(n, 0)))
        st.dataframe(shown[["libelle_indicateur", "effet", "lecture", "n"]], hide_index=True, width="stretch",
                     column_config={"libelle_indicateur": "Indicateur", "effet": "Effet moyen [intervalle corrigé]",
                                    "lecture": "Lecture de l'intervalle", "n": "Parcours"})
        download_buttons(did.drop(columns=["type", "cle"]), f"engagement-{number}-effet-global", key=f"did-{number}")
        if (number, "evenements") in figures:
            events = part["evenements"]
            st.caption("Étude d'événement : l'effet mois par mois (ou trimestre par trimestre) depuis le "
                       "déploiement. Avant le déploiement (points creux, à gauche du pointillé), les écarts servent "
                       "de test « placebo » : ils devraient rester proches de 0 si la comparaison est juste.")
            fig, alt = figures[(number, "evenements")]
            show_chart(fig, alt=alt, name=f"engagement-{number}-etude-evenement",
                       key=f"evenements-{number}",
                       data=events[["libelle_indicateur", "periode", "pas", "placebo", "estimation", "bas", "haut", "n"]],
                       columns={"libelle_indicateur": "Indicateur", "periode": "Période depuis le déploiement",
                                "pas": "Pas", "placebo": "Avant le déploiement (placebo)", "estimation": "Effet",
                                "bas": "Borne basse (95 %)", "haut": "Borne haute (95 %)", "n": "Parcours"})
