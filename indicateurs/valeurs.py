"""Stored values and their provenance: write a batch as one import, cancel an import, read history.

Every value written belongs to an import (a file, the demonstration data, or a cancellation). Each write
also leaves a « mouvement » with the value it replaced, so that the history of any value can be shown and
any import can be undone exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from indicateurs.db import Database, retry_transient

STAGED_COLUMNS = ["parcours", "indicateur", "mois", "valeur", "commentaire"]

TYPE_FICHIER = "fichier"
TYPE_DEMO = "démonstration"
TYPE_ANNULATION = "annulation"

STATUT_IMPORTE = "importé"
STATUT_ANNULE = "annulé"
STATUT_REJETE = "rejeté"
STATUT_DEJA_IMPORTE = "déjà importé"

# A value counts as unchanged when it differs by less than this (files round-trip through Excel).
TOLERANCE = 1e-9


@dataclass(frozen=True)
class Comparaison:
    """How a batch compares with what is stored: counts, and the revised values (old → new)."""

    nouvelles: int
    revisees: int
    inchangees: int
    revisions: pd.DataFrame  # parcours, indicateur, mois, valeur_avant, valeur
    par_direction_mois: pd.DataFrame  # direction, mois, nouvelles, revisees, inchangees


@dataclass(frozen=True)
class ResultatEcriture:
    import_id: int
    nouvelles: int
    revisees: int
    inchangees: int


def _stage(con, frame: pd.DataFrame) -> None:
    """Put the batch in a temporary table next to the stored value it would replace."""
    batch = frame.reindex(columns=STAGED_COLUMNS)
    # A batch holds a handful of months for up to millions of rows: convert each distinct month once, and
    # hand DuckDB Arrow-backed strings and datetime64 rather than Python objects (far faster to scan).
    codes, months = pd.factorize(batch["mois"], use_na_sentinel=False)
    months = pd.to_datetime(pd.Series(months, dtype=object)).to_numpy(dtype="datetime64[s]")
    commentaire = batch["commentaire"]
    batch = pd.DataFrame({
        "parcours": batch["parcours"].astype("str"),
        "indicateur": batch["indicateur"].astype("str"),
        "mois": months[codes],
        "valeur": batch["valeur"].astype("float64"),
        "commentaire": commentaire.where(commentaire.notna(), None).astype("str"),
    })
    con.register("batch_df", batch)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE stage AS
        SELECT b.parcours, b.indicateur, CAST(b.mois AS DATE) AS mois, b.valeur,
               CAST(b.commentaire AS VARCHAR) AS commentaire,
               v.valeur AS valeur_avant, v.commentaire AS commentaire_avant, v.import_id AS import_avant,
               CASE WHEN v.valeur IS NULL THEN 'nouvelle'
                    WHEN abs(v.valeur - b.valeur) <= {TOLERANCE}
                         AND (b.commentaire IS NULL OR b.commentaire IS NOT DISTINCT FROM v.commentaire)
                    THEN 'inchangee'
                    ELSE 'revisee' END AS etat
        FROM batch_df b
        LEFT JOIN valeurs v ON v.parcours = b.parcours AND v.indicateur = b.indicateur
                           AND v.mois = CAST(b.mois AS DATE)
    """)
    con.unregister("batch_df")


def _compare_staged(con) -> Comparaison:
    counts = dict(con.execute("SELECT etat, count(*) FROM stage GROUP BY etat").fetchall())
    revisions = con.execute("""
        SELECT parcours, indicateur, mois, valeur_avant, valeur FROM stage
        WHERE etat = 'revisee' ORDER BY parcours, indicateur, mois
    """).df()
    per_direction = con.execute("""
        SELECT p.direction, s.mois,
               count(*) FILTER (WHERE etat = 'nouvelle') AS nouvelles,
               count(*) FILTER (WHERE etat = 'revisee') AS revisees,
               count(*) FILTER (WHERE etat = 'inchangee') AS inchangees
        FROM stage s JOIN parcours p ON p.code = s.parcours
        GROUP BY ALL ORDER BY p.direction, s.mois
    """).df()
    return Comparaison(
        nouvelles=counts.get("nouvelle", 0),
        revisees=counts.get("revisee", 0),
        inchangees=counts.get("inchangee", 0),
        revisions=revisions,
        par_direction_mois=per_direction,
    )


