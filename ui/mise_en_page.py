"""What every page shows: the demo banner, the last import date, the sidebar filters, empty states."""

from __future__ import annotations

from datetime import date, datetime

import streamlit as st

from indicateurs.db import Database
from indicateurs.format_fr import format_month
from indicateurs.mois import month_code, month_range, parse_month_code
from indicateurs.setup import has_demo_data
from indicateurs.synthese import data_period, last_import_time
from ui.contexte import database, once_per_run, referentiel, results_pending, version
from ui.impression import print_styles
from ui.texte import litteral

ALL = ""


def banner() -> None:
    """The « données de démonstration » banner while demo data is live, the date of the last import, and the
    print style sheet (so that printing any page leaves out the sidebar and toolbars)."""
    print_styles()
    demo, last, _ = _store_facts()
    if demo:
        st.warning("**Données de démonstration** : les valeurs affichées sont fictives et servent à "
                   "découvrir l'outil. Elles seront remplacées par les fichiers des directions.", icon=":material/science:")
    if results_pending():
        st.info("Les résultats sont en cours de mise à jour après le dernier import : les verdicts affichés sont "
                "encore ceux d'avant. Rechargez la page dans un instant.", icon=":material/hourglass_top:")
    if last is not None:
        st.caption(f"Dernier import : le {last:%d/%m/%Y à %H:%M}.")


def _store_facts() -> tuple[bool, datetime | None, tuple[date | None, date | None]]:
    """Demo data live?, the last import's time, the first and last months with values: of the current version
    (asked by the banner and the filters, looked up once per script run)."""
    db = database()
    return once_per_run("faits", lambda: _store_facts_of(db, str(db.path), version()))


# Every write that changes them (an import, a cancellation, a referential edit) moves the data version:
# read once per version and per process, not three queries on every rerun of every page.
@st.cache_resource(show_spinner=False, max_entries=8)
def _store_facts_of(_db: Database, path: str, store_version: str) -> tuple[bool, datetime | None,
                                                                            tuple[date | None, date | None]]:
    return has_demo_data(_db), last_import_time(_db), data_period(_db)


def empty_state(message: str) -> None:
    """A French explanation (never a traceback) when there is nothing to show yet."""
    st.info(message, icon=":material/info:")


# Shared, never copied (callers only read it): each month's code and its French label, so that the two
# month selectboxes label their options by a look-up instead of parsing and formatting every code on every run.
@st.cache_resource(show_spinner=False, max_entries=4)
def _months(first: date | None, last: date | None) -> dict[str, str]:
    if first is None:
        return {}
    return {month_code(m): format_month(m) for m in month_range(first, last)}


def url_selectbox(label: str, options: list[str], *, key: str, format_func, default: str,
                  notices: list[str] | None = None) -> str:
    """A selectbox whose value lives in the URL as ``?key=value`` (a code, readable and shareable).

    The URL seeds the widget on the first run; afterwards the widget writes its value back to the URL.
    Streamlit forgets a widget's state when the reader changes page, so the last value is also kept
    under a second key and the selection follows the reader from page to page. A value of the link that
    is not among ``options`` gets a French notice (codes ignore case): shown where the selectbox is, or
    added to ``notices`` for the caller to show in the page (the sidebar is easy to miss).
    """
    remembered = f"_memoire_{key}"
    current = st.session_state.get(key)
    if current not in options:
        from_url = st.query_params.get(key)
        by_case = {str(o).casefold(): o for o in options}
        matched = by_case.get(from_url.strip().casefold()) if from_url else None  # codes ignore case
        current = next((v for v in (matched, st.session_state.get(remembered)) if v in options), default)
        st.session_state.pop(key, None)
        if from_url and matched is None:
            notice = link_notice(label, from_url, format_func(current))
            if notices is None:
                st.warning(notice, icon=":material/link_off:")
            else:
                notices.append(notice)
    value = st.selectbox(label, options, index=options.index(current), key=key, format_func=format_func)
    st.session_state[remembered] = value
    if value == default:
        st.query_params.pop(key, None)
    else:
        st.query_params[key] = value
    return value


def link_notice(label: str, asked: str, shown: str) -> str:
    """What the page says when a shared link asked for something not found, and what it shows instead:
    a reader must never take another parcours' figures for the ones in the link."""
    return (f"Le lien demande « {litteral(asked[:60])} » pour « {label} », qui n'existe pas ou n'est pas "
            f"disponible ici : la page montre « {litteral(shown)} » à la place.")


def sidebar_filters() -> tuple[date | None, date | None, str | None]:
    """Period and direction, in the sidebar and in the URL (copying the link shares the view). A link's
    unknown direction or month is named in the page itself, above its content."""
    first, last = _store_facts()[2]
    months = _months(first, last)
    ref = referentiel()
    notices: list[str] = []
    try:
        return _sidebar_filters(months, ref, notices)
    finally:
        for notice in notices:
            st.warning(notice, icon=":material/link_off:")


def _sidebar_filters(labels_by_month: dict[str, str], ref, notices: list[str]) -> tuple[date | None, date | None, str | None]:
    with st.sidebar:
        st.subheader("Filtres")
        directions = [ALL] + [d.code for d in ref.directions]
        labels = {d.code: f"{d.code} – {d.libelle}" for d in ref.directions}
        direction = url_selectbox("Direction", directions, key="direction", default=ALL, notices=notices,
                                  format_func=lambda c: labels.get(c, "Toutes les directions"))
        months = list(labels_by_month)
        if not months:
            st.caption("Aucune période disponible : la base ne contient pas encore de valeurs.")
            return None, None, direction or None
        month_label = labels_by_month.__getitem__
        debut = url_selectbox("Début de la période", months, key="debut", default=months[0],
                              format_func=month_label, notices=notices)
        fin = url_selectbox("Fin de la période", months, key="fin", default=months[-1], format_func=month_label,
                            notices=notices)
    start, end = parse_month_code(debut), parse_month_code(fin)
    if start > end:
        st.sidebar.warning("Le début de la période est après la fin : les deux ont été inversés.")
        start, end = end, start
    return start, end, direction or None
