"""Direction: what the redesign changed in the parcours of one direction, indicator by indicator."""

import streamlit as st

from indicateurs import tableaux
from indicateurs.format_fr import format_number
from ui import lectures_direction as lectures
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
TAB_PARCOURS = 10  # parcours with before / after cards at once (21 cards each)


def table_height(rows: int) -> int:
    """The height that shows every row of a table, header included, without inner scrolling."""
    return ROW_PIXELS * (rows + 1) + 3


def _card(card: dict) -> None:
    """One indicator's before/after card (written in ``ui.lectures_direction``): verdict (icon + words), means
    before and after, change with its interval, each number once; the stored sentence (which repeats them) is
    the title's tooltip and sits in the results table below."""
    with st.container(border=True):
        st.markdown(card["titre"], help=card["aide"])
        if "insuffisant" in card:
            st.markdown(card["verdict"])
            st.caption(card["insuffisant"])
            return
        st.markdown(card["texte"])


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
    directions = lectures.all_directions(path, data_version, ref)
    overview, shown = directions["apercu"], directions["affiche"]
    if overview.empty:
        st.stop()
    fiche_button(None, key="direction-ville")
    st.subheader("Toutes les directions")
    # Every direction at once (no inner scrolling) and the score next to the name, never cut off on the right.
    printable_dataframe(shown, key="directions", hide_index=True, width="stretch", height=table_height(len(shown)),
                        columns={"direction": "Direction", "libelle": "Libellé", "score": "Score",
                                 "deployes": "Déployés", **COUNT_COLUMNS})
    download_buttons(overview, "directions", key="directions")
    st.stop()

info = ref.direction(direction)
data = lectures.direction_data(path, data_version, direction, ref)
parcours, verdicts = data["parcours"], data["verdicts"]
st.header(f"{info.code} – {litteral(info.libelle)}")
if parcours.empty:
    empty_state("Cette direction n'a pas encore de parcours dans le référentiel.")
    st.stop()
fiche_button(direction, key="direction")
show_in_brief(data["en_bref"], f"direction {direction}")

chiffres = data["chiffres"]
cols = st.columns(5)
cols[0].metric("Parcours", chiffres[0])
cols[1].metric("Déployés", chiffres[1])
cols[2].metric("Score", chiffres[2], help="1 = cible atteinte en moyenne (voir la page Méthodologie).")
cols[3].metric("▲ Améliorations significatives", chiffres[3])
cols[4].metric("▼ Dégradations significatives", chiffres[4])

st.subheader("Les parcours de la direction")
rows = page_choice(len(parcours), TABLE_ROWS, key="parcours-direction", nom="parcours",
                   reste=" ; les téléchargements sous le tableau les contiennent tous")
# On screen, what fits a 1440-pixel screen: the month is in « Déploiement », the status says only whether the
# parcours is deployed; the public and the other verdict counts (in the chart below) are on paper and in the
# downloads.
on_screen = ["code", "libelle", "deploiement", "statut", "mois_de_recul", "score", "degradation", "amelioration"]
printable_dataframe(lectures.parcours_table(path, data_version, direction, rows.debut, rows.fin, data),
                    key="parcours-direction", hide_index=True, column_order=on_screen,
                    width="stretch", columns={
    "code": "Code", "libelle": "Parcours", "public": "Public", "deploiement": "Déploiement", "statut": "Statut",
    "mois_de_recul": "Mois de recul", "score": "Score", **COUNT_COLUMNS})
download_buttons(parcours, f"parcours-{direction}", key="parcours-direction")

if verdicts.empty or not data["deployes"]:
    empty_state("Les parcours de cette direction ne sont pas encore déployés : les comparaisons avant / après "
                "apparaîtront après leur déploiement (il faut au moins 6 mois de recul). Leurs valeurs reçues sont "
                "visibles sur la page « Parcours ».")
    st.stop()

charts = lectures.charts(path, data_version, direction, data)
if "comptes" in charts:
    chart = charts["comptes"]
    if chart["caches"]:
        st.caption(f"Le graphique montre les {lectures.CHART_PARCOURS} parcours déployés qui ont le plus de "
                   f"dégradations puis d'améliorations significatives ; les {format_number(chart['caches'], 0)} "
                   "autres sont dans le tableau des parcours ci-dessus et dans ses téléchargements.")
    show_chart(chart["figure"], alt=chart["alt"], name=f"verdicts-{direction}", key="comptes",
               data=chart["donnees"], keep=lectures.COUNTS_KEPT,
               columns={"code": "Parcours", "libelle": "Libellé", **COUNT_COLUMNS})
if "effets" in charts:
    chart = charts["effets"]
    st.subheader("Sur l'ensemble de la direction")
    st.caption("Effet de chaque indicateur sur l'ensemble des parcours jugés de la direction : moyenne des effets "
               "des parcours pondérée par leur volume de demandes, avec l'intervalle du verdict (corrigé pour "
               "comparaisons multiples : il exclut 0 exactement quand le verdict est significatif). "
               "Le symbole dit le verdict.")
    show_chart(chart["figure"], alt=chart["alt"], name=f"effets-{direction}", key="effets",
               data=chart["donnees"], keep=["libelle_indicateur", "effet", "effet_bas", "effet_haut", "effet_unite",
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
debut_onglets = fin_onglets = None  # every parcours in tabs
if len(parcours) > TAB_PARCOURS:
    # Too many for one row of tabs: the most marked first, a page at a time.
    st.caption("Les parcours viennent dans l'ordre de ce qui a le plus changé : le plus de dégradations "
               "significatives d'abord, puis le plus d'améliorations.")
    tabs_page = page_choice(len(parcours), TAB_PARCOURS, key="cartes", nom="parcours",
                            reste=" ; le tableau « Tous les résultats » suit la même page, ses téléchargements "
                                  "contiennent toute la direction")
    debut_onglets, fin_onglets = tabs_page.debut, tabs_page.fin
in_tabs = lectures.tabs_page(path, data_version, direction, debut_onglets, fin_onglets, data)
tabs = st.tabs([p["code"] for p in in_tabs["onglets"]])
for tab, p in zip(tabs, in_tabs["onglets"]):
    with tab:
        st.markdown(p["entete"])
        if p["cartes"] is None:
            empty_state("Ce parcours n'est pas encore déployé : pas encore de comparaison avant / après. "
                        "Ses valeurs sont visibles sur la page « Parcours ».")
            continue
        st.page_link("pages/parcours.py", label="Voir les séries mensuelles de ce parcours", icon=":material/timeline:",
                     query_params={"parcours": p["code"], "direction": direction})
        grid = st.columns(3)
        for n, card in enumerate(p["cartes"]):
            with grid[n % 3]:
                _card(card)

st.subheader("Tous les résultats de la direction")
st.caption("Les phrases des verdicts, les mois observés et les détails statistiques sont dans les "
           "téléchargements, sur la copie imprimée et sous « Détails statistiques ».")
on_page = in_tabs["resultats"]
if len(on_page) < len(verdicts):
    st.caption(f"Résultats des {len(in_tabs['onglets'])} parcours affichés ci-dessus ({format_number(len(on_page), 0)} "
               f"lignes sur {format_number(len(verdicts), 0)}) ; les téléchargements contiennent toute la direction.")
show_reader_results(on_page, key="resultats-direction")
download_buttons(data["telechargement_resultats"], f"resultats-{direction}", key="resultats-direction")
statistical_details(on_page)
