"""The referential shipped in data/referentiel/ and its integrity checks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indicateurs.mois import parse_month_code
from indicateurs.referentiel import DEFAULT_DIR, ReferentielInvalide, load_referentiel

OCTOBRE_2026 = parse_month_code("2026-10")


@pytest.fixture(scope="module")
def ref():
    return load_referentiel()


def test_thirty_parcours_six_named_by_the_city(ref):
    assert len(ref.parcours) == 30
    named = {p.code for p in ref.parcours if not p.exemple}
    assert named == {"DDCT-TITRE-IDENTITE", "DPE-ENCOMBRANTS", "DJS-PISCINE", "DAC-BIBLIOTHEQUE",
                     "DFA-MARCHE", "DRH-POSTE-VACANT"}
    assert ref.un_parcours("DFA-MARCHE").public == "agents"
    assert ref.un_parcours("DRH-POSTE-VACANT").public == "agents"


def test_one_to_three_parcours_per_direction(ref):
    for d in ref.directions:
        count = sum(p.direction == d.code for p in ref.parcours)
        assert 1 <= count <= 3, d.code


def test_deployments_are_staggered(ref):
    dates = [parse_month_code(p.date_deploiement) if p.date_deploiement else None for p in ref.parcours]
    deployed = [d for d in dates if d is not None and d <= OCTOBRE_2026]
    observed_12 = [d for d in deployed if (OCTOBRE_2026.year - d.year) * 12 + OCTOBRE_2026.month - d.month >= 11]
    assert len(observed_12) >= 5
    assert len(deployed) - len(observed_12) >= 5  # only a few months of observation
    assert sum(d is None or d > OCTOBRE_2026 for d in dates) >= 2
    assert {d.year for d in deployed} == {2025, 2026}


def test_indicators_cover_every_engagement_and_both_sides(ref):
    assert len(ref.indicateurs) >= 16
    for engagement in (1, 2, 3, 4):
        assert sum(i.engagement == engagement for i in ref.indicateurs) >= 2
    assert sum(i.famille == "conditions de travail des agents" for i in ref.indicateurs) >= 3
    satisfaction = {i.code for i in ref.indicateurs if i.famille == "satisfaction des usagers"}
    assert {"SATISFACTION_GLOBALE", "SATISFACTION_NETTE"} <= satisfaction
    volume = ref.indicateur("VOLUME_DEMANDES")
    assert volume.unite == "nombre" and volume.agregation == "somme"


def test_mirror_survey_pairs_are_linked_both_ways(ref):
    pairs = {(i.code, i.miroir) for i in ref.indicateurs if i.miroir}
    assert ("INFO_CLAIRE_USAGERS", "INFO_CLAIRE_AGENTS") in pairs
    assert ("INFO_CLAIRE_AGENTS", "INFO_CLAIRE_USAGERS") in pairs
    assert len(pairs) >= 4


def test_target_override_per_parcours(ref):
    assert ref.cible("DELAI_TRAITEMENT", "DU-PERMIS-CONSTRUIRE") == 60
    assert ref.cible("DELAI_TRAITEMENT", "DJS-PISCINE") == 15
    assert ref.cible("INCIVILITES", "DJS-PISCINE") is None


def _broken_copy(tmp_path: Path, name: str, old: str, new: str) -> Path:
    folder = tmp_path / "referentiel"
    shutil.copytree(DEFAULT_DIR, folder)
    path = folder / f"{name}.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def test_parcours_with_unknown_direction_is_named_with_line_and_column(tmp_path):
    folder = _broken_copy(tmp_path, "parcours", "DJS-PISCINE,Utiliser une piscine,DJS,",
                          "DJS-PISCINE,Utiliser une piscine,DXX,")
    with pytest.raises(ReferentielInvalide) as caught:
        load_referentiel(folder)
    assert caught.value.erreurs == [
        "parcours.csv, ligne 6, colonne « direction » : la direction « DXX » n'existe pas dans "
        "directions.csv. Ajoutez-la ou corrigez le code."
    ]


def test_indicator_without_sense_or_unit(tmp_path):
    folder = _broken_copy(tmp_path, "indicateurs", "jours,baisse,2,", ",,2,")
    with pytest.raises(ReferentielInvalide) as caught:
        load_referentiel(folder)
    messages = caught.value.erreurs
    assert "indicateurs.csv, ligne 6, colonne « unite » : valeur obligatoire manquante." in messages
    assert "indicateurs.csv, ligne 6, colonne « sens » : valeur obligatoire manquante." in messages


def test_duplicate_code(tmp_path):
    folder = _broken_copy(tmp_path, "directions", "DPE,Propreté", "DDCT,Propreté")
    with pytest.raises(ReferentielInvalide) as caught:
        load_referentiel(folder)
    assert caught.value.erreurs == [
        "directions.csv, ligne 3, colonne « code » : « DDCT » est en double (déjà ligne 2). "
        "Chaque code doit être unique.",
        # the two parcours of the DPE now point to a direction that no longer exists
        "parcours.csv, ligne 4, colonne « direction » : la direction « DPE » n'existe pas dans "
        "directions.csv. Ajoutez-la ou corrigez le code.",
        "parcours.csv, ligne 5, colonne « direction » : la direction « DPE » n'existe pas dans "
        "directions.csv. Ajoutez-la ou corrigez le code.",
    ]


def test_missing_file(tmp_path):
    with pytest.raises(ReferentielInvalide) as caught:
        load_referentiel(tmp_path)
    assert len(caught.value.erreurs) == 4
    assert caught.value.erreurs[0].startswith("fichier directions.csv introuvable")
