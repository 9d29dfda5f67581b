"""Chart margins sized before the browser draws (no Streamlit here): the charts' builders give Plotly margins
already wide enough for their tick labels, axis titles and legend, so that the first draw is the last.

Plotly draws a figure, measures what its axes need (``automargin``) and, if that is more than the margins
given, draws the whole figure a second time (``Plots.doAutoMargin``): 30 to 44 % of Plotly's time on the
heaviest pages. The axes keep ``automargin``: a margin found too small on some screen is still grown by
Plotly (one more draw, nothing cut); a margin large enough costs nothing.

Sizes are estimated from the text: Arial's character widths (Helvetica's metrics, those of Liberation Sans
too; Source Sans, the first font asked for, is narrower), for the font size used.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata

from indicateurs.format_fr import format_number

# Arial / Helvetica advance widths of the printable ASCII characters, in thousandths of the font size.
_ASCII_WIDTHS = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,  # space to /
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,  # 0 to ?
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,  # @ to O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,  # P to _
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,  # ` to o
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584)  # p to ~
_OTHER_WIDTHS = {"«": 556, "»": 556, "’": 222, "‘": 222, "–": 556, "—": 1000, "−": 584, "×": 584, "…": 1000,
                 "\u202f": 278, "\u00a0": 278, "°": 400, "€": 556, "œ": 944, "Œ": 1000, "æ": 889}
_SYMBOL_WIDTH = 1000  # ▲ ▼ ● ◐ ◆ ○, arrows…: drawn from a fallback font, about one em
_UNKNOWN_WIDTH = 600

LINE_HEIGHT = 1.3  # Plotly's line spacing, in font sizes
# What the browser draws (Streamlit's theme sets these sizes over the figure's own 13 px font): tick labels and
# legend entries at 12 px, axis titles at 14 px.
TICK_SIZE, LEGEND_SIZE, AXIS_TITLE_SIZE = 12, 12, 14
# Measured in chromium (Plotly 3, Streamlit 1.67): what an axis asks (its automargin push), in pixels.
MIN_PUSH = 10  # on every side, by any axis with automargin, even without labels there
LABELS_GAP = 19  # left of the plot: the widest tick label plus this
TITLE_GAP = 15  # left of the plot: a y title's lines plus this, besides its labels
X_LABELS = 34  # below the plot: one line of tick labels
X_TITLE = 30  # below the plot: a one-line x title, besides its labels
SLACK = 3  # pixels added to each estimate: a rounding of Plotly's never makes it grow the margin
LAST_TICK_RIGHT = 16  # right of the plot: half the last x tick label, when it may fall on the plot's edge
# Pixels: the narrowest chart whose legend must fit at its first draw. Plotly's width for a chart drawn in a
# hidden tab (the Agents page's pairs), and about a chart across a 1200-pixel window; on the CODIR's
# 1440-pixel screen a chart across the main column is WIDE_WIDTH wide, its legend may wrap less and leave
# an empty row under it.
REFERENCE_WIDTH, WIDE_WIDTH = 700, 940


def char_width(char: str) -> int:
    """Width of one character in thousandths of the font size (Arial's metrics; an accented letter is as
    wide as its letter)."""
    code = ord(char)
    if 32 <= code <= 126:
        return _ASCII_WIDTHS[code - 32]
    if char in _OTHER_WIDTHS:
        return _OTHER_WIDTHS[char]
    base = unicodedata.normalize("NFD", char)[0]
    if base != char and 32 <= ord(base) <= 126:
        return _ASCII_WIDTHS[ord(base) - 32]
    if 0x2190 <= code <= 0x27BF:  # arrows, geometric shapes, dingbats
        return _SYMBOL_WIDTH
    return _UNKNOWN_WIDTH


def text_lines(text) -> list[str]:
    """The lines of a chart text as the reader sees them: Plotly's ``<br>`` breaks lines, other tags are not
    shown, entities (``&lt;``) are one character."""
    parts = re.split(r"<br\s*/?>", "" if text is None else str(text), flags=re.IGNORECASE)
    return [html.unescape(re.sub(r"<[^>]*>", "", part)) for part in parts]


def text_width(text, size: float) -> float:
    """Width in pixels of the widest line of ``text`` at ``size`` pixels."""
    return max((sum(char_width(c) for c in line) * size / 1000 for line in text_lines(text)), default=0.0)


def widest(labels, size: float) -> float:
    """Width in pixels of the widest of ``labels`` at ``size`` pixels (0 for none)."""
    return max((text_width(label, size) for label in labels), default=0.0)


def title_height(text, size: float) -> float:
    """Height in pixels of an axis title (all its lines), 0 when there is none."""
    return len(text_lines(text)) * size * LINE_HEIGHT if text else 0.0


# --- legends below the plot (``graphiques._layout_keys``: horizontal, at the bottom of the figure) ---------

LEGEND_ITEM = 40  # pixels of an entry besides its text: the marker and the gap before the text
LEGEND_GAP = 5  # pixels between two entries of a row
LEGEND_ROW = 19  # pixels: height of a row of entries at 12 px
LEGEND_PAD = 10  # pixels: the legend's border padding, above and below


def legend_rows(names: list[str], width: float, size: float = LEGEND_SIZE) -> int:
    """How many rows Plotly gives a horizontal legend of ``names`` no wider than ``width`` pixels (the plot's
    width): all on one row when they fit, else every entry as wide as the widest, as many a row as fit."""
    if not names:
        return 0
    entries = [text_width(name, size) + LEGEND_ITEM for name in names]
    if sum(entries) + (len(entries) - 1) * LEGEND_GAP < width:
        return 1
    per_row = max(1, int((width + LEGEND_GAP) // (max(entries) + LEGEND_GAP)))
    return -(-len(entries) // per_row)


def legend_height(names: list[str], width: float, size: float = LEGEND_SIZE) -> float:
    """Height in pixels of the legend of ``names`` on a plot ``width`` pixels wide (0 without a legend)."""
    rows = legend_rows(names, width, size)
    return rows * LEGEND_ROW * size / LEGEND_SIZE + LEGEND_PAD if rows else 0.0


# --- margins ---------------------------------------------------------------------------------------------

def left_margin(labels, *, size: float = TICK_SIZE, title=None, gap: float = LABELS_GAP) -> int:
    """The left margin that holds a y axis's tick ``labels`` and its ``title`` (lines of 14 px, rotated)."""
    width = widest(labels, size) + gap + (title_height(title, AXIS_TITLE_SIZE) + TITLE_GAP if title else 0)
    return int(max(width, MIN_PUSH)) + 1 + SLACK


