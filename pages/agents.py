"""Conditions de travail des agents: the agents' indicators before / after, next to the users' indicators
that should drive them — the win-win picture, shown as it is."""

from pathlib import Path

import streamlit as st

from indicateurs import graphiques, lecture_agents, tableaux
from indicateurs.graphique_gagnant_gagnant import win_win_by_verdict
from indicateurs.lignes_affichees import capped, hidden_rows_sentence
from indicateurs.db import Database
from ui.contexte import database, referentiel, version
from ui.graphique import show_chart
from ui.telechargements import download_buttons
from ui.mise_en_page import banner, empty_state, sidebar_filters
from ui.texte import litteral

COUNT_COLUMNS = tableaux.COUNT_HEADERS
# The reader's table: short columns, wrapped on two lines so that nothing is cut at 1,440 px.
READER_COLUMNS = ["Parcours", "Indicateur", "Verdict", "Moyenne des 12 mois avant", "Moyenne depuis le déploiement",
                  "Écart moyen depuis le déploiement [intervalle du verdict]", "Mois de recul"]
READER_CONFIG = {
    "Parcours": st.column_config.TextColumn("Parcours", width=170),
    "Indicateur": st.column_config.TextColumn("Indicateur", width=190),
    "Verdict": st.column_config.TextColumn("Verdict", width=190),
    "Moyenne des 12 mois avant": st.column_config.TextColumn("Avant (12 mois)", width=95),
    "Moyenne depuis le déploiement": st.column_config.TextColumn("Depuis", width=80),
    "Écart moyen depuis le déploiement [intervalle du verdict]": st.column_config.TextColumn(
        "Écart moyen [intervalle]", width=150),
    "Mois de recul": st.column_config.NumberColumn("Mois de recul", width=70)}
WRAPPED_ROW = 66
CHART_ROWS = 300  # rows of each quadrant's data table (the whole table is downloaded above)
LIST_LIMIT = 30  # changes named one by one; the rest lead the table below
PAIR_COLUMNS = {"parcours": "Parcours", "libelle_parcours": "Libellé", "quadrant": "Situation",
                "verdict_affiche_usagers": "Usagers : verdict", "verdict_affiche_agents": "Agents : verdict",
                "phrase_usagers": "Usagers : en une phrase", "phrase_agents": "Agents : en une phrase"}


# Shared, read-only, never copied (cache_data unpickled every frame of the page on each rerun); nothing below
# modifies what it returns.
@st.cache_resource(show_spinner=False, max_entries=32)
def _agents(path: str, data_version: str, direction: str | None, _ref) -> dict:
    db = Database(Path(path))
    verdicts = tableaux.verdict_rows(db, _ref, direction=direction)
    agents = tableaux.agents_before_after(verdicts, _ref)
    counts = lecture_agents.agents_counts(agents, _ref)[["indicateur", "libelle_indicateur", "lie_a",
                                                         *COUNT_COLUMNS]]
    pairs = tableaux.agents_pairs(verdicts, _ref)
    summary = lecture_agents.situation_counts(pairs, list(graphiques.QUADRANT_STYLE))
    # The reader's table is written for the rows shown only (at 100x the demo: 1,000 of 12,000).
    first, hidden = capped(agents)
    # Each pair's tab: its situations counted and its chart's data (the parcours that moved first).
    tabs = {code: (len(pair), pair["quadrant"].value_counts(),
                   capped(pair.sort_values("quadrant", key=lambda q: q.isin(graphiques.QUIET_SITUATIONS),
                                           kind="stable"), CHART_ROWS)[0][list(PAIR_COLUMNS) + [
                                               "oriente_usagers", "oriente_agents"]])
            for code, pair in (pairs.groupby("indicateur_agents", sort=False) if len(pairs) else [])}
    # The deteriorations, then the improvements, named one by one (LIST_LIMIT at most).
    lists = []
    for verdict, title, none in (
            (tableaux.DEGRADATION, "▼ Là où le travail des agents s'est dégradé",
             "Aucune dégradation significative des conditions de travail des agents."),
            (tableaux.IMPROVEMENT, "▲ Là où il s'est amélioré",
             "Aucune amélioration significative des conditions de travail des agents.")):
        chosen = agents[agents["verdict"] == verdict]
        lists.append((title, len(chosen), "\n".join(
            f"- **{litteral(r.libelle_indicateur)}** — {litteral(r.libelle_parcours)} ({litteral(r.parcours)}) : "
            f"{litteral(tableaux.change_text(r.estimate, r.low, r.high, r.effet_unite))}"
            + (" · *provisoire*" if r.provisoire else "") for r in chosen.head(LIST_LIMIT).itertuples()),
            none, max(len(chosen) - LIST_LIMIT, 0)))
    counts_text = "Verdicts des indicateurs des agents : " + " ; ".join(
        f"{r.libelle_indicateur} : {r.amelioration} amélioration(s), {r.pas_de_changement} sans changement, "
        f"{r.degradation} dégradation(s), {r.insuffisant} insuffisant(s)" for r in counts.itertuples()) + "."
    return {"agents": agents, "comptes": counts, "paires": pairs, "resume": summary, "onglets": tabs,
            "listes": lists, "texte_comptes": counts_text,
            "tableau": tableaux.results_for_display(first)[READER_COLUMNS], "masquees": hidden}


