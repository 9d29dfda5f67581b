"""Streamlit's own words in French, ``lang="fr"``, and a keyboard path without chart toolbars.

Streamlit 1.67 has no language setting: its interface strings (the table toolbar « Show/hide columns »,
« Download as CSV », « Search », « Fullscreen », the « Skip to main content » link, the « No results » of
a select box, the file uploader's « Drag and drop… » and « Upload », the « Page not found » dialog, the
« Running... » status…) are English literals in its JavaScript bundle, and its page is served as
``<html lang="en">``. This module is the project's ONE override for that, documented in the README
(« Français partout »):

- ``install()`` (called once per run by app.py, before anything else, so that the sign-in screens, the
  refusals and every page get it) puts a small script in the page, in a hidden container. The script
  runs once per browser tab; a ``MutationObserver`` then, for every element Streamlit adds or changes (never
  inside the charts' SVG, which Plotly draws by thousands of nodes and which holds none of Streamlit's words):
  sets ``document.documentElement.lang = "fr"``; replaces the known English texts, ``aria-label``,
  ``title``, ``placeholder`` and ``aria-valuetext`` by their French (``TEXTS`` exact strings, ``PATTERNS`` for the ones
  carrying a number or a name, e.g. « Help for Score » → « Aide : Score »); takes Plotly's toolbar buttons
  out of the Tab order (``tabindex=-1``: the mouse still has them, a keyboard no longer crosses 7 buttons
  per chart; the chart's data and downloads are in its « Données du graphique » expander), and so are the
  « link to this heading » anchors that only show on mouse hover; and gives the
  page's headings an ``aria-level`` without jumps (an ``h3`` right under the ``h1`` is announced as a
  level 2), because pages go from ``st.title`` straight to ``st.subheader``. The date input (Journal d'audit)
  gets French month and day names (``MONTHS``, ``DAYS``) in its calendar, its labels and what a screen
  reader is told (``aria-valuetext``, « Selected Date: … »); its empty field reads « jj/mm/aaaa »
  (``SEGMENTS``); the calendar's one-letter weekday headings become the French initial of the day their
  column holds (« D L M M J V S » when the browser's locale starts weeks on Sunday, « L M M J V S D » in
  French: the order is the browser's, the letters always match their column).
- Text written by the project (Markdown, captions, headings, messages, metrics, widget labels) is never
  touched: only Streamlit's own chrome is translated (``PAGE_TEXT`` lists what is left alone).
- Re-check on every Streamlit upgrade: the strings come from ``streamlit/static/static/js`` and may
  change; tests/navigateur/test_francais.py (and test_francais_calendrier.py for the date input) fails when
  an English string shows again.
"""

from __future__ import annotations

import json
import re

import streamlit as st

CONTAINER_KEY = "observatoire-francais"

