"""The ranking and abstention models' weights, as fitted by bench/ask_bench.py --fit (do not edit by hand).

Fitted on the calibration catalogues:
apollo-13, bundled, city-waste, flu-vaccine, freelancer-tax, gdpr-smallbiz, it-helpdesk, quarry-ssg,
sourdough-baking, suez-blockage, thermostat-product.
RANK_WEIGHTS follow rank.RANK_FEATURES; ABSTAIN_WEIGHTS are the intercept, then rank.ABSTAIN_FEATURES.
"""

RANK_WEIGHTS = (
    4.48438,
    3.03398,
    3.69063,
    3.49375,
    2.6526,
    2.02503,
    1.34969,
    2.69483,
    2.57531,
    -0.69465,
    1.50477,
    0.12681,
    -1.16307,
    -2.50662,
    -3.52447,
)
ABSTAIN_WEIGHTS = (
    -1.67291,
    0.0139,
    0.36611,
    1.12311,
    0.0,
    0.0,
    0.62152,
    0.0,
    0.0,
    0.08446,
    0.0,
    0.0,
    0.0,
    0.665,
    -0.46293,
    -1.76948,
    0.0,
    -2.25683,
)
THRESHOLD = 1.1667
