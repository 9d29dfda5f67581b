"""Printing a page from the browser: a print style sheet, and tables that print every row.

``print_styles()`` (once per page run) hides what paper has no use for (the sidebar, Streamlit's header
and toolbars, download buttons, chart toolbars, the « Données du graphique » expanders, the fiche CODIR
controls), lets the page use the whole width of the sheet, and asks the charts to redraw at that width
when printing starts (Plotly only resizes on a window resize event, which the browser does not send
before printing). ``printable_dataframe`` shows an interactive table on screen and, on paper, the same
rows as a plain HTML table: the interactive grid draws only its visible rows and would print 10 of 30.
"""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from ui.memo import same_frame

PRINT_CLASS = "tableau-impression"
PRINTABLE_KEY = "imprimable-"

PRINT_CSS = f"""
<style>
@media print {{
  @page {{ size: A4; margin: 12mm; }}
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
  [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
  [data-testid="stDownloadButton"], [data-testid="stElementToolbar"], [data-testid="stExpander"],
  [data-testid="stSkipLink"], .modebar-container, [class*="st-key-fiche-codir"] {{ display: none !important; }}
  [data-testid="stAppViewContainer"], [data-testid="stMain"], [data-testid="stMainBlockContainer"],
  [data-testid="stAppScrollToBottomContainer"] {{
    width: 100% !important; max-width: 100% !important; margin: 0 !important; padding: 0 !important;
    overflow: visible !important; position: static !important; height: auto !important; }}
  .stPlotlyChart, .js-plotly-plot, .plot-container, .svg-container {{ max-width: 100% !important; }}
  .stPlotlyChart, [data-testid="stMetric"], .{PRINT_CLASS} tr {{ break-inside: avoid; }}
  [class*="st-key-{PRINTABLE_KEY}"] [data-testid="stDataFrame"] {{ display: none !important; }}
  .{PRINT_CLASS} {{ display: table !important; width: 100%; border-collapse: collapse; font-size: 8.5pt; }}
  .{PRINT_CLASS} th, .{PRINT_CLASS} td {{ border: 1px solid #BBBBBB; padding: 2px 4px; text-align: left;
    vertical-align: top; }}
  .{PRINT_CLASS} th {{ background: #EEF3F8; }}
}}
@media screen {{
  .{PRINT_CLASS}, [data-testid="stElementContainer"]:has(.{PRINT_CLASS}) {{ display: none; }}
}}
</style>
"""
# Plotly redraws responsive charts on a window resize: send one when printing starts and ends.
PRINT_SCRIPT = """
<script>
if (!window.__impressionObservatoire) {
  window.__impressionObservatoire = true;
  const resize = () => window.dispatchEvent(new Event("resize"));
  window.addEventListener("beforeprint", resize);
  window.addEventListener("afterprint", resize);
}
</script>
"""


def print_styles() -> None:
    """Inject the print style sheet (and the redraw-on-print script) into the current page."""
    st.html(PRINT_CSS + PRINT_SCRIPT, unsafe_allow_javascript=True)


def html_table(frame: pd.DataFrame) -> str:
    """``frame`` as a plain HTML table shown only on paper; every cell escaped."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{'' if pd.isna(v) else html.escape(str(v))}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False))
    return f'<table class="{PRINT_CLASS}"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def printable_dataframe(frame: pd.DataFrame, *, key: str, columns: dict[str, str] | None = None,
                        **dataframe_options) -> None:
    """``st.dataframe(frame, ...)`` on screen; on paper, every row under the same column titles.

    ``columns`` maps column names to the titles shown (``column_config`` titles); columns without a
    title keep their name. The paper copy is reused while the caller passes the same frame: pass a page's
    cached frame itself, not a selection made anew on every rerun.
    """
    printed = same_frame(_printed_table, frame, tuple(columns.items()) if columns else ())
    with st.container(key=f"{PRINTABLE_KEY}{key}"):
        st.dataframe(frame, column_config=columns, **dataframe_options)
        st.html(printed)


def _printed_table(frame: pd.DataFrame, columns: tuple[tuple[str, str], ...]) -> str:
    """The paper copy of ``frame`` under the titles ``columns``: built once per shared frame (``ui.memo``),
    not on every rerun (a few milliseconds per table of 200 rows)."""
    return html_table(frame.rename(columns=dict(columns)))
