"""Photon-number distributions of sources (users' single-photon sources, entangled-pair sources).

Private module; the public names are re-exported by :mod:`qinternet.qkd.mdi.adaptive`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from qinternet._validation import require_positive, require_probability_vector
from qinternet.errors import InvalidParameterError

__all__ = [
    "PhotonNumberSource",
    "ideal_bell_pair_source",
    "ideal_single_photon_source",
    "poisson_source",
    "spdc_thermal_source",
]

#: Truncation tail mass below which thermal / Poisson distributions are cut.
_TAIL = 1e-15


@dataclass(frozen=True, slots=True, kw_only=True)
class PhotonNumberSource:
    """Photon-number distribution of a source per mode: ``probabilities[n] = p_n``.

    For a pair source ``n`` counts emitted pairs. Validated in ``__post_init__``
    (non-negative, sums to 1 within 1e-9).
    """

    #: ``p_0, p_1, p_2, ...`` (at least two entries).
    probabilities: tuple[float, ...]
    #: Human-readable name, e.g. ``"SPDC thermal, mean 0.01"``.
    label: str = "custom"

    def __post_init__(self) -> None:
        probs = require_probability_vector("probabilities", self.probabilities)
        if len(probs) < 2:
            raise InvalidParameterError(
                "probabilities", probs, "must have at least two entries (p_0, p_1)"
            )
        object.__setattr__(self, "probabilities", probs)

    def p(self, n: int) -> float:
        """Probability of exactly ``n`` photons (pairs); 0 beyond the stored entries."""
        return self.probabilities[n] if 0 <= n < len(self.probabilities) else 0.0

    @property
    def multi_to_single_ratio(self) -> float:
        """``p_2 / p_1^2`` (infinite when ``p_1 = 0``): 0 for ideal, >= 1 for thermal."""
        p1 = self.p(1)
        return math.inf if p1 == 0.0 else self.p(2) / p1**2


def ideal_single_photon_source() -> PhotonNumberSource:
    """Ideal single-photon source, ``p_1 = 1`` (Azuma et al. 2015 idealised users)."""
    return PhotonNumberSource(probabilities=(0.0, 1.0), label="ideal single photons")


def ideal_bell_pair_source() -> PhotonNumberSource:
    """Ideal entangled-pair source emitting exactly one Bell pair per mode, ``q_1 = 1``."""
    return PhotonNumberSource(probabilities=(0.0, 1.0), label="ideal Bell pairs")


def _truncated(values: npt.ArrayLike, label: str) -> PhotonNumberSource:
    pmf = np.array(values, dtype=np.float64)
    pmf[-1] += max(0.0, 1.0 - float(pmf.sum()))  # tail mass (< 1e-15) into the last entry
    return PhotonNumberSource(probabilities=tuple(float(v) for v in pmf), label=label)


def spdc_thermal_source(mean_pairs: float) -> PhotonNumberSource:
    """SPDC (single-mode) source with thermal statistics ``q_n = x^n / (1 + x)^{n+1}``.

    Parameters
    ----------
    mean_pairs : float
        Mean pair number ``x`` per mode, > 0.

    Returns
    -------
    PhotonNumberSource
        Truncated where the tail is below 1e-15 (tail added to the last entry).

    Raises
    ------
    InvalidParameterError
        If ``mean_pairs <= 0``.

    References
    ----------
    .. [1] Trényi, Azuma, Curty, NJP 21, 113052 (2019), arXiv:1908.04539 [V, abstract]: PDC
       sources do not satisfy the conditions to beat the repeaterless bound.
    """
    x = require_positive("mean_pairs", mean_pairs)
    ratio = x / (1.0 + x)
    n_max = max(2, math.ceil(math.log(_TAIL) / math.log(ratio)))
    n = np.arange(n_max + 1)
    return _truncated(ratio**n / (1.0 + x), f"SPDC thermal, mean {x:g}")


def poisson_source(mean_photons: float) -> PhotonNumberSource:
    """Phase-randomised weak coherent source, ``p_n = e^{-mu} mu^n / n!``.

    Parameters
    ----------
    mean_photons : float
        Mean photon number ``mu`` per mode, > 0.

    Returns
    -------
    PhotonNumberSource
        Truncated at ``mu + 12 sqrt(mu) + 20`` photons (tail added to the last entry).

    Raises
    ------
    InvalidParameterError
        If ``mean_photons <= 0``.
    """
    mu = require_positive("mean_photons", mean_photons)
    n_max = max(2, int(mu + 12.0 * math.sqrt(mu) + 20.0))
    n = np.arange(n_max + 1)
    log_p = -mu + n * math.log(mu) - np.array([math.lgamma(k + 1.0) for k in n])
    return _truncated(np.exp(log_p), f"Poisson, mean {mu:g}")
