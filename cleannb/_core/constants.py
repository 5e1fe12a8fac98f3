"""cleanlab's numerical constants, each defined once, under cleanlab's own names.

Every module takes them from here, so that the tolerances that decide
cleanlab's answers can be audited in one place. (cleannb's own policies, such
as how far outside [0, 1] input may stray, live with the checks in
:mod:`cleannb._core.validation`.)
"""

#: A probability counts as reaching a threshold, or a label's probability as the
#: largest, within this slack (``p >= threshold - 1e-6``); also the slack of the
#: noise generators' bound and sum checks.
FLOATING_POINT_COMPARISON = 1e-6
#: Probabilities are clipped below at this before logs and ratios, and so are
#: the estimated priors.
CLIPPING_LOWER_BOUND = 1e-6
#: Confident thresholds are clipped below at this (above the comparison slack,
#: so that no probability of 0 is ever confident).
CONFIDENT_THRESHOLDS_LOWER_BOUND = 2 * FLOATING_POINT_COMPARISON
#: The confident threshold of a class that no example is labelled with: above
#: every probability, so that no example is confidently of it.
ABSENT_CLASS_THRESHOLD = 2.0
#: Guard against division by zero.
TINY_VALUE = 1e-100
#: Guard of the noise-rate denominators of ``dataset`` (cleanlab's ``EPSILON``).
EPSILON = 1e-6
