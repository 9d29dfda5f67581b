"""Laying a fiche out as a PDF with typst: the template ``fiche.typ`` reads the fiche's data as JSON.

The data is passed through ``sys.inputs``, never pasted into the template, so a label such as
``#set page(...)`` or ``*gras*`` prints as typed. Fonts are DejaVu Sans (Debian ``fonts-dejavu-core``),
which has « », ▲ ▼ and the narrow no-break space of French numbers; the system's fonts are ignored so
that the fiche looks the same on every machine.
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

import typst

TEMPLATE = Path(__file__).with_name("fiche.typ")
FONT_DIRECTORIES = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"),
                    Path("/usr/share/fonts/TTF"))
FONT_FILE = "DejaVuSans.ttf"
_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


class PoliceIntrouvable(Exception):
    """DejaVu Sans is not installed; the message says which package to install."""


def font_paths() -> list[str]:
    """The folders holding DejaVu Sans; ``PoliceIntrouvable`` when none does."""
    found = [str(d) for d in FONT_DIRECTORIES if (d / FONT_FILE).exists()]
    if not found:
        raise PoliceIntrouvable("La police DejaVu Sans est introuvable : installez le paquet Debian "
                                "« fonts-dejavu-core ».")
    return found


_compiler: typst.Compiler | None = None
_lock = threading.Lock()


def _the_compiler() -> typst.Compiler:
    global _compiler
    if _compiler is None:
        _compiler = typst.Compiler(str(TEMPLATE), root=str(TEMPLATE.parent), font_paths=font_paths(),
                                   ignore_system_fonts=True)
    return _compiler


def render_pdf(data: dict) -> bytes:
    """The fiche's data (JSON-ready) laid out as PDF bytes."""
    payload = json.dumps(data, ensure_ascii=False)
    with _lock:  # one compiler per process: its font book is loaded once
        return _the_compiler().compile(sys_inputs={"data": payload})


def page_count(pdf: bytes) -> int:
    """How many pages a PDF written by typst has (its page objects are not compressed)."""
    return len(_PAGE.findall(pdf))
