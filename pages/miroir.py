"""Miroir agents / usagers: the same question asked to users and to agents, and the gap between their answers."""

from pathlib import Path

import streamlit as st

from indicateurs import tableaux
from indicateurs.graphique_miroir import mirror_gap_chart
from indicateurs.lecture_miroir import mirror_verdicts
from indicateurs.lignes_affichees import capped, hidden_rows_sentence
from indicateurs.db import Database
from indicateurs.format_fr import format_number, format_quarter, format_value
from indicateurs.mois import month_code
from indicateurs.referentiel import ENGAGEMENTS
from ui.contexte import database, referentiel, version
from ui.graphique import show_chart
from ui.telechargements import download_buttons
from ui.mise_en_page import banner, empty_state, sidebar_filters
from ui.texte import litteral

GAP_COLUMNS = {"paire": "Paire (indicateur usagers)", "engagement": "Engagement", "parcours": "Parcours",
               "libelle_parcours": "Libellé", "direction": "Direction", "deploiement": "Déploiement",
               "usagers_avant": "Usagers avant (%)", "agents_avant": "Agents avant (%)",
               "ecart_avant": "Écart avant (pt)", "trimestres_avant": "Trimestres avant",
               "usagers_apres": "Usagers depuis (%)", "agents_apres": "Agents depuis (%)",
               "ecart_apres": "Écart depuis (pt)", "trimestres_apres": "Trimestres depuis",
               "evolution": "Évolution de l'écart (pt)"}


WRAPPED_ROW = 66  # two lines: long pair titles and verdicts wrap instead of being cut


def _points(value) -> str:
    return f"{format_number(value, 1, signed=True)}\u202fpt" if value == value else "–"


# Shared, read-only, never copied (cache_data unpickled every frame of the page on each rerun); nothing below
# modifies what it returns.
@st.cache_resource(show_spinner=False, max_entries=32)
def _mirror(path: str, data_version: str, direction: str | None, _ref) -> dict:
    db = Database(Path(path))
    values = tableaux.mirror_values(db, _ref, direction)
    gaps = tableaux.mirror_gaps_with_verdicts(tableaux.mirror_gaps(values, _ref),
                                              mirror_verdicts(db, _ref, direction), _ref)
    return {"valeurs": values, "ecarts": gaps, "resume": tableaux.mirror_summary(gaps, db, _ref)}


# The chart and the gaps' table, written for the reader once per data version (not on every rerun).
@st.cache_resource(show_spinner=False, max_entries=32)
def _gaps_shown(path: str, data_version: str, direction: str | None, _data: dict, _titles: tuple) -> dict:
    titles, gaps = dict(_titles), _data["ecarts"]
    drawn, left_out = tableaux.gaps_for_chart(gaps)
    both = gaps.dropna(subset=["ecart_avant", "ecart_apres"])
    alt = ("Pour chaque parcours et chaque paire, l'écart agents − usagers avant (rond creux) et depuis (rond plein) "
           "le déploiement. " + " ; ".join(
               f"{titles[p]} : {len(part)} parcours, dont "
               f"{int((part['ecart_apres'].abs() < part['ecart_avant'].abs()).sum())} "
               "où l'écart s'est resserré" for p, part in both.groupby("paire")) + ".")
    first, hidden = capped(gaps)
    shown = first.assign(ecart_avant=first["ecart_avant"].map(_points), ecart_apres=first["ecart_apres"].map(_points),
                         evolution=first["evolution"].map(_points), paire=first["paire"].map(titles))
    return {"figure": mirror_gap_chart(drawn, titles), "alt": alt, "masques_graphique": left_out,
            "donnees_graphique": drawn.assign(deploiement=drawn["deploiement"].map(
                lambda d: month_code(d) if d else "")),
            "tableau": shown[["paire", "parcours", "ecart_avant", "ecart_apres", "evolution", "verdict_usagers",
                              "verdict_agents"]], "masquees": hidden}


# The quarterly answers of the chosen period, written for the reader, and their download.
@st.cache_resource(show_spinner=False, max_entries=32)
def _answers_shown(path: str, data_version: str, direction: str | None, debut, fin, _data: dict,
                   _titles: tuple) -> dict:
    titles = dict(_titles)
    values = tableaux.months_of(_data["valeurs"], debut, fin)
    shown, hidden = capped(values)
    return {"tableau": shown.assign(mois=shown["mois"].map(format_quarter), paire=shown["paire"].map(titles),
                                    usagers=shown["usagers"].map(lambda v: format_value(v, "%")),
                                    agents=shown["agents"].map(lambda v: format_value(v, "%")),
                                    ecart=shown["ecart"].map(_points)),
            "masquees": hidden, "lignes": len(values),
            "telechargement": values.assign(trimestre=values["mois"].map(format_quarter),
                                            mois=values["mois"].map(month_code))}


st.title("Miroir agents / usagers")
st.caption("L'enquête miroir pose la même question aux usagers et aux agents : l'information est-elle claire et à "
           "jour ? l'accueil respectueux ? L'écart entre les deux réponses dit si les agents voient le service comme "
           "les usagers le vivent.")
