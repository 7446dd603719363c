"""The ranking and abstention models' weights, as fitted by bench/ask_bench.py --fit (do not edit by hand).

Fitted on the calibration catalogues:
apollo-13, bundled, bundled-kinds, city-waste, flu-vaccine, freelancer-tax, gdpr-smallbiz, it-
helpdesk, quarry-ssg, sourdough-baking, suez-blockage, thermostat-product.
RANK_WEIGHTS follow rank.RANK_FEATURES; ABSTAIN_WEIGHTS are the intercept, then rank.ABSTAIN_FEATURES.
"""

RANK_WEIGHTS = (
    4.4865,
    2.94582,
    3.3791,
    3.58574,
    2.56099,
    1.92397,
    1.74696,
    2.53846,
    2.33448,
    -0.27654,
    1.46266,
    0.10413,
    -0.11195,
    -0.5116,
    -3.15239,
)
ABSTAIN_WEIGHTS = (
    -1.70789,
    -0.01161,
    0.34877,
    1.42019,
    0.26956,
    0.0,
    0.62105,
    0.0,
    0.0,
    -0.0152,
    0.0,
    0.0,
    0.0,
    0.75278,
    -0.2788,
    -2.04088,
    0.0,
    -2.16578,
)
THRESHOLD = 1.1189
