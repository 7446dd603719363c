"""The ranking and abstention models' weights, as fitted by bench/ask_bench.py --fit (do not edit by hand).

Fitted on the calibration catalogues:
apollo-13, bundled, bundled-kinds, city-waste, flu-vaccine, freelancer-tax, gdpr-smallbiz, it-
helpdesk, quarry-ssg, sourdough-baking, suez-blockage, thermostat-product.
RANK_WEIGHTS follow rank.RANK_FEATURES; ABSTAIN_WEIGHTS are the intercept, then rank.ABSTAIN_FEATURES.
"""

RANK_WEIGHTS = (
    4.22862,
    3.20979,
    2.56476,
    3.11073,
    2.77049,
    1.94582,
    1.84558,
    2.48593,
    2.13424,
    -0.33991,
    1.48415,
    1.49335,
    0.08915,
    -0.04899,
    -0.56349,
    -3.15377,
)
ABSTAIN_WEIGHTS = (
    -1.71469,
    -0.02003,
    0.33323,
    1.35555,
    0.45909,
    0.0,
    0.6873,
    0.0,
    0.0,
    -0.01061,
    0.0,
    0.0,
    0.0,
    0.81945,
    -0.28561,
    -2.03451,
    0.0,
    -2.06502,
)
THRESHOLD = 1.0579