banner()
debut, fin, direction = sidebar_filters()
ref = referentiel()
db = database()
path, data_version = str(db.path), version()
pairs = tableaux.mirror_pairs(ref)
if not pairs:
    empty_state("Le référentiel ne déclare aucune paire d'indicateurs miroir (colonne « miroir »).")
    st.stop()
data = _mirror(path, data_version, direction, ref)
gaps = data["ecarts"]
if gaps.empty:
    empty_state("Aucune réponse de l'enquête miroir n'a encore été reçue"
                + (f" pour la direction {direction}" if direction else "")
                + " : les deux volets (usagers et agents) sont trimestriels, en mars, juin, septembre et décembre.")
    st.stop()

st.markdown("**Écart = réponse des agents − réponse des usagers**, en points de pourcentage, sur les trimestres "
            "où les deux volets ont été reçus. Un écart positif : les agents jugent le service meilleur que les usagers. "
            "Un écart qui se rapproche de 0 : les deux regards convergent.")
titles = {}
for users, agents in pairs:
    ind = ref.indicateur(users)
    titles[users] = f"Engagement {ind.engagement} – {ind.libelle.split(' (')[0]}"
summary = data["resume"]
for users, agents in pairs:
    ind = ref.indicateur(users)
    st.subheader(titles[users])
    st.caption(f"Règle d'or : {ENGAGEMENTS[ind.engagement]}. Usagers : « {litteral(ind.libelle)} » ; agents : "
               f"« {litteral(ref.indicateur(agents).libelle)} ».")
    row = summary[summary["paire"] == users]
    if row.empty:
        empty_state("Pas encore de parcours avec des réponses des deux volets avant et depuis son déploiement.")
        continue
    r = row.iloc[0]
    cols = st.columns(3)
    cols[0].metric("Écart avant le déploiement", _points(r["ecart_avant"]))
    cols[1].metric("Écart depuis le déploiement", _points(r["ecart_apres"]))
    cols[2].metric("Évolution de l'écart", _points(r["evolution"]),
                   help="Moyenne sur les parcours déployés, pondérée par leur volume de demandes ; descriptive, "
                        "sans test statistique.")
    st.caption(f"Sur {int(r['parcours'])} parcours déployés ayant des réponses avant et depuis leur déploiement ; "
               "moyenne pondérée par le volume de demandes de chaque parcours.")

st.subheader("Parcours par parcours")
shown = _gaps_shown(path, data_version, direction, data, tuple(titles.items()))
if shown["masques_graphique"]:
    st.caption(f"Le graphique montre les {tableaux.CHART_PARCOURS} parcours dont l'écart a le plus bougé ; "
               f"{shown['masques_graphique']} autres parcours sont dans le tableau ci-dessous et ses téléchargements.")
show_chart(shown["figure"], alt=shown["alt"], name="miroir-ecarts", key="ecarts", data=shown["donnees_graphique"],
           columns={**GAP_COLUMNS, "verdict_usagers": "Verdict usagers", "verdict_agents": "Verdict agents"})
st.dataframe(shown["tableau"], hide_index=True, width="stretch", row_height=WRAPPED_ROW,
             column_config={"paire": st.column_config.TextColumn("Paire", width=240),
                            "parcours": st.column_config.TextColumn("Parcours", width=170),
                            "ecart_avant": st.column_config.TextColumn("Écart avant", width=75),
                            "ecart_apres": st.column_config.TextColumn("Écart depuis", width=75),
                            "evolution": st.column_config.TextColumn("Évolution de l'écart", width=85),
                            "verdict_usagers": st.column_config.TextColumn("Verdict côté usagers", width=160),
                            "verdict_agents": st.column_config.TextColumn("Verdict côté agents", width=160)})
if shown["masquees"]:
    st.caption(hidden_rows_sentence(shown["masquees"], len(gaps)))
st.caption("Les verdicts de chaque volet viennent du modèle de chaque série (voir la page Méthodologie) ; l'écart "
           "et son évolution sont des moyennes descriptives des trimestres reçus.")

st.subheader("Les réponses trimestrielles")
answers = _answers_shown(path, data_version, direction, debut, fin, data, tuple(titles.items()))
st.dataframe(answers["tableau"], hide_index=True, width="stretch", row_height=WRAPPED_ROW,
             column_order=["paire", "parcours", "direction", "mois", "usagers", "agents", "ecart", "periode"],
             column_config={"paire": st.column_config.TextColumn("Paire", width=240),
                            "parcours": st.column_config.TextColumn("Parcours", width=170),
                            "direction": st.column_config.TextColumn("Direction", width=75),
                            "mois": st.column_config.TextColumn("Trimestre", width=80),
                            "usagers": st.column_config.TextColumn("Usagers", width=70),
                            "agents": st.column_config.TextColumn("Agents", width=70),
                            "ecart": st.column_config.TextColumn("Écart agents − usagers", width=95),
                            "periode": st.column_config.TextColumn("Avant / depuis le déploiement", width=80)})
if answers["masquees"]:
    st.caption(hidden_rows_sentence(answers["masquees"], answers["lignes"]))
download_buttons(answers["telechargement"], "miroir-reponses", key="reponses")
