"""Building a fiche CODIR: data, charts and layout, within its page limit.

``build_fiche(db, direction, mois)`` gathers the stored results (``donnees``), draws the two or three
most telling charts to SVG (``rendu_svg``, one browser per process) and lays everything out with typst
(``mise_en_page``). A direction fits on 2 pages, the City on 4: when the content is longer, the fiche
prints one line per change instead of its whole sentence, then drops charts, then shortens the list of
missing values (the City's fiche always uses one line per change).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date

from indicateurs.db import Database
from indicateurs.fiche import courbes
from indicateurs.fiche.donnees import VILLE, Sources, fiche_data, rest_line, scope
from indicateurs.fiche.mise_en_page import page_count, render_pdf
from indicateurs.fiche.rendu_svg import RenduImpossible, RenduSVG, renderer
from indicateurs.referentiel import Referentiel
from indicateurs.referentiel_store import read_referentiel
from indicateurs.valeurs import store_versions

__all__ = ["Fiche", "Sources", "VILLE", "build_fiche", "file_name", "scope"]

MAX_PAGES = {False: 2, True: 4}
CHARTS = 3
# The reads and charts of the last data version seen, per base: a second fiche of the same data (another
# direction, another click) reuses them. Keyed on the store's versions, so any write starts afresh.
_shared: dict[str, tuple[tuple[int, int], Sources, dict]] = {}
_shared_lock = threading.Lock()


def shared_sources(db: Database, ref: Referentiel | None = None) -> tuple[Sources, dict]:
    """The reads and the chart cache shared by the fiches of the current data version of ``db``."""
    versions = store_versions(db)
    key = str(db.path)
    with _shared_lock:
        known = _shared.get(key)
        if known is None or known[0] != versions:
            known = (versions, Sources(db, ref or read_referentiel(db)), {})
            _shared[key] = known
        return known[1], known[2]


@dataclass
class Fiche:
    """A built fiche: the PDF, its page count, and the French warnings (charts missing, content cut)."""

    pdf: bytes
    pages: int
    avertissements: list[str] = field(default_factory=list)


def file_name(direction: str | None, mois: date) -> str:
    """« fiche-codir-DPE-2026-10.pdf », « fiche-codir-VILLE-2026-10.pdf »."""
    return f"fiche-codir-{(direction or VILLE).upper()}-{mois:%Y-%m}.pdf"


def _charts(db: Database, ref: Referentiel, data: dict, count: int, draw: RenduSVG,
            cache: dict) -> tuple[list[dict], str | None]:
    changes = data.get("_changements")
    if changes is None or changes.empty or count <= 0:
        return [], None
    out = []
    for parcours, indicateur in courbes.chosen_series(changes, count):
        key = (parcours, indicateur)
        if key not in cache:
            try:
                cache[key] = draw.svg(courbes.paper_chart(db, ref, parcours, indicateur),
                                      courbes.WIDTH, courbes.HEIGHT).decode("utf-8")
            except RenduImpossible as error:
                return [], ("Les graphiques manquent à cette fiche : " + str(error) + ". Les chiffres et les "
                            "phrases ci-dessus sont complets ; les courbes sont sur la page « Parcours ».")
        row = changes[(changes["parcours"] == parcours) & (changes["indicateur"] == indicateur)].iloc[0]
        out.append({"svg": cache[key], "legende": courbes.caption(row)})
    return out, None


def build_fiche(db: Database, direction: str | None, mois: date, *, ref: Referentiel | None = None,
                draw: RenduSVG | None = None, sources: Sources | None = None,
                svg_cache: dict | None = None) -> Fiche:
    """The fiche of ``direction`` (None or « VILLE »: the whole City) for ``mois``.

    ``KeyError`` for an unknown direction. Never fails for want of a browser: the fiche then says why
    its charts are missing. A batch of fiches shares its reads (``sources``) and draws a chart shared by
    two fiches once (``svg_cache``).
    """
    if sources is None:
        sources, shared_cache = shared_sources(db, ref)
        svg_cache = shared_cache if svg_cache is None else svg_cache
    ref = sources.ref
    draw = draw or renderer()
    cache = {} if svg_cache is None else svg_cache
    data = fiche_data(db, ref, direction, mois, sources)
    changes = data.pop("_changements", None)
    limit = MAX_PAGES[data["ville"]]
    warnings: list[str] = []
    charts, notice = _charts(db, ref, {"_changements": changes}, CHARTS, draw, cache)
    if notice:
        warnings.append(notice)
    data["graphiques"], data["avis_graphiques"] = charts, notice
    pdf = render_pdf(data)
    pages = page_count(pdf)
    if pages > limit and not data["compact"]:  # one line per change rather than the whole sentence
        data["compact"] = True
        pdf = render_pdf(data)
        pages = page_count(pdf)
    while pages > limit and data["graphiques"]:
        data["graphiques"] = data["graphiques"][:-1]
        pdf = render_pdf(data)
        pages = page_count(pdf)
    completeness = data.get("completude")
    while pages > limit and completeness and completeness["lignes"]:
        keep = len(completeness["lignes"]) // 2
        completeness["reste_n"] += len(completeness["lignes"]) - keep
        completeness["lignes"] = completeness["lignes"][:keep]
        completeness["reste"] = rest_line(completeness["reste_n"])
        pdf = render_pdf(data)
        pages = page_count(pdf)
    if pages > limit:
        warnings.append(f"La fiche tient sur {pages} pages au lieu de {limit} au plus.")
    return Fiche(pdf=pdf, pages=pages, avertissements=warnings)
