"""The app's pages and the menu each role sees.

Every page is registered with ``st.navigation`` (its menu hidden) so that any address opens through
app.py: a page the user may not use is absent from the menu built here with ``st.page_link``, and opened
by its address it refuses in French itself (``ui.identite.refuse_unless``), instead of Streamlit's
English « page not found ».
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import streamlit as st

from indicateurs.roles import Utilisateur


@dataclass(frozen=True)
class Entree:
    script: str
    title: str
    icon: str
    allowed: Callable[[Utilisateur], bool] = lambda user: True
    default: bool = False

    @property
    def url_path(self) -> str:
        return self.script.rsplit("/", 1)[-1].removesuffix(".py")


SECTIONS: dict[str, list[Entree]] = {
    "Tableaux de bord": [
        Entree("pages/vue_ensemble.py", "Vue d'ensemble", ":material/dashboard:", default=True),
        Entree("pages/direction.py", "Direction", ":material/apartment:"),
        Entree("pages/parcours.py", "Parcours", ":material/timeline:"),
        Entree("pages/engagements.py", "Les 4 engagements", ":material/verified:"),
        Entree("pages/agents.py", "Conditions de travail des agents", ":material/groups:"),
        Entree("pages/miroir.py", "Miroir agents / usagers", ":material/compare_arrows:"),
        Entree("pages/methodologie.py", "Méthodologie", ":material/menu_book:"),
    ],
    "Données": [
        Entree("pages/import_donnees.py", "Import", ":material/upload_file:", Utilisateur.peut_importer),
        Entree("pages/completude.py", "Complétude", ":material/fact_check:"),
    ],
    "Administration": [
        Entree("pages/journal.py", "Journal d'audit", ":material/history:", Utilisateur.est_administrateur),
        Entree("pages/referentiel.py", "Référentiel", ":material/edit_note:", Utilisateur.peut_modifier_referentiel),
    ],
}


def url_paths() -> list[str]:
    """Every page's address (``import_donnees``, ``journal``…), the default page's included."""
    return [e.url_path for entries in SECTIONS.values() for e in entries]


def allowed_titles(user: Utilisateur) -> dict[str, list[str]]:
    """The menu of ``user``: section → page titles it may use (empty sections left out)."""
    menu = {name: [e.title for e in entries if e.allowed(user)] for name, entries in SECTIONS.items()}
    return {name: titles for name, titles in menu.items() if titles}


def run_navigation(user: Utilisateur) -> None:
    """Register every page, draw ``user``'s menu in the sidebar, run the page asked for."""
    pages = {name: [st.Page(e.script, title=e.title, icon=e.icon, default=e.default) for e in entries]
             for name, entries in SECTIONS.items()}
    current = st.navigation(pages, position="hidden")
    with st.sidebar:
        for name, entries in SECTIONS.items():
            shown = [(e, page) for e, page in zip(entries, pages[name]) if e.allowed(user)]
            if not shown:
                continue
            st.caption(name)
            for _, page in shown:
                st.page_link(page)
    current.run()  # app.py shows a French word meanwhile (ui/attente.py)
