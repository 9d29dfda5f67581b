"""The habilitations file: who has which role (and, for a référent, which directions).

A CSV file the SRU edits (``data/habilitations.csv`` or $OBSERVATOIRE_HABILITATIONS), separator ``;`` or
``,``, header ``identite;role;directions`` and an optional ``commentaire`` column. ``identite`` is an
e-mail or an account name, or ``groupe:NOM`` for everyone whose ID token lists the group NOM. ``role`` is
lecteur, référent or administrateur; ``directions`` (référent only) lists direction codes separated by
spaces, ``|`` or ``,``. Every bad line is reported in French with its number (the header is line 1).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from indicateurs.roles import ADMINISTRATEUR, LECTEUR, RANG, REFERENT, Utilisateur

GROUPE = "groupe:"
COLONNES = ("identite", "role", "directions")
_ROLE_NAMES = {"lecteur": LECTEUR, "referent": REFERENT, "administrateur": ADMINISTRATEUR}


class HabilitationsInvalides(Exception):
    """The file has bad lines; ``erreurs`` holds one French sentence per problem."""

    def __init__(self, erreurs: list[str]):
        self.erreurs = erreurs
        super().__init__("Le fichier d'habilitations contient des erreurs :\n- " + "\n- ".join(erreurs))


@dataclass(frozen=True)
class Habilitation:
    identite: str  # lower-case e-mail or account, or "groupe:nom"
    role: str
    directions: tuple[str, ...]
    ligne: int


@dataclass(frozen=True)
class Habilitations:
    lignes: tuple[Habilitation, ...]
    sha256: str

    def resolve(self, identite: str, groupes: list[str] | tuple[str, ...] = ()) -> Utilisateur | None:
        """The user ``identite`` (with its ID token's ``groupes``) as the file says, or None if unknown.

        Several matching lines (a person and their groups) give the highest role; a référent gets the
        directions of all its référent lines.
        """
        keys = {_key(identite)} | {GROUPE + _key(g) for g in groupes if str(g).strip()}
        matches = [h for h in self.lignes if h.identite in keys]
        if not matches:
            return None
        role = max((h.role for h in matches), key=RANG.__getitem__)
        directions = sorted({d for h in matches if h.role == REFERENT for d in h.directions})
        return Utilisateur(identite.strip(), role, tuple(directions) if role == REFERENT else ())

    def as_text_lines(self) -> list[str]:
        """One normalised line per habilitation (journaled when the file changes)."""
        return [f"{h.identite} → {h.role}" + (f" ({', '.join(h.directions)})" if h.directions else "")
                for h in self.lignes]


def _key(text: str) -> str:
    return str(text).strip().casefold()


def _role(text: str) -> str | None:
    plain = unicodedata.normalize("NFKD", text.strip().casefold())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return _ROLE_NAMES.get(plain)


def parse_habilitations(text: str, directions: set[str], fichier: str = "habilitations.csv") -> Habilitations:
    """Check and read the file's text; ``directions`` are the known direction codes.

    Raises HabilitationsInvalides listing every bad line, so that a half-right file never starts the app.
    """
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    text = text.lstrip("\ufeff")
    first = text.splitlines()[0] if text.strip() else ""
    sep = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    header = [h.strip().casefold() for h in next(reader, [])]
    missing = [c for c in COLONNES if c not in header]
    if missing:
        raise HabilitationsInvalides([
            f"{fichier}, ligne 1 : colonne(s) manquante(s) {', '.join(missing)}. "
            f"L'en-tête attendu est : {';'.join(COLONNES)} (séparateur « ; » ou « , »)."])
    col = {name: header.index(name) for name in COLONNES}
    erreurs: list[str] = []
    lignes: list[Habilitation] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cell = lambda name: row[col[name]].strip() if col[name] < len(row) else ""  # noqa: E731
        where = f"{fichier}, ligne {number}"
        identite, role_text, dirs_text = cell("identite"), cell("role"), cell("directions")
        role = _role(role_text)
        problems = []
        if not identite or identite.casefold() == GROUPE:
            problems.append("colonne « identite » vide : indiquez une adresse e-mail, un compte ou groupe:NOM")
        if role is None:
            problems.append(f"rôle « {role_text} » inconnu ; rôles possibles : lecteur, référent, administrateur")
        codes = tuple(c for c in re.split(r"[\s,|]+", dirs_text) if c)
        unknown = [c for c in codes if c not in directions]
        if unknown:
            problems.append(f"direction(s) inconnue(s) : {', '.join(unknown)} ; codes possibles : "
                            f"{', '.join(sorted(directions))}")
        if role == REFERENT and not codes:
            problems.append("un référent doit avoir au moins une direction (colonne « directions »)")
        key = _key(identite)
        if identite and key in seen:
            problems.append(f"« {identite} » figure déjà ligne {seen[key]} ; gardez une seule ligne par identité")
        if problems:
            erreurs.extend(f"{where} : {p}." for p in problems)
            continue
        seen[key] = number
        lignes.append(Habilitation(key, role, codes if role == REFERENT else (), number))
    if erreurs:
        raise HabilitationsInvalides(erreurs)
    return Habilitations(tuple(lignes), sha)


def load_habilitations(path: Path, directions: set[str]) -> Habilitations:
    """Read ``path`` (UTF-8, with or without BOM); raises HabilitationsInvalides on any bad line."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise HabilitationsInvalides([f"{path.name} n'est pas encodé en UTF-8 : enregistrez-le en « CSV UTF-8 »."])
    return parse_habilitations(text, directions, path.name)