def bottom_margin(axis: float, legend: float) -> int:
    """The bottom margin that holds what the x axis asks below the plot (``axis``, pixels) and, under it, a
    legend ``legend`` pixels high.

    Plotly places a legend at the bottom of the figure in a space of its own, taken from the margin only
    when the margin is larger than what the axes ask: so the margin must hold both."""
    return int(max(axis, MIN_PUSH) + legend) + 1 + SLACK


def x_axis_height(title=None, *, labels: bool = True) -> float:
    """What an x axis asks below the plot: its tick labels and its title (one line of 14 px or more)."""
    lines = len(text_lines(title)) if title else 0
    return (X_LABELS if labels else MIN_PUSH) + (X_TITLE + (lines - 1) * AXIS_TITLE_SIZE * LINE_HEIGHT if lines else 0)


def nice_step(span: float, count: int = 6) -> float:
    """A round step (1, 2 or 5 times a power of ten) giving about ``count`` ticks over ``span``."""
    raw = max(span, 1e-9) / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def number_labels(low: float, high: float, decimals: int | None = None) -> list[str]:
    """Stand-ins for the widest tick labels Plotly may write on a numeric axis over [low, high]: both ends
    rounded outwards to a round step (for 12 ticks: more, narrower steps than Plotly takes), with the step's
    decimals (or ``decimals``), thousands grouped."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return ["0"]
    step = nice_step(high - low, 12)
    if decimals is None:
        decimals = max(0, -math.floor(math.log10(step))) if step < 1 else 0
    ends = (math.floor(low / step) * step, math.ceil(high / step) * step)
    return [format_number(v, decimals) for v in ends]
