"""``python -m indicateurs fiche``: write the fiche CODIR of a direction, of the City, or of every direction.

``add_parser(commands)`` adds the subcommand to the CLI's subparsers; ``run(args)`` carries it out and
returns the exit code: 0 written (also when the charts could not be drawn: a warning says so), 1 the
fiche could not be laid out (font missing), 2 usage error (unknown direction, malformed month).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

from indicateurs.mois import last_complete_month, month_code, parse_month_code

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
BAR_WIDTH = 30


def _month(text: str) -> date:
    month = parse_month_code(text)
    if month is None:
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas un mois AAAA-MM (par exemple 2026-10)")
    return month


def add_parser(commands) -> argparse.ArgumentParser:
    """Add « fiche » to the CLI's subparsers (French help); returns the new parser."""
    fiche = commands.add_parser(
        "fiche", help="écrire la fiche CODIR (PDF) d'une direction, de la Ville ou de toutes les directions",
        description="Écrit la fiche CODIR du mois en PDF (A4, 2 pages au plus pour une direction, 4 pour la "
                    "Ville) : chiffres clés, ce qui a changé pour les usagers et pour les agents, les graphiques "
                    "avant / après les plus parlants, la complétude du mois et les verdicts qui ont changé. Tout "
                    "vient des résultats enregistrés : la fiche dit la même chose que les pages.",
        epilog="Exemples :\n  python -m indicateurs fiche --direction DPE --mois 2026-10 --out fiche.pdf\n"
               "  python -m indicateurs fiche --toutes --mois 2026-10 --out fiches/\n"
               "Sans chromium, la fiche est écrite sans ses graphiques (avertissement, code de sortie 0).")
    target = fiche.add_mutually_exclusive_group(required=True)
    target.add_argument("--direction", metavar="CODE",
                        help="code de la direction (par exemple DPE), ou VILLE pour la fiche de toute la Ville")
    target.add_argument("--toutes", action="store_true",
                        help="une fiche par direction et celle de la Ville, écrites dans le dossier --out")
    fiche.add_argument("--mois", type=_month, metavar="AAAA-MM",
                       help="mois de la fiche (par défaut : le dernier mois complet)")
    fiche.add_argument("--out", metavar="FICHIER|DOSSIER",
                       help="fichier PDF à écrire (ou dossier où l'écrire) ; avec --toutes, le dossier des fiches "
                            "(par défaut : fiche-codir-CODE-AAAA-MM.pdf ou fiches-codir-AAAA-MM/ dans le dossier "
                            "courant)")
    return fiche


def _progress(done: int, total: int, label: str) -> None:
    """A progress bar on the terminal (nothing when the output is not a terminal)."""
    if not sys.stderr.isatty():
        return
    filled = int(BAR_WIDTH * done / total)
    sys.stderr.write(f"\rFiches CODIR [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total} {label:<8}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _warn(code: str, warnings: list[str]) -> None:
    for warning in warnings:
        print(f"Attention ({code}) : {warning}", file=sys.stderr)


def run(args) -> int:
    """Carry out ``fiche``: build and write the PDF(s); French messages, exit codes as in the module doc."""
    from indicateurs.db import open_database
    from indicateurs.fiche.construction import VILLE, Sources, build_fiche, file_name
    from indicateurs.fiche.mise_en_page import PoliceIntrouvable
    from indicateurs.referentiel_store import read_referentiel
    from indicateurs.resultats import refresh_results, results_are_stale

    db = open_database(getattr(args, "db", None))
    ref = read_referentiel(db)
    known = [d.code for d in ref.directions]
    direction = args.direction.strip().upper() if args.direction else None
    if direction is not None and direction != VILLE and direction not in known:
        print(f"python -m indicateurs fiche : erreur : direction inconnue : « {args.direction} ». Codes possibles : "
              f"{', '.join(known)}, ou {VILLE} pour toute la Ville.", file=sys.stderr)
        return EXIT_USAGE
    mois = args.mois or last_complete_month()
    if results_are_stale(db):
        refresh_results(db)
    sources = Sources(db, ref)
    try:
        if not args.toutes:
            out = Path(args.out) if args.out else Path(file_name(direction, mois))
            if out.is_dir():
                out = out / file_name(direction, mois)
            fiche = build_fiche(db, direction, mois, sources=sources)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(fiche.pdf)
            _warn(direction, fiche.avertissements)
            print(f"Fiche CODIR écrite : {out} ({fiche.pages} page(s)).")
            return EXIT_OK
        folder = Path(args.out) if args.out else Path(f"fiches-codir-{month_code(mois)}")
        folder.mkdir(parents=True, exist_ok=True)
        codes = [VILLE, *known]
        started, cache, said = time.perf_counter(), {}, set()
        for n, code in enumerate(codes):
            _progress(n, len(codes), code)
            fiche = build_fiche(db, code, mois, sources=sources, svg_cache=cache)
            (folder / file_name(code, mois)).write_bytes(fiche.pdf)
            fresh = [w for w in fiche.avertissements if w not in said]
            said.update(fresh)
            _warn(code, fresh)
        _progress(len(codes), len(codes), "")
        print(f"{len(codes)} fiches CODIR écrites dans {folder} ({time.perf_counter() - started:.1f} s).")
        return EXIT_OK
    except PoliceIntrouvable as error:
        print(str(error), file=sys.stderr)
        return EXIT_FAILED
