"""Vue d'ensemble: the 30 parcours at a glance, for the period and direction chosen in the sidebar."""

from pathlib import Path

import streamlit as st

from indicateurs import changements, graphiques, tableaux
from indicateurs.db import Database
from indicateurs.format_fr import format_month, format_number, format_percent
from indicateurs.priorites import marked_first
from indicateurs.score import FORMULA
from indicateurs.synthese import key_figures, parcours_table
from ui.contexte import database, referentiel, version
from ui.en_bref import show_in_brief
from ui.fiche_codir import fiche_button
from ui.graphique import show_chart
from ui.impression import printable_dataframe
from ui.telechargements import download_buttons
from ui.mise_en_page import banner, empty_state, sidebar_filters
from ui.pagination import page_choice

COUNT_COLUMNS = {"groupe": "Règle d'or ou famille", **tableaux.COUNT_LABELS, "total": "Séries"}
# Beyond these, a page chooser (issue 12: at 100 times the demo, 3,000 parcours sent 47 MiB per rerun).
TABLE_ROWS = 200  # rows of the parcours table and of the changed verdicts on screen (downloads hold them all)
MAP_PARCOURS = 60  # rows of the verdict map at once (21 cells each)


# Shared, read-only, never copied: at 100 times the demo, cache_data pickled 63k-row frames on every cold run and
# unpickled them on every rerun. Nothing below modifies what these return.
@st.cache_resource(show_spinner=False, max_entries=32)
def _verdicts(path: str, data_version: int, direction: str | None, _ref) -> dict:
    db = Database(Path(path))
    verdicts = tableaux.verdict_rows(db, _ref, direction=direction)
    status = tableaux.parcours_status(db, _ref, verdicts, direction)
    moved = tableaux.verdict_changes(db, _ref, direction)
    answer = changements.what_changed(db, _ref, direction=direction, verdicts=verdicts, moved=moved)
    grid = tableaux.verdict_grid(verdicts, _ref, direction)
    in_order = grid.drop_duplicates("parcours").sort_values("ordre_parcours")["parcours"].tolist()
    # Not the verdict rows themselves (43 MiB at 3,000 parcours, kept per direction): only what the page shows.
    return {"ordre_carte": marked_first(in_order, grid), "sans_verdict": verdicts.empty,
            "chiffres": tableaux.verdict_figures(status),
            "comptes": tableaux.counts_by_group(verdicts), "grille": grid,
            "changements": moved, "en_bref": changements.in_brief(answer),
            "groupes": changements.indicator_groups(_ref)}


@st.cache_data(show_spinner=False, max_entries=8)
def _directions(path: str, data_version: int, _ref) -> dict:
    db = Database(Path(path))
    return {"scores": tableaux.direction_scores(db, _ref), "completude": tableaux.completeness_last_month(db, _ref)}


@st.cache_data(show_spinner=False, max_entries=32)
def _parcours(path: str, data_version: int, debut, fin, direction: str | None, _ref):
    db = Database(Path(path))
    table = parcours_table(db, _ref, debut=debut, fin=fin, direction=direction)
    return key_figures(db, _ref, debut=debut, fin=fin, direction=direction, table=table), table


# Figures are built once per data version and shared, read-only (building one costs tens of milliseconds).
@st.cache_resource(show_spinner=False, max_entries=32)
def _verdict_figures(path: str, data_version: int, direction: str | None, _data: dict) -> dict:
    counts = _data["comptes"][_data["comptes"]["total"] > 0]
    return {"comptes": graphiques.stacked_counts(counts, "groupe", "Nombre de séries par verdict")}


def _map_rows(data: dict, start: int, end: int):
    """The verdict map's rows for parcours ``start`` to ``end`` of the « most marked first » order (all of
    them when they fit on one page)."""
    grid = data["grille"]
    if end - start >= len(data["ordre_carte"]):
        return grid
    return grid[grid["parcours"].isin(data["ordre_carte"][start:end])]


@st.cache_resource(show_spinner=False, max_entries=32)
def _map_figure(path: str, data_version: int, direction: str | None, start: int, end: int, _data: dict):
    return graphiques.verdict_heatmap(_map_rows(_data, start, end), _data["groupes"])


