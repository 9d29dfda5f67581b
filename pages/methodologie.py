"""Méthodologie: the indicators, how verdicts, effects and scores are computed, their limits, a glossary."""

import pandas as pd
import streamlit as st

from indicateurs import tableaux
from indicateurs.impact.mesures import MESURES
from indicateurs.impact.serie import MIN_EVENTS_BEFORE, MIN_OBS_ONE_HARMONIC, MIN_OBS_TWO_HARMONICS
from indicateurs.impact.verdicts import ALPHA, FINAL_MONTHS_AFTER, MIN_MONTHS_AFTER, MIN_MONTHS_BEFORE
from indicateurs.imports.completude import MONTHS_BEFORE_DEPLOYMENT
from indicateurs.lignes_affichees import wrapped_row_height
from indicateurs.score import CAP, FORMULA, RECENT_MONTHS
from ui.contexte import database, referentiel, version
from ui.telechargements import download_buttons
from ui.mise_en_page import banner, empty_state, sidebar_filters
from ui.texte import litteral

GLOSSARY = [
    ("Parcours", "Une démarche vue par l'usager de bout en bout (demander une place en crèche, utiliser une "
                 "piscine…), refondue par une direction."),
    ("Déploiement", "Le premier mois où le parcours fonctionne selon les nouvelles pratiques. Tout ce qui précède "
                    "est « avant », ce mois et les suivants sont « après »."),
    ("Règle d'or (engagement)", "L'un des quatre engagements de la relation usager : informer en temps réel, donner "
                                "de la visibilité sur les délais, transmettre au bon interlocuteur, accueillir dans "
                                "les valeurs du service public."),
    ("Cible", "La valeur que la Ville se fixe pour un indicateur (parfois propre à un parcours)."),
    ("Contrefactuel", "Ce qu'on aurait vraisemblablement observé sans la refonte : la tendance et la saisonnalité "
                      "d'avant, prolongées."),
    ("Intervalle de confiance à 95 %", "La fourchette dans laquelle se trouve très probablement le vrai changement. "
                                       "S'il contient 0, on ne peut pas exclure qu'il n'y ait eu aucun changement."),
    ("Significatif", "Le changement est trop net pour être le fruit du hasard des variations d'un mois sur l'autre, "
                     "même après correction pour les autres indicateurs du parcours ; l'intervalle affiché à côté "
                     "est alors entièrement d'un côté de 0, et seulement dans ce cas."),
    ("Signal à confirmer", "Significatif si l'on regarde la série seule, mais pas après correction pour les autres "
                           "indicateurs du parcours : à surveiller, pas encore à affirmer."),
    ("Plus petit effet détectable", "Le plus petit changement que les données auraient repéré 8 fois sur 10 : "
                                    "un effet plus petit a pu passer inaperçu."),
    ("Pas de changement détectable", "Les données ne permettent pas d'affirmer un changement. Cela ne prouve pas "
                                     "l'absence d'effet : un petit effet peut passer inaperçu."),
    ("Provisoire", f"Verdict établi avec {MIN_MONTHS_AFTER} à {FINAL_MONTHS_AFTER - 1} mois de recul : il peut "
                   "encore bouger."),
    ("Données insuffisantes", f"Moins de {MIN_MONTHS_BEFORE} mois de valeurs avant le déploiement ou moins de "
                              f"{MIN_MONTHS_AFTER} mois après (ou trop peu de valeurs, ou d'événements pour un "
                              "comptage) : aucun verdict n'est donné."),
    ("Point de pourcentage (pt)", "L'écart entre deux pourcentages : passer de 70 % à 75 % fait +5 pt (et non "
                                  "+5 %)."),
    ("p-valeur, p ajustée", "La probabilité d'observer un tel écart s'il n'y avait aucun changement ; ajustée pour "
                            "tenir compte du grand nombre de séries examinées en même temps."),
    ("Comparaisons multiples", "En examinant des centaines de séries, quelques-unes paraîtraient « significatives » "
                               "par hasard ; la correction de Benjamini–Hochberg limite cette part à 5 %."),
    ("Différence de différences", "Comparer l'évolution des parcours déployés à celle des parcours pas encore "
                                  "déployés sur les mêmes mois, pour retirer ce qui a changé partout à la fois."),
    ("Étude d'événement", "L'effet mois par mois depuis le déploiement ; les mois d'avant servent de test placebo."),
    ("Test placebo", "On « cherche » un effet avant le déploiement, là où il ne peut pas y en avoir : s'il en "
                     "apparaît un, la comparaison est fragile."),
    ("Pondération par le volume", "Un parcours qui traite 30 000 demandes pèse plus qu'un parcours qui en traite 60."),
    ("Score", "Où en est un parcours ou une direction par rapport à ses cibles : 1 = cible atteinte en moyenne."),
    ("Complétude", "La part des valeurs attendues d'un mois qui ont bien été reçues."),
    ("Enquête miroir", "La même question posée aux usagers et aux agents, chaque trimestre."),
    ("Gagnant-gagnant", "Un parcours où l'indicateur des usagers et celui des agents qui devrait en découler se sont "
                        "tous deux significativement améliorés."),
    ("Saisonnalité", "Les variations qui reviennent chaque année (les piscines en été, les inscriptions au "
                     "printemps) ; le modèle en tient compte pour ne pas les prendre pour un effet."),
    ("Erreurs AR(1)", "Une façon de calculer l'incertitude qui tient compte de ce qu'un mois ressemble au précédent."),
    ("Quasi-Poisson", "Le modèle adapté aux comptages (incivilités, volume) ; l'effet s'y lit en % de variation."),
]


