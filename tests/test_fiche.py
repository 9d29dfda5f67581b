"""Fiche CODIR: real PDFs rendered with poppler (pdftoppm, pdftotext) and checked against the stored results.

Expected sentences and figures are read from the ``resultats`` table with SQL, never from the fiche's code.
Chart checks need chromium: without it they are skipped, except under CI=true where they must run.
"""

from __future__ import annotations

import os
import re
import struct
import subprocess
import zlib
from datetime import date
from pathlib import Path

import pytest

from indicateurs.fiche.rendu_svg import RenduSVG, find_browser

IMPROVEMENT = "amélioration significative"
DEGRADATION = "dégradation significative"
MONTH = date(2026, 10, 1)
A4_RATIO = 297 / 210


def _sql(db, statement, params=()):
    with db.transaction() as con:
        con.execute(statement, list(params))


def collapse(text: str) -> str:
    """Whitespace collapsed; pdftotext writes no-break spaces as spaces, so they count as spaces here."""
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True)
    return collapse(out.stdout.decode("utf-8"))


def rendered_pages(path: Path, folder: Path) -> int:
    """Render every page to PNG with pdftoppm; check each is an A4 portrait picture; return the count."""
    prefix = folder / path.stem
    subprocess.run(["pdftoppm", "-r", "20", "-png", str(path), str(prefix)], check=True, capture_output=True)
    pictures = sorted(folder.glob(f"{path.stem}-*.png"))
    for picture in pictures:
        header = picture.read_bytes()[:24]
        assert header[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", header[16:24])
        assert abs(height / width - A4_RATIO) < 0.02, picture
    return len(pictures)


def mapped_characters(pdf: bytes) -> set[str]:
    """Characters the PDF's fonts map their glyphs to (ToUnicode CMaps): what a reader copying text gets."""
    chars = set()
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            data = zlib.decompress(match.group(1))
        except zlib.error:
            continue
        if b"beginbfchar" not in data and b"beginbfrange" not in data:
            continue
        for code in re.findall(rb"<[0-9A-Fa-f]+>\s*<([0-9A-Fa-f]{4,})>", data):
            text = code.decode()
            chars.update(chr(int(text[i:i + 4], 16)) for i in range(0, len(text), 4))
    return chars


def charts_expected() -> bool:
    """True when chromium is there; without it, skip (or fail under CI, where it must be installed)."""
    if find_browser() is not None:
        return True
    if os.environ.get("CI") == "true":
        pytest.fail("chromium est introuvable alors que CI=true : les graphiques de la fiche ne sont pas testés")
    return False


def stored_significant(db, direction: str | None, month: date):
    """Stored significant series of the direction (or City) for parcours deployed by ``month``."""
    return db.query_df("""
        SELECT r.parcours, r.indicateur, i.libelle AS libelle_indicateur, i.famille, r.verdict, r.phrase, r.effet,
               r.effet_bas, r.effet_haut
        FROM resultats r JOIN parcours p ON p.code = r.parcours JOIN indicateurs i ON i.code = r.indicateur
        WHERE (? IS NULL OR p.direction = ?) AND r.verdict IN (?, ?) AND i.sens <> 'neutre'
          AND p.date_deploiement <= ?
    """, [direction, direction, IMPROVEMENT, DEGRADATION, month])


def run_cli(argv: list[str]) -> int:
    from indicateurs.cli_fr import FrenchParser
    from indicateurs.fiche import commande

    parser = FrenchParser(prog="python -m indicateurs")
    parser.add_argument("--db")
    commands = parser.add_subparsers(dest="commande", parser_class=FrenchParser, prog="python -m indicateurs")
    commande.add_parser(commands)
    return commande.run(parser.parse_args(argv))


def test_direction_fiche_holds_the_stored_sentences(demo_db, tmp_path):
    from indicateurs.fiche import build_fiche

    fiche = build_fiche(demo_db, "DFA", MONTH)
    path = tmp_path / "dfa.pdf"
    path.write_bytes(fiche.pdf)
    assert rendered_pages(path, tmp_path) == fiche.pages
    assert 1 <= fiche.pages <= 2
    text = pdf_text(path)
    expected = stored_significant(demo_db, "DFA", MONTH)
    assert len(expected) >= 3
    for phrase in expected["phrase"]:
        assert collapse(phrase) in text
    assert "Direction DFA – Finances et Achats" in text
    assert "octobre 2026" in text and "Données de démonstration" in text
    assert "Données arrêtées au" in text and "(dernier import)" in text
    assert "Ce qui a changé" in text and "Complétude du mois" in text and "page « Méthodologie »" in text
    # deteriorations first, on each side
    sides = {"usagers": text[text.index("Pour les usagers"):text.index("Pour les agents")],
             "agents": text[text.index("Pour les agents"):text.index("Usagers et agents : dans quel sens ?")]}
    for r in expected.itertuples():
        assert collapse(r.phrase) in sides["agents" if r.famille == "conditions de travail des agents" else "usagers"]
    for side in sides.values():
        worse = [side.index(collapse(p)) for p in expected[expected["verdict"] == DEGRADATION]["phrase"] if collapse(p) in side]
        better = [side.index(collapse(p)) for p in expected[expected["verdict"] == IMPROVEMENT]["phrase"] if collapse(p) in side]
        if worse and better:
            assert max(worse) < min(better)
    score = demo_db.query_one("SELECT score FROM scores WHERE niveau = 'direction' AND code = 'DFA'")[0]
    assert f"{score:.2f}".replace(".", ",") in text
    for mark in ("é", "è", "à", "«", "»", "▲"):
        assert mark in text
    assert "▼" in text  # DFA's agents have stored deteriorations in the demo base
    assert {"\u202f", "«", "»", "▲", "▼"} <= mapped_characters(fiche.pdf)
    if charts_expected():
        assert fiche.avertissements == []
        assert "déploiement (" in text and "janv. 2025" in text  # chart text: French months, vector
        assert "Les graphiques manquent" not in text


def _written(magnitude: float) -> str:
    """A bound as the fiche must write it: one decimal, more (up to five) while a non-zero bound reads 0."""
    for decimals in range(1, 6):
        text = f"{magnitude:.{decimals}f}"
        if magnitude == 0 or text.strip("0."):
            break
    return text.replace(".", ",")


def test_every_fiche_with_toutes_and_the_city(demo_db, tmp_path):
    out = tmp_path / "fiches"
    assert run_cli(["--db", str(demo_db.path), "fiche", "--toutes", "--mois", "2026-10", "--out", str(out)]) == 0
    directions = [r[0] for r in demo_db.query_df("SELECT code FROM directions").itertuples(index=False)]
    files = sorted(p.name for p in out.glob("*.pdf"))
    assert files == sorted([f"fiche-codir-{d}-2026-10.pdf" for d in directions] + ["fiche-codir-VILLE-2026-10.pdf"])
    pictures = tmp_path / "png"
    pictures.mkdir()
    for code in directions:
        path = out / f"fiche-codir-{code}-2026-10.pdf"
        assert 1 <= rendered_pages(path, pictures) <= 2, code
        text = pdf_text(path)
        assert f"Direction {code} –" in text
        for phrase in stored_significant(demo_db, code, MONTH)["phrase"]:
            assert collapse(phrase) in text, (code, phrase)
    city = out / "fiche-codir-VILLE-2026-10.pdf"
    assert 1 <= rendered_pages(city, pictures) <= 4
    text = pdf_text(city)
    assert "Ville de Paris – toutes les directions" in text
    expected = stored_significant(demo_db, None, MONTH)
    for r in expected.itertuples():
        low, high = _written(abs(r.effet_bas)), _written(abs(r.effet_haut))
        assert collapse(f"{r.parcours} — {r.libelle_indicateur} :") in text, r.parcours
        assert re.search(rf"\[−?{re.escape(low)} ; −?{re.escape(high)}\]", text), (r.parcours, r.indicateur)
    for code in directions:
        assert f" {code} " in text  # the City's table, one row per direction


def test_direction_or_month_without_data_gives_one_page(empty_db, demo_db, tmp_path):
    from indicateurs.fiche import build_fiche

    for db, direction, month, who in ((empty_db, "DPE", MONTH, "la direction DPE"),
                                      (demo_db, None, date(2027, 5, 1), "la Ville")):
        fiche = build_fiche(db, direction, month)
        path = tmp_path / f"vide-{direction}.pdf"
        path.write_bytes(fiche.pdf)
        assert rendered_pages(path, tmp_path) == 1
        text = pdf_text(path)
        assert f"Aucune valeur n'est enregistrée pour {who} en" in text


def test_month_before_any_deployment(demo_db, tmp_path):
    from indicateurs.fiche import build_fiche

    first = demo_db.query_one("SELECT min(date_deploiement) FROM parcours WHERE direction = 'DFA'")[0]
    assert first > date(2024, 6, 1)
    fiche = build_fiche(demo_db, "DFA", date(2024, 6, 1))
    path = tmp_path / "avant.pdf"
    path.write_bytes(fiche.pdf)
    assert rendered_pages(path, tmp_path) == 1
    text = pdf_text(path)
    assert "Aucun parcours de la direction n'était encore déployé en juin 2024" in text
    for phrase in stored_significant(demo_db, "DFA", MONTH)["phrase"]:
        assert collapse(phrase) not in text


def test_hostile_labels_print_literally(demo_db, tmp_path):
    from indicateurs.fiche import build_fiche

    hostile = "#set page(width: 3cm) *gras* <script>alert(1)</script> $x^2$"
    _sql(demo_db, "UPDATE parcours SET libelle = ? WHERE code = 'DFA-MARCHE'", [hostile])
    _sql(demo_db, "UPDATE directions SET libelle = ? WHERE code = 'DFA'", ["*Finances* #pagebreak()"])
    fiche = build_fiche(demo_db, "DFA", MONTH)
    path = tmp_path / "hostile.pdf"
    path.write_bytes(fiche.pdf)
    assert 1 <= rendered_pages(path, tmp_path) <= 2  # A4 pages, so no « #set page » took effect
    text = pdf_text(path)
    assert collapse(hostile) in text
    assert "Direction DFA – *Finances* #pagebreak()" in text


def test_verdicts_that_moved_are_listed(demo_db, tmp_path):
    from indicateurs.fiche import build_fiche

    _sql(demo_db, "UPDATE resultats SET verdict_precedent = 'pas de changement détectable' "
                  "WHERE parcours = 'DFA-MARCHE' AND indicateur = 'DELAI_TRAITEMENT'")
    current = demo_db.query_one("SELECT verdict FROM resultats WHERE parcours = 'DFA-MARCHE' "
                                "AND indicateur = 'DELAI_TRAITEMENT'")[0]
    path = tmp_path / "mouvements.pdf"
    path.write_bytes(build_fiche(demo_db, "DFA", MONTH).pdf)
    text = pdf_text(path)
    section = text[text.index("Verdicts qui ont changé depuis la fiche précédente"):]
    for cell in ("DFA-MARCHE", "Délai moyen de traitement", "● pas de changement détectable", current):
        assert cell in section


def test_without_chromium_the_fiche_says_why_and_the_cli_exits_0(demo_db, tmp_path, monkeypatch, capsys):
    from indicateurs.fiche import build_fiche, rendu_svg

    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "pas-de-chromium"))
    fiche = build_fiche(demo_db, "DFA", MONTH, draw=RenduSVG())
    path = tmp_path / "sans.pdf"
    path.write_bytes(fiche.pdf)
    text = pdf_text(path)
    assert "Les graphiques manquent à cette fiche : le navigateur indiqué par BROWSER_PATH" in text
    for phrase in stored_significant(demo_db, "DFA", MONTH)["phrase"]:
        assert collapse(phrase) in text
    assert fiche.avertissements
    monkeypatch.setattr(rendu_svg, "_RENDERER", RenduSVG())
    out = tmp_path / "cli.pdf"
    assert run_cli(["--db", str(demo_db.path), "fiche", "--direction", "dfa", "--mois", "2026-10",
                    "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    err = capsys.readouterr().err
    assert "Attention (DFA) : Les graphiques manquent" in err


def test_cli_usage_errors_exit_2_in_french(demo_db, tmp_path, capsys):
    assert run_cli(["--db", str(demo_db.path), "fiche", "--direction", "XYZ", "--out", str(tmp_path / "x.pdf")]) == 2
    assert "direction inconnue : « XYZ »" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()
    for argv in (["fiche", "--direction", "DPE", "--mois", "2026-13"], ["fiche", "--mois", "2026-10"],
                 ["fiche", "--direction", "DPE", "--toutes"]):
        with pytest.raises(SystemExit) as exit_info:
            run_cli(["--db", str(demo_db.path), *argv])
        assert exit_info.value.code == 2
        err = capsys.readouterr().err
        assert "erreur" in err and "error" not in err
    with pytest.raises(SystemExit) as exit_info:
        run_cli(["fiche", "--help"])
    assert exit_info.value.code == 0
    assert "mois de la fiche (par défaut : le dernier mois complet)" in collapse(capsys.readouterr().out)