@st.cache_resource(show_spinner=False, max_entries=32)
def _direction_figures(path: str, data_version: int, direction: str | None, _data: dict) -> dict:
    figures = {}
    if not _data["scores"].empty:
        figures["scores"] = graphiques.direction_score_bars(_data["scores"], direction)
    completude = _data["completude"]
    if completude.mois is not None and not completude.par_direction.empty:
        figures["completude"] = graphiques.completeness_bars(completude.par_direction, completude.mois, direction)
    return figures


st.title("Observatoire des parcours usagers")
st.caption("Ce qu'a changé la refonte des parcours, pour les usagers et pour les agents, "
           "au regard des quatre règles d'or de la relation usager.")
banner()
debut, fin, direction = sidebar_filters()
ref = referentiel()

if not ref.parcours:
    empty_state("Le référentiel n'est pas encore chargé. Lancez `python -m indicateurs init` "
                "pour créer la base à partir des fichiers de data/referentiel/.")
    st.stop()
if debut is None:
    empty_state("Aucune valeur n'est encore enregistrée. Importez les fichiers mensuels des directions "
                "depuis la page « Import » pour voir apparaître les parcours ici.")
    st.stop()

db = database()
path, data_version = str(db.path), version()
fiche_button(direction, key="vue-ensemble")
chiffres, table = _parcours(path, data_version, debut, fin, direction, ref)
resultats = _verdicts(path, data_version, direction, ref)
show_in_brief(resultats["en_bref"], f"direction {direction}" if direction else "toute la Ville")
st.subheader(f"Période : {format_month(debut)} – {format_month(fin)}"
             + (f" · direction {direction}" if direction else " · toutes les directions"))
cols = st.columns(5)
cols[0].metric("Parcours suivis", format_number(chiffres.parcours, 0))
cols[1].metric("Parcours déployés", format_number(chiffres.deployes, 0))
cols[2].metric("12 mois de recul ou plus", format_number(chiffres.observes_12_mois, 0),
               help="Parcours déployés et observés depuis au moins 12 mois : leurs verdicts sont définitifs.")
cols[3].metric("Pas encore déployés", format_number(chiffres.non_deployes, 0))
cols[4].metric("Valeurs sur la période", format_number(chiffres.valeurs, 0))
verdict_figures = resultats["chiffres"]
cols = st.columns(4)
cols[0].metric("En observation", format_number(verdict_figures.en_observation, 0),
               help="Parcours déployés depuis moins de 12 mois : leurs verdicts sont encore provisoires ou pas "
                    "encore possibles.")
cols[1].metric("Avec un verdict", format_number(verdict_figures.avec_verdict, 0),
               help="Parcours dont au moins un indicateur a pu être jugé (verdict définitif ou provisoire).")
cols[2].metric("▲ Avec au moins une amélioration", format_number(verdict_figures.avec_amelioration, 0))
cols[3].metric("▼ Avec au moins une dégradation", format_number(verdict_figures.avec_degradation, 0))
st.caption(f"Dernier mois reçu : {format_month(chiffres.dernier_mois)}. Les verdicts portent sur toutes les "
           "valeurs reçues, quelle que soit la période choisie à gauche.")

if table.empty:
    empty_state("Cette direction n'a pas de parcours dans le référentiel.")
    st.stop()
st.subheader("Les parcours")
rows = page_choice(len(table), TABLE_ROWS, key="parcours", nom="parcours",
                   reste=" ; les téléchargements sous le tableau les contiennent tous")
