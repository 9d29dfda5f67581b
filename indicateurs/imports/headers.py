"""The header row: which column holds what, and which of the two layouts the file uses.

Long layout: one value per row, columns parcours, indicateur, mois, valeur (commentaire optional).
Wide layout: one row per parcours × mois, one column per indicator (its code or its libellé).
Headers match whatever their case, accents, spaces, underscores or hyphens. Informative columns (the
libellés, unité, min, max written by the template) are ignored, never rejected.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from indicateurs.imports.codes import Lookup
from indicateurs.imports.normalise import normalise_header
from indicateurs.imports.problemes import Collecteur
from indicateurs.imports.table import Table

LONG = "long"
WIDE = "large"
MAX_COLUMNS = 500  # the widest sensible file: 2 key columns, every indicator, a few informative ones
HEADER_SEARCH_ROWS = 20  # title lines above the header are tolerated up to this many rows

ALIASES = {
    "parcours": ("parcours", "code parcours", "parcours code", "code du parcours"),
    "indicateur": ("indicateur", "code indicateur", "indicateur code", "code de l indicateur"),
    "mois": ("mois", "periode", "mois de reference", "mois concerne", "date"),
    "valeur": ("valeur", "valeurs"),
    "commentaire": ("commentaire", "commentaires", "remarque", "remarques", "observation", "observations"),
}
INFORMATIVE = {
    "libelle", "libelle parcours", "libelle du parcours", "libelle indicateur", "libelle de l indicateur",
    "unite", "min", "max", "minimum", "maximum", "direction", "definition", "periodicite", "cible",
    "engagement", "famille", "sens", "public",
}
_FIELD_OF = {alias: name for name, aliases in ALIASES.items() for alias in aliases}
LONG_REQUIRED = ("parcours", "indicateur", "mois", "valeur")
WIDE_REQUIRED = ("parcours", "mois")

EXPECTED = ("Le fichier doit commencer par une ligne d'en-tête : soit « parcours ; indicateur ; mois ; "
            "valeur » (plus « commentaire », facultatif), une ligne par valeur ; soit « parcours ; mois » "
            "puis une colonne par indicateur (son code ou son libellé). Partez du modèle téléchargeable "
            "pour la direction et le mois.")


@dataclass
class Layout:
    """Where things are: the header row, the key columns and, in the wide layout, the indicator columns."""

    nom: str
    header_pos: int  # position of the header row in table.cells
    header: list[str]  # header cells as written
    columns: dict[str, int]  # field -> column position
    indicator_columns: dict[int, str] = field(default_factory=dict)  # wide: column position -> code
    ignored: list[int] = field(default_factory=list)  # unknown columns with data, ignored (long layout)


@dataclass
class _Mapping:
    fields: dict[str, list[int]]
    indicators: dict[int, str]
    unknown: list[int]

    @property
    def kind(self) -> str:
        """« long » when there is an indicateur column (or a valeur column and no indicator column)."""
        if "indicateur" in self.fields or ("valeur" in self.fields and not self.indicators):
            return LONG
        return WIDE if self.indicators else LONG

    @property
    def missing(self) -> list[str]:
        """Required fields of the layout that no column provides."""
        required = LONG_REQUIRED if self.kind == LONG else WIDE_REQUIRED
        return [f for f in required if f not in self.fields]


def _map(header: list[str], indicateurs: Lookup) -> _Mapping:
    mapping = _Mapping({}, {}, [])
    for position, text in enumerate(header):
        key = normalise_header(text)
        if not key or key in INFORMATIVE:
            continue
        if key in _FIELD_OF:
            mapping.fields.setdefault(_FIELD_OF[key], []).append(position)
        elif (code := indicateurs.code(text)) is not None:
            mapping.indicators[position] = code
        else:
            mapping.unknown.append(position)
    return mapping


def find_layout(table: Table, indicateurs: Lookup, erreurs: Collecteur,
                avertissements: Collecteur) -> Layout | None:
    """Find the header row and the layout; on failure record the errors and return None."""
    cells = table.cells
    fichier = table.fichier
    if cells.shape[1] > MAX_COLUMNS:
        erreurs.add(f"Le fichier compte {cells.shape[1]} colonnes remplies, bien plus qu'un fichier de valeurs "
                    f"(au plus {MAX_COLUMNS}). {EXPECTED}")
        return None
    candidates = _non_empty_rows(cells, HEADER_SEARCH_ROWS)
    if not candidates:
        erreurs.add(f"Le fichier « {fichier} » est vide : aucune ligne, aucune valeur. "
                    "Vérifiez que vous avez déposé le bon fichier, rempli et enregistré.")
        return None
    chosen = None
    for position in candidates:
        header = [str(v) for v in cells.iloc[position].tolist()]
        mapping = _map(header, indicateurs)
        if not mapping.missing:
            chosen = (position, header, mapping)
            break
    if chosen is None:
        position = candidates[0]
        header = [str(v) for v in cells.iloc[position].tolist()]
        mapping = _map(header, indicateurs)
        missing = ", ".join(f"« {m} »" for m in mapping.missing)
        plural = "s" if len(mapping.missing) > 1 else ""
        erreurs.add(f"En-tête incomplet : colonne{plural} {missing} introuvable{plural}. {EXPECTED}",
                    ligne=int(table.lignes[position]),
                    valeur=" ; ".join(h for h in header if h.strip())[:200])
        return None
    position, header, mapping = chosen
    ligne = int(table.lignes[position])
    ok = True
    for name, positions in mapping.fields.items():
        if len(positions) > 1:
            labels = " et ".join(f"« {table.label(p, header[p])} »" for p in positions)
            erreurs.add(f"La colonne « {name} » apparaît plusieurs fois ({labels}). Gardez-en une seule.",
                        ligne=ligne, colonne=table.label(positions[1], header[positions[1]]),
                        order=positions[1])
            ok = False
    seen: dict[str, int] = {}
    for p, code in mapping.indicators.items():
        if code in seen:
            erreurs.add(f"L'indicateur « {code} » a deux colonnes (« {table.label(seen[code], header[seen[code]])} » "
                        f"et « {table.label(p, header[p])} »). Gardez-en une seule.",
                        ligne=ligne, colonne=table.label(p, header[p]), order=p)
            ok = False
        seen.setdefault(code, p)
    body = cells.iloc[position + 1:]
    if not _non_empty_rows(body, 1):
        erreurs.add("Le fichier n'a qu'une ligne d'en-tête, sans aucune valeur en dessous. Ajoutez les "
                    "valeurs (une ligne par valeur) puis déposez-le à nouveau.", ligne=ligne)
        return None
    layout = Layout(mapping.kind, position, header, {k: v[0] for k, v in mapping.fields.items()},
                    mapping.indicators if mapping.kind == WIDE else {})
    if mapping.kind == LONG:
        extra = list(mapping.indicators) + mapping.unknown
    else:
        extra = mapping.unknown + [p for f, v in mapping.fields.items() if f in ("indicateur", "valeur") for p in v]
    for p in sorted(extra):
        if not body.iloc[:, p].str.strip().ne("").any():
            continue
        label = table.label(p, header[p])
        if mapping.kind == LONG:
            layout.ignored.append(p)
            avertissements.add(f"Colonne « {label} » ignorée : elle n'est ni parcours, indicateur, mois, "
                               "valeur ni commentaire.", ligne=ligne, colonne=label, order=p)
        else:
            suggestion = indicateurs.suggestion(header[p])
            erreurs.add(f"Colonne inconnue : ce n'est ni un indicateur (code ou libellé exact) ni une colonne "
                        f"attendue. {suggestion}. Renommez l'en-tête avec le code de l'indicateur, ou "
                        "supprimez la colonne.", ligne=ligne, colonne=label, valeur=header[p], order=p)
            ok = False
    return layout if ok else None


def _non_empty_rows(cells: pd.DataFrame, limit: int) -> list[int]:
    """Positions of the first ``limit`` rows having at least one non-blank cell."""
    found: list[int] = []
    start, step = 0, max(limit * 4, 64)
    while start < len(cells) and len(found) < limit:
        chunk = cells.iloc[start:start + step]
        filled = chunk.apply(lambda c: c.str.strip().ne("")).any(axis=1).to_numpy()
        found.extend(start + int(i) for i in filled.nonzero()[0])
        start, step = start + step, step * 4  # growing chunks: a million blank lines stay cheap
    return found[:limit]
