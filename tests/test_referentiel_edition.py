"""The referential edited in the app: change, preview, journal, undo, refusals, re-export."""

from __future__ import annotations

import pandas as pd
import pytest

from indicateurs import journal
from indicateurs import referentiel_edition as edition
from indicateurs.operations import ActionInterdite
from indicateurs.referentiel import ReferentielInvalide, load_referentiel
from indicateurs.referentiel_store import export_referentiel, read_referentiel
from indicateurs.roles import ADMINISTRATEUR, REFERENT, Utilisateur

ADMIN = Utilisateur("chef.sru@paris.fr", ADMINISTRATEUR)
DPE = Utilisateur("referent.dpe@paris.fr", REFERENT, ("DPE",))


def _verdicts(db) -> pd.DataFrame:
    return db.query_df("SELECT parcours, indicateur, verdict FROM resultats ORDER BY parcours, indicateur")


def test_a_deployment_date_change_is_previewed_journaled_applied_and_undone(demo_db):
    ref = read_referentiel(demo_db)
    assert ref.un_parcours("DPE-ENCOMBRANTS").date_deploiement == "2025-02"
    before = _verdicts(demo_db)
    change = edition.Modification(edition.DATE, "DPE-ENCOMBRANTS", " 2025-10 ")
    preview = edition.preview(demo_db, change)
    assert (preview.avant, preview.apres) == ("2025-02", "2025-10")
    # The preview touched nothing.
    assert read_referentiel(demo_db).un_parcours("DPE-ENCOMBRANTS").date_deploiement == "2025-02"
    pd.testing.assert_frame_equal(before, _verdicts(demo_db))

    row = edition.apply(demo_db, change, ADMIN)
    assert read_referentiel(demo_db).un_parcours("DPE-ENCOMBRANTS").date_deploiement == "2025-10"
    after = _verdicts(demo_db)
    merged = before.merge(after, on=["parcours", "indicateur"], suffixes=("_avant", "_apres"))
    moved = merged[merged["verdict_avant"] != merged["verdict_apres"]].reset_index(drop=True)
    # What the preview announced is what the change did.
    pd.testing.assert_frame_equal(moved, preview.verdicts[["parcours", "indicateur", "verdict_avant",
                                                           "verdict_apres"]].reset_index(drop=True),
                                  check_dtype=False)
    entry = journal.read_journal(demo_db, action=journal.REFERENTIEL).iloc[0]
    assert (entry["id"], entry["utilisateur"], entry["objet"], entry["champ"], entry["avant"], entry["apres"]) == (
        row, ADMIN.identifiant, "DPE-ENCOMBRANTS", edition.DATE, "2025-02", "2025-10")

    undo = edition.undo(demo_db, row, ADMIN)
    assert read_referentiel(demo_db).un_parcours("DPE-ENCOMBRANTS").date_deploiement == "2025-02"
    pd.testing.assert_frame_equal(before, _verdicts(demo_db))
    assert journal.read_journal(demo_db, action=journal.REFERENTIEL_ANNULE).iloc[0]["annule_modification"] == row
    with pytest.raises(edition.ModificationRefusee, match=f"déjà été annulée \\(n° {undo}\\)"):
        edition.undo(demo_db, row, ADMIN)


def test_targets_labels_and_descriptions(demo_db):
    ref = read_referentiel(demo_db)
    default = ref.cible("ACCUSE_RECEPTION", "DPE-ENCOMBRANTS")
    target = edition.Modification(edition.CIBLE, "DPE-ENCOMBRANTS", "97,5", "ACCUSE_RECEPTION")
    first = edition.apply(demo_db, target, ADMIN)
    assert read_referentiel(demo_db).cible("ACCUSE_RECEPTION", "DPE-ENCOMBRANTS") == 97.5
    label = edition.Modification(edition.LIBELLE, "DPE-ENCOMBRANTS", "<script>alert(1)</script> **gras**")
    assert edition.preview(demo_db, label).verdicts.empty  # a label moves no verdict
    second = edition.apply(demo_db, label, ADMIN)
    assert read_referentiel(demo_db).un_parcours("DPE-ENCOMBRANTS").libelle == "<script>alert(1)</script> **gras**"
    edition.apply(demo_db, edition.Modification(edition.DESCRIPTION, "DPE-ENCOMBRANTS", "=1+1"), ADMIN)
    # Undo in the wrong order is refused while the field changed since; the target had no later change.
    edition.apply(demo_db, edition.Modification(edition.CIBLE, "DPE-ENCOMBRANTS", "90", "ACCUSE_RECEPTION"), ADMIN)
    with pytest.raises(edition.ModificationRefusee, match="a changé depuis la modification"):
        edition.undo(demo_db, first, ADMIN)
    edition.undo(demo_db, second, ADMIN)
    assert read_referentiel(demo_db).un_parcours("DPE-ENCOMBRANTS").libelle == ref.un_parcours("DPE-ENCOMBRANTS").libelle
    history = edition.history(demo_db)
    assert len(history) == 5 and history["annulee_par"].notna().sum() == 1
    assert default != 97.5


