"""Direction: what the redesign changed in the parcours of one direction, indicator by indicator."""

from pathlib import Path

import pandas as pd
import streamlit as st

from indicateurs import changements, graphiques, tableaux
from indicateurs.db import Database
from indicateurs.format_fr import format_month, format_number
from indicateurs.priorites import marked_first
from ui.contexte import database, referentiel, version
from ui.details_statistiques import show_reader_results, statistical_details
from ui.en_bref import show_in_brief
from ui.fiche_codir import fiche_button
from ui.graphique import show_chart
from ui.impression import printable_dataframe
from ui.telechargements import download_buttons
from ui.mise_en_page import banner, empty_state, sidebar_filters
from ui.pagination import page_choice
from ui.texte import litteral

COUNT_COLUMNS = tableaux.COUNT_HEADERS
ROW_PIXELS = 35  # height of one row of st.dataframe (and of its header)
# Beyond these, a page chooser (issue 12: at 100 times the demo, DPE has 300 parcours and 4,200 cards).
TABLE_ROWS = 200  # rows of the parcours table on screen (the download holds them all)
CHART_PARCOURS = 30  # bars of the verdicts chart
TAB_PARCOURS = 10  # parcours with before / after cards at once (21 cards each)


def table_height(rows: int) -> int:
    """The height that shows every row of a table, header included, without inner scrolling."""
    return ROW_PIXELS * (rows + 1) + 3


@st.cache_data(show_spinner=False, max_entries=8)
def _all_directions(path: str, data_version: int, _ref) -> pd.DataFrame:
    db = Database(Path(path))
    verdicts = tableaux.verdict_rows(db, _ref)
    status = tableaux.parcours_status(db, _ref, verdicts)
    return tableaux.direction_overview(status, tableaux.direction_scores(db, _ref), _ref)


# Shared, read-only, never copied (cache_data unpickled the direction's frames on every rerun); nothing below
# modifies what it returns.
@st.cache_resource(show_spinner=False, max_entries=32)
def _direction(path: str, data_version: int, direction: str, _ref) -> dict:
    db = Database(Path(path))
    verdicts = tableaux.verdict_rows(db, _ref, direction=direction)
    scores = tableaux.direction_scores(db, _ref)
    score = scores.loc[scores["direction"] == direction, "score"]
    answer = changements.what_changed(db, _ref, direction=direction, verdicts=verdicts)
    parcours = tableaux.parcours_status(db, _ref, verdicts, direction)
    return {"verdicts": verdicts, "parcours": parcours, "ordre": marked_first(parcours["code"].tolist(), verdicts),
            "effets": tableaux.direction_effects(db, _ref, direction),
            "score": float(score.iloc[0]) if len(score) else None, "en_bref": changements.in_brief(answer)}


def _judged(data: dict):
    """The deployed parcours of the verdicts chart: all of them, or the CHART_PARCOURS most marked (the
    most significant deteriorations, then improvements) when there are more, and how many are left out."""
    judged = data["parcours"][data["parcours"]["statut"] == "déployé"]
    if len(judged) <= CHART_PARCOURS:
        return judged, 0
    deployed = set(judged["code"])
    first = [c for c in data["ordre"] if c in deployed][:CHART_PARCOURS]
    return judged.set_index("code").loc[first].reset_index(), len(judged) - CHART_PARCOURS


@st.cache_resource(show_spinner=False, max_entries=32)
def _figures(path: str, data_version: int, direction: str, _data: dict) -> dict:
    figures = {}
    judged, _hidden = _judged(_data)
    if len(judged):
        figures["comptes"] = graphiques.stacked_counts(judged, "code", f"Verdicts des parcours de la direction {direction}")
    if len(_data["effets"]):
        figures["effets"] = graphiques.effect_forest(
            _data["effets"], f"Effet de la refonte, direction {direction} (pondéré par le volume)")
    return figures


def _card(row) -> None:
    """One indicator's before/after card: verdict (icon + words), means before and after, change with its
    interval, each number once; the stored sentence (which repeats them) is the title's tooltip and sits in
    the results table below."""
    with st.container(border=True):
        st.markdown(f"**{litteral(row.libelle_indicateur)}**", help=row.phrase or None)
        st.markdown(tableaux.verdict_badge(row.verdict, row.provisoire))
        if row.verdict == tableaux.INSUFFICIENT:
            st.caption(litteral(row.phrase))
            return
        st.markdown(f"Moyenne des 12 mois avant : **{tableaux.format_mean(row.moyenne_avant, row.unite)}**  \n"
                    f"Moyenne depuis le déploiement : **{tableaux.format_mean(row.moyenne_apres, row.unite)}** "
                    f"({row.mois_apres} mois)")
        st.markdown(f"Changement estimé : **{tableaux.change_text(row.estimate, row.low, row.high, row.effet_unite)}**")


