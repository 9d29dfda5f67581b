"""What the engine is worth, as measured by ``benchmarks/bench_statistique.py`` (figures copied from its
output of 1 December 2026, benchmarks/mesures/bench-statistique-2026-12-01-s20.txt: 10,000 simulated series
per cell without effect, 2,000 with) and by ``benchmarks/enveloppe_puissance.py`` (the most power any test
can have, benchmarks/mesures/enveloppe-2026-12-01.md). Shown on the Méthodologie page; rerun the
benchmarks and update this text whenever the engine's rules change."""

MESURES = """
Séries simulées de 24 à 48 mois (tendance, saisonnalité, 10 % de mois manquants, effet qui s'installe en 1 à
4 mois), comparées à un test « oracle » qui connaîtrait le vrai bruit (même modèle, bruit et corrélation
connus) :

| corrélation d'un mois sur l'autre (ρ) | couverture de l'intervalle à 95 % (sans effet / effet de 2 écarts types) | fausses alertes sans effet (oracle) | détection d'un effet de 1 écart type (oracle) | de 2 écarts types (oracle) |
|---|---|---|---|---|
| 0 | 95,6 % / 95,5 % | 4,4 % (5,3 %) | 14,8 % (21,0 %) | 43,1 % (59,0 %) |
| 0,3 | 95,4 % / 95,9 % | 4,6 % (4,9 %) | 11,8 % (14,8 %) | 26,5 % (38,6 %) |
| 0,6 | 95,0 % / 94,2 % | 5,0 % (4,6 %) | 9,2 % (11,1 %) | 18,8 % (30,3 %) |

Comptages de 0,5 à 5 événements par mois rapportés au volume de demandes : couverture 96,7 %, fausses alertes
2,9 % (oracle 4,9 %), détection d'une hausse de 50 % : 8,6 % (oracle 13,0 %), d'un doublement : 20,5 %
(oracle 26,7 %) ; 12 % de ces séries sont dites « données insuffisantes ». L'écart à l'oracle vient des
précautions prises sur quelques événements (quantile de Student, dispersion au moins égale à 1, pas de
verdict quand l'incertitude est trop grande) : l'oracle avec ces mêmes règles détecte exactement ce que
détecte le moteur. Enquêtes trimestrielles simulées
sans effet : 1,7 % à 4,8 % de fausses alertes pour ρ de 0 à 0,6.

Sur la base de démonstration (effets connus) : 25,6 % des 305 effets plantés sont détectés après correction
(l'oracle, sous la même correction : 43,9 % ; avant ce travail : 13,5 %) — délais 58,8 %, indicateurs
mensuels 29,2 %, enquêtes trimestrielles 14,7 %, incivilités 13,3 % ; aucune erreur de signe, aucune fausse
découverte parmi les 78 changements déclarés ; les quatre séries « vitrine » (charge des agents qui se
dégrade chez DFA-MARCHE et DLH-LOGEMENT-SOCIAL) sont des dégradations significatives.

**Ce qu'aucun calcul ne peut faire mieux.** L'oracle est un repère, pas un objectif : aucun test réel ne
connaît le bruit d'une série. La plus grande détection possible d'un test qui estime ce bruit sur la série et
garde ses fausses alertes sous 5 % pour toute corrélation de 0 à 0,6 est de 82 % de celle de l'oracle si la
série n'a pas de corrélation, 75 % si elle est de 0,3 ; un même test, pour les trois corrélations à la fois,
ne peut dépasser 78 % en moyenne. Le moteur en atteint 72 %, soit 93 % de ce maximum (calcul de la borne
d'Elliott, Müller et Watson, 2015, sur les mêmes séries).

**Limites.** Ces séries sont courtes : un effet de la taille du bruit mensuel passe le plus souvent inaperçu,
et « pas de changement détectable » ne veut pas dire « pas d'effet » (d'où le plus petit effet détectable
affiché). Quand un mois ressemble beaucoup au précédent, quelques dizaines de mois sous-estiment cette
ressemblance ; l'intervalle est donc élargi d'autant plus que la corrélation estimée est forte et la série
courte (sans cela, 7,1 % de fausses alertes à ρ = 0,6). Ce réglage coûte un peu de détection (62 % de
l'oracle à ρ = 0,6 au lieu de 76 %, dont une part n'était que des fausses alertes). Mettre en commun la
corrélation de plusieurs parcours gagnerait en détection, mais le verdict d'un parcours dépendrait alors des
données des autres : écarté. Au-delà des corrélations simulées ci-dessus, pour ρ = 0,8, les fausses alertes
montent à 6,5 % et la couverture de l'intervalle descend à 93,5 % : sur une série très « collante » d'un mois
sur l'autre, un signal isolé est à confirmer par les mois suivants.
"""
