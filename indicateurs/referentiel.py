"""The referential: directions, parcours, indicateurs and cibles, read from editable CSV files.

The SRU edits the four UTF-8 CSV files in ``data/referentiel/``; this module reads them, checks their
integrity and reports every problem at once, in French, with the file, the line (the header is line 1)
and the column, so that a mistake in the referential never reaches the database.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from indicateurs.mois import parse_month_code

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "data" / "referentiel"

DIRECTION_TYPES = ("opérationnelle", "support")
PUBLICS = ("usagers", "agents")
UNITES = ("%", "jours", "nombre", "ratio")
SENS = ("hausse", "baisse", "neutre")
FAMILLES = ("satisfaction des usagers", "conditions de travail des agents", "activité")
AGREGATIONS = ("ratio", "moyenne_ponderee", "somme")
PERIODICITES = ("mensuelle", "trimestrielle")
ENGAGEMENTS = {
    1: "Donner une information en temps réel",
    2: "Donner de la visibilité sur les délais",
    3: "Transmettre la demande au bon interlocuteur",
    4: "Accueillir dans les valeurs du service public",
}

FILES = {
    "directions": ("code", "libelle", "type"),
    "parcours": ("code", "libelle", "direction", "public", "date_deploiement", "description", "exemple"),
    "indicateurs": (
        "code", "libelle", "definition", "unite", "sens", "engagement", "famille", "min", "max",
        "agregation", "denominateur", "periodicite", "miroir", "lie_a",
    ),
    "cibles": ("indicateur", "parcours", "cible"),
}


@dataclass(frozen=True)
class Direction:
    code: str
    libelle: str
    type: str


@dataclass(frozen=True)
class Parcours:
    code: str
    libelle: str
    direction: str
    public: str
    date_deploiement: str | None  # "YYYY-MM", the first month under the new practices
    description: str
    exemple: bool


@dataclass(frozen=True)
class Indicateur:
    code: str
    libelle: str
    definition: str
    unite: str
    sens: str
    engagement: int | None
    famille: str | None
    min: float
    max: float
    agregation: str
    denominateur: str | None
    periodicite: str
    miroir: str | None
    lie_a: str | None

    @property
    def is_count(self) -> bool:
        """Counts (summed across parcours) are modelled as quasi-Poisson, the rest as Gaussian."""
        return self.agregation == "somme"


@dataclass(frozen=True)
class Cible:
    indicateur: str
    parcours: str | None  # None: the default target of the indicator
    cible: float


@dataclass
class Referentiel:
    """The whole referential, checked. Lists keep the order of the files."""

    directions: list[Direction] = field(default_factory=list)
    parcours: list[Parcours] = field(default_factory=list)
    indicateurs: list[Indicateur] = field(default_factory=list)
    cibles: list[Cible] = field(default_factory=list)

    def direction(self, code: str) -> Direction:
        return next(d for d in self.directions if d.code == code)

    def un_parcours(self, code: str) -> Parcours:
        return next(p for p in self.parcours if p.code == code)

    def indicateur(self, code: str) -> Indicateur:
        return next(i for i in self.indicateurs if i.code == code)

    def cible(self, indicateur: str, parcours: str) -> float | None:
        """The target for one parcours: its own override, else the indicator's default, else None."""
        default = None
        for c in self.cibles:
            if c.indicateur != indicateur:
                continue
            if c.parcours == parcours:
                return c.cible
            if c.parcours is None:
                default = c.cible
        return default

    def frames(self) -> dict[str, pd.DataFrame]:
        """One DataFrame per referential table, columns as in the CSV files."""
        return {
            name: pd.DataFrame([asdict(r) for r in rows], columns=list(FILES[name]))
            for name, rows in (
                ("directions", self.directions),
                ("parcours", self.parcours),
                ("indicateurs", self.indicateurs),
                ("cibles", self.cibles),
            )
        }

    def as_json(self) -> dict:
        """The referential as plain JSON-ready dicts (the shape of ``referentiel --format json``)."""
        return {
            "directions": [asdict(d) for d in self.directions],
            "parcours": [asdict(p) for p in self.parcours],
            "indicateurs": [asdict(i) for i in self.indicateurs],
            "cibles": [asdict(c) for c in self.cibles],
        }


class ReferentielInvalide(Exception):
    """Raised with every integrity problem found; ``erreurs`` holds one French sentence each."""

    def __init__(self, erreurs: list[str]):
        self.erreurs = erreurs
        super().__init__("Le référentiel contient des erreurs :\n- " + "\n- ".join(erreurs))


