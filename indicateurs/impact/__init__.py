"""Impact engine: did an indicator change since its parcours was deployed, by how much, how surely.

Pure functions on pandas objects (no database, no Streamlit):
- ``avant_apres``: descriptive before/after and year-over-year comparisons;
- ``its``: segmented regression (interrupted time series), gaussian Newey–West or quasi-Poisson;
- ``did``: staggered difference-in-differences (Callaway & Sant'Anna 2021);
- ``verdicts``: French verdicts, Benjamini–Hochberg across series, sentences;
- ``modele``: the gaussian AR(1) and bounded count models behind the headline effect;
- ``poisson``: the Poisson GLM (IRLS, statsmodels' algorithm) behind the count models, in numpy;
- ``serie``: one parcours × indicateur series, end to end;
- ``processus``: fits spread over worker processes.
French numbers and months are written by ``indicateurs.format_fr``.
"""

from indicateurs.impact.avant_apres import before_after, year_over_year
from indicateurs.impact.did import staggered_did
from indicateurs.impact.its import segmented_regression
from indicateurs.impact.serie import analyse_series
from indicateurs.impact.verdicts import apply_fdr, judge

__all__ = ["analyse_series", "apply_fdr", "before_after", "judge", "segmented_regression", "staggered_did",
           "year_over_year"]
