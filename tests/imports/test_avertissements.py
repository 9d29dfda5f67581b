"""Warnings: importable, shown before confirming. Revisions, values far from history, harmless repeats."""

from __future__ import annotations

from indicateurs.imports.pipeline import commit

from .helpers import HEADER, check_path, csv, where, write_file


def import_file(db, path):
    v = check_path(db, path)
    assert v.ok, [p.message for p in v.erreurs]
    return v, commit(db, v, utilisateur="test")


def test_revision_and_value_far_from_history(db, tmp_path):
    history = [("2026-01", "50"), ("2026-02", "52"), ("2026-03", "49"), ("2026-04", "51"),
               ("2026-05", "50"), ("2026-06", "48"), ("2026-07", "53"), ("2026-08", "50")]
    import_file(db, csv(tmp_path, *(f"DJS-PISCINE;TAUX_DECROCHE;{m};{x};" for m, x in history), name="hist.csv"))
    path = csv(tmp_path,
               "DJS-PISCINE;TAUX_DECROCHE;2026-08;55;",  # 2: revision 50 → 55
               "DJS-PISCINE;TAUX_DECROCHE;2026-09;95;",  # 3: far: median 50, scale 2.5 → z = +18
               "DJS-PISCINE;TAUX_DECROCHE;2026-10;51;",  # 4: ordinary
               name="sept.csv")
    v = check_path(db, path)
    assert v.ok
    assert where(v.avertissements) == [(2, "valeur", "55"), (3, "valeur", "95")]
    assert [p.message for p in v.avertissements] == [
        "Révision : ce mois est déjà enregistré avec la valeur 50 ; l'import la remplacera par 55 "
        "(l'ancienne valeur reste dans l'historique).",
        "Valeur inhabituelle : 95 est loin de l'historique de ce parcours pour cet indicateur (médiane 50 "
        "sur 7 mois, écart robuste z = +18,0). Vérifiez la saisie (unité, virgule, mois) ; si elle est juste, "
        "vous pouvez importer.",
    ]
    c = v.comparaison
    assert (c.nouvelles, c.revisees, c.inchangees) == (2, 1, 0)
    assert c.revisions[["parcours", "indicateur", "valeur_avant", "valeur"]].values.tolist() == [
        ["DJS-PISCINE", "TAUX_DECROCHE", 50.0, 55.0]]
    assert c.par_direction_mois[["direction", "nouvelles", "revisees"]].values.tolist() == [
        ["DJS", 0, 1], ["DJS", 1, 0], ["DJS", 1, 0]]
    result = commit(db, v, utilisateur="test")
    assert (result.nouvelles, result.revisees, result.inchangees) == (2, 1, 0)


def test_short_history_gives_no_outlier_warning(db, tmp_path):
    import_file(db, csv(tmp_path, *(f"DJS-PISCINE;TAUX_DECROCHE;2026-0{m};50;" for m in range(1, 6)), name="h.csv"))
    v = check_path(db, csv(tmp_path, "DJS-PISCINE;TAUX_DECROCHE;2026-09;99;", name="f.csv"))
    assert v.ok and v.avertissements == []  # 5 stored values: fewer than 6, no judgement


def test_same_value_twice_is_counted_once_with_a_warning(db, tmp_path):
    path = csv(tmp_path, "DJS-PISCINE;TAUX_DECROCHE;2026-09;50;", "DJS-PISCINE;TAUX_DECROCHE;2026-09;50,0;",
               "DJS-PISCINE;DELAI_TRAITEMENT;2026-09;4;")
    v = check_path(db, path)
    assert v.ok and len(v.valeurs) == 2
    assert where(v.avertissements) == [(3, "valeur", "50,0")]
    assert v.avertissements[0].message.startswith("Doublon sans conséquence : même parcours, indicateur, mois "
                                                  "et valeur que la ligne 2 ; la valeur n'est comptée qu'une fois.")
    assert commit(db, v, utilisateur="test").nouvelles == 2


def test_rows_without_value_are_skipped_with_a_warning(db, tmp_path):
    path = csv(tmp_path, "DJS-PISCINE;TAUX_DECROCHE;2026-09;50;", "DJS-PISCINE;DELAI_TRAITEMENT;2026-09;;",
               "DJS-PISCINE;VOLUME_DEMANDES;2026-09; ;vide")
    v = check_path(db, path)
    assert v.ok and len(v.valeurs) == 1
    assert [(p.ligne, p.message) for p in v.avertissements] == [
        (3, "2 ligne(s) sans valeur, ignorée(s) (lignes 3, 4). Remplissez la valeur si elle est connue ; "
            "sinon ce mois restera signalé comme manquant.")]


def test_comment_only_change_is_a_revision(db, tmp_path):
    import_file(db, csv(tmp_path, "DJS-PISCINE;TAUX_DECROCHE;2026-09;50;", name="a.csv"))
    v = check_path(db, csv(tmp_path, "DJS-PISCINE;TAUX_DECROCHE;2026-09;50;grève", name="b.csv"))
    assert [p.message for p in v.avertissements] == [
        "Commentaire modifié : la valeur déjà enregistrée pour ce mois est identique, seul le commentaire "
        "sera remplacé."]


def test_shift_jis_read_as_windows_1252_is_flagged_not_stored_silently(db, tmp_path):
    """Bytes of another encoding that happen to decode as Windows-1252 give garbled text: warn, naming it."""
    text = HEADER + "DJS-PISCINE;TAUX_DECROCHE;2026-09;50;テストカタカナ\r\n"
    path = write_file(tmp_path, "japonais.csv", text.encode("shift_jis"))
    v = check_path(db, path)
    assert v.format.startswith("CSV Windows-1252")
    garbled = [p for p in v.avertissements if "caractères inattendus" in p.message]
    assert len(garbled) == 1 and garbled[0].ligne is None
    assert "Shift-JIS" in garbled[0].message and "CSV UTF-8" in garbled[0].message


def test_french_text_in_windows_1252_is_not_flagged(db, tmp_path):
    comment = "Fermeture exceptionnelle « travaux » – 15 % d'œuvres prêtées, coût 2 000 € à l'été"
    path = write_file(tmp_path, "francais.csv",
                      (HEADER + f"DJS-PISCINE;TAUX_DECROCHE;2026-09;50;{comment}\r\n").encode("cp1252"))
    v = check_path(db, path)
    assert v.ok and not [p for p in v.avertissements if "caractères inattendus" in p.message]
    assert v.valeurs["commentaire"].tolist() == [comment]