# Streamlit's English (exact text, after trimming) → what a French reader sees.
TEXTS: dict[str, str] = {
    # page frame
    "Skip to main content": "Aller au contenu principal",
    "Collapse sidebar": "Replier le menu",
    "Expand sidebar": "Déplier le menu",
    "Sidebar": "Menu latéral",
    "Main menu": "Menu principal",
    "Link to heading": "Lien vers ce titre",
    "Help": "Aide",
    "Close": "Fermer",
    "Print": "Imprimer",
    "About": "À propos",
    "Settings": "Paramètres",
    "Clear cache": "Vider le cache",
    "Copy to clipboard": "Copier",
    # status while a page computes, connection
    "Running...": "Calcul en cours…",
    "Stopping...": "Arrêt en cours…",
    "Stop": "Arrêter",
    "Rerun": "Relancer",
    "Always rerun": "Toujours relancer",
    "Please wait...": "Veuillez patienter…",
    "In progress...": "En cours…",
    "Loading...": "Chargement…",
    "Connecting": "Connexion en cours",
    "Connection error": "Erreur de connexion",
    "Connection timed out.": "Le serveur ne répond pas.",
    "Connection lost. Please wait for the app to reconnect, then try again.":
        "Connexion perdue. Attendez que l'application se reconnecte, puis réessayez.",
    "Reconnected to server.": "Reconnecté au serveur.",
    # unknown page
    "Page not found": "Page introuvable",
    # tables (st.dataframe)
    "Show/hide columns": "Afficher ou masquer des colonnes",
    "Download as CSV": "Télécharger en CSV",
    "Search": "Rechercher",
    "Type to search": "Tapez pour rechercher",
    "Close Search": "Fermer la recherche",
    "Next Result": "Résultat suivant",
    "Previous Result": "Résultat précédent",
    "Fullscreen": "Plein écran",
    "Close fullscreen": "Quitter le plein écran",
    "Exit fullscreen": "Quitter le plein écran",
    "Sort ascending": "Trier par ordre croissant",
    "Sort descending": "Trier par ordre décroissant",
    "Hide column": "Masquer la colonne",
    "Pin column": "Épingler la colonne",
    "Unpin column": "Désépingler la colonne",
    "Autosize": "Largeur automatique",
    "Copy column name": "Copier le nom de la colonne",
    "Select all": "Tout sélectionner",
    "Clear selection": "Effacer la sélection",
    "No data": "Aucune donnée",
    # select boxes
    "No results": "Aucun résultat",
    "No options to select.": "Aucune option à choisir.",
    "No options to select": "Aucune option à choisir",
    "Choose an option": "Choisir une option",
    "Choose options": "Choisir des options",
    "Select...": "Choisir…",
    "Open": "Ouvrir",
    "Clear all": "Tout effacer",
    "Clear": "Effacer",
    # file uploader
    "Drag and drop file here": "Glissez-déposez le fichier ici",
    "Drag and drop a file here": "Glissez-déposez un fichier ici",
    "Drag and drop files here": "Glissez-déposez des fichiers ici",
    "Browse files": "Parcourir",
    "Upload": "Parcourir",
    "Add files": "Ajouter des fichiers",
    "Uploading...": "Envoi en cours…",
    "Delete": "Supprimer",
    "Remove file": "Retirer le fichier",
    "Error uploading file": "Échec de l'envoi du fichier",
    # date input (Journal d'audit)
    "Choose date range": "Choisir une période",
    "Choose date": "Choisir une date",
    "Previous month": "Mois précédent",
    "Next month": "Mois suivant",
    "month": "mois",
    "year": "année",
    "Use arrow keys to navigate dates. Enter to select. Escape to close.":
        "Flèches pour parcourir les dates, Entrée pour choisir, Échap pour fermer.",
    "Clear dates": "Effacer les dates",
    "Clear date": "Effacer la date",
    "Dismiss": "Fermer",
    # react-aria's own words (the field and the calendar under Streamlit), as its French says them: a browser
    # set to French reads these already, one set to English reads them in English
    "Empty": "Vide",
    "Previous": "Précédent",
    "Next": "Suivant",
    "Click to start selecting date range": "Cliquer pour commencer à sélectionner la plage de dates",
    "Click to finish selecting date range": "Cliquer pour finir de sélectionner la plage de dates",
    "First available date": "Première date disponible",
    "Last available date": "Dernière date disponible",
    # its quick choice of a period (each one ends today)
    "Date range": "Période",
    "Quick select a date range": "Choisir une période toute faite",
    "Past Week": "Depuis une semaine",
    "Past Month": "Depuis un mois",
    "Past 3 Months": "Depuis 3 mois",
    "Past 6 Months": "Depuis 6 mois",
    "Past Year": "Depuis un an",
    "Past 2 Years": "Depuis 2 ans",
}

# Month and day names, for the date input's calendar (« December 2026 », « Monday, November 30, 2026 », the
# field's « December 03, 2026 » and « 12 – December »); the calendar's one-letter weekday headings are the
# French initial of the day their column holds (D L M M J V S when the browser starts weeks on Sunday).
MONTHS = dict(zip(["January", "February", "March", "April", "May", "June", "July", "August", "September",
                   "October", "November", "December"],
                  ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                   "octobre", "novembre", "décembre"]))