class _Reader:
    """Collects errors while turning CSV rows into records."""

    def __init__(self) -> None:
        self.erreurs: list[str] = []

    def error(self, fichier: str, ligne: int, colonne: str, message: str) -> None:
        self.erreurs.append(f"{fichier}.csv, ligne {ligne}, colonne « {colonne} » : {message}")

    def rows(self, text: str, fichier: str) -> list[tuple[int, dict[str, str]]]:
        from indicateurs.exporter import restore_formula_text  # the re-export's neutralised cells read back as typed

        reader = csv.DictReader(io.StringIO(text))
        expected = FILES[fichier]
        missing = [c for c in expected if c not in (reader.fieldnames or [])]
        if missing:
            self.erreurs.append(
                f"{fichier}.csv, ligne 1 : colonne(s) manquante(s) {', '.join(missing)}. "
                f"L'en-tête attendu est : {','.join(expected)}."
            )
            return []
        return [
            (number, {k: restore_formula_text((v or "").strip()) for k, v in row.items() if k is not None})
            for number, row in enumerate(reader, start=2)
            if any((v or "").strip() for v in row.values() if isinstance(v, str))
        ]

    def choice(self, fichier, ligne, colonne, value, allowed) -> str:
        if value not in allowed:
            self.error(fichier, ligne, colonne,
                       f"valeur « {value} » inconnue ; valeurs possibles : {', '.join(allowed)}.")
        return value

    def number(self, fichier, ligne, colonne, value) -> float:
        try:
            return float(value.replace(",", "."))
        except ValueError:
            self.error(fichier, ligne, colonne, f"« {value} » n'est pas un nombre.")
            return float("nan")

    def required(self, fichier, ligne, colonne, value) -> str:
        if not value:
            self.error(fichier, ligne, colonne, "valeur obligatoire manquante.")
        return value

    def unique(self, fichier, rows: list[tuple[int, object]], key, colonne: str = "code") -> None:
        seen: dict[object, int] = {}
        for ligne, record in rows:
            k = key(record)
            if k in seen:
                self.error(fichier, ligne, colonne,
                           f"« {k} » est en double (déjà ligne {seen[k]}). Chaque code doit être unique.")
            else:
                seen[k] = ligne


def load_referentiel(directory: Path | str = DEFAULT_DIR) -> Referentiel:
    """Read and check the four referential CSV files of ``directory``.

    Raises ReferentielInvalide listing every problem (missing file, missing column, duplicate code,
    unknown direction, indicator without a sense or unit...) so that the SRU can fix them in one pass.
    """
    directory = Path(directory)
    texts: dict[str, str] = {}
    missing = []
    for name in FILES:
        path = directory / f"{name}.csv"
        if not path.exists():
            missing.append(f"fichier {path.name} introuvable dans {directory}.")
        else:
            texts[name] = path.read_text(encoding="utf-8-sig")
    if missing:
        raise ReferentielInvalide(missing)
    return parse_referentiel(texts)


