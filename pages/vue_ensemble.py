"""Vue d'ensemble: the 30 parcours at a glance, for the period and direction chosen in the sidebar."""

import streamlit as st

from indicateurs import tableaux
from indicateurs.format_fr import format_month, format_number
from indicateurs.score import FORMULA
from ui import lectures_vue_ensemble as lectures
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

# Every table and chart below comes from ui/lectures_vue_ensemble.py, kept per data version: the page hands the
# same frames to show_chart and printable_dataframe on every rerun, which reuse what they built from them.

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
period = lectures.period_data(path, data_version, debut, fin, direction, ref)
chiffres, table = period["chiffres"], period["parcours"]
resultats = lectures.verdict_data(path, data_version, direction, ref)
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
shown = lectures.parcours_rows(path, data_version, debut, fin, direction, rows.debut, rows.fin, period)
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
    counts = lectures.counts_chart(path, data_version, direction, resultats)
    st.subheader("Verdicts par règle d'or et par famille d'indicateurs")
    st.caption("Chaque série parcours × indicateur reçoit un verdict : ▲ amélioration significative, "
               "● pas de changement détectable, ▼ dégradation significative, ○ données insuffisantes. "
               "Chaque segment porte son symbole et son nombre (juste après la barre quand le segment est trop "
               "étroit). Un indicateur de l'enquête miroir compte à la fois dans sa règle d'or et dans sa famille.")
    show_chart(counts["figure"], alt=counts["alt"], data=counts["donnees"], name="verdicts-par-regle-d-or",
               key="comptes", columns=COUNT_COLUMNS)

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
    shown_map = lectures.map_page(path, data_version, direction, map_page.debut, map_page.fin, resultats)
    whole_map = map_page.cachees == 0
    show_chart(shown_map["figure"], alt=shown_map["alt"], data=shown_map["lignes"], name="carte-des-verdicts",
               key="carte", keep=lectures.MAP_COLUMNS, columns=lectures.MAP_TITLES, downloads=whole_map)
    if not whole_map:
        whole = lectures.whole_map(path, data_version, direction, resultats)
        st.caption(whole["legende"])
        download_buttons(whole["telechargement"], "carte-des-verdicts", key="carte")

    st.subheader("Ce qui a changé depuis la mise à jour précédente")
    changes = resultats["changements"]
    if changes.empty:
        empty_state("Aucun verdict n'a changé lors des dernières mises à jour des résultats.")
    else:
        st.caption(f"{len(changes)} verdict(s) ont changé avec les dernières valeurs reçues.")
        rows = page_choice(len(changes), TABLE_ROWS, key="changements", nom="verdicts modifiés",
                           reste=" ; les téléchargements sous le tableau les contiennent tous")
        shown = lectures.change_rows(path, data_version, direction, rows.debut, rows.fin, resultats)
        # On screen the four short columns (the sentence, too long for a 1440-pixel screen, is on paper and in
        # the downloads).
        printable_dataframe(shown, key="changements", hide_index=True, width="stretch",
                            column_order=["parcours", "libelle_indicateur", "avant", "maintenant"], columns={
            "parcours": "Parcours", "libelle_indicateur": "Indicateur", "avant": "Verdict précédent",
            "maintenant": "Verdict actuel", "phrase": "En une phrase"})
        download_buttons(resultats["telechargement_changements"], "verdicts-modifies", key="changements")

# --- per direction -----------------------------------------------------------------------------------
par_direction = lectures.direction_data(path, data_version, ref)
direction_figures = lectures.direction_charts(path, data_version, direction, par_direction)
st.header("Par direction")
st.subheader("Score par direction")
scores = par_direction["scores"]
if scores.empty:
    empty_state("Aucun score n'est encore calculé : il faut des valeurs pour les indicateurs qui ont une cible.")
else:
    st.markdown("Le score dit, en un nombre, où en est chaque direction par rapport à ses cibles : **1** veut dire "
                "« cible atteinte en moyenne », **0,8** « à 20 % de la cible en moyenne ».")
    st.caption(f"Formule : {FORMULA}")
    show_chart(direction_figures["scores"], alt=par_direction["alt_scores"], data=par_direction["donnees_scores"],
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
    show_chart(direction_figures["completude"], alt=par_direction["alt_completude"],
               data=par_direction["donnees_completude"], name="completude-dernier-mois", key="completude",
               columns={"direction": "Direction", "libelle": "Libellé", "attendues": "Valeurs attendues",
                        "recues": "Valeurs reçues", "manquantes": "Valeurs manquantes", "taux": "Taux",
                        "taux_affiche": "Taux (affiché)"})
