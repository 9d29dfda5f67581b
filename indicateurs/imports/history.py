"""Warnings from what is already stored: a value far from its history, a month already stored.

« Far » is a robust z-score: |valeur − médiane| / échelle > 5, the history being the stored values of
the same parcours × indicateur (other months than those in the file), with at least 6 of them. The scale
is 1.4826 × MAD (median absolute deviation), or 1.2533 × the mean absolute deviation when the MAD is 0,
and never less than 5 % of |médiane| (so that a flat history does not flag every small change).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicateurs.db import Database
from indicateurs.imports.formats import number_fr
from indicateurs.imports.origines import Origines
from indicateurs.imports.problemes import Collecteur
from indicateurs.valeurs import TOLERANCE, Comparaison, batch_table

Z_THRESHOLD = 5.0
MIN_HISTORY = 6


def far_from_history(db: Database, valeurs: pd.DataFrame, origines: Origines,
                     avertissements: Collecteur) -> int:
    """Warn about each value far from its stored history; returns how many were flagged."""
    with db.connect() as con:
        if not con.execute(f"SELECT 1 FROM valeurs GROUP BY parcours, indicateur HAVING count(*) >= {MIN_HISTORY} "
                           "LIMIT 1").fetchall():
            return 0  # no history long enough anywhere (a new base): nothing to compare with
        con.register("batch_history", batch_table(valeurs))
        far = con.execute(f"""
            WITH pairs AS (
                SELECT parcours, indicateur FROM valeurs
                SEMI JOIN (SELECT DISTINCT parcours, indicateur FROM batch_history) USING (parcours, indicateur)
                GROUP BY ALL HAVING count(*) >= {MIN_HISTORY}
            ),
            hist AS (
                SELECT v.parcours, v.indicateur, v.valeur FROM valeurs v
                JOIN pairs USING (parcours, indicateur)
                ANTI JOIN batch_history b ON b.parcours = v.parcours AND b.indicateur = v.indicateur
                                         AND CAST(b.mois AS DATE) = v.mois
            ),
            centre AS (
                SELECT parcours, indicateur, median(valeur) AS med, count(*) AS n FROM hist
                GROUP BY ALL HAVING count(*) >= {MIN_HISTORY}
            ),
            spread AS (
                SELECT h.parcours, h.indicateur, any_value(c.med) AS med, any_value(c.n) AS n,
                       median(abs(h.valeur - c.med)) AS mad, avg(abs(h.valeur - c.med)) AS meanad
                FROM hist h JOIN centre c USING (parcours, indicateur) GROUP BY ALL
            )
            SELECT b.pos, s.med, s.n,
                   (b.valeur - s.med) / greatest(
                       CASE WHEN s.mad > 0 THEN 1.4826 * s.mad ELSE 1.2533 * s.meanad END,
                       0.05 * abs(s.med), 1e-9) AS z
            FROM batch_history b JOIN spread s USING (parcours, indicateur)
            WHERE abs(b.valeur - s.med) > {Z_THRESHOLD} * greatest(
                       CASE WHEN s.mad > 0 THEN 1.4826 * s.mad ELSE 1.2533 * s.meanad END,
                       0.05 * abs(s.med), 1e-9)
            ORDER BY b.pos
        """).df()
        con.unregister("batch_history")
    if far.empty:
        return 0
    pos = far["pos"].to_numpy()
    med, n, z = far["med"].to_numpy(), far["n"].to_numpy(), far["z"].to_numpy()
    values = valeurs["valeur"].to_numpy()
    scores = [f"{score:+.1f}".replace(".", ",") for score in z]
    avertissements.add_many(origines.lignes[pos], lambda k: (
        f"Valeur inhabituelle : {number_fr(values[pos[k]])} est loin de l'historique de ce parcours pour cet "
        f"indicateur (médiane {number_fr(med[k])} sur {int(n[k])} mois, écart robuste z = {scores[k]}). "
        "Vérifiez la saisie (unité, virgule, mois) ; si elle est juste, vous pouvez importer."),
        colonnes=origines.colonnes[pos], valeurs=origines.textes[pos])
    return len(pos)


def revision_warnings(comparaison: Comparaison, valeurs: pd.DataFrame, origines: Origines,
                      avertissements: Collecteur) -> None:
    """Warn about each value that will replace a different stored value (a revision, kept in history)."""
    revisions = comparaison.revisions
    if revisions.empty:
        return
    order = np.argsort(comparaison.positions_revisees, kind="stable")
    pos = comparaison.positions_revisees[order]
    before, after = revisions["valeur_avant"].to_numpy()[order], revisions["valeur"].to_numpy()[order]

    def message(k: int) -> str:
        if abs(before[k] - after[k]) <= TOLERANCE:
            return ("Commentaire modifié : la valeur déjà enregistrée pour ce mois est identique, seul le "
                    "commentaire sera remplacé.")
        return (f"Révision : ce mois est déjà enregistré avec la valeur {number_fr(before[k])} ; l'import la "
                f"remplacera par {number_fr(after[k])} (l'ancienne valeur reste dans l'historique).")

    avertissements.add_many(origines.lignes[pos], message, colonnes=origines.colonnes[pos],
                            valeurs=origines.textes[pos])
