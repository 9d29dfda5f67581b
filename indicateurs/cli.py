"""The command line: ``python -m indicateurs COMMANDE``. A thin shell over the library.

Exit codes: 0 done, 1 invalid data (the report says what and where), 2 usage error.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import date

from indicateurs.cli_fr import FrenchParser
from indicateurs.db import BaseVerrouillee, resolve_path
from indicateurs.exporter import FORMATS, csv_text, write_table
from indicateurs.fiche import commande as fiche_commande
from indicateurs.mois import parse_month_code
from indicateurs.referentiel import ReferentielInvalide

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _plain_csv(frame) -> str:
    """A table printed for programs and pipes: comma, decimal point, every risky field quoted, formulas neutralised."""
    return csv_text(frame, sep=",", decimal=".", lineterminator="\n")


def _user_arg(text: str) -> str:
    """``--utilisateur``: a name that is not blank (a blank name would be journaled as nobody)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("le nom d'utilisateur ne peut pas être vide ; donnez un nom, "
                                         "par exemple --utilisateur prenom.nom")
    return text.strip()


def _user(args) -> str:
    """The acting user: ``--utilisateur``, else $OBSERVATOIRE_UTILISATEUR, else the account running the command."""
    import os

    if getattr(args, "utilisateur", None):
        return args.utilisateur
    if os.environ.get("OBSERVATOIRE_UTILISATEUR", "").strip():
        return os.environ["OBSERVATOIRE_UTILISATEUR"].strip()
    try:
        return getpass.getuser()
    except Exception:  # no login name (containers): still record something honest
        return "inconnu"


def _known_directions(db_arg) -> set[str]:
    """Direction codes, from the base when it has a referential, else from data/referentiel/."""
    from indicateurs.referentiel import load_referentiel

    try:
        if resolve_path(db_arg).exists():
            from indicateurs.db import open_database
            from indicateurs.referentiel_store import read_referentiel

            codes = {d.code for d in read_referentiel(open_database(db_arg)).directions}
            if codes:
                return codes
    except Exception:  # an unreadable base is reported by the command itself
        pass
    return {d.code for d in load_referentiel().directions}


def _configuration(db_arg=None):
    from indicateurs.identite import load_configuration

    return load_configuration(app=False, directions=_known_directions(db_arg))


def _identity_help() -> str:
    """The « identité » paragraph of ``--help``: who the command acts as, and where roles come from."""
    import os

    from indicateurs.identite import ENV_HABILITATIONS, ENV_LOCAL_ADMIN, ConfigurationInvalide, cli_user

    name = _user(None)
    admin = os.environ.get(ENV_LOCAL_ADMIN, "").strip() or "non défini"
    try:
        config = _configuration(os.environ.get("OBSERVATOIRE_DB"))
        role = cli_user(config, name).libelle()
        state = "" if config.habilitations else " (absent)"
    except ConfigurationInvalide:
        role, state = "aucun", " (invalide : toute commande qui écrit est refusée)"
    except Exception:
        role, state = "inconnu", ""
    from indicateurs.identite import DEFAULT_HABILITATIONS

    path = os.environ.get(ENV_HABILITATIONS) or DEFAULT_HABILITATIONS
    return (f"Identité (ligne de commande) : compte « {name} » (ou --utilisateur), rôle : {role}. Rôles lus dans "
            f"{path}{state} (variable {ENV_HABILITATIONS}) ; administrateur local ({ENV_LOCAL_ADMIN}) : {admin}. "
            "Un compte sans habilitation est lecteur.")


def _month_arg(text: str) -> date:
    month = parse_month_code(text)
    if month is None:
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas un mois AAAA-MM (par exemple 2026-10)")
    return month


def _global_options(parser, *, default) -> None:
    """``--db`` and ``--utilisateur``, accepted before the subcommand and after it.

    On the subcommands the default is SUPPRESS, so a value given before the subcommand is not
    overwritten by the subcommand's own (absent) default.
    """
    parser.add_argument("--db", metavar="CHEMIN", default=default,
                        help="base DuckDB à utiliser (sinon $OBSERVATOIRE_DB, sinon data/observatoire.duckdb)")
    parser.add_argument("--utilisateur", metavar="NOM", type=_user_arg, default=default,
                        help="compte qui agit, cherché dans le fichier d'habilitations et enregistré dans le "
                             "journal (par défaut : $OBSERVATOIRE_UTILISATEUR, sinon le compte courant)")