# What every rerun would otherwise rebuild (a table of the referential, its Markdown, row heights): built once
# per data version and shared, read-only.
@st.cache_resource(show_spinner=False, max_entries=8)
def _definitions(path: str, data_version: str) -> tuple:
    definitions = tableaux.indicator_definitions(referentiel())
    if definitions.empty:
        return definitions, [], None
    blocks = [(f"**{litteral(rule)}**", "\n".join(
        f"- **{litteral(r.libelle)}** (`{r.code}`) : {litteral(r.definition)}  \n"
        f"  *Unité* : {litteral(r.unite)} ; *sens favorable* : {r.sens} ; *périodicité* : {r.periodicite} ; "
        f"*cible* : {litteral(r.cible)}" for r in part.itertuples()))
        for rule, part in definitions.groupby("regle", sort=False)]
    height = wrapped_row_height(definitions, {"libelle": 24, "definition": 54, "regle": 24, "cible": 12})
    return definitions, blocks, height


@st.cache_resource(show_spinner=False)
def _glossary() -> tuple:
    glossary = pd.DataFrame(GLOSSARY, columns=["terme", "definition"])
    return (glossary, "\n".join(f"- **{term}** : {meaning}" for term, meaning in GLOSSARY),
            wrapped_row_height(glossary, {"terme": 28, "definition": 95}))


st.title("Méthodologie")
st.caption("Comment lire les tableaux de bord : d'où viennent les chiffres, comment un verdict est établi, ce qu'il "
           "permet de dire et ce qu'il ne permet pas de dire.")
banner()
sidebar_filters()
definitions, blocks, definitions_height = _definitions(str(database().path), version())

st.header("En bref")
st.markdown(f"""
Pour chaque parcours refondu et chaque indicateur, l'observatoire compare **ce qui s'est passé depuis le
déploiement** à **ce que la tendance d'avant laissait attendre**. L'écart est le *changement estimé* ; il est
accompagné d'une fourchette d'incertitude (l'*intervalle de confiance à 95 %*) et d'un **verdict** en mots :

- ▲ **amélioration significative** : le changement va dans le bon sens et il est trop net pour être dû au hasard ;
- ▼ **dégradation significative** : même chose dans le mauvais sens ;
- ● **pas de changement détectable** : les données ne permettent pas d'affirmer un changement ;
- ○ **données insuffisantes** : pas assez de recul pour juger (moins de {MIN_MONTHS_BEFORE} mois avant ou
  de {MIN_MONTHS_AFTER} mois après) ;
- un verdict établi avec **{MIN_MONTHS_AFTER} à {FINAL_MONTHS_AFTER - 1} mois** de recul est marqué
  **provisoire** (*) : il peut encore bouger.

Le « bon sens » dépend de l'indicateur : une hausse est favorable pour la satisfaction, une baisse pour un délai ou
des relances. Le volume de demandes n'est ni bon ni mauvais (◆ hausse ou baisse significative). Partout, le
verdict est dit par un **symbole et des mots** ; la couleur ne fait que les répéter.
""")