shown = table.iloc[rows.debut:rows.fin]
shown = shown.assign(
    deploiement=shown["deploiement"].map(format_month),
    dernier_mois=shown["dernier_mois"].map(lambda d: format_month(d) if d else "aucune valeur"),
    valeurs=shown["valeurs"].map(lambda n: format_number(n, 0)),
    exemple=shown["exemple"].map({True: "exemple", False: ""}),
)
# On screen, the columns that fit a 1440-pixel screen without cutting « Dernier mois reçu » (the public and
# the demo's example parcours are on paper and in the downloads).
on_screen = ["code", "libelle", "direction", "deploiement", "statut", "mois_observes", "valeurs", "dernier_mois"]
printable_dataframe(
    shown, key="parcours", hide_index=True, width="stretch", column_order=on_screen,
    columns={
        "code": "Code", "libelle": "Parcours", "direction": "Direction", "public": "Public",
        "deploiement": "Déploiement", "statut": "Statut", "mois_observes": "Mois observés",
        "valeurs": "Valeurs", "dernier_mois": "Dernier mois reçu", "exemple": "Parcours d'exemple",
    },
)
download_buttons(table, "parcours", key="parcours")

# --- what the redesign changed ---------------------------------------------------------------------
st.header("Ce que la refonte a changé")
if resultats["sans_verdict"]:
    empty_state("Aucun verdict n'est encore calculé pour ces parcours : il faut au moins 12 mois de valeurs "
                "avant le déploiement et 6 mois après.")
else:
    figures = _verdict_figures(path, data_version, direction, resultats)
    st.subheader("Verdicts par règle d'or et par famille d'indicateurs")
    st.caption("Chaque série parcours × indicateur reçoit un verdict : ▲ amélioration significative, "
               "● pas de changement détectable, ▼ dégradation significative, ○ données insuffisantes. "
               "Chaque segment porte son symbole et son nombre (juste après la barre quand le segment est trop "
               "étroit). Un indicateur de l'enquête miroir compte à la fois dans sa règle d'or et dans sa famille.")
    counts = resultats["comptes"]
    counts = counts[counts["total"] > 0]
    fig = figures["comptes"]
    alt = "Barres empilées des verdicts par règle d'or et par famille : " + " ; ".join(
        f"{r.groupe} : {r.amelioration} amélioration(s), {r.pas_de_changement} sans changement, "
        f"{r.degradation} dégradation(s), {r.insuffisant} insuffisant(s)" for r in counts.itertuples())
    show_chart(fig, alt=alt, data=counts.drop(columns="type"), name="verdicts-par-regle-d-or", key="comptes",
               columns=COUNT_COLUMNS)

    st.subheader("Carte des verdicts")
    st.caption("Une ligne par parcours, une colonne par indicateur, les colonnes groupées : côté usagers par "
               "règle d'or puis la satisfaction, côté agents leurs conditions de travail, puis le volume. Le "
               "symbole dit le verdict, la couleur le redit : ▲ amélioration, ▼ dégradation, ● pas de changement, "
               "◐ signal à confirmer, ○ données insuffisantes, ◆ hausse ou baisse du volume (ni bonne ni "
               "mauvaise), – pas de résultat ; * provisoire (6 à 11 mois de recul). Survolez une case pour lire "
               "la phrase du verdict.")
    map_page = page_choice(len(resultats["ordre_carte"]), MAP_PARCOURS, key="carte", nom="parcours",
                           reste=" ; les parcours viennent dans l'ordre de ce qui a le plus changé (le plus de "
                                 "dégradations significatives d'abord, puis d'améliorations), et les "
                                 "téléchargements sous « Données du graphique » contiennent toute la carte")
    whole = resultats["grille"]
    grid = _map_rows(resultats, map_page.debut, map_page.fin)
    fig = _map_figure(path, data_version, direction, map_page.debut, map_page.fin, resultats)
    counts_text = grid["verdict"].value_counts()
    alt = (f"Carte des verdicts de {grid['parcours'].nunique()} parcours sur {grid['indicateur'].nunique()} "
           "indicateurs : " + ", ".join(f"{n} {v}" for v, n in counts_text.items()) + ".")
    map_columns = ["parcours", "libelle_parcours", "indicateur", "libelle_indicateur", "verdict_affiche", "phrase"]
    map_titles = {"parcours": "Parcours", "libelle_parcours": "Libellé du parcours", "indicateur": "Indicateur",
                  "libelle_indicateur": "Libellé de l'indicateur", "verdict_affiche": "Verdict",
                  "phrase": "En une phrase"}
    whole_map = map_page.cachees == 0
    show_chart(fig, alt=alt, data=grid[map_columns], name="carte-des-verdicts", key="carte", columns=map_titles,
               downloads=whole_map)
    if not whole_map:
        st.caption(f"Toute la carte ({format_number(whole['parcours'].nunique(), 0)} parcours, "
                   f"{format_number(len(whole), 0)} lignes) :")
        download_buttons(whole[map_columns].rename(columns=map_titles), "carte-des-verdicts", key="carte")

    st.subheader("Ce qui a changé depuis la mise à jour précédente")
    changes = resultats["changements"]
    if changes.empty:
        empty_state("Aucun verdict n'a changé lors des dernières mises à jour des résultats.")
    else:
        st.caption(f"{len(changes)} verdict(s) ont changé avec les dernières valeurs reçues.")
        rows = page_choice(len(changes), TABLE_ROWS, key="changements", nom="verdicts modifiés",
                           reste=" ; les téléchargements sous le tableau les contiennent tous")
        shown = changes.iloc[rows.debut:rows.fin][["parcours", "libelle_indicateur", "avant", "maintenant", "phrase"]]
        # On screen the four short columns (the sentence, too long for a 1440-pixel screen, is on paper and in
        # the downloads).
        printable_dataframe(shown, key="changements", hide_index=True, width="stretch",
                            column_order=["parcours", "libelle_indicateur", "avant", "maintenant"], columns={
            "parcours": "Parcours", "libelle_indicateur": "Indicateur", "avant": "Verdict précédent",
            "maintenant": "Verdict actuel", "phrase": "En une phrase"})
        download_buttons(changes.drop(columns=["avant", "maintenant"]), "verdicts-modifies", key="changements")

