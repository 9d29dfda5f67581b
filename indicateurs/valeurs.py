"""Stored values and their provenance: write a batch as one import, cancel an import, read history.

Every value written belongs to an import (a file, the demonstration data, or a cancellation). Each write
also leaves a « mouvement » with the value it replaced, so that the history of any value can be shown and
any import can be undone exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pandas as pd
import pyarrow as pa

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
    # the row of the compared batch each revision comes from, in the order of ``revisions``
    positions_revisees: np.ndarray = field(default_factory=lambda: np.array([], dtype=np.int64))


@dataclass(frozen=True)
class ResultatEcriture:
    import_id: int
    nouvelles: int
    revisees: int
    inchangees: int


def batch_table(frame: pd.DataFrame) -> pa.Table:
    """The batch as an Arrow table DuckDB scans in place: Arrow strings, dates, floats, and each row's
    position in ``frame`` (to point back at it)."""
    batch = frame.reindex(columns=STAGED_COLUMNS)
    mois = batch["mois"]
    if isinstance(mois.dtype, pd.ArrowDtype) and mois.dtype.pyarrow_dtype == pa.date32():
        months = pa.array(mois.array)
    else:
        # A batch holds a handful of months for up to millions of rows: convert each distinct month once.
        codes, uniques = pd.factorize(mois, use_na_sentinel=False)
        uniques = pd.to_datetime(pd.Series(uniques, dtype=object)).to_numpy(dtype="datetime64[s]")
        months = pa.array(uniques[codes])
    commentaire = batch["commentaire"]
    return pa.table({
        "pos": pa.array(np.arange(len(batch), dtype=np.int64)),
        "parcours": _text(batch["parcours"]),
        "indicateur": _text(batch["indicateur"]),
        "mois": months,
        "valeur": pa.array(batch["valeur"].to_numpy(dtype=np.float64)),
        "commentaire": _text(commentaire.where(commentaire.notna(), None)),
    })


def _text(column: pd.Series) -> pa.Array:
    """A text column as Arrow strings (no copy when it already is pandas' Arrow-backed « str »)."""
    return pa.array(column if column.dtype == "str" else column.astype("str"), type=pa.large_string(),
                    from_pandas=True)


def _etat(before: str, before_comment: str, value: str, comment: str) -> str:
    """SQL: what writing a value (``value``, ``comment``) does where the store holds ``before`` (NULL when
    absent) with ``before_comment``: « nouvelle », « inchangee » or « revisee »."""
    return f"""CASE WHEN {before} IS NULL THEN 'nouvelle'
                    WHEN abs({before} - {value}) <= {TOLERANCE}
                         AND ({comment} IS NULL OR {comment} IS NOT DISTINCT FROM {before_comment})
                    THEN 'inchangee'
                    ELSE 'revisee' END"""


_ETAT = _etat("v.valeur", "v.commentaire", "b.valeur", "b.commentaire")  # batch row b, stored value v
_ETAT_MOUVEMENT = _etat("valeur_avant", "commentaire_avant", "valeur_apres", "commentaire_apres")
_AGAINST_STORE = """FROM batch_df b
        LEFT JOIN valeurs v ON v.parcours = b.parcours AND v.indicateur = b.indicateur
                           AND v.mois = CAST(b.mois AS DATE)"""


def compare_with_store(db: Database, frame: pd.DataFrame) -> Comparaison:
    """Dry run: what writing ``frame`` would do (new, revised, unchanged), without writing anything.

    Read straight from the join of the batch with the store (nothing is materialised): one pass counts
    per direction and month, a second one lists the revisions, only when there are any.
    """
    with db.connect() as con:
        con.register("batch_df", batch_table(frame))
        per_direction = con.execute(f"""
            WITH s AS (
                SELECT p.direction, CAST(b.mois AS DATE) AS mois, {_ETAT} AS etat, count(*) AS n
                {_AGAINST_STORE}
                LEFT JOIN parcours p ON p.code = b.parcours
                GROUP BY ALL
            )
            SELECT direction, mois,
                   CAST(coalesce(sum(n) FILTER (WHERE etat = 'nouvelle'), 0) AS BIGINT) AS nouvelles,
                   CAST(coalesce(sum(n) FILTER (WHERE etat = 'revisee'), 0) AS BIGINT) AS revisees,
                   CAST(coalesce(sum(n) FILTER (WHERE etat = 'inchangee'), 0) AS BIGINT) AS inchangees
            FROM s GROUP BY ALL ORDER BY direction NULLS LAST, mois
        """).df()
        totals = {name: int(per_direction[name].sum()) for name in ("nouvelles", "revisees", "inchangees")}
        revisions = con.execute(f"""
            SELECT b.parcours, b.indicateur, CAST(b.mois AS DATE) AS mois, v.valeur AS valeur_avant, b.valeur, b.pos
            {_AGAINST_STORE}
            WHERE {"true" if totals["revisees"] else "false"} AND {_ETAT} = 'revisee'
            ORDER BY b.parcours, b.indicateur, b.mois
        """).df()
        con.unregister("batch_df")
    positions = revisions.pop("pos").to_numpy(dtype=np.int64)
    return Comparaison(
        nouvelles=totals["nouvelles"],
        revisees=totals["revisees"],
        inchangees=totals["inchangees"],
        revisions=revisions,
        # rows of parcours missing from the referential count above but belong to no direction
        par_direction_mois=per_direction[per_direction["direction"].notna()].reset_index(drop=True),
        positions_revisees=positions,
    )


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
        con.register("batch_df", batch_table(frame))
        import_id = con.execute("SELECT nextval('import_id_seq')").fetchall()[0][0]
        # The movements are written first, each next to the stored value it replaces: they are the plan of
        # the import, and the values are then written from them. Unchanged rows are recorded too (before =
        # after): the file confirmed the value, so cancelling the import that first wrote it must not take
        # it away while this one stands.
        con.execute(f"""
            INSERT INTO mouvements
            SELECT ?, b.parcours, b.indicateur, CAST(b.mois AS DATE), v.valeur, v.commentaire, v.import_id,
                   b.valeur, b.commentaire
            {_AGAINST_STORE}
        """, [import_id])
        con.unregister("batch_df")
        counts = dict(con.execute(f"SELECT {_ETAT_MOUVEMENT} AS etat, count(*) FROM mouvements WHERE import_id = ? "
                                  "GROUP BY etat", [import_id]).fetchall())
        nouvelles, revisees, inchangees = (counts.get(e, 0) for e in ("nouvelle", "revisee", "inchangee"))
        con.execute(
            "INSERT INTO imports (id, type, fichier, sha256, taille, utilisateur, horodatage, statut, "
            "nb_lignes, nb_nouvelles, nb_revisees, nb_inchangees) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [import_id, type, fichier, sha256, taille, utilisateur, now, STATUT_IMPORTE, len(frame),
             nouvelles, revisees, inchangees],
        )
        # New keys are absent (read inside this transaction, writers serialised): a plain insert, much
        # faster than ON CONFLICT on a million rows; revised ones are updated in place.
        con.execute("""
            INSERT INTO valeurs
            SELECT parcours, indicateur, mois, valeur_apres, commentaire_apres, import_id FROM mouvements
            WHERE import_id = ? AND valeur_avant IS NULL
        """, [import_id])
        if revisees:
            con.execute(f"""
                UPDATE valeurs SET valeur = m.valeur_apres, commentaire = m.commentaire_apres, import_id = m.import_id
                FROM (SELECT * FROM mouvements WHERE import_id = ? AND {_ETAT_MOUVEMENT} = 'revisee') m
                WHERE valeurs.parcours = m.parcours AND valeurs.indicateur = m.indicateur AND valeurs.mois = m.mois
            """, [import_id])
        con.execute(
            "INSERT INTO journal VALUES (?, ?, 'import', ?, ?)",
            [now, utilisateur, str(import_id),
             f"{fichier or type} : {nouvelles} nouvelles, {revisees} révisées, "
             f"{inchangees} inchangées"],
        )
        _bump_data_version(con)
        if on_commit is not None:
            on_commit(con, import_id)
    return ResultatEcriture(import_id, nouvelles, revisees, inchangees)


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