@st.cache_resource(show_spinner=False, max_entries=32)
def _figures(path: str, data_version: str, direction: str | None, _data: dict, _ref) -> dict:
    figures = {}
    if len(_data["comptes"]):
        figures["comptes"] = graphiques.stacked_counts(_data["comptes"], "libelle_indicateur",
                                                       "Les indicateurs des agents : verdicts des parcours")
    for code, pair in _data["paires"].groupby("indicateur_agents", sort=False) if len(_data["paires"]) else []:
        agents, users = _ref.indicateur(code), _ref.indicateur(_ref.indicateur(code).lie_a)
        figures[code] = win_win_by_verdict(pair, users.libelle, agents.libelle, pair["effet_unite_usagers"].iloc[0],
                                           pair["effet_unite_agents"].iloc[0])
    return figures


st.title("Conditions de travail des agents")
st.caption("La refonte devait aussi alléger le travail des agents : moins de relances, moins d'allers-retours, "
           "moins de sollicitations et d'incivilités. Chaque indicateur des agents est mis en regard de "
           "l'indicateur des usagers qui devrait l'entraîner.")
banner()
debut, fin, direction = sidebar_filters()
ref = referentiel()
db = database()
path, data_version = str(db.path), version()
data = _agents(path, data_version, direction, ref)
if data["agents"].empty:
    empty_state("Aucun résultat n'est encore calculé pour les indicateurs des agents"
                + (f" de la direction {direction}" if direction else "")
                + " : il faut au moins 12 mois de valeurs avant le déploiement et 6 mois après.")
    st.stop()

figures = _figures(path, data_version, direction, data, ref)
st.subheader("Avant / après, côté agents")
agents = data["agents"]
for title, count, listed, none, more in data["listes"]:
    st.markdown(f"**{title}** ({count})")
    if not count:
        st.caption(none)
    else:
        st.markdown(listed)
        if more:
            st.caption(f"… et {more} autres, en tête du tableau ci-dessous.")
st.markdown("**Verdicts par indicateur des agents**")
counts = data["comptes"]
show_chart(figures["comptes"], alt=data["texte_comptes"], name="agents-verdicts", key="comptes", data=counts,
           columns={"indicateur": "Code", "libelle_indicateur": "Indicateur des agents",
                    "lie_a": "Indicateur usagers lié", **COUNT_COLUMNS})
