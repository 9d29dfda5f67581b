"""``indicateurs/imports/completude.py`` as it was before the direction was filtered first and the expected
grid built in one vectorised step (commit 6e5452a), kept verbatim as a reference: the new code must
return the same frames on the demo base. Test code only; nothing in the app imports this.
Only the functions that changed are kept; the rule (``start_month``), the columns and ``Completude``
are imported, as they did not change."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from indicateurs.db import Database
from indicateurs.imports.completude import MANQUANTES_COLUMNS, RESUME_COLUMNS, Completude, start_month
from indicateurs.mois import last_complete_month, month_range
from indicateurs.referentiel import Referentiel
from indicateurs.referentiel_store import read_referentiel


def expected_values(ref: Referentiel, first_stored: dict[str, date], last_month: date) -> pd.DataFrame:
    """Every expected parcours × indicateur × mois (columns direction, parcours, indicateur, mois)."""
    monthly = [i.code for i in ref.indicateurs if i.periodicite != "trimestrielle"]
    quarterly = [i.code for i in ref.indicateurs if i.periodicite == "trimestrielle"]
    pieces = []
    for p in ref.parcours:
        start = start_month(p.date_deploiement, first_stored.get(p.code))
        if start is None or start > last_month:
            continue
        months = month_range(start, last_month)
        quarter = [m for m in months if m.month % 3 == 0]
        for codes, due in ((monthly, months), (quarterly, quarter)):
            if codes and due:
                pieces.append(pd.DataFrame({
                    "direction": p.direction, "parcours": p.code,
                    "indicateur": np.tile(np.array(codes, dtype=object), len(due)),
                    "mois": np.repeat(np.array(due, dtype=object), len(codes)),
                }))
    if not pieces:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in MANQUANTES_COLUMNS})
    return pd.concat(pieces, ignore_index=True)


def completude_of(ref: Referentiel, stored: pd.DataFrame, last_month: date) -> Completude:
    """Complétude from a referential and the stored keys (columns parcours, indicateur, mois as dates)."""
    stored = stored[["parcours", "indicateur", "mois"]].copy()
    stored["mois"] = [date(m.year, m.month, 1) for m in pd.to_datetime(stored["mois"])]
    first = stored.groupby("parcours")["mois"].min().to_dict() if len(stored) else {}
    expected = expected_values(ref, first, last_month)
    received = expected.merge(stored.drop_duplicates().assign(recue=True),
                              on=["parcours", "indicateur", "mois"], how="left")
    received["recue"] = received["recue"].fillna(False).astype(bool)
    resume = (received.groupby(["direction", "mois"], sort=True)
              .agg(attendues=("recue", "size"), recues=("recue", "sum")).reset_index())
    resume["recues"] = resume["recues"].astype(int)
    resume["manquantes"] = resume["attendues"] - resume["recues"]
    resume["taux"] = resume["recues"] / resume["attendues"]
    missing = (received.loc[~received["recue"], MANQUANTES_COLUMNS]
               .sort_values(["direction", "mois", "parcours", "indicateur"]).reset_index(drop=True))
    return Completude(resume[RESUME_COLUMNS], missing)


def completude(db: Database, *, last_month: date | None = None, direction: str | None = None) -> Completude:
    """Complétude of the stored values up to ``last_month`` (default: the last complete month),
    optionally for one direction."""
    last = last_month or last_complete_month()
    ref = read_referentiel(db)
    stored = db.query_df("SELECT parcours, indicateur, mois FROM valeurs WHERE mois <= ?", [last])
    result = completude_of(ref, stored, last)
    if direction is None:
        return result
    return Completude(result.resume[result.resume["direction"] == direction].reset_index(drop=True),
                      result.manquantes[result.manquantes["direction"] == direction].reset_index(drop=True))


