"""The command line: ``python -m indicateurs COMMANDE``. A thin shell over the library.

Exit codes: 0 done, 1 invalid data (the report says what and where), 2 usage error.
"""

from __future__ import annotations

import csv
import getpass
import io
import json
import sys
from datetime import date

from indicateurs.cli_fr import FrenchParser
from indicateurs.db import BaseVerrouillee, resolve_path
from indicateurs.exporter import FORMATS, neutralise_frame, write_table
from indicateurs.mois import parse_month_code
from indicateurs.referentiel import ReferentielInvalide

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _user(args) -> str:
    """The acting user: ``--utilisateur``, else the account running the command."""
    if getattr(args, "utilisateur", None):
        return args.utilisateur
    try:
        return getpass.getuser()
    except Exception:  # no login name (containers): still record something honest
        return "inconnu"


def _month_arg(text: str) -> date:
    month = parse_month_code(text)
    if month is None:
        import argparse
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas un mois AAAA-MM (par exemple 2026-10)")
    return month


def build_parser() -> FrenchParser:
    """The parser with every subcommand; each has its own French ``--help``."""
    parser = FrenchParser(
        prog="python -m indicateurs",
        description="Observatoire des parcours usagers : base de données, imports et résultats en ligne de commande.",
        epilog="Codes de sortie : 0 réussi, 1 données invalides, 2 erreur d'utilisation.",
    )
    parser.add_argument("--db", metavar="CHEMIN",
                        help="base DuckDB à utiliser (sinon $OBSERVATOIRE_DB, sinon data/observatoire.duckdb)")
    parser.add_argument("--utilisateur", metavar="NOM",
                        help="nom enregistré dans le journal pour les écritures (par défaut : le compte courant)")
    commands = parser.add_subparsers(dest="commande", metavar="COMMANDE", parser_class=FrenchParser,
                                     title="commandes", prog="python -m indicateurs")
    commands.required = True

    init = commands.add_parser("init", help="créer ou mettre à niveau la base et charger le référentiel",
                               description="Crée ou met à niveau la base, charge le référentiel depuis "
                                           "data/referentiel/ et, avec --demo, les données de démonstration.")
    init.add_argument("--demo", action="store_true", help="charger aussi les données de démonstration")
    init.add_argument("--fin", type=_month_arg, metavar="AAAA-MM",
                      help="dernier mois des données de démonstration (par défaut : le dernier mois complet)")
    init.add_argument("--referentiel", metavar="DOSSIER", help="dossier des fichiers du référentiel")

    ref = commands.add_parser("referentiel", help="afficher le référentiel",
                              description="Affiche les directions, parcours, indicateurs et cibles.")
    ref.add_argument("--format", choices=("json", "csv"), default="json", help="format de sortie (json par défaut)")

    export = commands.add_parser("export", help="exporter toutes les valeurs enregistrées",
                                 description="Écrit toutes les valeurs en format long (parcours, indicateur, "
                                             "mois, valeur) suivies de leur provenance.")
    export.add_argument("--format", choices=FORMATS, required=True, help="format du fichier")
    export.add_argument("--out", required=True, metavar="FICHIER", help="fichier à écrire")
    return parser


def cmd_init(args) -> int:
    from indicateurs.setup import init_database

    kwargs = {"referentiel_dir": args.referentiel} if args.referentiel else {}
    result = init_database(args.db, utilisateur=_user(args), with_demo=args.demo, end_month=args.fin, **kwargs)
    print(f"Base prête : {result.db.path}")
    print("Référentiel chargé." if result.referentiel_charge else "Référentiel déjà à jour.")
    if args.demo:
        print(f"Données de démonstration : {result.valeurs_demo} valeurs écrites."
              if result.valeurs_demo else "Données de démonstration déjà présentes.")
    return EXIT_OK


def _referentiel(args):
    from indicateurs.db import open_database
    from indicateurs.referentiel import load_referentiel
    from indicateurs.referentiel_store import read_referentiel

    if resolve_path(args.db).exists():
        ref = read_referentiel(open_database(args.db))
        if ref.parcours:
            return ref
    return load_referentiel()


def cmd_referentiel(args) -> int:
    ref = _referentiel(args)
    if args.format == "json":
        json.dump(ref.as_json(), sys.stdout, ensure_ascii=False, indent=2)
        print()
        return EXIT_OK
    for name, frame in ref.frames().items():
        print(f"# {name}")
        buffer = io.StringIO()
        neutralise_frame(frame).to_csv(buffer, index=False, quoting=csv.QUOTE_MINIMAL)
        print(buffer.getvalue())
    return EXIT_OK


def cmd_export(args) -> int:
    from indicateurs.db import open_database
    from indicateurs.valeurs import export_values

    frame = export_values(open_database(args.db))
    write_table(frame, args.out, args.format)
    print(f"{len(frame)} valeurs écrites dans {args.out}")
    return EXIT_OK


COMMANDS = {"init": cmd_init, "referentiel": cmd_referentiel, "export": cmd_export}


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, run the command, turn known failures into French messages and exit codes."""
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.commande](args)
    except ReferentielInvalide as error:
        print(str(error), file=sys.stderr)
        return EXIT_INVALID
    except BaseVerrouillee as error:
        print(str(error), file=sys.stderr)
        return EXIT_INVALID
    except BrokenPipeError:  # output piped into `head`: not an error of ours
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as error:
        print(f"Erreur de fichier : {error}. Vérifiez le chemin et les droits.", file=sys.stderr)
        return EXIT_USAGE