st.markdown("**Toutes les séries des agents**, dégradations d'abord, puis améliorations, puis le reste")
st.dataframe(data["tableau"], hide_index=True, width="stretch", row_height=WRAPPED_ROW, column_config=READER_CONFIG)
if data["masquees"]:
    st.caption(hidden_rows_sentence(data["masquees"], len(agents)))
download_buttons(agents.drop(columns=["symbole", "verdict_affiche"]), "agents-avant-apres", key="agents")

st.subheader("Gagnant-gagnant ?")
pairs = data["paires"]
if pairs.empty:
    empty_state("Aucun parcours n'a encore de résultat à la fois côté usagers et côté agents.")
    st.stop()
st.markdown("Pour chaque parcours, le verdict côté usagers et le verdict côté agents donnent sa situation : "
            "**gagnant-gagnant** quand les deux se sont significativement améliorés, **usagers gagnants, agents "
            "perdants** quand le service s'est amélioré au prix du travail des agents, etc. « Inchangé » veut dire "
            "« pas de changement détectable ».")
summary = data["resume"]
st.caption("Nombre de parcours dans chaque situation, pour chaque paire agents ↔ usagers.")
pair_columns = [c for c in summary.columns if c != "situation"]
# A Markdown table: its long column titles wrap instead of being cut.
st.markdown("\n".join([
    "| Situation | " + " | ".join(litteral(c) for c in pair_columns) + " |",
    "|---|" + "---:|" * len(pair_columns),
    *("| " + litteral(r[0]) + " | " + " | ".join(str(int(n)) for n in r[1:]) + " |"
      for r in summary.itertuples(index=False))]))
with st.expander("Le même décompte en tableau (à trier, à télécharger)"):
    st.dataframe(summary, hide_index=True, width="stretch", column_config={
        "situation": st.column_config.TextColumn("Situation", width=300),
        **{c: st.column_config.NumberColumn(c, help=c, width=150) for c in pair_columns}})
    download_buttons(summary, "agents-gagnant-gagnant", key="situations")

codes = list(dict.fromkeys(pairs["indicateur_agents"]))
tabs = st.tabs([f"{ref.indicateur(c).libelle} ↔ {ref.indicateur(ref.indicateur(c).lie_a).libelle}" for c in codes])
for tab, code in zip(tabs, codes):
    with tab:
        size, counts, chart_data = data["onglets"][code]
        agents_ind, users_ind = ref.indicateur(code), ref.indicateur(ref.indicateur(code).lie_a)
        st.markdown(" · ".join(f"**{label}** : {n}" for label, n in counts.items()))
        alt = (f"Nuage de points : pour chaque parcours, le changement de « {users_ind.libelle} » (usagers, en "
               f"abscisse) et de « {agents_ind.libelle} » (agents, en ordonnée), orientés pour que droite et haut "
               "veuillent dire mieux. " + " ; ".join(f"{label} : {n} parcours" for label, n in counts.items()) + ".")
        show_chart(figures[code], alt=alt, name=f"gagnant-gagnant-{code}", key=f"paire-{code}",
                   data=chart_data,
                   columns={**PAIR_COLUMNS, "oriente_usagers": "Usagers : changement orienté (+ = mieux)",
                            "oriente_agents": "Agents : changement orienté (+ = mieux)"})
        if size > CHART_ROWS:
            st.caption(f"Données du graphique : {hidden_rows_sentence(size - CHART_ROWS, size)} Les "
                       "parcours qui ont bougé d'un côté au moins viennent en premier.")
        st.caption("Chaque point est placé par ses deux verdicts : un côté sans changement significatif est posé "
                   "sur son axe (0), sans barre ; un côté significatif garde son changement estimé et sa "
                   "fourchette (barre grise). Les parcours sans changement détectable des deux côtés sont donc au "
                   "centre. Les parcours aux données insuffisantes n'ont rien à placer : ils figurent dans le "
                   "tableau ci-dessous.")
