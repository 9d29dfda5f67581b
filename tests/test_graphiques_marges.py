"""Chart margins sized before the browser draws (indicateurs/marges_graphiques.py): text widths from Arial's
metrics, Plotly's legend rows, and margins of the builders that hold their labels and legend.

Expected widths are Arial's advance widths (Helvetica AFM, thousandths of an em) worked out by hand; the
chromium test tests/navigateur/test_graphiques_dessin.py checks that Plotly does not grow these margins."""

from __future__ import annotations

import pandas as pd
import pytest

from indicateurs import graphiques
from indicateurs import marges_graphiques as marges
from indicateurs.tableaux import COUNT_LABELS


def test_text_width_follows_arial_metrics_and_plotly_markup():
    # D 722 + D 722 + C 722 + T 611 = 2777 thousandths: 33.3 px at 12 px (chromium measured 34.0)
    assert marges.text_width("DDCT", 12) == pytest.approx(33.324)
    # an accented letter is as wide as its letter; « ▲ » about one em
    assert marges.text_width("é", 10) == marges.text_width("e", 10) == pytest.approx(5.56)
    assert marges.text_width("▲", 12) == pytest.approx(12)
    # tags are not shown, <br> breaks lines (the widest counts), an entity is one character
    assert marges.text_width("<b>DDCT</b><br>i", 12) == pytest.approx(33.324)
    assert marges.text_width("a &lt; b", 10) == pytest.approx(marges.text_width("a < b", 10))
    assert marges.title_height("a<br>b", 14) == pytest.approx(2 * 14 * 1.3)
    assert marges.title_height("", 14) == 0


def test_legend_rows_follow_plotly_horizontal_legends():
    names = ["a", "b", "c"]  # 6.7 px + 40 each: one row when they fit
    assert marges.legend_rows(names, 200) == 1
    assert marges.legend_rows([], 200) == 0
    # too wide for one row: every entry as wide as the widest (100 px + 40), as many a row as fit
    wide = "m" * 12  # 12 × 833 thousandths at 10 px: 99.96 px
    # 140 + 3 × 45.6 + 3 gaps of 5: 291.7 px, on one row in 300 px
    assert marges.legend_rows([wide, "a", "a", "a"], 300, size=10) == 1
    assert marges.legend_rows([wide, "a", "a", "a"], 290, size=10) == 2  # 2 entries of 140 px a row
    assert marges.legend_rows([wide, "a", "a", "a"], 100, size=10) == 4  # one a row, even when too wide
    assert marges.legend_height([wide, "a", "a", "a"], 290, size=10) == pytest.approx(2 * 19 * 10 / 12 + 10)


def test_number_labels_stand_for_the_widest_ticks():
    assert marges.number_labels(-2.7, 3.1) == ["−3,0", "3,5"]
    assert marges.number_labels(0, 35_000, 0) == ["0", "35\u202f000"]
    assert marges.number_labels(float("nan"), 1) == ["0"]


def test_a_margin_holds_labels_axis_title_and_legend():
    labels = ["court", "un libellé bien plus long que les autres"]
    left = marges.left_margin(labels)
    assert left >= marges.text_width(labels[1], 12) + marges.LABELS_GAP
    assert marges.left_margin(labels, title="titre<br>sur deux lignes") >= left + 2 * 14 * 1.3
    assert marges.bottom_margin(64, 48) >= 64 + 48
    assert marges.bottom_margin(0, 0) >= marges.MIN_PUSH  # what any axis asks, even without labels
    assert marges.x_axis_height("titre") == marges.X_LABELS + marges.X_TITLE


def test_stacked_counts_margins_hold_their_names_and_legend():
    frame = pd.DataFrame({"groupe": ["Règle d'or 1 – un nom de groupe assez long", "Règle d'or 2"],
                          "amelioration": [3, 1], "pas_de_changement": [5, 2], "degradation": [1, 0],
                          "hausse_ou_baisse": [0, 2], "insuffisant": [1, 1]})
    layout = graphiques.stacked_counts(frame, "groupe", "t").layout
    assert layout.margin.l >= marges.text_width(frame["groupe"][0], 12) + marges.LABELS_GAP
    # the five verdicts' legend, at the narrowest width whose first draw must be the last
    names = [COUNT_LABELS[c] for c in ("amelioration", "pas_de_changement", "degradation", "hausse_ou_baisse",
                                       "insuffisant")]
    plot = marges.REFERENCE_WIDTH - layout.margin.l - layout.margin.r
    rows = marges.legend_rows(names, plot)
    assert rows == 5  # the widest entry (« ◆ hausse ou baisse… ») leaves room for one a row
    assert layout.margin.b >= marges.X_LABELS + marges.X_TITLE + rows * 19 + 10
    assert layout.yaxis.automargin  # still grown by Plotly where the estimate falls short: nothing cut


def test_a_single_series_has_no_legend_to_make_room_for():
    assert graphiques._legend_names([dict(type="bar", name="a")]) == []
    assert graphiques._legend_names([dict(type="bar", name="a", showlegend=True)]) == ["a"]
    assert graphiques._legend_names([dict(type="heatmap", name="h"), dict(type="scatter", name="a"),
                                     dict(type="scatter", name="b", showlegend=False)]) == []