def compare_with_store(db: Database, frame: pd.DataFrame) -> Comparaison:
    """Dry run: what writing ``frame`` would do (new, revised, unchanged), without writing anything."""
    with db.connect() as con:
        _stage(con, frame)
        return _compare_staged(con)


def find_import_by_sha256(db: Database, sha256: str) -> int | None:
    """The id of a live (not cancelled) import of a file with this content, if any."""
    row = db.query_one(
        "SELECT id FROM imports WHERE sha256 = ? AND type = ? AND statut = ? ORDER BY id LIMIT 1",
        [sha256, TYPE_FICHIER, STATUT_IMPORTE],
    )
    return row[0] if row else None


def _bump_data_version(con) -> None:
    con.execute("""
        INSERT INTO meta VALUES ('version_donnees', '1')
        ON CONFLICT (cle) DO UPDATE SET valeur = CAST(CAST(meta.valeur AS INTEGER) + 1 AS VARCHAR)
    """)


def write_values(db: Database, frame: pd.DataFrame, **kwargs) -> "ResultatEcriture":
    """Store a checked batch of values as one import, in one transaction (see ``_write_values_once``),
    run again if DuckDB failed it with a transient error (nothing was written then)."""
    return retry_transient(lambda: _write_values_once(db, frame, **kwargs))


def _write_values_once(
    db: Database,
    frame: pd.DataFrame,
    *,
    utilisateur: str,
    type: str = TYPE_FICHIER,
    fichier: str | None = None,
    sha256: str | None = None,
    taille: int | None = None,
    on_commit=None,
) -> ResultatEcriture:
    """Store a checked batch of values as one import, in one transaction.

    New values are inserted, revised ones replaced (the old value kept in « mouvements »), unchanged ones
    left alone. The journal records who did it, when, from which file, with the counts. Either all of it
    is written or, on any error (or the process being killed), none of it. ``on_commit(con, import_id)``
    runs inside the same transaction, so derived results can be updated atomically with the data.
    """
    now = datetime.now()
    with db.transaction() as con:
        _stage(con, frame)
        comparison = _compare_staged(con)
        import_id = con.execute("SELECT nextval('import_id_seq')").fetchone()[0]
        con.execute(
            "INSERT INTO imports (id, type, fichier, sha256, taille, utilisateur, horodatage, statut, "
            "nb_lignes, nb_nouvelles, nb_revisees, nb_inchangees) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [import_id, type, fichier, sha256, taille, utilisateur, now, STATUT_IMPORTE, len(frame),
             comparison.nouvelles, comparison.revisees, comparison.inchangees],
        )
        # Unchanged rows are recorded too (before = after): the file confirmed the value, so cancelling
        # the import that first wrote it must not take it away while this one stands.
        con.execute("""
            INSERT INTO mouvements
            SELECT ?, parcours, indicateur, mois, valeur_avant, commentaire_avant, import_avant,
                   valeur, commentaire
            FROM stage
        """, [import_id])
        # New keys are absent (staged inside this transaction, writers serialised): a plain insert, much
        # faster than ON CONFLICT on a million rows; revised ones are updated in place.
        con.execute("""
            INSERT INTO valeurs
            SELECT parcours, indicateur, mois, valeur, commentaire, ? FROM stage WHERE etat = 'nouvelle'
        """, [import_id])
        if comparison.revisees:
            con.execute("""
                UPDATE valeurs SET valeur = s.valeur, commentaire = s.commentaire, import_id = ?
                FROM stage s
                WHERE s.etat = 'revisee' AND valeurs.parcours = s.parcours AND valeurs.indicateur = s.indicateur
                  AND valeurs.mois = s.mois
            """, [import_id])
        con.execute(
            "INSERT INTO journal VALUES (?, ?, 'import', ?, ?)",
            [now, utilisateur, str(import_id),
             f"{fichier or type} : {comparison.nouvelles} nouvelles, {comparison.revisees} révisées, "
             f"{comparison.inchangees} inchangées"],
        )
        _bump_data_version(con)
        con.execute("DROP TABLE stage")
        if on_commit is not None:
            on_commit(con, import_id)
    return ResultatEcriture(import_id, comparison.nouvelles, comparison.revisees, comparison.inchangees)


