"""The referential in the database: saved from the CSV files, read back by every page and command."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from indicateurs.db import Database
from indicateurs.exporter import neutralise_formula
from indicateurs.mois import month_code, parse_month_code
from indicateurs.referentiel import Cible, Direction, Indicateur, Parcours, Referentiel, ReferentielInvalide

TABLES = ("directions", "parcours", "indicateurs", "cibles")


def bump_data_version(con) -> None:
    """Tell every cached page that the stored data changed (inside the writing transaction)."""
    con.execute("""
        INSERT INTO meta VALUES ('version_donnees', '1')
        ON CONFLICT (cle) DO UPDATE SET valeur = CAST(CAST(meta.valeur AS INTEGER) + 1 AS VARCHAR)
    """)


def orphaned_values(con, ref: Referentiel) -> list[str]:
    """Stored values whose parcours or indicator ``ref`` lacks, one French phrase per pair with its count."""
    rows = con.execute("""
        SELECT parcours, indicateur, count(*) AS n, min(mois), max(mois) FROM valeurs
        WHERE parcours NOT IN (SELECT unnest(?)) OR indicateur NOT IN (SELECT unnest(?))
        GROUP BY parcours, indicateur ORDER BY parcours, indicateur
    """, [[p.code for p in ref.parcours], [i.code for i in ref.indicateurs]]).fetchall()
    return [f"{n} valeur(s) de « {p} » × « {i} » ({a:%Y-%m} à {b:%Y-%m})" for p, i, n, a, b in rows]


def save_referentiel(db: Database, ref: Referentiel, *, utilisateur: str) -> None:
    """Replace the stored referential by ``ref`` in one transaction, and journal who did it.

    Refused (nothing changes) when stored values would lose their parcours or indicator.
    """
    frames = ref.frames()
    frames["parcours"]["date_deploiement"] = [
        parse_month_code(p.date_deploiement) if p.date_deploiement else None for p in ref.parcours
    ]
    with db.transaction() as con:
        orphans = orphaned_values(con, ref)
        if orphans:
            shown = orphans[:20] + ([f"et {len(orphans) - 20} autre(s) paire(s)"] if len(orphans) > 20 else [])
            raise ReferentielInvalide([
                "le nouveau référentiel retire des codes qui ont des valeurs enregistrées : "
                + " ; ".join(shown) + ". Gardez ces codes ou annulez d'abord les imports concernés."])
        for table in TABLES:
            frame = frames[table]  # noqa: F841 (read by DuckDB by name)
            con.execute(f"DELETE FROM {table}")
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM frame")
        con.execute("INSERT INTO journal VALUES (?, ?, 'référentiel', NULL, ?)", [
            datetime.now(), utilisateur,
            f"{len(ref.directions)} directions, {len(ref.parcours)} parcours, "
            f"{len(ref.indicateurs)} indicateurs, {len(ref.cibles)} cibles",
        ])
        bump_data_version(con)


def _none(value):
    return None if value is None or pd.isna(value) else value


def read_referentiel(db: Database) -> Referentiel:
    """The referential as stored (empty lists when the database has none yet)."""
    with db.connect() as con:
        tables = {t: con.execute(f"SELECT * FROM {t} ORDER BY rowid").df() for t in TABLES}
    directions = [Direction(r.code, r.libelle, r.type) for r in tables["directions"].itertuples()]
    parcours = [
        Parcours(r.code, r.libelle, r.direction, r.public,
                 month_code(r.date_deploiement) if _none(r.date_deploiement) is not None else None,
                 r.description or "", bool(r.exemple))
        for r in tables["parcours"].itertuples()
    ]
    indicateurs = [
        Indicateur(
            code=r.code, libelle=r.libelle, definition=r.definition or "", unite=r.unite, sens=r.sens,
            engagement=int(r.engagement) if _none(r.engagement) is not None else None,
            famille=_none(r.famille), min=float(r.min), max=float(r.max), agregation=r.agregation,
            denominateur=_none(r.denominateur), periodicite=r.periodicite, miroir=_none(r.miroir),
            lie_a=_none(r.lie_a),
        )
        for r in tables["indicateurs"].itertuples()
    ]
    cibles = [Cible(r.indicateur, _none(r.parcours), float(r.cible)) for r in tables["cibles"].itertuples()]
    return Referentiel(directions, parcours, indicateurs, cibles)


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return neutralise_formula(str(value))


def referentiel_csv_texts(db: Database) -> dict[str, str]:
    """The stored referential (with the changes made in the app) as the texts of the four CSV files of
    ``data/referentiel/``, in the same format, so that they load again. These files may be opened in Excel:
    a text that a spreadsheet would run as a formula (a label edited in the app) gets the exporter's
    apostrophe (``exporter.neutralise_formula``); ``exporter.restore_formula_text`` takes it off again."""
    import csv
    import io

    from indicateurs.referentiel import FILES

    texts = {}
    for name, frame in read_referentiel(db).frames().items():
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(FILES[name])
        for row in frame.itertuples(index=False):
            writer.writerow([_cell(v) for v in row])
        texts[name] = out.getvalue()
    return texts


def export_referentiel(db: Database, directory) -> list:
    """Write ``referentiel_csv_texts`` into ``directory`` (created if needed); returns the paths written."""
    from pathlib import Path

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in referentiel_csv_texts(db).items():
        path = directory / f"{name}.csv"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
