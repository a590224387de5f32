"""Model core of the Lim et al. 2014 finite-key decoy BB84 bounds (see ``bb84_finite``).

Parameters, settings, the expected counts of the paper's simulation model and Eqs. (1)-(5).
Public names are re-exported by :mod:`qinternet.qkd.bb84_finite`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from qinternet._validation import require_in_range
from qinternet.entropy import binary_entropy
from qinternet.errors import InvalidParameterError

__all__ = [
    "FINITE_KEY_MODEL",
    "LIM2014_SIMULATION",
    "Lim2014Counts",
    "Lim2014Params",
    "Lim2014Settings",
    "fixed_point_length",
    "key_length_raw",
    "lim2014_asymptotic_rate",
    "lim2014_expected_counts",
    "lim2014_key_length",
]

FINITE_KEY_MODEL = "Lim et al. 2014 (PRA 89, 022307), Eqs. (1)-(5)"


@dataclass(frozen=True, slots=True, kw_only=True)
class Lim2014Params:
    """Device and security parameters of the Lim et al. 2014 finite-key model.

    Defaults are the GYS device set (the ``bb84-decoy`` defaults, with Y0 = 2 pd and
    no after-pulses) so that the finite-key rate can be compared with the asymptotic model;
    :data:`LIM2014_SIMULATION` holds the paper's simulation parameters.

    Attributes
    ----------
    detector_efficiency : float
        eta_Bob, Bob's detection efficiency folded into the channel, in (0, 1]. Default 0.045.
    dark_count : float
        p_dc, dark-count probability per detector per pulse, in [0, 1/2). Default 8.5e-7.
    misalignment : float
        e_mis, optical error probability, in [0, 1/2]. Default 0.033.
    afterpulse : float
        p_ap, after-pulse probability, in [0, 1). Default 0.
    ec_efficiency : float
        f_EC >= 1. Default 1.22.
    secrecy_per_bit : float
        kappa: eps_sec = kappa * l. Default 1e-15 (the paper's value).
    epsilon_cor : float
        Correctness parameter eps_cor. Default 1e-15 (the paper's value).
    """

    detector_efficiency: float = 0.045
    dark_count: float = 8.5e-7
    misalignment: float = 0.033
    afterpulse: float = 0.0
    ec_efficiency: float = 1.22
    secrecy_per_bit: float = 1e-15
    epsilon_cor: float = 1e-15

    def __post_init__(self) -> None:
        require_in_range("detector_efficiency", self.detector_efficiency, 0.0, 1.0,
                         low_inclusive=False)
        require_in_range("dark_count", self.dark_count, 0.0, 0.5, high_inclusive=False)
        require_in_range("misalignment", self.misalignment, 0.0, 0.5)
        require_in_range("afterpulse", self.afterpulse, 0.0, 1.0, high_inclusive=False)
        require_in_range("ec_efficiency", self.ec_efficiency, 1.0, np.inf, high_inclusive=False)
        require_in_range("secrecy_per_bit", self.secrecy_per_bit, 0.0, 1.0, low_inclusive=False)
        require_in_range("epsilon_cor", self.epsilon_cor, 0.0, 1.0, low_inclusive=False)


#: Simulation parameters of Lim et al. 2014 (Sec. V): eta_Bob = 10%, p_dc = 6e-7, p_ap = 4%,
#: e_mis = 0.5%, f_EC = 1.16, kappa = eps_cor = 1e-15 (with 0.2 dB/km fibre and mu3 = 2e-4).
LIM2014_SIMULATION = Lim2014Params(
    detector_efficiency=0.1, dark_count=6e-7, misalignment=5e-3, afterpulse=0.04,
    ec_efficiency=1.16,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Lim2014Settings:
    """Protocol settings: intensities (mean photon numbers), their probabilities, basis bias."""

    mu1: float
    mu2: float
    mu3: float = 2e-4
    p1: float
    p2: float
    q_x: float

    def __post_init__(self) -> None:
        require_in_range("mu3", self.mu3, 0.0, np.inf, high_inclusive=False)
        if not self.mu2 > self.mu3:
            raise InvalidParameterError("mu2", self.mu2, f"must exceed mu3 = {self.mu3:g}")
        if not self.mu1 > self.mu2 + self.mu3:
            raise InvalidParameterError(
                "mu1", self.mu1, f"must exceed mu2 + mu3 = {self.mu2 + self.mu3:g}"
            )
        require_in_range("p1", self.p1, 0.0, 1.0, low_inclusive=False, high_inclusive=False)
        require_in_range("p2", self.p2, 0.0, 1.0, low_inclusive=False, high_inclusive=False)
        if not self.p1 + self.p2 < 1.0:
            raise InvalidParameterError("p2", self.p2, "must satisfy p1 + p2 < 1 (p3 > 0)")
        require_in_range("q_x", self.q_x, 0.0, 1.0, low_inclusive=False, high_inclusive=False)

    @property
    def intensities(self) -> tuple[float, float, float]:
        """(mu1, mu2, mu3)."""
        return (self.mu1, self.mu2, self.mu3)

    @property
    def probabilities(self) -> tuple[float, float, float]:
        """(p1, p2, p3)."""
        return (self.p1, self.p2, 1.0 - self.p1 - self.p2)


@dataclass(frozen=True, slots=True, kw_only=True)
class Lim2014Counts:
    """Expected detection (n) and error (m) counts per intensity in the X and Z bases."""

    n_x: tuple[float, float, float]
    m_x: tuple[float, float, float]
    n_z: tuple[float, float, float]
    m_z: tuple[float, float, float]


def lim2014_expected_counts(
    channel_transmissivity: float, pulses: float, settings: Lim2014Settings, params: Lim2014Params
) -> Lim2014Counts:
    """Expected counts of the Lim et al. 2014 simulation model for ``pulses`` pulses.

    Parameters
    ----------
    channel_transmissivity : float
        Alice–Bob channel transmissivity, detector not included (the model's
        eta_sys = eta_Bob * channel, eta_Bob = ``params.detector_efficiency``).
    pulses : float
        N, number of pulses sent by Alice.
    settings : Lim2014Settings
        Intensities, intensity probabilities and basis bias.
    params : Lim2014Params
        p_dc, e_mis, p_ap are used.

    Returns
    -------
    Lim2014Counts
        ``n_X,k = N p_k q_x^2 R_k``, ``m_X,k = N p_k q_x^2 e_k`` (and Z with ``(1 - q_x)^2``).

    Notes
    -----
    ``D_k = 1 - (1 - 2 p_dc) exp(-eta_sys k)``, ``R_k = D_k (1 + p_ap)`` and the error
    probability ``e_k = p_dc + e_mis [1 - exp(-eta_sys k)] + p_ap D_k / 2``. The toolkit transcribes
    the misalignment term with the channel transmittance eta_ch; this module uses eta_sys
    (detector included), which makes e_k the standard GYS error probability
    ``e0 Y0 + e_det (1 - exp(-eta mu))`` at p_ap = 0 and keeps the QBER near e_mis, as the
    paper's numbers require: with eta_ch the QBER would be about e_mis / eta_Bob + p_ap / 2
    (7 % with the paper's parameters) and there is no key at n_X = 1e4 even at 0 km, whereas
    the paper reports keys up to about 135 km (case F1); with eta_sys the reach is ~130 km.

    References
    ----------
    .. [1] C. C. W. Lim, M. Curty, N. Walenta, F. Xu, H. Zbinden, "Concise security bounds for
       practical decoy-state quantum key distribution", PRA 89, 022307 (2014), arXiv:1311.7129,
       Sec. V (simulation model) [V, full text; eta_sys in e_k: see Notes].
    """
    eta = params.detector_efficiency * channel_transmissivity
    q_x = settings.q_x
    n_x, m_x, n_z, m_z = [], [], [], []
    for k, p_k in zip(settings.intensities, settings.probabilities, strict=True):
        d_k = 1.0 - (1.0 - 2.0 * params.dark_count) * math.exp(-eta * k)
        r_k = d_k * (1.0 + params.afterpulse)
        e_k = (
            params.dark_count
            + params.misalignment * -math.expm1(-eta * k)
            + params.afterpulse * d_k / 2.0
        )
        n_x.append(pulses * p_k * q_x**2 * r_k)
        m_x.append(pulses * p_k * q_x**2 * e_k)
        n_z.append(pulses * p_k * (1.0 - q_x) ** 2 * r_k)
        m_z.append(pulses * p_k * (1.0 - q_x) ** 2 * e_k)
    return Lim2014Counts(
        n_x=(n_x[0], n_x[1], n_x[2]), m_x=(m_x[0], m_x[1], m_x[2]),
        n_z=(n_z[0], n_z[1], n_z[2]), m_z=(m_z[0], m_z[1], m_z[2]),
    )


def _tau(n: int, settings: Lim2014Settings) -> float:
    return sum(
        math.exp(-k) * k**n * p / math.factorial(n)
        for k, p in zip(settings.intensities, settings.probabilities, strict=True)
    )


def _vacuum_and_single(
    counts: tuple[float, float, float], settings: Lim2014Settings, log_term: float
) -> tuple[float, float]:
    """Lower bounds (s_0, s_1) of Eqs. (2)-(3) from the counts of one basis."""
    mu1, mu2, mu3 = settings.intensities
    total = sum(counts)
    delta = math.sqrt(total / 2.0 * log_term)
    plus = [math.exp(k) / p * (c + delta) for k, p, c in
            zip(settings.intensities, settings.probabilities, counts, strict=True)]
    minus = [math.exp(k) / p * (c - delta) for k, p, c in
             zip(settings.intensities, settings.probabilities, counts, strict=True)]
    tau0, tau1 = _tau(0, settings), _tau(1, settings)
    s0 = max(tau0 * (mu2 * minus[2] - mu3 * plus[1]) / (mu2 - mu3), 0.0)
    s1 = (
        tau1 * mu1
        * (minus[1] - plus[2] - (mu2**2 - mu3**2) / mu1**2 * (plus[0] - s0 / tau0))
        / (mu1 * (mu2 - mu3) - mu2**2 + mu3**2)
    )
    return s0, s1


def _gamma(a: float, b: float, c: float, d: float) -> float:
    """gamma(a, b, c, d) of Eq. (5) (serfling-type correction of the phase-error rate)."""
    if b <= 0.0 or b >= 1.0:
        return 0.0 if b <= 0.0 else math.inf
    inner = (c + d) / (c * d * (1.0 - b) * b) * 21.0**2 / a**2
    if inner <= 1.0:  # the deviation bound holds with no correction at all
        return 0.0
    return math.sqrt((c + d) * (1.0 - b) * b / (c * d * math.log(2.0)) * math.log2(inner))


def key_length_raw(
    counts: Lim2014Counts,
    settings: Lim2014Settings,
    params: Lim2014Params,
    eps_sec: float,
    *,
    asymptotic: bool = False,
) -> tuple[float, float, float]:
    """(l without floor, phase-error bound phi_X, QBER E_X); l may be negative.

    ``asymptotic``: drop every finite-size term (deviations, gamma, eps terms): the N -> infinity
    limit of l / N when ``counts`` are per pulse.
    """
    log_term = 0.0 if asymptotic else math.log(21.0 / eps_sec)
    mu2, mu3 = settings.mu2, settings.mu3
    s_x0, s_x1 = _vacuum_and_single(counts.n_x, settings, log_term)
    _, s_z1 = _vacuum_and_single(counts.n_z, settings, log_term)
    n_x = sum(counts.n_x)
    m_x = sum(counts.m_x)
    qber = m_x / n_x if n_x > 0 else 0.5
    if s_x1 <= 0.0 or s_z1 <= 0.0:
        # No single-photon bound: report a negative length that grows with the deficit.
        return min(s_x1, s_z1) - n_x, 0.5, qber
    m_z = sum(counts.m_z)
    delta = math.sqrt(m_z / 2.0 * log_term)
    ps = settings.probabilities
    m_plus_2 = math.exp(mu2) / ps[1] * (counts.m_z[1] + delta)
    m_minus_3 = math.exp(mu3) / ps[2] * (counts.m_z[2] - delta)
    v_z1 = _tau(1, settings) * (m_plus_2 - m_minus_3) / (mu2 - mu3)
    ratio = max(v_z1 / s_z1, 0.0)
    correction = 0.0 if asymptotic else _gamma(eps_sec, ratio, s_z1, s_x1)
    phi = min(ratio + correction, 0.5)
    leak = params.ec_efficiency * n_x * float(binary_entropy(min(qber, 0.5)))
    length = s_x0 + s_x1 - s_x1 * float(binary_entropy(phi)) - leak
    if not asymptotic:
        length -= 6.0 * math.log2(21.0 / eps_sec) + math.log2(2.0 / params.epsilon_cor)
    return length, phi, qber


def lim2014_key_length(
    channel_transmissivity: float, pulses: float, settings: Lim2014Settings, params: Lim2014Params
) -> tuple[float, float, float]:
    """Secret-key length of Lim et al. 2014 for ``pulses`` pulses at fixed settings.

    Parameters
    ----------
    channel_transmissivity : float
        Alice–Bob channel transmissivity, detector not included (the model's
        eta_sys = eta_Bob * channel, eta_Bob = ``params.detector_efficiency``).
    pulses : float
        N, number of pulses sent (> 0).
    settings : Lim2014Settings
        Intensities, probabilities and basis bias.
    params : Lim2014Params
        Device and security parameters.

    Returns
    -------
    key_length_bits, phase_error_bound, qber : float
        ``l`` of Eq. (1) (floored, >= 0), the bound phi_X of Eq. (5) and E_X = m_X / n_X.

    Notes
    -----
    ``eps_sec = kappa * l`` is solved by fixed-point iteration from ``eps_sec = kappa * n_X``
    (l grows with eps_sec, so the iteration decreases monotonically to the fixed point).

    References
    ----------
    .. [1] C. C. W. Lim et al., PRA 89, 022307 (2014), arXiv:1311.7129, Eqs. (1)-(5)
       [V, full text].
    """
    counts = lim2014_expected_counts(channel_transmissivity, pulses, settings, params)
    return fixed_point_length(counts, settings, params)


def fixed_point_length(
    counts: Lim2014Counts, settings: Lim2014Settings, params: Lim2014Params
) -> tuple[float, float, float]:
    ell = max(sum(counts.n_x), 1.0)
    phi, qber = 0.5, 0.5
    for _ in range(50):
        new, phi, qber = key_length_raw(counts, settings, params, params.secrecy_per_bit * ell)
        if new <= 0.0:
            return 0.0, phi, qber
        if abs(new - ell) <= 1e-12 * ell:
            ell = new
            break
        ell = new
    return float(math.floor(ell)), phi, qber


def lim2014_asymptotic_rate(
    channel_transmissivity: float, settings: Lim2014Settings, params: Lim2014Params
) -> float:
    """N -> infinity limit of the Lim et al. 2014 rate l/N at fixed settings (bits per pulse).

    Every finite-size term of Eqs. (1)-(5) vanishes (Hoeffding deviations, gamma, the
    eps_sec/eps_cor terms); the three-intensity decoy bounds remain.

    Parameters
    ----------
    channel_transmissivity : float
        Alice–Bob channel transmissivity, detector not included (eta_sys = eta_Bob * channel).
    settings : Lim2014Settings
        Intensities, probabilities and basis bias.
    params : Lim2014Params
        Device parameters.

    Returns
    -------
    float
        Limit of the key rate in bits per pulse (>= 0).

    References
    ----------
    .. [1] C. C. W. Lim et al., PRA 89, 022307 (2014), arXiv:1311.7129, Eqs. (1)-(5) with the
       finite-size terms removed [D].
    """
    counts = lim2014_expected_counts(channel_transmissivity, 1.0, settings, params)
    raw, _, _ = key_length_raw(counts, settings, params, 1.0, asymptotic=True)
    return max(raw, 0.0)


