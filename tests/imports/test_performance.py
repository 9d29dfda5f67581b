"""100 000 rows, valid or all wrong: every valid row is kept, and a file full of errors is stopped early
with the true count. (Speed is measured by benchmarks/bench_import.py, not asserted here.)"""

from __future__ import annotations

from indicateurs.imports.checks import STOP_AFTER_ERRORS

from .helpers import HEADER, check_path, write_file

MONTHS = [f"{y}-{m:02d}" for y in range(2000, 2027) for m in range(1, 13)][:322]  # 2000-01 .. 2026-10
MONTHLY = ["ACCUSE_RECEPTION", "SUIVI_EN_LIGNE", "DELAI_TRAITEMENT", "DANS_DELAI_ANNONCE", "TAUX_DECROCHE",
           "REORIENTATIONS", "RESOLUTION_PREMIER_CONTACT", "SATISFACTION_GLOBALE", "SATISFACTION_NETTE",
           "RECLAMATIONS", "SOLLICITATIONS_PAR_AGENT", "RELANCES_OU_EN_EST", "INCIVILITES", "ALLERS_RETOURS",
           "VOLUME_DEMANDES"]
PARCOURS = ["DDCT-TITRE-IDENTITE", "DDCT-ETAT-CIVIL", "DPE-ENCOMBRANTS", "DPE-DANSMARUE", "DJS-PISCINE",
            "DJS-CRENEAU-SPORTIF", "DAC-BIBLIOTHEQUE", "DAC-CONSERVATOIRE", "DFPE-CRECHE", "DFPE-PMI",
            "DASCO-INSCRIPTION", "DASCO-CANTINE", "DSOL-AIDE-SOCIALE", "DSOL-DOMICILIATION", "DLH-LOGEMENT-SOCIAL",
            "DVD-STATIONNEMENT", "DVD-DEMENAGEMENT", "DU-PERMIS-CONSTRUIRE", "DEVE-PERMIS-VEGETALISER",
            "DPMP-NUISANCE", "DSP-CENTRE-SANTE", "DSP-VACCINATION", "DAE-TERRASSE", "DRH-POSTE-VACANT",
            "DRH-FORMATION", "DFA-MARCHE", "DFA-PAIEMENT-FOURNISSEUR", "DSIN-ASSISTANCE", "DILT-LOGISTIQUE",
            "DICOM-PARIS-FR"]


def test_100k_valid_rows(db, tmp_path, monkeypatch):
    monkeypatch.setenv("OBSERVATOIRE_DEBUT_OBSERVATION", "2000-01")  # a long history, declared as such
    rows = [f"{p};{i};{m};{(k % 40) + 0.5:.1f};".replace(".", ",")
            for k, (m, p, i) in enumerate((m, p, i) for m in MONTHS for p in PARCOURS for i in MONTHLY)]
    rows = rows[:100_000]
    path = write_file(tmp_path, "gros.csv", (HEADER + "\r\n".join(rows) + "\r\n").encode("cp1252"))
    v = check_path(db, path)
    assert v.ok and len(v.valeurs) == 100_000 and v.comparaison.nouvelles == 100_000


def test_100k_wrong_rows_stop_the_check_early_with_the_count(db, tmp_path):
    rows = [f"INCONNU-{k % 500};XXX;2026-13;abc;" for k in range(100_000)]
    path = write_file(tmp_path, "faux.csv", (HEADER + "\r\n".join(rows) + "\r\n").encode("utf-8"))
    v = check_path(db, path)
    # the unknown parcours of every row (100 000) are past the stop: the other columns are not checked
    assert v.nb_erreurs == 100_000 + 1 and len(v.erreurs) == 201
    stop = v.erreurs[0]
    assert stop.ligne is None and stop.message.startswith("Vérification arrêtée : plus de 5 000 erreurs (100 000 ")
    assert STOP_AFTER_ERRORS == 5000
    assert [(p.ligne, p.colonne) for p in v.erreurs[1:3]] == [(2, "parcours"), (3, "parcours")]
    assert v.erreurs[-1].message.startswith("… et 99 801 autres erreurs non affichées (100 001 au total)")