def record_rejected_import(db: Database, *, utilisateur: str, fichier: str, sha256: str | None,
                           taille: int | None, nb_erreurs: int, message: str, on_commit=None) -> int:
    """Journal a rejected file (nothing of it is stored), so the SRU sees every attempt.

    ``on_commit(con, import_id)`` runs inside the same transaction (the audit row goes with the journal row).
    """
    with db.transaction() as con:
        import_id = con.execute("SELECT nextval('import_id_seq')").fetchone()[0]
        con.execute(
            "INSERT INTO imports (id, type, fichier, sha256, taille, utilisateur, horodatage, statut, "
            "nb_lignes, nb_nouvelles, nb_revisees, nb_inchangees, message) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, 0, 0, 0, ?)",
            [import_id, TYPE_FICHIER, fichier, sha256, taille, utilisateur, datetime.now(), STATUT_REJETE,
             f"{nb_erreurs} erreur(s) : {message}"],
        )
        if on_commit is not None:
            on_commit(con, import_id)
    return import_id


class AnnulationImpossible(Exception):
    """The import cannot be cancelled (unknown, already cancelled, or not a data import)."""


@dataclass(frozen=True)
class ResultatAnnulation:
    annulation_id: int
    restaurees: int  # values put back to what the latest import still standing had written
    supprimees: int  # values no import still standing had written, now removed
    conservees: int  # values a later import (still standing) has written since: left as they are


def _replay_standing_writes(writes: pd.DataFrame) -> pd.DataFrame:
    """What each cell holds when only the given writes happened, in import order, under the import rules.

    ``writes``: parcours, indicateur, mois, import_id, valeur_apres, commentaire_apres, sorted by cell then
    import (a cell with no write has one row with a null import). A write replaces the cell unless it
    repeats the stored figure with no comment or the same one (then the earlier import keeps the credit),
    exactly as ``write_values`` decides between « révisée » and « inchangée ».
    """
    rows = []
    for (parcours, indicateur, mois), cell in writes.groupby(["parcours", "indicateur", "mois"], sort=False):
        state = None
        for import_id, valeur, commentaire in zip(cell["import_id"], cell["valeur_apres"], cell["commentaire_apres"]):
            if pd.isna(import_id):
                continue
            commentaire = None if pd.isna(commentaire) else commentaire
            if state is not None and abs(state[0] - valeur) <= TOLERANCE and commentaire in (None, state[1]):
                continue
            state = (float(valeur), commentaire, int(import_id))
        rows.append((parcours, indicateur, mois) + (state or (None, None, None)))
    return pd.DataFrame(rows, columns=["parcours", "indicateur", "mois", "valeur", "commentaire", "import_id"]
                        ).astype({"valeur": "float64", "commentaire": "object", "import_id": "Int64"})


def cancel_import(db: Database, import_id: int, *, utilisateur: str, on_commit=None) -> ResultatAnnulation:
    """« Annuler l'import » (see ``_cancel_import_once``), run again on a transient DuckDB error."""
    return retry_transient(lambda: _cancel_import_once(db, import_id, utilisateur=utilisateur, on_commit=on_commit))


