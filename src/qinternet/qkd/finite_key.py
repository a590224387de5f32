"""Finite-key tools: concentration inequalities (Hoeffding, Azuma, Chernoff, Kato) and the
interim CAL19 finite-key length **FK-v0** (the toolkit's own, labelled interim).

FK-v0 is a regression model *inspired* by Currás-Lorenzo et al. 2021, **not** the bound of Currás-
Lorenzo et al., npj Quantum Inf. 7, 22 (2021), arXiv:1910.11407; every output produced with it
carries the label :data:`FK_V0_LABEL`. The Lim et al. 2014 BB84 finite key lives in
``bb84_finite``."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from qinternet._validation import require_in_range, require_nonnegative, require_positive
from qinternet.entropy import binary_entropy
from qinternet.errors import InvalidParameterError

__all__ = [
    "FK_V0_LABEL",
    "azuma_deviation",
    "chernoff_lower_tail",
    "chernoff_upper_tail",
    "fk_v0_key_length",
    "forward_chernoff_upper",
    "hoeffding_deviation",
    "inverse_chernoff_bounds",
    "kato_coefficients",
    "kato_deviation",
    "kato_tail_bound",
]

FloatArray = npt.NDArray[np.float64]

#: Label carried by every FK-v0 output.
FK_V0_LABEL = "FK-v0 (interim, not Currás-Lorenzo et al. 2021)"


def _check_epsilon(epsilon: float) -> float:
    return require_in_range("epsilon", epsilon, 0.0, 1.0, low_inclusive=False,
                            high_inclusive=False)


def hoeffding_deviation(n: float, epsilon: float) -> float:
    """Deviation t with ``exp(-2 t^2 / n) = epsilon`` (Hoeffding, n values in [0, 1]).

    Parameters
    ----------
    n : float
        Number of independent terms (> 0).
    epsilon : float
        Failure probability in (0, 1).

    Returns
    -------
    float
        ``t = sqrt(n ln(1/epsilon) / 2)`` (counts).

    Raises
    ------
    InvalidParameterError
        If n <= 0 or epsilon is not in (0, 1).

    References
    ----------
    .. [1] W. Hoeffding, J. Am. Stat. Assoc. 58, 13 (1963); (standard).

    Examples
    --------
    At n = 1e6, epsilon = 1e-10 the Hoeffding/Azuma deviation is about 3393.

    >>> round(hoeffding_deviation(1e6, 1e-10))
    3393
    """
    require_positive("n", n)
    eps = _check_epsilon(epsilon)
    return math.sqrt(n * math.log(1.0 / eps) / 2.0)


def azuma_deviation(n: float, epsilon: float) -> float:
    """Azuma-Hoeffding deviation for a martingale with increments in an interval of length 1.

    Parameters
    ----------
    n : float
        Number of rounds (> 0).
    epsilon : float
        Failure probability in (0, 1).

    Returns
    -------
    float
        ``t`` with ``Pr[sum (xi_u - E[xi_u | F_{u-1}]) >= t] <= exp(-2 t^2 / n) = epsilon``.

    Raises
    ------
    InvalidParameterError
        If n <= 0 or epsilon is not in (0, 1).

    References
    ----------
    .. [1] K. Azuma, Tohoku Math. J. 19, 357 (1967); (standard).

    Examples
    --------
    >>> azuma_deviation(1e6, 1e-10) == hoeffding_deviation(1e6, 1e-10)
    True
    """
    return hoeffding_deviation(n, epsilon)


def chernoff_upper_tail(mean: float, delta: float) -> float:
    """Multiplicative Chernoff bound ``Pr[X >= (1+delta) mu] <= (e^delta/(1+delta)^(1+delta))^mu``.

    Parameters
    ----------
    mean : float
        mu = E[X] >= 0 for a sum of independent Bernoulli variables.
    delta : float
        Relative deviation > 0.

    Returns
    -------
    float
        The tail bound (a probability).

    Raises
    ------
    InvalidParameterError
        If mean < 0 or delta <= 0.

    References
    ----------
    .. [1] H. Chernoff, Ann. Math. Stat. 23, 493 (1952); (standard).

    Examples
    --------
    >>> chernoff_upper_tail(100.0, 0.5)
    2.00002...e-05
    """
    mu = require_nonnegative("mean", mean)
    d = require_positive("delta", delta)
    return math.exp(mu * (d - (1.0 + d) * math.log1p(d)))


def chernoff_lower_tail(mean: float, delta: float) -> float:
    """Multiplicative Chernoff bound ``Pr[X <= (1-delta) mu] <= exp(-delta^2 mu / 2)``.

    Parameters
    ----------
    mean : float
        mu = E[X] >= 0.
    delta : float
        Relative deviation in (0, 1].

    Returns
    -------
    float
        The tail bound.

    Raises
    ------
    InvalidParameterError
        If mean < 0 or delta not in (0, 1].

    References
    ----------
    .. [1] H. Chernoff, Ann. Math. Stat. 23, 493 (1952); (standard).

    Examples
    --------
    >>> round(chernoff_lower_tail(100.0, 0.5), 9)
    3.727e-06
    """
    mu = require_nonnegative("mean", mean)
    d = require_in_range("delta", delta, 0.0, 1.0, low_inclusive=False)
    return math.exp(-d * d * mu / 2.0)


def inverse_chernoff_bounds(observed: npt.ArrayLike,
                            epsilon: float) -> tuple[FloatArray, FloatArray]:
    """Bounds ``[E^L, E^U]`` on the expectation of a Bernoulli sum from its observed value.

    Parameters
    ----------
    observed : array_like
        Observed counts chi >= 0.
    epsilon : float
        Failure probability of each side, in (0, 1).

    Returns
    -------
    (ndarray, ndarray)
        With ``beta = ln(1/epsilon)``: ``E^U = chi + beta + sqrt(2 beta chi + beta^2)`` and
        ``E^L = max(chi - beta/2 - sqrt(2 beta chi + beta^2/4), 0)``.

    Raises
    ------
    InvalidParameterError
        If epsilon is not in (0, 1) or a count is negative.

    Notes
    -----
    ``E^U`` inverts ``Pr[X <= (1-delta) mu] <= exp(-delta^2 mu/2)`` exactly. ``E^L`` inverts
    ``exp(-delta^2 mu / (2 + 3 delta))``, which is larger than the standard
    ``exp(-delta^2 mu / (2 + delta))``, so it is valid but conservative (checked here by
    algebra [D]).

    References
    ----------
    .. [1] Z. Zhang et al., "Improved key-rate bounds for practical decoy-state quantum-key-
       distribution systems", PRA 95, 012333 (2017), style [R].

    Examples
    --------
    >>> lo, up = inverse_chernoff_bounds(100.0, 1e-10)
    >>> round(float(lo), 3), round(float(up), 3)
    (19.656, 194.687)
    """
    eps = _check_epsilon(epsilon)
    chi = np.asarray(observed, dtype=np.float64)
    if np.any(chi < 0) or not np.all(np.isfinite(chi)):
        raise InvalidParameterError("observed", observed, "must be finite counts >= 0")
    beta = math.log(1.0 / eps)
    upper = chi + beta + np.sqrt(2.0 * beta * chi + beta * beta)
    lower = np.maximum(chi - beta / 2.0 - np.sqrt(2.0 * beta * chi + beta * beta / 4.0), 0.0)
    return np.asarray(lower), np.asarray(upper)


def forward_chernoff_upper(expected: npt.ArrayLike, epsilon: float) -> FloatArray:
    """Upper bound ``E + (beta + sqrt(beta^2 + 8 beta E))/2`` on a Bernoulli sum of mean E.

    Parameters
    ----------
    expected : array_like
        Expectation E >= 0 (counts).
    epsilon : float
        Failure probability in (0, 1); ``beta = ln(1/epsilon)``.

    Returns
    -------
    ndarray
        Value exceeded with probability at most epsilon.

    Raises
    ------
    InvalidParameterError
        If epsilon is not in (0, 1) or an expectation is negative.

    Notes
    -----
    Inverts ``Pr[X >= (1+delta) mu] <= exp(-delta^2 mu / (2 + delta))`` exactly [D]. FK-v0 uses
    it as a stand-in for Kato's inequality (it assumes independence, Kato does not).

    References
    ----------
    .. [1] The toolkit's FK-v0, step 3 [C]; Chernoff, Ann. Math. Stat. 23, 493 (1952).

    Examples
    --------
    >>> round(float(forward_chernoff_upper(1000.0, 1e-10)), 2)
    1226.42
    """
    eps = _check_epsilon(epsilon)
    e = np.asarray(expected, dtype=np.float64)
    if np.any(e < 0):
        raise InvalidParameterError("expected", expected, "must be >= 0")
    beta = math.log(1.0 / eps)
    return np.asarray(e + (beta + np.sqrt(beta * beta + 8.0 * beta * e)) / 2.0)


def kato_coefficients(n: float, n_tilde: float, epsilon: float, *,
                      reverse: bool = False) -> tuple[float, float]:
    """Kato's (a, b) tuned to a prediction ``n_tilde`` of the count, with tail bound epsilon.

    Parameters
    ----------
    n : float
        Number of rounds (> 0).
    n_tilde : float
        Prediction of the count Lambda_n, in [0, n].
    epsilon : float
        Target failure probability in (0, 1).
    reverse : bool, optional
        ``False``: the direction bounding the sum of conditional expectations from above by the
        observed count, tail ``exp(-2(b^2-a^2)/(1+4a/(3 sqrt n))^2)``. ``True``: the reverse
        direction (the count from above by the conditional expectations), tail with
        ``(1 - 4a/(3 sqrt n))``.

    Returns
    -------
    (float, float)
        ``a`` and ``b`` (b >= |a|) whose tail bound (of the chosen direction) equals epsilon.

    Raises
    ------
    InvalidParameterError
        If the inputs are out of range.

    Notes
    -----
    Forward: ``a = 3[72 sqrt(n) m (n-m) L - 16 n^{3/2} L^2 + 9 sqrt(2) (n - 2m) sqrt(-n^2 L
    (9 m (n-m) - 2 n L))] / [4 (9n - 8L)(9 m (n-m) - 2 n L)]`` and ``b = sqrt(18 a^2 n -
    (16 a^2 + 24 a sqrt(n) + 9n) L) / (3 sqrt(2n))`` with m = n_tilde, L = ln(epsilon).
    Reverse: apply the forward form to the complementary variables ``1 - xi_u`` (prediction
    ``n - m``) and flip the sign of ``a`` [D]; equivalently the ``9 sqrt(2)`` term changes sign,
    ``a`` is negated and ``24 a sqrt(n)`` becomes ``-24 a sqrt(n)`` in ``b``.

    References
    ----------
    .. [1] G. Kato, "Concentration inequality using unconfirmed knowledge", arXiv:2002.04357
       (abstract [V]; the statement and closed form are recalled [R]); minimisers from
       G. Currás-Lorenzo et al., npj Quantum Inf. 7, 22 (2021), arXiv:1910.11407, as quoted by
       W. Li et al., Phys. Rev. Research 6, 013022 (2024), Eqs. (24)-(28) in a public
       implementation (same closed form, both directions) [V, impl]. Self-consistency: case K3 [C].

    Examples
    --------
    K3 (rel 1e-4):

    >>> a, b = kato_coefficients(1e6, 1e3, 1e-10)
    >>> round(a, 4), round(b, 4)
    (53.4155, 53.5391)
    """
    nn = require_positive("n", n)
    m = require_in_range("n_tilde", n_tilde, 0.0, nn)
    lg = math.log(_check_epsilon(epsilon))
    if reverse:
        a_c, b_c = kato_coefficients(nn, nn - m, epsilon)
        return -a_c, b_c
    q = 9.0 * m * (nn - m) - 2.0 * nn * lg
    num = (72.0 * math.sqrt(nn) * m * (nn - m) * lg - 16.0 * nn ** 1.5 * lg * lg
           + 9.0 * math.sqrt(2.0) * (nn - 2.0 * m) * math.sqrt(-nn * nn * lg * q))
    a = 3.0 * num / (4.0 * (9.0 * nn - 8.0 * lg) * q)
    b = math.sqrt(18.0 * a * a * nn - (16.0 * a * a + 24.0 * a * math.sqrt(nn) + 9.0 * nn) * lg) / (
        3.0 * math.sqrt(2.0 * nn))
    return a, b


def kato_tail_bound(n: float, a: float, b: float, *, reverse: bool = False) -> float:
    """Kato's tail probability ``exp(-2(b^2 - a^2)/(1 + 4a/(3 sqrt n))^2)`` (reverse: ``1 - ...``).

    Parameters
    ----------
    n : float
        Number of rounds (> 0).
    a, b : float
        Kato's parameters, ``b >= |a|``.
    reverse : bool, optional
        Bound of the reverse direction (``Lambda_n`` above the conditional-expectation sum):
        denominator ``(1 - 4a/(3 sqrt n))^2``.

    Returns
    -------
    float
        Failure probability.

    Raises
    ------
    InvalidParameterError
        If n <= 0 or b < |a|.

    References
    ----------
    .. [1] G. Kato, arXiv:2002.04357 [R].

    Examples
    --------
    >>> a, b = kato_coefficients(1e6, 1e3, 1e-10)
    >>> round(kato_tail_bound(1e6, a, b) / 1e-10, 9)
    1.0
    """
    nn = require_positive("n", n)
    if b < abs(a):
        raise InvalidParameterError("b", b, f"must be >= |a| = {abs(a)!r}")
    sign = -1.0 if reverse else 1.0
    return math.exp(-2.0 * (b * b - a * a) / (1.0 + sign * 4.0 * a / (3.0 * math.sqrt(nn))) ** 2)


def kato_deviation(n: float, observed: float, a: float, b: float) -> float:
    """Kato's deviation ``(b + a (2 Lambda_n / n - 1)) sqrt(n)`` for an observed count.

    Parameters
    ----------
    n : float
        Number of rounds (> 0).
    observed : float
        Observed count Lambda_n in [0, n].
    a, b : float
        Kato's parameters (see :func:`kato_coefficients`).

    Returns
    -------
    float
        With probability >= 1 - epsilon, ``sum_u E(xi_u | F_{u-1}) < Lambda_n + deviation``.

    Raises
    ------
    InvalidParameterError
        If n <= 0 or the count is outside [0, n].

    References
    ----------
    .. [1] G. Kato, arXiv:2002.04357 [R] (case K3: 230.35).

    Examples
    --------
    >>> a, b = kato_coefficients(1e6, 1e3, 1e-10)
    >>> round(kato_deviation(1e6, 1e3, a, b), 2)
    230.35
    """
    nn = require_positive("n", n)
    lam = require_in_range("observed", observed, 0.0, nn)
    return (b + a * (2.0 * lam / nn - 1.0)) * math.sqrt(nn)


def fk_v0_key_length(
    sifted_per_outcome: npt.ArrayLike,
    phase_errors_upper: npt.ArrayLike,
    bit_error_rate: npt.ArrayLike,
    *,
    ec_efficiency: float,
    epsilon_cor: float = 1e-15,
    epsilon_pa: float = 1e-10,
) -> FloatArray:
    """FK-v0 secret key length (bits) summed over the two CAL19 click outcomes.

    **Interim model** FK-v0: inspired by Currás-Lorenzo et al. 2021, not the paper's bound.

    Parameters
    ----------
    sifted_per_outcome : array_like
        ``M_X``: sifted X-basis events of one outcome, (1,0) or (0,1) (counts).
    phase_errors_upper : array_like
        ``N_ph^U``: upper bound on the phase errors of that outcome (counts).
    bit_error_rate : array_like
        ``e_X`` of the sifted key.
    ec_efficiency : float
        Error-correction inefficiency f >= 1.
    epsilon_cor, epsilon_pa : float, optional
        Correctness and privacy-amplification parameters.

    Returns
    -------
    ndarray
        ``l = 2 [M_X (1 - h(N_ph^U / M_X)) - f M_X h(e_X)] - log2(2/eps_cor)
        - 2 log2(1/(2 eps_PA))`` (may be negative: no key); the argument of h is clamped to 1/2.

    Raises
    ------
    InvalidParameterError
        If an epsilon is not in (0, 1).

    References
    ----------
    .. [1] The toolkit's FK-v0, step 4 [C]; structure inspired by G. Currás-Lorenzo et al.,
      , npj Quantum Inf. 7, 22 (2021), arXiv:1910.11407 [R].

    Examples
    --------
    >>> round(float(fk_v0_key_length(1e9, 1e8, 0.02, ec_efficiency=1.16)))
    733866639
    """
    require_in_range("epsilon_cor", epsilon_cor, 0.0, 1.0, low_inclusive=False,
                     high_inclusive=False)
    require_in_range("epsilon_pa", epsilon_pa, 0.0, 1.0, low_inclusive=False,
                     high_inclusive=False)
    m = np.asarray(sifted_per_outcome, dtype=np.float64)
    nph = np.asarray(phase_errors_upper, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(m > 0, nph / np.where(m > 0, m, 1.0), 0.5)
    ratio = np.clip(ratio, 0.0, 0.5)
    per_outcome = m * (1.0 - binary_entropy(ratio)) - ec_efficiency * m * binary_entropy(
        bit_error_rate)
    return np.asarray(2.0 * per_outcome - math.log2(2.0 / epsilon_cor)
                      - 2.0 * math.log2(1.0 / (2.0 * epsilon_pa)))