def parse_referentiel(texts: dict[str, str]) -> Referentiel:
    """Build a checked Referentiel from the four CSV texts (keys: directions, parcours, indicateurs, cibles)."""
    r = _Reader()
    directions = [
        (n, Direction(r.required("directions", n, "code", row["code"]),
                      r.required("directions", n, "libelle", row["libelle"]),
                      r.choice("directions", n, "type", row["type"], DIRECTION_TYPES)))
        for n, row in r.rows(texts["directions"], "directions")
    ]
    r.unique("directions", directions, lambda d: d.code)
    direction_codes = {d.code for _, d in directions}

    parcours = []
    for n, row in r.rows(texts["parcours"], "parcours"):
        date = row["date_deploiement"] or None
        if date is not None and parse_month_code(date) is None:
            r.error("parcours", n, "date_deploiement",
                    f"« {date} » n'est pas un mois au format AAAA-MM (par exemple 2025-03), ni vide.")
        if row["direction"] and row["direction"] not in direction_codes:
            r.error("parcours", n, "direction",
                    f"la direction « {row['direction']} » n'existe pas dans directions.csv. "
                    "Ajoutez-la ou corrigez le code.")
        parcours.append((n, Parcours(
            code=r.required("parcours", n, "code", row["code"]),
            libelle=r.required("parcours", n, "libelle", row["libelle"]),
            direction=r.required("parcours", n, "direction", row["direction"]),
            public=r.choice("parcours", n, "public", row["public"], PUBLICS),
            date_deploiement=date,
            description=row["description"],
            exemple=r.choice("parcours", n, "exemple", row["exemple"] or "non", ("oui", "non")) == "oui",
        )))
    r.unique("parcours", parcours, lambda p: p.code)

    indicateurs = []
    for n, row in r.rows(texts["indicateurs"], "indicateurs"):
        engagement = None
        if row["engagement"]:
            if row["engagement"] in ("1", "2", "3", "4"):
                engagement = int(row["engagement"])
            else:
                r.error("indicateurs", n, "engagement",
                        f"« {row['engagement']} » : l'engagement est un numéro de 1 à 4, ou vide.")
        famille = row["famille"] or None
        if famille is not None:
            r.choice("indicateurs", n, "famille", famille, FAMILLES)
        if engagement is None and famille is None:
            r.error("indicateurs", n, "engagement",
                    "un indicateur relève d'un engagement (1 à 4) ou d'une famille ; les deux sont vides.")
        r.required("indicateurs", n, "unite", row["unite"]) and r.choice(
            "indicateurs", n, "unite", row["unite"], UNITES)
        r.required("indicateurs", n, "sens", row["sens"]) and r.choice(
            "indicateurs", n, "sens", row["sens"], SENS)
        low = r.number("indicateurs", n, "min", row["min"])
        high = r.number("indicateurs", n, "max", row["max"])
        if low >= high:
            r.error("indicateurs", n, "max", f"le maximum ({row['max']}) doit dépasser le minimum ({row['min']}).")
        indicateurs.append((n, Indicateur(
            code=r.required("indicateurs", n, "code", row["code"]),
            libelle=r.required("indicateurs", n, "libelle", row["libelle"]),
            definition=row["definition"],
            unite=row["unite"],
            sens=row["sens"],
            engagement=engagement,
            famille=famille,
            min=low,
            max=high,
            agregation=r.choice("indicateurs", n, "agregation", row["agregation"], AGREGATIONS),
            denominateur=row["denominateur"] or None,
            periodicite=r.choice("indicateurs", n, "periodicite", row["periodicite"], PERIODICITES),
            miroir=row["miroir"] or None,
            lie_a=row["lie_a"] or None,
        )))
    r.unique("indicateurs", indicateurs, lambda i: i.code)
    indicator_codes = {i.code for _, i in indicateurs}
    by_code = {i.code: i for _, i in indicateurs}
    for n, i in indicateurs:
        for column in ("denominateur", "miroir", "lie_a"):
            target = getattr(i, column)
            if target is not None and target not in indicator_codes:
                r.error("indicateurs", n, column,
                        f"l'indicateur « {target} » n'existe pas dans indicateurs.csv.")
        if i.agregation in ("ratio", "moyenne_ponderee") and i.denominateur is None:
            r.error("indicateurs", n, "denominateur",
                    "une agrégation par ratio ou moyenne pondérée a besoin d'un indicateur de poids "
                    "(par exemple VOLUME_DEMANDES).")
        if i.miroir is not None and i.miroir in by_code and by_code[i.miroir].miroir != i.code:
            r.error("indicateurs", n, "miroir",
                    f"l'enquête miroir doit être réciproque : « {i.miroir} » doit indiquer « {i.code} ».")

    parcours_codes = {p.code for _, p in parcours}
    cibles = []
    for n, row in r.rows(texts["cibles"], "cibles"):
        if row["indicateur"] not in indicator_codes:
            r.error("cibles", n, "indicateur", f"l'indicateur « {row['indicateur']} » n'existe pas.")
        if row["parcours"] and row["parcours"] not in parcours_codes:
            r.error("cibles", n, "parcours", f"le parcours « {row['parcours']} » n'existe pas.")
        cibles.append((n, Cible(row["indicateur"], row["parcours"] or None,
                                r.number("cibles", n, "cible", row["cible"]))))
    r.unique("cibles", cibles, lambda c: (c.indicateur, c.parcours), "parcours")

    if r.erreurs:
        raise ReferentielInvalide(r.erreurs)
    return Referentiel(
        directions=[d for _, d in directions],
        parcours=[p for _, p in parcours],
        indicateurs=[i for _, i in indicateurs],
        cibles=[c for _, c in cibles],
    )