def _cancel_import_once(db: Database, import_id: int, *, utilisateur: str, on_commit=None) -> ResultatAnnulation:
    """« Annuler l'import »: the base becomes what it would be had the import never happened, in one transaction.

    Each value the import wrote (or confirmed) goes back to what the latest import still standing wrote for
    it, or is removed when none did. So a value revised since by a later import keeps that later figure,
    and cancelling stacked imports in any order leaves exactly the values of the imports not cancelled,
    each credited to the import that wrote it. The cancellation is itself an import (type « annulation »)
    with its own movements, so it shows in every value's history.
    """
    now = datetime.now()
    with db.transaction() as con:
        row = con.execute("SELECT type, statut FROM imports WHERE id = ?", [import_id]).fetchone()
        if row is None:
            raise AnnulationImpossible(f"L'import n° {import_id} n'existe pas. Consultez la liste des imports.")
        if row[0] == TYPE_ANNULATION:
            raise AnnulationImpossible(f"L'import n° {import_id} est lui-même une annulation.")
        if row[1] == STATUT_ANNULE:
            raise AnnulationImpossible(f"L'import n° {import_id} est déjà annulé.")
        if row[1] != STATUT_IMPORTE:
            raise AnnulationImpossible(f"L'import n° {import_id} n'a rien enregistré (statut : {row[1]}).")
        cancel_id = con.execute("SELECT nextval('import_id_seq')").fetchone()[0]
        con.execute("UPDATE imports SET statut = ?, annule_par = ? WHERE id = ?",
                    [STATUT_ANNULE, cancel_id, import_id])
        writes = con.execute("""
            WITH cellules AS (SELECT DISTINCT parcours, indicateur, mois FROM mouvements WHERE import_id = ?)
            SELECT c.parcours, c.indicateur, c.mois, m.import_id, m.valeur_apres, m.commentaire_apres
            FROM cellules c
            LEFT JOIN (SELECT m.* FROM mouvements m JOIN imports i ON i.id = m.import_id
                       WHERE i.type <> ? AND i.statut = ? AND m.valeur_apres IS NOT NULL) m
                   USING (parcours, indicateur, mois)
            ORDER BY c.parcours, c.indicateur, c.mois, m.import_id
        """, [import_id, TYPE_ANNULATION, STATUT_IMPORTE]).df()
        targets = _replay_standing_writes(writes)  # noqa: F841 (read by the SQL below)
        con.execute("""
            CREATE OR REPLACE TEMP TABLE a_restaurer AS
            SELECT t.parcours, t.indicateur, CAST(t.mois AS DATE) AS mois,
                   v.valeur AS valeur_actuelle, v.commentaire AS commentaire_actuel, v.import_id AS import_actuel,
                   t.valeur AS valeur_cible, CAST(t.commentaire AS VARCHAR) AS commentaire_cible,
                   CAST(t.import_id AS INTEGER) AS import_cible,
                   CASE WHEN t.valeur IS NULL AND v.valeur IS NULL THEN 'absente'
                        WHEN t.valeur IS NULL THEN 'supprimee'
                        WHEN v.valeur IS NOT DISTINCT FROM t.valeur
                             AND v.commentaire IS NOT DISTINCT FROM t.commentaire THEN
                             CASE WHEN v.import_id = t.import_id THEN 'conservee' ELSE 'reattribuee' END
                        ELSE 'restauree' END AS etat
            FROM targets t
            LEFT JOIN valeurs v ON v.parcours = t.parcours AND v.indicateur = t.indicateur
                               AND v.mois = CAST(t.mois AS DATE)
        """)
        counts = dict(con.execute("SELECT etat, count(*) FROM a_restaurer GROUP BY etat").fetchall())
        restored, removed = counts.get("restauree", 0), counts.get("supprimee", 0)
        kept = counts.get("conservee", 0) + counts.get("reattribuee", 0)
        con.execute("""
            INSERT INTO mouvements
            SELECT ?, parcours, indicateur, mois, valeur_actuelle, commentaire_actuel, import_actuel,
                   valeur_cible, commentaire_cible
            FROM a_restaurer WHERE etat IN ('restauree', 'supprimee')
        """, [cancel_id])
        con.execute("""
            DELETE FROM valeurs USING a_restaurer r
            WHERE r.etat = 'supprimee' AND valeurs.parcours = r.parcours
              AND valeurs.indicateur = r.indicateur AND valeurs.mois = r.mois
        """)
        con.execute("""
            INSERT INTO valeurs
            SELECT parcours, indicateur, mois, valeur_cible, commentaire_cible, import_cible
            FROM a_restaurer WHERE etat IN ('restauree', 'reattribuee')
            ON CONFLICT DO UPDATE SET valeur = excluded.valeur, commentaire = excluded.commentaire,
                                      import_id = excluded.import_id
        """)
        con.execute(
            "INSERT INTO imports (id, type, fichier, utilisateur, horodatage, statut, nb_lignes, "
            "nb_nouvelles, nb_revisees, nb_inchangees, annule_import, message) "
            "VALUES (?, ?, NULL, ?, ?, ?, ?, 0, ?, ?, ?, ?)",
            [cancel_id, TYPE_ANNULATION, utilisateur, now, STATUT_IMPORTE, restored + removed,
             restored + removed, kept, import_id,
             f"Annulation de l'import n° {import_id} : {restored} valeurs restaurées, {removed} supprimées, "
             f"{kept} conservées (écrites depuis par un autre import)"],
        )
        con.execute("INSERT INTO journal VALUES (?, ?, 'annulation', ?, ?)",
                    [now, utilisateur, str(import_id), f"annulé par l'import n° {cancel_id}"])
        _bump_data_version(con)
        con.execute("DROP TABLE a_restaurer")
        if on_commit is not None:
            on_commit(con, cancel_id)
    return ResultatAnnulation(cancel_id, restored, removed, kept)