st.header("Les indicateurs")
if definitions.empty:
    empty_state("Le référentiel n'est pas encore chargé : les définitions apparaîtront après "
                "`python -m indicateurs init`.")
else:
    for title, listed in blocks:
        st.markdown(title)
        st.markdown(listed)
    with st.expander("Les mêmes définitions en tableau (à trier, à télécharger)"):
        # The columns that fit 1,440 px; the others are in the list above and in the downloads.
        st.dataframe(definitions, hide_index=True, width="stretch",
                     column_order=["libelle", "definition", "regle", "unite", "cible"],
                     row_height=definitions_height,
                     column_config={
                         "code": st.column_config.TextColumn("Code", width=170),
                         "libelle": st.column_config.TextColumn("Indicateur", width=180, pinned=True),
                         "definition": st.column_config.TextColumn("Définition", width=400),
                         "regle": st.column_config.TextColumn("Règle d'or ou famille", width=180),
                         "famille": "Famille", "unite": st.column_config.TextColumn("Unité", width=70), "sens": "Sens favorable",
                         "periodicite": "Périodicité", "cible": st.column_config.TextColumn("Cible", width=100),
                         "agregation": st.column_config.TextColumn("Agrégation entre parcours", width=190),
                         "miroir": "Indicateur miroir", "lie_a": "Indicateur usagers lié (pour les agents)"})
        download_buttons(definitions, "indicateurs", key="indicateurs")

st.header("Comment un verdict est établi")
st.markdown(f"""
**1. Le modèle de chaque série (série temporelle interrompue).** Pour un parcours et un indicateur, on ajuste sur
tous les mois disponibles une *régression segmentée* : une tendance avant le déploiement, puis un saut de niveau
et un changement de pente à partir du mois de déploiement. Des *termes saisonniers* (une paire d'harmoniques dès
{MIN_OBS_ONE_HARMONIC} valeurs sur un an, deux dès {MIN_OBS_TWO_HARMONICS} valeurs sur deux ans) absorbent les
variations qui reviennent chaque année. Le **chiffre affiché** est l'**écart moyen depuis le déploiement** :
la moyenne, sur les mois observés depuis le mois de déploiement, de l'écart entre les valeurs et la tendance
d'avant prolongée (le *contrefactuel*, tracé en tirets bleus sur la page Parcours). La page Parcours donne aussi
l'écart au dernier mois et, quand la pente a changé nettement, dit si **l'écart se creuse** ou **se résorbe**.

- Pour les pourcentages, délais et ratios : moindres carrés généralisés avec des **erreurs AR(1)** (un mois
  ressemble au précédent ; la corrélation est estimée sur la série, prudemment, et l'intervalle est élargi
  d'autant plus que cette corrélation est forte et la série courte, car quelques dizaines de mois la
  sous-estiment) et des quantiles de Student.
  Un changement de pourcentage se lit en **points** (pt).
- Pour les comptages (incivilités, volume de demandes) : un modèle **quasi-Poisson** (dispersion au moins 1,
  quantiles de Student), rapporté au volume de demandes quand il est connu ; l'effet se lit en **% de
  variation** du taux. Pas de pente libre après le déploiement sans 12 mois et 30 événements ; avec moins de
  {MIN_EVENTS_BEFORE} événements avant, ou quand l'incertitude est trop grande (erreur type du logarithme du
  rapport de taux au-delà de 1), aucun verdict n'est donné.

**2. La comparaison simple avant / après.** En complément, les pages montrent la moyenne des 12 mois avant le
déploiement et la moyenne depuis (avec un test de Welch). Elle décrit, elle ne juge pas : elle ignore la
tendance et la saison, et peut donc tromper (une baisse qui avait commencé avant la refonte, par exemple).

**3. Le seuil de recul.** Moins de **{MIN_MONTHS_BEFORE} mois avant** ou moins de **{MIN_MONTHS_AFTER} mois
après** le déploiement : *données insuffisantes*. De **{MIN_MONTHS_AFTER} à {FINAL_MONTHS_AFTER - 1} mois**
après : verdict *provisoire*. À partir de {FINAL_MONTHS_AFTER} mois : verdict établi.

**4. La correction pour comparaisons multiples.** Chaque parcours a une vingtaine d'indicateurs ; au seuil de
5 %, un ou deux paraîtraient « significatifs » par pur hasard. La **famille de correction est le parcours** (ses
indicateurs, sauf le volume de demandes, neutre) : la procédure de **Benjamini–Hochberg** y limite à
{ALPHA * 100:.0f} % la part attendue de fausses alertes, et les données d'un parcours ne changent jamais le
verdict d'un autre. L'**intervalle affiché** à côté du verdict est l'intervalle corrigé de Benjamini et Yekutieli
(2005) (par exemple « intervalle à 99,5 % ») : il exclut 0 **si et seulement si** le verdict est significatif.
Une série significative seule mais pas après correction est un **signal à confirmer**. Les moyennes par
direction et par engagement suivent la même règle, avec leurs erreurs types.

**5. Ce que le moteur vaut, mesuré par simulation** (`benchmarks/bench_statistique.py`, générateur
indépendant des données de démonstration) :

{MESURES}
""")