DAYS = dict(zip(["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
                ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"]))
# The date field's empty segments (Streamlit draws the field in en-US whatever the format): « dd/mm/yyyy ».
SEGMENTS = {"dd": "jj", "mm": "mm", "yyyy": "aaaa"}

# Texts carrying a name or a number: (JavaScript regular expression, French replacement).
PATTERNS: list[tuple[str, str]] = [
    (r"^Help for (.+)$", "Aide : $1"),
    (r"^Choose date range, (.+)$", "Choisir une période, $1"),
    # a day of a chosen period: « [Today, ]Selected Range: Thursday, December 3 to Monday, December 7, 2026,
    # Thursday, December 3, 2026 selected » (the dates themselves are then put in French by the page's script)
    (r"^Today, Selected Range: (.+) to (.+), (.+) selected$",
     "Aujourd'hui, Plage sélectionnée : $1 à $2, $3 sélectionné"),
    (r"^Selected Range: (.+) to (.+), (.+) selected$", "Plage sélectionnée : $1 à $2, $3 sélectionné"),
    (r"^Selected Range: (.+) to (.+)$", "Plage sélectionnée : $1 à $2"),
    (r"^Today, (.+) selected$", "Aujourd'hui, $1 sélectionné"),
    (r"^Today, (.+)$", "Aujourd'hui, $1"),
    (r"^(.+ [0-9]{4}) selected$", "$1 sélectionné"),
    (r"^Selected Date: (.+)$", "Date sélectionnée : $1"),
    (r"^day, (.+) start date$", "jour, $1 : date de début"),
    (r"^month, (.+) start date$", "mois, $1 : date de début"),
    (r"^year, (.+) start date$", "année, $1 : date de début"),
    (r"^day, (.+) end date$", "jour, $1 : date de fin"),
    (r"^month, (.+) end date$", "mois, $1 : date de fin"),
    (r"^year, (.+) end date$", "année, $1 : date de fin"),
    (r"^(.+) start date$", "$1 : date de début"),
    (r"^(.+) end date$", "$1 : date de fin"),
    # « 100MB per file • CSV, XLSX, TXT »: the size is Streamlit's transport limit, not the import's (the
    # label of the Import page says the real one), so only the accepted formats are kept.
    (r"^(?:Limit )?[\d.,]+\s?[KMG]?B per file$", "Formats acceptés"),
    (r"^(?:Limit )?[\d.,]+\s?[KMG]?B per file • (.+)$", "Formats acceptés • $1"),
    (r"^File must be ([\d.,]+)\s?MB or smaller\.?$", "Le fichier doit faire au plus $1 Mo."),
    (r"^(.+) files are not allowed\.$", "Les fichiers de type $1 ne sont pas acceptés."),
    (r"^You have requested page /(.+), but no corresponding file was found in the app's pages/ directory\. "
     r"Running the app's main page\.$", "La page « $1 » n'existe pas ou ne vous est pas ouverte : "
                                        "l'application affiche sa page d'accueil."),
    (r"^The page that you have requested does not seem to exist\. Running the app's main page\.$",
     "La page demandée n'existe pas : l'application affiche sa page d'accueil."),
]

# What the project writes itself (already French, possibly a user's text): never rewritten.
PAGE_TEXT = ", ".join([
    '[data-testid="stMarkdown"]', '[data-testid="stCaptionContainer"]', '[data-testid="stHeading"]',
    '[data-testid="stAlert"]', '[data-testid="stMetric"]', '[data-testid="stWidgetLabel"]',
    '[data-testid="stExpander"] summary', '[data-testid="stTable"]', '[data-testid="stHtml"]',
    '[data-testid="stCode"]', '[data-testid="stText"]', '[data-testid="stPageLink"]',
    '[data-testid="stDownloadButton"]', '[data-testid="stButton"]', '[data-testid="stSpinner"]',
    '[data-testid="stPlotlyChart"] .main-svg', '[data-baseweb="select"] [value]',
])

SCRIPT = """
<script>
(() => {
  if (window.__observatoireFrancais) return;
  window.__observatoireFrancais = true;
  const TEXTS = %(texts)s;
  const PATTERNS = %(patterns)s.map(([source, french]) => [new RegExp(source), french]);
  const PAGE_TEXT = %(page_text)s;
  const ATTRIBUTES = ["aria-label", "title", "placeholder", "aria-valuetext"];

  const MONTHS = %(months)s;
  const DAYS = %(days)s;
  const SEGMENTS = %(segments)s;
  const MONTH = Object.keys(MONTHS).join("|");
  const DAY = Object.keys(DAYS).join("|");
  const FULL_DATE = new RegExp("(" + DAY + "), (" + MONTH + ") ([0-9]{1,2}), ([0-9]{4})", "g");
  const DAY_MONTH = new RegExp("(" + DAY + "), (" + MONTH + ") ([0-9]{1,2})", "g");
  const MONTH_DAY_YEAR = new RegExp("(" + MONTH + ") ([0-9]{1,2}), ([0-9]{4})", "g");
  const MONTH_YEAR = new RegExp("(^|, |[0-9] – )(" + MONTH + ")( [0-9]{4})?$");
  const frenchDates = (text) => text
    .replace(FULL_DATE, (all, day, month, date, year) => `${DAYS[day]} ${date} ${MONTHS[month]} ${year}`)
    .replace(DAY_MONTH, (all, day, month, date) => `${DAYS[day]} ${date} ${MONTHS[month]}`)
    .replace(MONTH_DAY_YEAR, (all, month, date, year) => `${Number(date)} ${MONTHS[month]} ${year}`)
    .replace(MONTH_YEAR, (all, lead, month, year) => lead + MONTHS[month] + (year || ""));
  // A weekday's name in either language → its French initial, for the calendar's column headings.
  const INITIALS = {};
  for (const [english, french] of Object.entries(DAYS)) INITIALS[english] = INITIALS[french] = french[0].toUpperCase();
  const WEEKDAY = new RegExp("^(?:Today, |Aujourd.hui, )?(" + Object.keys(INITIALS).join("|") + ")[ ,]");
  const translated = (text) => {
    const core = text.trim();
    if (!core) return null;
    let french = null;
    if (Object.prototype.hasOwnProperty.call(TEXTS, core)) french = TEXTS[core];
    else {
      for (const [pattern, replacement] of PATTERNS) {
        if (pattern.test(core)) { french = core.replace(pattern, replacement); break; }
      }
    }
    const dated = frenchDates(french ?? core);
    if (dated !== core) french = dated;
    return french === null ? null : text.replace(core, french);
  };
  // Streamlit names toolbar buttons « Fullscreen: the element's label »: translate the part before the colon.
  const translatedLabel = (text) => {
    const whole = translated(text);
    if (whole !== null) return whole;
    const colon = text.indexOf(": ");
    if (colon > 0) {
      const head = translated(text.slice(0, colon));
      if (head !== null) return head + " : " + text.slice(colon + 2);
    }
    return null;
  };
  const fixElement = (element) => {
    for (const name of ATTRIBUTES) {
      const value = element.getAttribute(name);
      if (!value) continue;
      const french = translatedLabel(value);
      if (french !== null && french !== value) element.setAttribute(name, french);
    }
    const outOfTabOrder = element.classList.contains("modebar-btn")
      || (element.nodeName === "A" && element.parentElement?.dataset.testid === "stHeaderActionElements");
    if (outOfTabOrder && element.getAttribute("tabindex") !== "-1") element.setAttribute("tabindex", "-1");
  };
  const fixText = (node) => {
    const parent = node.parentElement;
    if (!parent || parent instanceof SVGElement || parent.closest(PAGE_TEXT)) return;
    // an empty segment of the date field (« dd », « yyyy »): only there, a short word elsewhere is left alone
    const segment = parent.matches('[role="spinbutton"][data-placeholder="true"]')
      && Object.prototype.hasOwnProperty.call(SEGMENTS, node.nodeValue) ? SEGMENTS[node.nodeValue] : null;
    const french = segment ?? translated(node.nodeValue);
    if (french !== null && french !== node.nodeValue) node.nodeValue = french;
  };
  // Charts are SVG drawn by Plotly (thousands of nodes per page, added while it draws): nothing in them is
  // Streamlit's chrome (their words come from the locale of ui/graphique.py), so their records are dropped
  // before any work, and a walk never enters them.
  const inDrawing = (node) => node instanceof SVGElement || node.parentNode instanceof SVGElement;
  // Labels, titles, placeholders and the links to take out of the Tab order: found by the browser's own
  // selector engine rather than by visiting every element in JavaScript.
  const FIXED = '[aria-label], [title], [placeholder], [aria-valuetext], .modebar-btn, '
    + '[data-testid="stHeaderActionElements"] > a';
  // Text nodes only, outside drawings and outside the project's own text (a rejected element's subtree is skipped).
  const textsOnly = {acceptNode: (node) => node.nodeType === Node.TEXT_NODE ? NodeFilter.FILTER_ACCEPT
    : (node.nodeName === "svg" || node.matches(PAGE_TEXT)) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_SKIP};
  const walk = (root) => {
    if (root.nodeType === Node.TEXT_NODE) { fixText(root); return; }
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    fixElement(root);
    for (const element of root.querySelectorAll(FIXED)) fixElement(element);
    if (root.closest(PAGE_TEXT)) return;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, textsOnly);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) fixText(node);
  };
  // Headings announced without jumps: each level at most one below the previous heading of its area.
  const fixHeadings = () => {
    for (const [area, start] of [['[data-testid="stMain"]', 0], ['[data-testid="stSidebar"]', 1],
                                 ['[role="dialog"]', 1]]) {
      let previous = start;
      for (const root of document.querySelectorAll(area)) {
        for (const heading of root.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
          const tag = Number(heading.nodeName[1]);
          const level = Math.min(tag, previous + 1);
          if (level !== tag) {
            if (heading.getAttribute("aria-level") !== String(level)) heading.setAttribute("aria-level", String(level));
          } else if (heading.hasAttribute("aria-level")) {
            heading.removeAttribute("aria-level");
          }
          previous = level;
        }
      }
    }
  };
  // The calendar's one-letter weekday headings (« S M T W T F S » in English) become the French initial of the
  // day their column holds, read from the labels of the column's cells: they match their column whatever
  // day the browser's locale starts the week on.
  const fixWeekdays = () => {
    for (const grid of document.querySelectorAll('[data-testid="stDateInputCalendar"] table')) {
      const rows = Array.from(grid.querySelectorAll("tbody tr"));
      grid.querySelectorAll("thead th").forEach((heading, column) => {
        for (const row of rows) {
          const day = WEEKDAY.exec(row.cells[column]?.querySelector("[aria-label]")?.getAttribute("aria-label") || "");
          if (!day) continue;
          const text = heading.firstChild;
          if (text && text.nodeType === Node.TEXT_NODE && text.nodeValue !== INITIALS[day[1]]) {
            text.nodeValue = INITIALS[day[1]];
          }
          break;
        }
      });
    }
  };
  // ``roots``: added subtrees and changed texts, walked whole; ``changed``: elements whose label, title or
  // placeholder changed, fixed alone (their subtree did not change).
  const fixAll = (roots, changed = []) => {
    if (document.documentElement.lang !== "fr") document.documentElement.lang = "fr";
    for (const root of roots) if (root.isConnected) walk(root);
    for (const element of changed) if (element.isConnected) fixElement(element);
    fixHeadings();
    fixWeekdays();
  };
  new MutationObserver((records) => {
    const roots = new Set(), changed = new Set();
    for (const record of records) {
      if (inDrawing(record.target)) continue;
      if (record.type === "childList") {
        for (const node of record.addedNodes) if (!(node instanceof SVGElement)) roots.add(node);
      } else if (record.type === "attributes") changed.add(record.target);
      else roots.add(record.target);
    }
    if (roots.size || changed.size) fixAll(roots, changed);
  }).observe(document.documentElement, {subtree: true, childList: true, characterData: true, attributes: true,
                                        attributeFilter: ATTRIBUTES.concat(["lang"])});
  fixAll([document.body]);
})();
</script>
"""


def script() -> str:
    """The override script with its tables (``TEXTS``, ``PATTERNS``, ``PAGE_TEXT``) written in.

    Streamlit cleans ``st.html`` with DOMPurify, which drops a script whose text holds anything shaped like
    a tag (« < » then a letter, « / » or « ! »): the body must never contain one.
    """
    text = SCRIPT % {"texts": json.dumps(TEXTS, ensure_ascii=False), "patterns": json.dumps(PATTERNS),
                     "page_text": json.dumps(PAGE_TEXT), "months": json.dumps(MONTHS, ensure_ascii=False),
                     "days": json.dumps(DAYS, ensure_ascii=False), "segments": json.dumps(SEGMENTS)}
    body = text.strip().removeprefix("<script>").removesuffix("</script>")
    if re.search(r"<[/\w!]", body):
        raise ValueError("le script de traduction contient une balise : DOMPurify le supprimerait")
    return text


def install() -> None:
    """Put the override in the page (once per run, from app.py): French for Streamlit's own strings,
    ``lang="fr"``, chart toolbars out of the Tab order, heading levels without jumps. The container is
    hidden, so it takes no room at the top of the page."""
    st.html(f'<style>.st-key-{CONTAINER_KEY} {{ display: none; }}</style>')
    with st.container(key=CONTAINER_KEY):
        st.html(script(), unsafe_allow_javascript=True)
