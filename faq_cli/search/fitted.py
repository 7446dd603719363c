"""The ranking and abstention models' weights, as fitted by bench/ask_bench.py --fit (do not edit by hand).

Fitted on the calibration catalogues:
apollo-13, bundled, city-waste, flu-vaccine, freelancer-tax, gdpr-smallbiz, it-helpdesk, quarry-ssg,
sourdough-baking, suez-blockage, thermostat-product.
RANK_WEIGHTS follow rank.RANK_FEATURES; ABSTAIN_WEIGHTS are the intercept, then rank.ABSTAIN_FEATURES.
"""

RANK_WEIGHTS = (
    4.47959,
    3.03235,
    3.71656,
    3.49514,
    2.68521,
    1.87676,
    1.51912,
    2.69383,
    2.55411,
    -0.84797,
    1.50695,
    0.13744,
    -1.11867,
    -2.591,
    -3.41955,
)
ABSTAIN_WEIGHTS = (
    -3.52261,
    0.00215,
    0.37876,
    1.11344,
    2.47339,
    -2.93302,
    -0.05972,
    2.76085,
    0.18654,
    0.16173,
    0.01234,
    1.80994,
    0.22952,
    0.85213,
    -0.95505,
    -2.96748,
    0.86162,
    -2.3591,
)
THRESHOLD = 1.1344
