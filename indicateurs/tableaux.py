"""Façade of the page-oriented reads: pages, charts and the fiche call ``tableaux.<name>``.

The code lives in small modules, one per question a page asks; this module only re-exports their public
names so that ``from indicateurs import tableaux; tableaux.verdict_rows(...)`` keeps working:

- ``affichage_verdicts``: how a verdict is written (symbol, words, badge, change with its interval, counts);
- ``lecture_verdicts``: which verdicts are stored, counted per parcours, engagement and family;
- ``lecture_directions``: how each direction is doing (score, counts, weighted effects);
- ``lecture_serie``: one parcours × indicateur series (values, model band, effect in words, history);
- ``lecture_engagements``: the four engagements across parcours (counts, difference-in-differences);
- ``lecture_agents``: the agents' working conditions against the users' experience (règle d'or);
- ``lecture_miroir``: the mirror survey (agents' and users' answers, their gap);
- ``lecture_completude``: the completeness of the last month;
- ``lecture_methodologie``: the referential's indicators for a reader.

Everything reads what ``indicateurs.resultats`` stored and only reshapes it; nothing imports Streamlit.
"""

from __future__ import annotations

from indicateurs.affichage_verdicts import (BADGE_COLOURS, COUNT_COLUMNS, COUNT_HEADERS, COUNT_LABELS, NO_RESULT,
                                            COUNT_KEYS, PROVISIONAL_MARK, RESULT_COLUMNS, SYMBOLS, VERDICT_ORDER,
                                            _flag, change_text, count_verdicts, format_mean, group_label, results_for_display,
                                            verdict_badge, verdict_symbol, verdict_text)
from indicateurs.impact.verdicts import (DEGRADATION, FALL, FINAL_MONTHS_AFTER, IMPROVEMENT, INSUFFICIENT,
                                         NO_CHANGE, RISE, SIGNAL)
from indicateurs.lecture_agents import (AGENTS_FAMILY, QUADRANT_INSUFFICIENT, QUADRANTS, agents_before_after,
                                        agents_pairs, quadrant_label)
from indicateurs.lecture_completude import CompletudeMois, completeness_last_month
from indicateurs.lecture_directions import direction_effects, direction_overview, direction_scores
from indicateurs.lecture_engagements import (MIN_EVENT_PARCOURS, RATE_UNIT, did_overall, engagement_indicators,
                                             event_study, overall_and_counts, overall_with_counts,
                                             thin_event_points)
from indicateurs.lecture_methodologie import indicator_definitions
from indicateurs.lecture_miroir import (CHART_PARCOURS, USERS_FAMILY, VOLUME, gaps_for_chart, mirror_gaps,
                                        mirror_gaps_with_verdicts, mirror_pairs, mirror_summary, mirror_values)
from indicateurs.lecture_serie import (BASELINE_MONTHS, SerieIndicateur, effect_details, indicator_series,
                                       months_of, overview_values, revision_history, stored_values)
from indicateurs.lecture_verdicts import (ChiffresVerdicts, counts_by_group, deployment_status, last_data_month,
                                          parcours_status, verdict_changes, verdict_figures, verdict_grid,
                                          verdict_rows)

__all__ = [
    "AGENTS_FAMILY", "BADGE_COLOURS", "COUNT_KEYS", "MIN_EVENT_PARCOURS", "count_verdicts",
    "mirror_gaps_with_verdicts", "CHART_PARCOURS", "gaps_for_chart", "overall_and_counts", "overall_with_counts", "thin_event_points", "BASELINE_MONTHS", "COUNT_COLUMNS", "COUNT_HEADERS", "COUNT_LABELS",
    "DEGRADATION", "FALL", "FINAL_MONTHS_AFTER", "IMPROVEMENT", "INSUFFICIENT", "NO_CHANGE", "NO_RESULT",
    "PROVISIONAL_MARK", "QUADRANTS", "QUADRANT_INSUFFICIENT", "RATE_UNIT", "RESULT_COLUMNS", "RISE", "SIGNAL",
    "SYMBOLS", "USERS_FAMILY", "VERDICT_ORDER", "VOLUME", "ChiffresVerdicts", "CompletudeMois",
    "SerieIndicateur", "_flag", "agents_before_after", "agents_pairs", "change_text", "completeness_last_month",
    "counts_by_group", "deployment_status", "did_overall", "direction_effects", "direction_overview",
    "direction_scores", "effect_details", "engagement_indicators", "event_study", "format_mean", "group_label",
    "indicator_definitions", "indicator_series", "last_data_month", "mirror_gaps", "mirror_pairs",
    "mirror_summary", "mirror_values", "months_of", "overview_values", "parcours_status", "quadrant_label",
    "results_for_display", "revision_history", "stored_values", "verdict_badge", "verdict_changes",
    "verdict_figures", "verdict_grid", "verdict_rows", "verdict_symbol", "verdict_text",
]
