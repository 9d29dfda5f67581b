"""Problems and results in French: the text report, the JSON list of the CLI, a downloadable CSV."""

from __future__ import annotations

import pandas as pd

from indicateurs.exporter import excel_csv_bytes
from indicateurs.imports.pipeline import Verification
from indicateurs.imports.problemes import Probleme


def ligne_probleme(p: Probleme) -> str:
    """One problem on one line: « ligne 4, colonne « mois », valeur « 2027-01 » : Mois futur… »."""
    where = []
    if p.ligne is not None:
        where.append(f"ligne {p.ligne}")
    if p.colonne:
        where.append(f"colonne « {p.colonne} »")
    if p.valeur is not None and p.valeur != "":
        where.append(f"valeur « {p.valeur} »")
    return (", ".join(where) + " : " if where else "") + p.message


def rapport_texte(v: Verification) -> str:
    """The whole verification as plain French text, as the CLI prints it and the page shows it."""
    e, a = v.nb_erreurs, v.nb_avertissements
    lines = [f"Fichier « {v.fichier} »" + (f" ({v.format})" if v.format else "")
             + f" : {e} erreur{'s' if e > 1 else ''}, {a} avertissement{'s' if a > 1 else ''}."]
    if v.erreurs:
        lines.append("Erreurs (le fichier est refusé, rien ne sera importé) :")
        lines += [f"  - {ligne_probleme(p)}" for p in v.erreurs]
    if v.avertissements:
        lines.append("Avertissements (le fichier peut être importé) :")
        lines += [f"  - {ligne_probleme(p)}" for p in v.avertissements]
    if v.ok and v.comparaison is not None:
        c = v.comparaison
        lines.append(f"Prêt à importer : {len(v.valeurs)} valeur(s), dont {c.nouvelles} nouvelle(s), "
                     f"{c.revisees} révisée(s) et {c.inchangees} inchangée(s).")
    return "\n".join(lines)


def problemes_json(problemes: list[Probleme]) -> list[dict]:
    """The problems as the JSON list printed by the CLI with ``--json``: fichier, ligne, colonne, valeur,
    message."""
    return [p.as_dict() for p in problemes]


def problemes_csv(v: Verification) -> bytes:
    """Errors then warnings as a French CSV file to download (cells neutralised against formulas)."""
    rows = [{"niveau": niveau, **p.as_dict()}
            for niveau, problemes in (("erreur", v.erreurs), ("avertissement", v.avertissements))
            for p in problemes]
    frame = pd.DataFrame(rows, columns=["niveau", "fichier", "ligne", "colonne", "valeur", "message"])
    frame["ligne"] = frame["ligne"].astype("Int64")
    return excel_csv_bytes(frame)
