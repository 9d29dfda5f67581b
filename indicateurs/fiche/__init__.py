"""Fiche CODIR: the monthly report of a direction, or of the whole City, as an A4 PDF.

``construction.build_fiche`` gathers the stored results (``donnees``), draws the most telling charts to
SVG (``rendu_svg``) and lays everything out with typst (``mise_en_page``); ``commande`` is the CLI's
``fiche`` subcommand. Names are loaded on first use, so that importing the CLI stays cheap.
"""

from __future__ import annotations

__all__ = ["Fiche", "Sources", "VILLE", "build_fiche", "file_name", "scope"]


def __getattr__(name: str):
    if name in __all__:
        from indicateurs.fiche import construction

        return getattr(construction, name)
    raise AttributeError(f"module 'indicateurs.fiche' has no attribute {name!r}")