def list_imports(db: Database) -> pd.DataFrame:
    """The import journal, newest first."""
    return db.query_df("""
        SELECT id, type, fichier, utilisateur, horodatage, statut, nb_lignes, nb_nouvelles, nb_revisees,
               nb_inchangees, annule_import, annule_par, sha256, taille, message
        FROM imports ORDER BY id DESC
    """)


def value_history(db: Database, parcours: str, indicateur: str, mois) -> pd.DataFrame:
    """Every change of one value, oldest first: who, when, from which file, old → new."""
    return db.query_df("""
        SELECT i.horodatage, i.utilisateur, i.type, i.fichier, m.import_id, m.valeur_avant,
               m.valeur_apres, m.commentaire_apres
        FROM mouvements m JOIN imports i ON i.id = m.import_id
        WHERE m.parcours = ? AND m.indicateur = ? AND m.mois = CAST(? AS DATE)
          AND NOT coalesce(abs(m.valeur_avant - m.valeur_apres) <= 1e-9  -- a file confirming the stored figure
                           AND (m.commentaire_apres IS NULL OR m.commentaire_apres = m.commentaire_avant), false)
        ORDER BY m.import_id
    """, [parcours, indicateur, str(mois)])


def export_values(db: Database) -> pd.DataFrame:
    """Every stored value in long format with its provenance, sorted; ``mois`` as YYYY-MM."""
    return db.query_df("""
        SELECT v.parcours, v.indicateur, strftime(v.mois, '%Y-%m') AS mois, v.valeur, v.commentaire,
               v.import_id, i.type AS type_import, i.fichier, i.utilisateur,
               strftime(i.horodatage, '%Y-%m-%d %H:%M:%S') AS importe_le
        FROM valeurs v JOIN imports i ON i.id = v.import_id
        ORDER BY v.parcours, v.indicateur, v.mois
    """)


def data_version(db: Database) -> int:
    """A counter that grows with every write: pages key their caches on it to show new data at once."""
    row = db.query_one("SELECT valeur FROM meta WHERE cle = 'version_donnees'")
    return int(row[0]) if row else 0


def store_versions(db: Database) -> tuple[int, int]:
    """(data version, results version) in one query: the results version is the data version the stored
    verdicts were computed from, so the two differ while a refresh is under way."""
    row = db.query_one("""
        SELECT coalesce(max(valeur) FILTER (WHERE cle = 'version_donnees'), '0'),
               coalesce(max(valeur) FILTER (WHERE cle = 'version_resultats'), '0')
        FROM meta WHERE cle IN ('version_donnees', 'version_resultats')
    """)
    return int(row[0]), int(row[1])