st.title("Direction")
st.caption("Ce que la refonte a changé dans les parcours d'une direction : avant / après, indicateur par indicateur.")
banner()
debut, fin, direction = sidebar_filters()
ref = referentiel()
if not ref.parcours:
    empty_state("Le référentiel n'est pas encore chargé. Lancez `python -m indicateurs init`.")
    st.stop()
db = database()
path, data_version = str(db.path), version()

if direction is None:
    empty_state("Choisissez une direction dans le filtre « Direction » à gauche. Le lien de la page garde ce "
                "choix (par exemple …/direction?direction=DPE) : vous pouvez le copier pour partager la vue.")
    overview = _all_directions(path, data_version, ref)
    if overview.empty:
        st.stop()
    fiche_button(None, key="direction-ville")
    st.subheader("Toutes les directions")
    # Every direction at once (no inner scrolling) and the score next to the name, never cut off on the right.
    shown = overview.assign(score=overview["score"].map(lambda s: format_number(s, 2)),
                            deployes=[f"{d} / {n}" for d, n in zip(overview["deployes"], overview["parcours"])])
    shown = shown[["direction", "libelle", "score", "deployes", "degradation", "amelioration", "pas_de_changement",
                   "insuffisant"]]
    printable_dataframe(shown, key="directions", hide_index=True, width="stretch", height=table_height(len(shown)),
                        columns={"direction": "Direction", "libelle": "Libellé", "score": "Score",
                                 "deployes": "Déployés", **COUNT_COLUMNS})
    download_buttons(overview, "directions", key="directions")
    st.stop()

info = ref.direction(direction)
data = _direction(path, data_version, direction, ref)
parcours, verdicts = data["parcours"], data["verdicts"]
st.header(f"{info.code} – {litteral(info.libelle)}")
if parcours.empty:
    empty_state("Cette direction n'a pas encore de parcours dans le référentiel.")
    st.stop()
fiche_button(direction, key="direction")
show_in_brief(data["en_bref"], f"direction {direction}")

cols = st.columns(5)
cols[0].metric("Parcours", format_number(len(parcours), 0))
cols[1].metric("Déployés", format_number(int((parcours["statut"] == "déployé").sum()), 0))
cols[2].metric("Score", format_number(data["score"], 2) if data["score"] is not None else "–",
               help="1 = cible atteinte en moyenne (voir la page Méthodologie).")
cols[3].metric("▲ Améliorations significatives", format_number(int(parcours["amelioration"].sum()), 0))
cols[4].metric("▼ Dégradations significatives", format_number(int(parcours["degradation"].sum()), 0))

st.subheader("Les parcours de la direction")
rows = page_choice(len(parcours), TABLE_ROWS, key="parcours-direction", nom="parcours",
                   reste=" ; les téléchargements sous le tableau les contiennent tous")
shown = parcours.iloc[rows.debut:rows.fin]
shown = shown.assign(deploiement=shown["deploiement"].map(format_month),
                        score=shown["score"].map(lambda s: format_number(s, 2)))
# On screen, what fits a 1440-pixel screen: the month is in « Déploiement », the status says only whether the
# parcours is deployed; the public and the other verdict counts (in the chart below) are on paper and in the
# downloads.
on_screen = ["code", "libelle", "deploiement", "statut", "mois_de_recul", "score", "degradation", "amelioration"]
printable_dataframe(shown.drop(columns=["direction", "provisoires"]).assign(
                        statut=[s.split(" (")[0] for s in shown["statut"]]),
                    key="parcours-direction", hide_index=True, column_order=on_screen,
                    width="stretch", columns={
    "code": "Code", "libelle": "Parcours", "public": "Public", "deploiement": "Déploiement", "statut": "Statut",
    "mois_de_recul": "Mois de recul", "score": "Score", **COUNT_COLUMNS})
download_buttons(parcours, f"parcours-{direction}", key="parcours-direction")

if verdicts.empty or not (parcours["statut"] == "déployé").any():
    empty_state("Les parcours de cette direction ne sont pas encore déployés : les comparaisons avant / après "
                "apparaîtront après leur déploiement (il faut au moins 6 mois de recul). Leurs valeurs reçues sont "
                "visibles sur la page « Parcours ».")
    st.stop()

figures = _figures(path, data_version, direction, data)
if "comptes" in figures:
    judged, hidden = _judged(data)
    if hidden:
        st.caption(f"Le graphique montre les {CHART_PARCOURS} parcours déployés qui ont le plus de dégradations "
                   f"puis d'améliorations significatives ; les {format_number(hidden, 0)} autres sont dans le "
                   "tableau des parcours ci-dessus et dans ses téléchargements.")
    alt = "Verdicts par parcours de la direction : " + " ; ".join(
        f"{r.code} : {r.amelioration} amélioration(s), {r.pas_de_changement} sans changement, "
        f"{r.degradation} dégradation(s), {r.insuffisant} insuffisant(s)" for r in judged.itertuples())
    show_chart(figures["comptes"], alt=alt, name=f"verdicts-{direction}", key="comptes",
               data=judged[["code", "libelle", "amelioration", "pas_de_changement", "degradation", "insuffisant"]],
               columns={"code": "Parcours", "libelle": "Libellé", **COUNT_COLUMNS})
