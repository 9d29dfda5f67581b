"""The referential's indicators written for a reader (the Méthodologie page)."""

from __future__ import annotations

import pandas as pd

from indicateurs.affichage_verdicts import group_label
from indicateurs.format_fr import format_value
from indicateurs.referentiel import Referentiel


def indicator_definitions(ref: Referentiel) -> pd.DataFrame:
    """The indicators of the referential as a reader's table: label, definition, unit, sense, target."""
    rows = []
    for i in ref.indicateurs:
        default = next((c.cible for c in ref.cibles if c.indicateur == i.code and c.parcours is None), None)
        specific = [c for c in ref.cibles if c.indicateur == i.code and c.parcours is not None]
        target = "aucune" if default is None else format_value(default, i.unite)
        if specific:
            target += " (" + ", ".join(f"{c.parcours} : {format_value(c.cible, i.unite)}" for c in specific) + ")"
        rows.append({
            "code": i.code, "libelle": i.libelle, "definition": i.definition,
            "regle": group_label(i.engagement, i.famille if i.engagement is None else None),
            "famille": i.famille or "", "unite": i.unite,
            "sens": {"hausse": "une hausse est favorable", "baisse": "une baisse est favorable",
                     "neutre": "ni bon ni mauvais"}[i.sens],
            "periodicite": i.periodicite, "cible": target,
            "agregation": {"ratio": "somme des numérateurs / somme des dénominateurs",
                           "moyenne_ponderee": "moyenne pondérée par le volume de demandes",
                           "somme": "somme"}[i.agregation],
            "miroir": i.miroir or "", "lie_a": i.lie_a or "",
        })
    return pd.DataFrame(rows)