# --- per direction -----------------------------------------------------------------------------------
par_direction = _directions(path, data_version, ref)
direction_figures = _direction_figures(path, data_version, direction, par_direction)
st.header("Par direction")
st.subheader("Score par direction")
scores = par_direction["scores"]
if scores.empty:
    empty_state("Aucun score n'est encore calculé : il faut des valeurs pour les indicateurs qui ont une cible.")
else:
    st.markdown("Le score dit, en un nombre, où en est chaque direction par rapport à ses cibles : **1** veut dire "
                "« cible atteinte en moyenne », **0,8** « à 20 % de la cible en moyenne ».")
    st.caption(f"Formule : {FORMULA}")
    fig = direction_figures["scores"]
    alt = "Score par direction, du meilleur au moins bon : " + ", ".join(
        f"{r.direction} {format_number(r.score, 2)}" for r in scores.itertuples()) + "."
    show_chart(fig, alt=alt, data=scores.assign(score_affiche=scores["score"].map(lambda s: format_number(s, 2))),
               name="score-par-direction", key="scores",
               columns={"direction": "Direction", "libelle": "Libellé", "score": "Score",
                        "parcours": "Parcours notés", "score_affiche": "Score (affiché)"})

st.subheader("Complétude du dernier mois")
completude = par_direction["completude"]
if completude.mois is None or completude.par_direction.empty:
    empty_state("Aucune valeur n'est attendue pour l'instant : la complétude apparaîtra avec les premiers imports.")
else:
    st.caption(f"Part des valeurs attendues pour {format_month(completude.mois)} qui ont été reçues : chaque parcours "
               "doit ses indicateurs mensuels chaque mois et ses indicateurs trimestriels en mars, juin, septembre "
               "et décembre, à partir de 24 mois avant son déploiement.")
    frame = completude.par_direction
    fig = direction_figures["completude"]
    alt = f"Complétude de {format_month(completude.mois)} par direction : " + ", ".join(
        f"{r.direction} {format_percent(r.taux)}" for r in frame.itertuples()) + "."
    show_chart(fig, alt=alt, data=frame.assign(taux_affiche=frame["taux"].map(format_percent)),
               name="completude-dernier-mois", key="completude",
               columns={"direction": "Direction", "libelle": "Libellé", "attendues": "Valeurs attendues",
                        "recues": "Valeurs reçues", "manquantes": "Valeurs manquantes", "taux": "Taux",
                        "taux_affiche": "Taux (affiché)"})
