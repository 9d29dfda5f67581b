"""Guards against per-row Python loops creeping back: 100 000 rows, valid or all wrong, stay fast."""

from __future__ import annotations

import time

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


def test_100k_valid_rows(db, tmp_path):
    rows = [f"{p};{i};{m};{(k % 40) + 0.5:.1f};".replace(".", ",")
            for k, (m, p, i) in enumerate((m, p, i) for m in MONTHS for p in PARCOURS for i in MONTHLY)]
    rows = rows[:100_000]
    path = write_file(tmp_path, "gros.csv", (HEADER + "\r\n".join(rows) + "\r\n").encode("cp1252"))
    start = time.perf_counter()
    v = check_path(db, path)
    elapsed = time.perf_counter() - start
    assert v.ok and len(v.valeurs) == 100_000 and v.comparaison.nouvelles == 100_000
    assert elapsed < 5, elapsed


def test_100k_wrong_rows_are_capped_and_fast(db, tmp_path):
    rows = [f"INCONNU-{k % 500};XXX;2026-13;abc;" for k in range(100_000)]
    path = write_file(tmp_path, "faux.csv", (HEADER + "\r\n".join(rows) + "\r\n").encode("utf-8"))
    start = time.perf_counter()
    v = check_path(db, path)
    elapsed = time.perf_counter() - start
    assert v.nb_erreurs == 400_000 and len(v.erreurs) == 201
    assert [p.colonne for p in v.erreurs[:4]] == [
        "parcours", "indicateur", "mois", "valeur"]
    assert elapsed < 5, elapsed