st.header("L'effet d'ensemble d'un indicateur : la différence de différences échelonnée")
st.markdown("""
Les parcours ont été déployés à des dates différentes. Pour mesurer l'effet moyen de la refonte sur un
indicateur, la méthode de **Callaway et Sant'Anna (2021)** compare l'évolution de chaque groupe de parcours
déployés le même mois à celle des **parcours pas encore déployés** sur les mêmes mois (ils servent de témoins),
puis fait la moyenne. Cela retire ce qui a changé partout à la fois (une grève, une nouvelle loi, l'été…).

L'**étude d'événement** (page « Les 4 engagements ») montre cet effet mois par mois (trimestre par trimestre pour
les enquêtes) depuis le déploiement. Les points *avant* le déploiement sont des **tests placebo** : ils devraient
rester proches de 0 ; s'ils s'en écartent, les parcours comparés n'évoluaient déjà pas de la même façon et
l'effet d'ensemble est à prendre avec prudence. Un **test conjoint** des six derniers placebos est fait pour
chaque indicateur : s'il échoue (p < 5 %), la lecture de l'effet d'ensemble le dit en mots (« tendances d'avant
différentes : effet moyen fragile »).

- Les **comptages** (incivilités) y sont des **taux pour 1 000 demandes**, pour comparer des parcours de tailles
  très différentes.
- Les effets d'ensemble suivent la même règle que les verdicts : correction de Benjamini–Hochberg sur
  l'ensemble des indicateurs (sauf le volume) et intervalle corrigé qui exclut 0 exactement quand la lecture
  dit « significative ».
- **Panel incomplet** : un mois manquant n'écarte pas le parcours ; il sort seulement des comparaisons qui
  utilisent ce mois-là (chaque comparaison avant/après d'un parcours demande ses deux mois). Les parcours qui
  envoient peu de mois pèsent donc moins, sans être repondérés ; l'effet d'ensemble reste celui des parcours
  et des mois observés.
""")

st.header("Les agrégats par direction et par engagement")
st.markdown("""
On n'additionne jamais des pourcentages en faisant leur moyenne simple : un taux de 90 % sur 60 demandes et de
50 % sur 30 000 demandes font **50,1 %** des demandes, pas 70 %. Les valeurs mensuelles agrégées sont donc des
**rapports de sommes** (somme des numérateurs / somme des dénominateurs) ou des moyennes **pondérées par le volume
de demandes** ; les comptages sont additionnés. De même, l'effet d'une direction ou d'un engagement est la
moyenne des effets de ses parcours **pondérée par leur volume de demandes**, avec un intervalle de confiance
combiné (les parcours étant supposés indépendants).
""")

