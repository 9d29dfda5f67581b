"""What the engine is worth, as measured by ``benchmarks/bench_statistique.py`` (figures copied from its
output of 30 November 2026, 2,000 simulated series per cell; rerun on 1 December 2026 with the same
figures, plus the known-ρ ceiling; the ρ = 0.8 limit from benchmarks/puissance_essais.py). Shown on the Méthodologie page; rerun the
benchmark and update this text whenever the engine's rules change."""

MESURES = """
Séries simulées de 24 à 48 mois (tendance, saisonnalité, 10 % de mois manquants, effet qui s'installe en 1 à
4 mois), comparées à un test « oracle » qui connaîtrait le vrai bruit (même modèle, bruit et corrélation
connus) :

| corrélation d'un mois sur l'autre (ρ) | couverture de l'intervalle à 95 % (sans effet / effet de 2 écarts types) | fausses alertes sans effet (oracle) | détection d'un effet de 1 écart type (oracle) | de 2 écarts types (oracle) |
|---|---|---|---|---|
| 0 | 95,2 % / 95,2 % | 4,8 % (5,4 %) | 15,3 % (21,0 %) | 44,7 % (59,0 %) |
| 0,3 | 94,7 % / 95,0 % | 5,3 % (5,7 %) | 13,3 % (14,8 %) | 29,9 % (38,6 %) |
| 0,6 | 93,7 % / 93,0 % | 6,3 % (4,7 %) | 11,2 % (11,1 %) | 23,0 % (30,3 %) |

Comptages de 0,5 à 5 événements par mois rapportés au volume de demandes : couverture 96,7 %, fausses alertes
2,9 % (oracle 4,9 %), détection d'une hausse de 50 % : 8,6 % (oracle 13,0 %), d'un doublement : 20,5 %
(oracle 26,7 %) ; 12 % de ces séries sont dites « données insuffisantes ». Enquêtes trimestrielles simulées
sans effet : 1,7 % à 4,8 % de fausses alertes pour ρ de 0 à 0,6.

Sur la base de démonstration (effets connus) : 26,2 % des 305 effets plantés sont détectés après correction
(l'oracle, sous la même correction : 43,9 % ; avant ce travail : 13,5 %) — délais 58,8 %, indicateurs
mensuels 30,3 %, enquêtes trimestrielles 14,7 %, incivilités 13,3 % ; aucune erreur de signe, aucune fausse
découverte parmi les 80 changements déclarés ; les quatre séries « vitrine » (charge des agents qui se
dégrade chez DFA-MARCHE et DLH-LOGEMENT-SOCIAL) sont des dégradations significatives.

**Limites.** Ces séries sont courtes : un effet de la taille du bruit mensuel passe le plus souvent inaperçu,
et « pas de changement détectable » ne veut pas dire « pas d'effet » (d'où le plus petit effet détectable
affiché). Avec une forte corrélation d'un mois sur l'autre (ρ = 0,6), les fausses alertes sont de 6,3 % par
série avant correction. Le moteur détecte environ 76 % de ce que détecterait l'oracle à 2 écarts types, en
deçà des 90 % visés : le prix d'une corrélation estimée prudemment sur chaque série. Ce but n'est pas
atteignable sur des séries aussi courtes : le même test, à qui l'on donnerait la vraie corrélation (le bruit
restant à estimer), ne détecterait que 93 %, 93 % et 86 % de ce que détecte l'oracle pour ρ = 0 ; 0,3 ; 0,6
(fausses alertes 5,3 %, 5,1 %, 5,1 %). Mettre en commun la corrélation de plusieurs parcours gagnerait en
puissance, mais le verdict d'un parcours dépendrait alors des données des autres : écarté. D'autres règles
ont été essayées (`benchmarks/puissance_essais.py` : corrélation estimée par vraisemblance restreinte, valeur
critique par rééchantillonnage, table de valeurs critiques) : aucune ne gagne de puissance sans dépasser 6 % de
fausses alertes. Au-delà des corrélations simulées ci-dessus, pour ρ = 0,8, les fausses alertes montent à 9,1 %
et la couverture de l'intervalle descend à 90,9 % : sur une série très « collante » d'un mois sur l'autre, un
signal isolé est à confirmer par les mois suivants.
"""