if "effets" in figures:
    effects = data["effets"]
    st.subheader("Sur l'ensemble de la direction")
    st.caption("Effet de chaque indicateur sur l'ensemble des parcours jugés de la direction : moyenne des effets "
               "des parcours pondérée par leur volume de demandes, avec l'intervalle du verdict (corrigé pour "
               "comparaisons multiples : il exclut 0 exactement quand le verdict est significatif). "
               "Le symbole dit le verdict.")
    alt = f"Effets agrégés de la direction {direction} : " + " ; ".join(
        f"{r.libelle_indicateur} : {tableaux.change_text(r.effet, r.effet_bas, r.effet_haut, r.effet_unite)}, "
        f"{r.verdict}" for r in effects.itertuples()) + "."
    show_chart(figures["effets"], alt=alt, name=f"effets-{direction}", key="effets",
               data=effects, keep=["libelle_indicateur", "effet", "effet_bas", "effet_haut", "effet_unite",
                                   "n_parcours", "verdict_affiche"],
               columns={"libelle_indicateur": "Indicateur", "effet": "Effet", "effet_bas": "Borne basse (intervalle du verdict)",
                        "effet_haut": "Borne haute (intervalle du verdict)", "effet_unite": "Unité", "n_parcours": "Parcours",
                        "verdict_affiche": "Verdict"})

st.subheader("Avant / après, indicateur par indicateur")
st.caption("Moyennes des valeurs reçues dans les 12 mois avant le déploiement et depuis ; « changement estimé » : "
           "l'écart moyen, depuis le déploiement, à ce que la tendance d'avant laissait attendre (série temporelle "
           "interrompue), avec l'intervalle du verdict (corrigé pour comparaisons multiples). Les dégradations "
           "viennent en premier, puis les améliorations ; survolez le nom d'un indicateur pour lire la phrase du "
           "verdict.")
in_tabs = parcours
if len(parcours) > TAB_PARCOURS:
    # Too many for one row of tabs: the most marked first, a page at a time.
    st.caption("Les parcours viennent dans l'ordre de ce qui a le plus changé : le plus de dégradations "
               "significatives d'abord, puis le plus d'améliorations.")
    ordered = parcours.set_index("code", drop=False).loc[data["ordre"]]
    tabs_page = page_choice(len(ordered), TAB_PARCOURS, key="cartes", nom="parcours",
                            reste=" ; le tableau « Tous les résultats » suit la même page, ses téléchargements "
                                  "contiennent toute la direction")
    in_tabs = ordered.iloc[tabs_page.debut:tabs_page.fin].reset_index(drop=True)
tabs = st.tabs([f"{r.code}" for r in in_tabs.itertuples()])
for tab, p in zip(tabs, in_tabs.itertuples()):
    with tab:
        st.markdown(f"**{litteral(p.libelle)}** · déploiement : {format_month(p.deploiement) if p.deploiement else 'non planifié'}"
                    f" · {p.statut}")
        mine = verdicts[verdicts["parcours"] == p.code]
        if p.statut != "déployé" or mine.empty:
            empty_state("Ce parcours n'est pas encore déployé : pas encore de comparaison avant / après. "
                        "Ses valeurs sont visibles sur la page « Parcours ».")
            continue
        mine = mine.assign(rang=mine["verdict"].map(changements.verdict_rank)).sort_values("rang", kind="stable")
        st.page_link("pages/parcours.py", label="Voir les séries mensuelles de ce parcours", icon=":material/timeline:",
                     query_params={"parcours": p.code, "direction": direction})
        grid = st.columns(3)
        for n, row in enumerate(mine.itertuples()):
            with grid[n % 3]:
                _card(row)

st.subheader("Tous les résultats de la direction")
st.caption("Les phrases des verdicts, les mois observés et les détails statistiques sont dans les "
           "téléchargements, sur la copie imprimée et sous « Détails statistiques ».")
on_page = verdicts if len(in_tabs) == len(parcours) else verdicts[verdicts["parcours"].isin(in_tabs["code"])]
if len(on_page) < len(verdicts):
    st.caption(f"Résultats des {len(in_tabs)} parcours affichés ci-dessus ({format_number(len(on_page), 0)} lignes "
               f"sur {format_number(len(verdicts), 0)}) ; les téléchargements contiennent toute la direction.")
show_reader_results(on_page, key="resultats-direction")
columns = ["parcours", "indicateur", "libelle_indicateur", "verdict", "provisoire", "moyenne_avant", "moyenne_apres",
           "estimate", "low", "high", "effet_unite", "mois_avant", "mois_apres", "p_valeur", "p_ajustee", "methode",
           "phrase"]
download_buttons(verdicts[columns], f"resultats-{direction}", key="resultats-direction")
statistical_details(on_page)
