"""Row checks on the staged values, all vectorised: codes, months, numbers, future months, quarterly
indicators, bounds from the referential, and the same key twice in one file.

Each check records its failures in bulk (positions only); the French wording is built later, and only
for the problems shown. A row may fail several checks: each failure is reported, so the user fixes
everything in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicateurs.imports.codes import Lookup
from indicateurs.format_fr import format_month_long as month_fr
from indicateurs.imports.formats import number_fr
from indicateurs.imports.numbers import parse_numbers
from indicateurs.imports.problemes import Collecteur
from indicateurs.mois import (OBSERVATION_START_VARIABLE, UNREADABLE, index_to_date, month_index, observation_start,
                              parse_month_code, parse_months)
from indicateurs.referentiel import Referentiel

# Past this many errors the remaining checks are skipped: the file is refused anyway, and the first
# problems tell the sender what is wrong (a wrong year or column throughout, typically).
STOP_AFTER_ERRORS = 5000


@dataclass
class Checked:
    """The staged rows with parsed columns, and which rows passed every check."""

    staged: pd.DataFrame  # STAGED columns + parcours_code, indicateur_code, mois_index, valeur_num
    valid: np.ndarray  # bool per staged row
    duplicates: np.ndarray  # bool: a repeat of an earlier row with the same value (kept once)


class RowChecks:
    """Runs the checks of one file; ``labels[p]`` names column p in messages."""

    def __init__(self, staged: pd.DataFrame, labels: np.ndarray, ref: Referentiel, parcours: Lookup,
                 indicateurs: Lookup, last_month_index: int, erreurs: Collecteur, avertissements: Collecteur,
                 columns: dict[str, int]):
        self.s = staged
        self.labels = labels
        self.ref = ref
        self.parcours = parcours
        self.indicateurs = indicateurs
        self.last = last_month_index
        self.erreurs = erreurs
        self.avertissements = avertissements
        self.columns = columns

    def _column(self, name: str, rows: np.ndarray):
        """Label and sort order of the column a field came from, for the given rows."""
        if name in ("indicateur", "valeur"):
            positions = self.s[f"col_{name}"].to_numpy()[rows].astype(np.int64)
            return self.labels[positions], positions
        position = self.columns.get(name, 0)
        return self.labels[position], position

    def _report(self, rows: np.ndarray, field: str, message, *, kind: Collecteur | None = None,
                once_per_row: bool | None = None) -> None:
        """Record one problem per failing row. For fields read once per source row (parcours, mois), a
        wide file row with several values gives one problem, not one per indicator column."""
        rows = np.flatnonzero(rows) if rows.dtype == bool else rows
        if len(rows) == 0:
            return
        if field in ("parcours", "mois") if once_per_row is None else once_per_row:
            _, first = np.unique(self.s["pos"].to_numpy()[rows], return_index=True)
            rows = rows[np.sort(first)]
        colonnes, orders = self._column(field, rows)
        values = self.s[field].take(rows).to_numpy(dtype=object)
        wording = message if isinstance(message, str) else (lambda k: message(rows[k]))
        target = self.erreurs if kind is None else kind
        target.add_many(self.s["ligne"].to_numpy()[rows], wording, colonnes=colonnes, valeurs=values,
                        orders=orders)

    def run(self) -> Checked:
        """Every check, in the order of the columns of a long file."""
        s = self.s
        ok = np.ones(len(s), dtype=bool)
        for check in (lambda: self._codes("parcours", self.parcours, "Parcours", "le parcours"),
                      lambda: self._codes("indicateur", self.indicateurs, "Indicateur", "l'indicateur"),
                      self._months, self._values, self._future, self._too_early, self._quarterly, self._bounds):
            if len(self.erreurs) >= STOP_AFTER_ERRORS:
                self._stopped()
                return Checked(s, np.zeros(len(s), dtype=bool), np.zeros(len(s), dtype=bool))
            ok &= check()
        duplicates = self._duplicates(ok)
        return Checked(s, ok, duplicates)

    def _stopped(self) -> None:
        self.erreurs.add(f"Vérification arrêtée : plus de {number_fr(STOP_AFTER_ERRORS)} erreurs "
                         f"({number_fr(len(self.erreurs))} trouvées à ce stade), le fichier est refusé. Corrigez "
                         "d'abord les premières (souvent une même erreur répétée : année, colonne, séparateur) "
                         "puis déposez-le à nouveau.")

    def _codes(self, field: str, lookup: Lookup, title: str, article: str) -> np.ndarray:
        texts = self.s[field]
        codes = lookup.resolve(texts)
        self.s[f"{field}_code"] = codes
        empty = texts.eq("").to_numpy(dtype=bool)
        unknown = pd.isna(codes) & ~empty
        self._report(empty, field, f"{title} manquant : indiquez le code ou le libellé exact de {article}.")
        self._report(unknown, field, lambda r: (
            f"{title} inconnu. {lookup.suggestion(texts.iat[r])}. Corrigez le code (ou écrivez le libellé "
            "exact) ; la liste figure dans le modèle de fichier."))
        return ~pd.isna(codes)

    def _months(self) -> np.ndarray:
        texts = self.s["mois"]
        index = parse_months(texts)
        self.s["mois_index"] = index
        empty = texts.eq("").to_numpy(dtype=bool)
        self._report(empty, "mois", "Mois manquant : indiquez le mois de la valeur, par exemple 2026-10.")
        self._report((index == UNREADABLE) & ~empty, "mois",
                     "Mois illisible : écrivez-le 2026-10 (année-mois), 10/2026, 01/10/2026 ou octobre 2026.")
        return index != UNREADABLE

    def _values(self) -> np.ndarray:
        values = parse_numbers(self.s["valeur"])
        self.s["valeur_num"] = values
        readable = ~np.isnan(values)
        self._report(~readable, "valeur",
                     "Valeur illisible : écrivez un nombre seul, sans unité ni texte, avec une virgule ou un "
                     "point pour les décimales (par exemple 85,5) et éventuellement une espace entre les "
                     "milliers.")
        return readable

    def _future(self) -> np.ndarray:
        index = self.s["mois_index"].to_numpy()
        future = index > self.last
        last = month_fr(index_to_date(self.last))
        self._report(future, "mois", lambda r: (
            f"Mois futur : {month_fr(index_to_date(int(index[r])))} n'est pas encore terminé ou n'est pas "
            f"encore venu (dernier mois complet : {last}). Vérifiez l'année et le mois."))
        return ~future

    def _too_early(self) -> np.ndarray:
        """Months before the observation window: a typing slip (1026 for 2026), never real history."""
        start = observation_start(parse_month_code(p.date_deploiement) if p.date_deploiement else None
                                  for p in self.ref.parcours)
        index = self.s["mois_index"].to_numpy()
        early = (index >= 0) & (index < month_index(start))
        first = month_fr(start)
        self._report(early, "mois", lambda r: (
            f"Mois hors de la période d'observation : {month_fr(index_to_date(int(index[r])))} est avant "
            f"{first}, premier mois suivi. Vérifiez l'année (par exemple 1026 au lieu de 2026). Si des valeurs "
            f"aussi anciennes doivent vraiment entrer, l'administrateur règle le début de la période "
            f"({OBSERVATION_START_VARIABLE}=AAAA-MM)."))
        return ~early

    def _quarterly(self) -> np.ndarray:
        quarterly = {i.code for i in self.ref.indicateurs if i.periodicite == "trimestrielle"}
        codes = self.s["indicateur_code"]
        index = self.s["mois_index"].to_numpy()
        wrong = codes.isin(quarterly).to_numpy() & (index >= 0) & (index % 3 != 2)
        self._report(wrong, "mois", lambda r: (
            f"L'indicateur « {codes.iat[r]} » est trimestriel : sa valeur se déclare sur le dernier mois du "
            f"trimestre (mars, juin, septembre ou décembre), pas en "
            f"{month_fr(index_to_date(int(index[r])))}. Reportez-la sur le mois de fin de trimestre."),
            once_per_row=False)
        return ~wrong

    def _bounds(self) -> np.ndarray:
        by_code = {i.code: i for i in self.ref.indicateurs}
        codes = self.s["indicateur_code"]
        ids = codes.cat.codes.to_numpy()
        bounds = np.array([(by_code[c].min, by_code[c].max) for c in codes.cat.categories] + [(np.nan, np.nan)],
                          dtype=np.float64).reshape(-1, 2)
        low, high = bounds[ids, 0], bounds[ids, 1]  # id -1 (unknown indicator) takes the NaN last row
        values = self.s["valeur_num"].to_numpy()
        with np.errstate(invalid="ignore"):
            outside = (values < low) | (values > high)

        def message(r: int) -> str:
            indicateur = by_code[codes.iat[r]]
            text = (f"Valeur hors bornes : « {indicateur.libelle} » ({indicateur.unite}) va de "
                    f"{number_fr(indicateur.min)} à {number_fr(indicateur.max)}.")
            if indicateur.unite == "%":
                text += " Un pourcentage s'écrit en points, de 0 à 100 (85 pour 85 %)."
            elif values[r] < 0 <= indicateur.min:
                text += " Cette grandeur ne peut pas être négative."
            return text + " Corrigez la valeur."

        self._report(outside, "valeur", message)
        return ~outside

    def _duplicates(self, ok: np.ndarray) -> np.ndarray:
        """Same parcours × indicateur × mois twice: an error if the values differ (the later rows become
        invalid, in place in ``ok``), else a warning and the repeat is flagged to be dropped."""
        s = self.s
        duplicates = np.zeros(len(s), dtype=bool)
        valid = np.flatnonzero(ok)
        if not len(valid):
            return duplicates
        # One integer per parcours × indicateur × mois (valid rows have known codes and a readable month).
        parcours = s["parcours_code"].cat.codes.to_numpy().astype(np.int64)[valid]
        indicateur = s["indicateur_code"].cat.codes.to_numpy().astype(np.int64)[valid]
        month = s["mois_index"].to_numpy()[valid]
        month = month - month.min()
        n_indicateurs = len(s["indicateur_code"].cat.categories)
        key = (parcours * n_indicateurs + indicateur) * (int(month.max()) + 1) + month
        if key.max() < 4 * len(key) + 4096:  # a compact key space (the usual case): count in one array
            repeated = np.bincount(key)[key] > 1
        else:
            repeated = pd.Series(key).duplicated(keep=False).to_numpy()
        if not repeated.any():
            return duplicates
        rows = valid[repeated]
        _, first, inverse = np.unique(key[repeated], return_index=True, return_inverse=True)
        first_pos = rows[first[inverse]]  # np.unique's index is each key's first occurrence
        first_of = dict(zip(rows.tolist(), first_pos.tolist()))
        values = s["valeur_num"].to_numpy()
        later = rows != first_pos
        differs = later & (np.abs(values[rows] - values[first_pos]) > 1e-9)
        same = later & ~differs
        lines = s["ligne"].to_numpy()
        raw = s["valeur"]
        self._report(rows[differs], "valeur", lambda r: (
            f"Doublon : ce parcours, cet indicateur et ce mois figurent déjà ligne {lines[first_of[int(r)]]} "
            f"avec une autre valeur ({raw.iat[first_of[int(r)]]}). Gardez une seule ligne, avec la bonne valeur."))
        self._report(rows[same], "valeur", lambda r: (
            f"Doublon sans conséquence : même parcours, indicateur, mois et valeur que la ligne "
            f"{lines[first_of[int(r)]]} ; la valeur n'est comptée qu'une fois. Supprimez la ligne en double."),
            kind=self.avertissements)
        ok[rows[differs]] = False
        duplicates[rows[same]] = True
        return duplicates