st.header("Le score")
st.markdown(f"""
Le score dit, en un nombre, où en est un parcours ou une direction par rapport à ses cibles, à la manière du
CityScore de Boston. Pour chaque indicateur qui a une cible : valeur / cible (cible / valeur quand une baisse est
favorable), la valeur étant la moyenne des {RECENT_MONTHS} derniers mois reçus ; ce rapport est plafonné à
**{str(CAP).replace('.', ',')}** pour qu'un indicateur très au-dessus de sa cible ne masque pas un autre en
dessous. Le score d'un parcours est la moyenne de ses rapports, celui d'une direction la moyenne des scores de
ses parcours. **1** veut dire « cible atteinte en moyenne » ; **0,8** « à 20 % de la cible ». Les indicateurs sans
cible (incivilités, volume) ne comptent pas.
""")
st.caption(f"Formule : {FORMULA}")

st.header("La complétude")
st.markdown(f"""
Chaque parcours doit, chaque mois, ses indicateurs mensuels et, en mars, juin, septembre et décembre, ses
indicateurs trimestriels (les enquêtes), à partir de {MONTHS_BEFORE_DEPLOYMENT} mois avant son déploiement.
La complétude d'un mois est la part de ces valeurs attendues qui ont été reçues. Une complétude basse fragilise
les verdicts : des mois manquants, ce sont des points en moins pour le modèle.
""")

st.header("L'enquête miroir et le « gagnant-gagnant »")
st.markdown("""
L'enquête miroir pose la même question aux usagers et aux agents (l'information est-elle claire et à jour ?
l'accueil respectueux ?). L'**écart** agents − usagers, en points, dit si les agents voient le service comme les
usagers le vivent ; la page « Miroir » le montre avant et depuis le déploiement (moyennes descriptives des
trimestres reçus, sans test).

Chaque indicateur des agents est relié à l'indicateur des usagers qui devrait l'entraîner (moins de relances
quand le suivi en ligne progresse, moins d'allers-retours quand les réorientations baissent…). La situation
d'un parcours (« gagnant-gagnant », « usagers gagnants, agents perdants »…) vient des deux verdicts.
""")

st.header("Les limites")
st.markdown("""
- **Une corrélation dans le temps n'est pas une preuve.** Le modèle suppose que, sans la refonte, la tendance
  d'avant aurait continué. Un autre événement survenu au même moment (réorganisation, nouveau logiciel, loi)
  serait attribué à la refonte. La différence de différences atténue ce risque sans le supprimer.
- **« Pas de changement détectable » n'est pas « aucun effet ».** Sur des séries courtes ou très variables, un
  effet réel mais modeste peut ne pas être détecté ; la correction pour comparaisons multiples rend les fausses
  alertes rares, au prix de quelques effets manqués.
- **Les verdicts provisoires peuvent changer** avec les mois suivants ; la vue d'ensemble signale ceux qui ont
  changé à la dernière mise à jour.
- **Les enquêtes sont trimestrielles** : moins de points, donc des fourchettes plus larges.
- **Les données sont déclarées par les directions** : une définition appliquée différemment d'une direction à
  l'autre rend les comparaisons entre directions fragiles ; la comparaison d'un parcours à lui-même reste valable.
- **Le score dépend des cibles** : une cible peu ambitieuse donne un bon score.
- **Les données de démonstration sont fictives** : tant que le bandeau est affiché, aucun chiffre ne décrit la
  réalité.
""")

st.header("Glossaire")
glossary, glossary_text, glossary_height = _glossary()
st.markdown(glossary_text)
with st.expander("Le glossaire en tableau (à trier, à télécharger)"):
    st.dataframe(glossary, hide_index=True, width="stretch", row_height=glossary_height,
                 column_config={"terme": st.column_config.TextColumn("Terme", width=210),
                                "definition": st.column_config.TextColumn("Ce que cela veut dire", width=690)})
    download_buttons(glossary, "glossaire", key="glossaire")