@pytest.mark.parametrize("change, message", [
    (edition.Modification(edition.DATE, "DPE-ENCOMBRANTS", "2025-13"), "n'est pas un mois au format AAAA-MM"),
    (edition.Modification(edition.DATE, "DPE-INCONNU", "2025-03"), "Parcours inconnu"),
    (edition.Modification(edition.CIBLE, "DPE-ENCOMBRANTS", "120", "ACCUSE_RECEPTION"), "hors des bornes"),
    (edition.Modification(edition.CIBLE, "DPE-ENCOMBRANTS", "beaucoup", "ACCUSE_RECEPTION"), "n'est pas un nombre"),
    (edition.Modification(edition.CIBLE, "DPE-ENCOMBRANTS", "50", "NOUVEL_INDICATEUR"), "Indicateur inconnu"),
    (edition.Modification(edition.LIBELLE, "DPE-ENCOMBRANTS", "  "), "ne peut pas être vide"),
    (edition.Modification(edition.DATE, "DPE-ENCOMBRANTS", "2025-02"), "la valeur est déjà"),
])
def test_invalid_changes_are_refused_in_french_and_change_nothing(demo_db, change, message):
    before = read_referentiel(demo_db)
    with pytest.raises(edition.ModificationRefusee, match=message):
        edition.apply(demo_db, change, ADMIN)
    assert read_referentiel(demo_db) == before
    assert journal.read_journal(demo_db).empty


def test_only_an_administrator_edits_the_referential(demo_db):
    change = edition.Modification(edition.LIBELLE, "DPE-ENCOMBRANTS", "Nouveau libellé")
    with pytest.raises(ActionInterdite, match="Seul un administrateur peut modifier le référentiel"):
        edition.apply(demo_db, change, DPE)
    with pytest.raises(ActionInterdite):
        edition.reload_from_files(demo_db, Utilisateur("x"))


def test_a_reload_that_would_orphan_stored_values_is_refused_naming_them(demo_db, tmp_path):
    folder = tmp_path / "referentiel"
    export_referentiel(demo_db, folder)
    lines = (folder / "parcours.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / "parcours.csv").write_text("".join(l for l in lines if not l.startswith("DJS-PISCINE,")), encoding="utf-8")
    cibles = (folder / "cibles.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / "cibles.csv").write_text("".join(l for l in cibles if ",DJS-PISCINE," not in l), encoding="utf-8")
    before = read_referentiel(demo_db)
    with pytest.raises(ReferentielInvalide) as caught:
        edition.reload_from_files(demo_db, ADMIN, folder)
    message = str(caught.value)
    count = demo_db.query_one("SELECT count(*) FROM valeurs WHERE parcours = 'DJS-PISCINE' AND indicateur = "
                              "'SATISFACTION_GLOBALE'")[0]
    assert f"{count} valeur(s) de « DJS-PISCINE » × « SATISFACTION_GLOBALE »" in message
    assert read_referentiel(demo_db) == before


def test_the_base_re_exports_the_csv_files_that_load_again(demo_db, tmp_path):
    edition.apply(demo_db, edition.Modification(edition.DATE, "DICOM-PARIS-FR", "2026-09"), ADMIN)
    edition.apply(demo_db, edition.Modification(edition.DESCRIPTION, "DPE-ENCOMBRANTS", 'Guillemets " ; virgule, fin'),
                  ADMIN)
    export_referentiel(demo_db, tmp_path / "export")
    assert load_referentiel(tmp_path / "export") == read_referentiel(demo_db)


def test_init_keeps_a_referential_edited_in_the_app(demo_db):
    from indicateurs.operations import initialise

    edition.apply(demo_db, edition.Modification(edition.LIBELLE, "DPE-ENCOMBRANTS", "Libellé revu"), ADMIN)
    result = initialise(demo_db.path, ADMIN)
    assert result.referentiel_conserve and not result.referentiel_charge
    assert read_referentiel(demo_db).un_parcours("DPE-ENCOMBRANTS").libelle == "Libellé revu"
    assert edition.reload_from_files(demo_db, ADMIN) is True  # the explicit way back to the files
    assert read_referentiel(demo_db) == load_referentiel()
    assert initialise(demo_db.path, ADMIN).referentiel_charge is False