CLI_MAX_MB = 500  # a million values in long format is about 45 Mo; the upload page keeps its lower limit


_SIZE_ADVICE = " En ligne de commande, --taille-max MO relève la limite."


def _size_arg(text: str) -> int:
    """``--taille-max``: a whole number of Mo, at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas une taille en Mo (un nombre entier, par exemple 100)")
    return value


def build_parser() -> FrenchParser:
    """The parser with every subcommand; each has its own French ``--help``."""
    parser = FrenchParser(
        prog="python -m indicateurs",
        description="Observatoire des parcours usagers : base de données, imports et résultats en ligne de commande.",
        epilog=_identity_help() + "\n\nCodes de sortie : 0 réussi, 1 données invalides, 2 erreur d'utilisation.",
    )
    _global_options(parser, default=None)
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
    init.add_argument("--forcer", action="store_true",
                      help="avec --demo : écrire les données de démonstration même dans une base qui a reçu "
                           "des imports réels (administrateur seulement ; à éviter)")

    ref = commands.add_parser("referentiel", help="afficher le référentiel",
                              description="Affiche les directions, parcours, indicateurs et cibles.")
    ref.add_argument("--format", choices=("json", "csv"), default="json", help="format de sortie (json par défaut)")
    ref.add_argument("--exporter", metavar="DOSSIER",
                     help="écrire le référentiel de la base (avec les modifications faites dans l'application) "
                          "en quatre fichiers CSV au format de data/referentiel/")

    export = commands.add_parser("export", help="exporter toutes les valeurs enregistrées",
                                 description="Écrit toutes les valeurs en format long (parcours, indicateur, "
                                             "mois, valeur) suivies de leur provenance.")
    export.add_argument("--format", choices=FORMATS, required=True, help="format du fichier")
    export.add_argument("--out", required=True, metavar="FICHIER", help="fichier à écrire")
    export.add_argument("--csv", choices=("excel", "standard"), default="excel", dest="convention",
                        help="convention du CSV : « excel » (par défaut : Excel en français, séparateur « ; », "
                             "virgule décimale, UTF-8 avec BOM) ou « standard » (séparateur « , », point décimal)")
    impact = commands.add_parser("impact", help="afficher les verdicts avant/après",
                                 description="Affiche, pour chaque parcours × indicateur, l'effet estimé depuis "
                                             "le déploiement, son intervalle de confiance à 95 %, le verdict "
                                             "(après correction de Benjamini-Hochberg) et la phrase qui le dit.")
    impact.add_argument("--direction", metavar="CODE", help="seulement les parcours de cette direction")
    impact.add_argument("--parcours", metavar="CODE", help="seulement ce parcours")
    impact.add_argument("--format", choices=("csv", "json"), default="csv", help="format de sortie (csv par défaut)")
    imp = commands.add_parser("import", help="vérifier puis importer des fichiers mensuels (CSV ou XLSX)",
                              description="Vérifie chaque fichier (format, codes, mois, bornes, doublons) puis "
                                          "l'importe en une seule transaction. Un fichier avec une erreur "
                                          "n'importe rien ; les autres fichiers sont traités chacun pour soi.")
    imp.add_argument("fichiers", nargs="+", metavar="FICHIER", help="fichier(s) CSV ou XLSX")
    imp.add_argument("--dry-run", action="store_true",
                     help="vérifier et afficher l'aperçu (nouvelles, révisées, inchangées) sans rien écrire")
    imp.add_argument("--json", action="store_true",
                     help="afficher les erreurs en JSON : liste de {fichier, ligne, colonne, valeur, message}")
    imp.add_argument("--dernier-mois", type=_month_arg, metavar="AAAA-MM",
                     help="dernier mois complet accepté (par défaut : le mois dernier)")
    imp.add_argument("--taille-max", type=_size_arg, default=CLI_MAX_MB, metavar="MO",
                     help=f"taille maximale d'un fichier, en Mo (par défaut : {CLI_MAX_MB} ; la page « Import » de "
                          "l'application garde sa propre limite, plus basse)")

    commands.add_parser("imports", help="afficher le journal des imports",
                        description="Affiche le journal des imports, du plus récent au plus ancien.")

    annuler = commands.add_parser("annuler", help="annuler un import",
                                  description="Remet chaque valeur écrite par l'import à ce qu'elle était "
                                              "avant ; l'annulation est elle-même journalisée.")
    annuler.add_argument("import_id", type=int, metavar="IMPORT_ID", help="numéro de l'import (voir « imports »)")

    modele = commands.add_parser("modele", help="écrire le modèle pré-rempli d'une direction pour un mois",
                                 description="Écrit le fichier attendu d'une direction pour un mois : une ligne "
                                             "par parcours × indicateur dû, avec les bornes, valeur à remplir.")
    modele.add_argument("--direction", required=True, metavar="CODE", help="code de la direction (par exemple DPE)")
    modele.add_argument("--mois", required=True, type=_month_arg, metavar="AAAA-MM", help="mois des valeurs")
    modele.add_argument("--format", choices=("csv", "xlsx"), default="xlsx", help="format du fichier (xlsx par défaut)")
    modele.add_argument("--out", required=True, metavar="FICHIER", help="fichier à écrire")

    comp = commands.add_parser("completude", help="valeurs attendues et manquantes par direction et mois",
                               description="Pour chaque direction et chaque mois : valeurs attendues, reçues, "
                                           "manquantes ; avec --out, la liste détaillée des manquantes en CSV.")
    comp.add_argument("--direction", metavar="CODE", help="seulement cette direction")
    comp.add_argument("--out", metavar="FICHIER", help="écrire la liste des valeurs manquantes (CSV pour Excel)")
    fiche_commande.add_parser(commands)
    for subcommand in commands.choices.values():  # ``init --demo --db PATH`` as well as ``--db PATH init --demo``
        _global_options(subcommand, default=argparse.SUPPRESS)
    return parser


def _operator(args):
    """Who writes: the account (or ``--utilisateur``) with its role from the habilitations file, as in
    the app; a reader unless the file (or the local administrator setting) says otherwise."""
    from indicateurs.identite import cli_user

    return cli_user(_configuration(args.db), _user(args))


def cmd_import(args) -> int:
    from pathlib import Path

    from indicateurs.db import open_database
    from indicateurs.imports.formats import number_fr
    from indicateurs.imports.pipeline import check_file
    from indicateurs.imports.rapport import problemes_json, rapport_texte
    from indicateurs.operations import import_file

    missing = [f for f in args.fichiers if not Path(f).is_file()]
    if missing:
        print(f"Fichier introuvable : {', '.join(missing)}. Vérifiez le chemin.", file=sys.stderr)
        return EXIT_USAGE
    db = open_database(args.db)
    rejected, problems = False, []
    for name in args.fichiers:
        path = Path(name)
        verification = check_file(db, path.name, path.read_bytes(), last_month=args.dernier_mois,
                                  max_bytes=args.taille_max * 2**20, size_advice=_SIZE_ADVICE)
        problems += problemes_json(verification.erreurs)
        report = sys.stderr if args.json else sys.stdout
        print(rapport_texte(verification), file=report)
        if not verification.ok:
            rejected = True
            if not args.dry_run:
                import_file(db, verification, _operator(args))  # journals the rejected attempt
            continue
        if args.dry_run:
            c = verification.comparaison
            if c is not None and len(c.revisions):
                print("Révisions (ancienne → nouvelle valeur) :", file=report)
                for r in c.revisions.head(50).itertuples(index=False):
                    print(f"  - {r.parcours} × {r.indicateur} × {r.mois:%Y-%m} : {number_fr(r.valeur_avant)} → "
                          f"{number_fr(r.valeur)}", file=report)
            print("Aperçu seulement (--dry-run) : rien n'a été écrit.", file=report)
            continue
        result = import_file(db, verification, _operator(args))
        print(result.message, file=report)
    if args.json:
        json.dump(problems, sys.stdout, ensure_ascii=False, indent=2)
        print()
    return EXIT_INVALID if rejected else EXIT_OK


def cmd_imports(args) -> int:
    from indicateurs.db import open_database
    from indicateurs.valeurs import list_imports

    journal = list_imports(open_database(args.db))
    if journal.empty:
        print("Aucun import pour l'instant.")
        return EXIT_OK
    columns = ["id", "type", "fichier", "utilisateur", "horodatage", "statut", "nb_nouvelles", "nb_revisees",
               "nb_inchangees", "annule_import", "annule_par"]
    shown = journal[columns].copy()
    shown["horodatage"] = shown["horodatage"].dt.strftime("%Y-%m-%d %H:%M:%S")
    sys.stdout.write(_plain_csv(shown))
    return EXIT_OK


def cmd_annuler(args) -> int:
    from indicateurs.db import open_database
    from indicateurs.operations import cancel
    from indicateurs.valeurs import AnnulationImpossible

    try:
        result = cancel(open_database(args.db), args.import_id, _operator(args))
    except AnnulationImpossible as error:
        print(str(error), file=sys.stderr)
        return EXIT_INVALID
    print(f"Import n° {args.import_id} annulé (annulation n° {result.annulation_id}) : "
          f"{result.restaurees} valeur(s) restaurée(s), {result.supprimees} supprimée(s), "
          f"{result.conservees} conservée(s) car révisée(s) depuis par un autre import.")
    return EXIT_OK


def cmd_modele(args) -> int:
    from pathlib import Path

    from indicateurs.imports.modele import modele_csv, modele_xlsx

    ref = _referentiel(args)
    if args.direction not in {d.code for d in ref.directions}:
        print(f"Direction inconnue : « {args.direction} ». Codes possibles : "
              f"{', '.join(d.code for d in ref.directions)}.", file=sys.stderr)
        return EXIT_USAGE
    content = (modele_csv if args.format == "csv" else modele_xlsx)(ref, args.direction, args.mois)
    Path(args.out).write_bytes(content)
    print(f"Modèle écrit dans {args.out}")
    return EXIT_OK


def cmd_completude(args) -> int:
    from pathlib import Path

    from indicateurs.db import open_database
    from indicateurs.imports.completude import completude, manquantes_csv
    from indicateurs.referentiel_store import read_referentiel

    db = open_database(args.db)
    ref = read_referentiel(db)
    if not ref.parcours:
        print("Le référentiel n'est pas encore chargé dans cette base : lancez d'abord "
              "« python -m indicateurs init ».", file=sys.stderr)
        return EXIT_INVALID
    if args.direction and args.direction not in {d.code for d in ref.directions}:
        print(f"Direction inconnue : « {args.direction} ». Codes possibles : "
              f"{', '.join(d.code for d in ref.directions)}.", file=sys.stderr)
        return EXIT_USAGE
    result = completude(db, direction=args.direction)
    resume = result.resume.copy()
    resume["mois"] = [f"{m:%Y-%m}" for m in resume["mois"]]
    sys.stdout.write(csv_text(resume, sep=",", decimal=".", lineterminator="\n"))
    if args.out:
        Path(args.out).write_bytes(manquantes_csv(result))
        print(f"{len(result.manquantes)} valeur(s) manquante(s) listée(s) dans {args.out}", file=sys.stderr)
    return EXIT_OK


def cmd_impact(args) -> int:
    from indicateurs.db import open_database
    from indicateurs.lecture import verdicts
    from indicateurs.referentiel_store import read_referentiel
    from indicateurs.resultats import refresh_results, results_are_stale

    db = open_database(args.db)
    ref = read_referentiel(db)
    for option, known in (("direction", {d.code for d in ref.directions}), ("parcours", {p.code for p in ref.parcours})):
        value = getattr(args, option)
        if value and value not in known:
            print(f"{option} inconnu(e) : « {value} ». Codes possibles : {', '.join(sorted(known))}.", file=sys.stderr)
            return EXIT_USAGE
    if results_are_stale(db):
        refresh_results(db)
    table = verdicts(db, direction=args.direction, parcours=args.parcours)
    table = table[["parcours", "indicateur", "methode", "estimate", "low", "high", "verdict", "phrase"]].rename(
        columns={"methode": "méthode"})
    if args.format == "json":
        records = table.astype(object).where(table.notna(), None).to_dict(orient="records")
        json.dump(records, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        sys.stdout.write(_plain_csv(table))
    return EXIT_OK


def cmd_init(args) -> int:
    from indicateurs.operations import initialise

    result = initialise(args.db, _operator(args), with_demo=args.demo, forcer=args.forcer, end_month=args.fin,
                        referentiel_dir=args.referentiel)
    print(f"Base prête : {result.db.path}")
    if result.referentiel_conserve:
        print("Référentiel conservé : il a été modifié dans l'application depuis son dernier chargement ; les "
              "fichiers ne le remplacent pas. Pour revenir aux fichiers : page « Référentiel », « Recharger "
              "depuis les fichiers ».")
    else:
        print("Référentiel chargé." if result.referentiel_charge else "Référentiel déjà à jour.")
    if args.demo:
        print(f"Données de démonstration : {result.valeurs_demo} valeurs écrites."
              if result.valeurs_demo else "Données de démonstration déjà présentes.")
        if args.forcer and result.valeurs_demo:
            print("Attention : à votre demande (--forcer), ces valeurs fictives ont été ajoutées à une base qui "
                  "contient des imports réels ; annulez l'import de démonstration pour les retirer.")
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
    if args.exporter:
        from indicateurs.db import open_database
        from indicateurs.referentiel_store import export_referentiel

        if not resolve_path(args.db).exists():
            print(f"Pas de base {resolve_path(args.db)} : rien à exporter.", file=sys.stderr)
            return EXIT_INVALID
        for path in export_referentiel(open_database(args.db), args.exporter):
            print(f"Écrit : {path}")
        return EXIT_OK
    ref = _referentiel(args)
    if args.format == "json":
        json.dump(ref.as_json(), sys.stdout, ensure_ascii=False, indent=2)
        print()
        return EXIT_OK
    for name, frame in ref.frames().items():
        print(f"# {name}")
        print(_plain_csv(frame))
    return EXIT_OK


def cmd_export(args) -> int:
    from indicateurs.db import open_database
    from indicateurs.valeurs import export_values

    frame = export_values(open_database(args.db))
    write_table(frame, args.out, args.format, excel=args.convention == "excel")
    print(f"{len(frame)} valeurs écrites dans {args.out}")
    return EXIT_OK


COMMANDS = {
    "init": cmd_init, "referentiel": cmd_referentiel, "export": cmd_export, "import": cmd_import,
    "imports": cmd_imports, "annuler": cmd_annuler, "modele": cmd_modele, "completude": cmd_completude,
    "impact": cmd_impact, "fiche": fiche_commande.run,
}


def _loaded_refusals() -> tuple[type[Exception], ...]:
    """``DemoRefusee`` if its module was loaded (only ``init`` loads it: importing it for every command
    would load the statistics stack, seconds of start-up)."""
    setup = sys.modules.get("indicateurs.setup")
    return (setup.DemoRefusee,) if setup is not None else ()


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, run the command, turn known failures into French messages and exit codes."""
    import duckdb

    from indicateurs.identite import ConfigurationInvalide
    from indicateurs.operations import ActionInterdite

    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.commande](args)
    except ActionInterdite as error:
        print(f"{error}\nLes rôles viennent du fichier d'habilitations (ou, pour un administrateur local, de "
              "OBSERVATOIRE_ADMINISTRATEUR_LOCAL) : voir « python -m indicateurs --help ».", file=sys.stderr)
        return EXIT_INVALID
    except (ConfigurationInvalide, *_loaded_refusals()) as error:
        print(str(error), file=sys.stderr)
        return EXIT_INVALID
    except duckdb.Error as error:
        print(f"La base {resolve_path(args.db)} est illisible ou n'est pas une base de l'Observatoire "
              f"({type(error).__name__}). Vérifiez le chemin donné à --db ou à OBSERVATOIRE_DB.", file=sys.stderr)
        return EXIT_INVALID
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
