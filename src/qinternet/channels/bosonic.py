"""Bosonic channel models: pure loss (fibre), thermal loss, amplifiers, noise, multiband."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from qinternet._validation import (
    require_in_range,
    require_nonnegative,
    require_positive,
)
from qinternet.channels import capacities as cap
from qinternet.channels._base import _Bounds, _ExactCapacity
from qinternet.constants import DEFAULT_ATTENUATION_DB_PER_KM
from qinternet.errors import InvalidParameterError
from qinternet.units import detector_transmissivity, fibre_transmissivity

__all__ = [
    "AdditiveNoiseChannel",
    "AmplifierChannel",
    "MultibandChannel",
    "PureLossChannel",
    "ThermalLossChannel",
    "fibre_link",
]

@dataclass(frozen=True, slots=True, kw_only=True)
class PureLossChannel(_ExactCapacity):
    """Pure-loss bosonic channel of transmissivity eta (exact: PLOB = RCI).

    References
    ----------
    .. [1] S. Pirandola, R. Laurenza, C. Ottaviani, L. Banchi, Nat. Commun. 8, 15043 (2017),
       Eq. (19) [V]; review arXiv:1906.01645 Eqs. (132)-(135) [V].
    .. [2] M. Takeoka, S. Guha, M. M. Wilde, Nat. Commun. 5, 5235 (2014) (TGW bound) [V].

    Examples
    --------
    >>> ch = PureLossChannel(transmissivity=0.01)
    >>> round(ch.upper_ebits_per_use, 10), ch.exact
    (0.0144995697, True)
    """

    model: ClassVar[str] = "pure-loss"
    #: Transmissivity eta in [0, 1).
    transmissivity: float

    def __post_init__(self) -> None:
        require_in_range(
            "transmissivity", self.transmissivity, 0.0, 1.0, high_inclusive=False,
            why="capacity is infinite at 1",
        )

    def _capacity(self) -> float:
        """PLOB bound -log2(1 - eta), equal to the reverse coherent information."""
        return float(cap.plob_bound(self.transmissivity))

    @property
    def tgw_ebits_per_use(self) -> float:
        """TGW (squashed entanglement) bound log2((1+eta)/(1-eta)), an upper bound only."""
        return float(cap.tgw_bound(self.transmissivity))

    def to_dict(self) -> dict[str, Any]:
        """CLI keys plus ``tgw_ebits_per_use`` and ``transmissivity``."""
        out = _Bounds.to_dict(self)
        out["tgw_ebits_per_use"] = self.tgw_ebits_per_use
        out["transmissivity"] = self.transmissivity
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class ThermalLossChannel(_Bounds):
    """Thermal-loss channel (eta, nbar): PLOB upper bound and RCI lower bound.

    References
    ----------
    .. [1] S. Pirandola, R. Laurenza, C. Ottaviani, L. Banchi, Nat. Commun. 8, 15043 (2017),
       Eqs. (23) [V], (24) [R]; review arXiv:1906.01645 Eq. (167) [V].

    Examples
    --------
    >>> ch = ThermalLossChannel(transmissivity=0.5, mean_photons=0.1)
    >>> round(ch.upper_ebits_per_use, 10), round(ch.lower_ebits_per_use, 10), ch.exact
    (0.6165533144, 0.5165533144, False)
    """

    model: ClassVar[str] = "thermal-loss"
    #: Transmissivity eta in [0, 1).
    transmissivity: float
    #: Mean thermal photon number nbar >= 0 of the environment.
    mean_photons: float

    def __post_init__(self) -> None:
        require_in_range(
            "transmissivity", self.transmissivity, 0.0, 1.0, high_inclusive=False,
            why="capacity is infinite at 1",
        )
        require_nonnegative("mean_photons", self.mean_photons)

    @property
    def upper_ebits_per_use(self) -> float:
        """PLOB upper bound (0 when entanglement breaking)."""
        return cap.thermal_loss_upper(self.transmissivity, self.mean_photons)

    @property
    def lower_ebits_per_use(self) -> float:
        """RCI lower bound, clipped at 0."""
        return cap.thermal_loss_lower(self.transmissivity, self.mean_photons)

    def _distillable_instance(self) -> bool:
        """nbar = 0 is the pure-loss channel (distillable)."""
        return self.mean_photons == 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class AmplifierChannel(_Bounds):
    """Phase-insensitive amplifier of gain G > 1 with thermal noise nbar (0: quantum limited).

    References
    ----------
    .. [1] S. Pirandola, R. Laurenza, C. Ottaviani, L. Banchi, Nat. Commun. 8, 15043 (2017),
       Eqs. (26), (28) [V]; review arXiv:1906.01645 Eqs. (170), (177) [V].

    Examples
    --------
    >>> AmplifierChannel(gain=2.0).to_dict()
    {'model': 'amplifier', 'upper_ebits_per_use': 1.0, 'lower_ebits_per_use': 1.0, 'exact': True,
     'gain': 2.0, 'mean_photons': 0.0}
    """

    model: ClassVar[str] = "amplifier"
    #: Gain G > 1.
    gain: float
    #: Mean thermal photon number nbar >= 0 (0 = quantum-limited amplifier).
    mean_photons: float = 0.0

    def __post_init__(self) -> None:
        cap.require_finite_gain(self.gain)
        require_nonnegative("mean_photons", self.mean_photons)

    @property
    def upper_ebits_per_use(self) -> float:
        """PLOB upper bound."""
        return cap.amplifier_upper(self.gain, self.mean_photons)

    @property
    def lower_ebits_per_use(self) -> float:
        """Lower bound log2(G/(G-1)) - g(nbar), clipped at 0."""
        return cap.amplifier_lower(self.gain, self.mean_photons)

    def _distillable_instance(self) -> bool:
        """nbar = 0 is the quantum-limited amplifier (distillable)."""
        return self.mean_photons == 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class AdditiveNoiseChannel(_Bounds):
    """Additive Gaussian noise channel of variance xi > 0.

    References
    ----------
    .. [1] S. Pirandola, R. Laurenza, C. Ottaviani, L. Banchi, Nat. Commun. 8, 15043 (2017),
       Eq. (29) [V]; review arXiv:1906.01645 Eq. (171) [V]; lower bound [R].

    Examples
    --------
    >>> round(AdditiveNoiseChannel(variance=0.1).upper_ebits_per_use, 10)
    2.0235025581
    """

    model: ClassVar[str] = "additive-noise"
    #: Noise variance xi > 0 (xi = 0 is the identity channel, infinite capacity).
    variance: float

    def __post_init__(self) -> None:
        require_positive("variance", self.variance)

    @property
    def upper_ebits_per_use(self) -> float:
        """PLOB upper bound."""
        return cap.additive_noise_upper(self.variance)

    @property
    def lower_ebits_per_use(self) -> float:
        """Lower bound, clipped at 0."""
        return cap.additive_noise_lower(self.variance)

@dataclass(frozen=True, slots=True, kw_only=True)
class MultibandChannel(_ExactCapacity):
    """Parallel pure-loss bands {eta_i} used together (exact: -sum_i log2(1 - eta_i)).

    ``bandwidth`` W multiplies the result: with W in uses per second the bounds are ebits per
    second (property ``upper_ebits_per_s``); ``*_ebits_per_use`` are per use of all bands.

    References
    ----------
    .. [1] S. Pirandola et al., Adv. Opt. Photon. 12, 1012 (2020), arXiv:1906.01645,
       Eq. (176) [V].

    Examples
    --------
    >>> ch = MultibandChannel(transmissivities=(0.5, 0.5), bandwidth_uses_per_s=1e9)
    >>> ch.upper_ebits_per_use, ch.upper_ebits_per_s
    (2.0, 2000000000.0)
    """

    model: ClassVar[str] = "multiband"
    #: Transmissivity of each band, each in [0, 1).
    transmissivities: tuple[float, ...]
    #: Channel uses per second of each band (bandwidth W), > 0.
    bandwidth_uses_per_s: float = 1.0

    def __post_init__(self) -> None:
        if len(self.transmissivities) == 0:
            raise InvalidParameterError(
                "transmissivities", self.transmissivities, "must not be empty"
            )
        etas = tuple(
            require_in_range("transmissivities", t, 0.0, 1.0, high_inclusive=False,
                             why="capacity is infinite at 1")
            for t in self.transmissivities
        )
        object.__setattr__(self, "transmissivities", etas)
        require_positive("bandwidth_uses_per_s", self.bandwidth_uses_per_s)

    def _capacity(self) -> float:
        """Sum of the band capacities, ebits per use of all bands."""
        return cap.multiband_capacity(self.transmissivities)

    @property
    def upper_ebits_per_s(self) -> float:
        """Capacity per second: W times the per-use value."""
        return cap.multiband_capacity(self.transmissivities, self.bandwidth_uses_per_s)


def fibre_link(
    length_km: float,
    attenuation_db_per_km: float = DEFAULT_ATTENUATION_DB_PER_KM,
    *,
    insertion_loss_db: float = 0.0,
    detector_efficiency: float = 1.0,
) -> PureLossChannel:
    """Pure-loss channel of an optical fibre link.

    ``eta = 10**(-(alpha L + insertion_loss_db)/10) * detector_efficiency`` with alpha in dB/km
    and L in km.

    Parameters
    ----------
    length_km : float
        Fibre length in km, > 0 (a zero-length lossless link has infinite capacity).
    attenuation_db_per_km : float
        Attenuation in dB/km, default 0.2.
    insertion_loss_db : float
        Extra loss in dB (connectors, components), default 0.
    detector_efficiency : float
        Detector efficiency folded into the channel, in (0, 1], default 1.

    Returns
    -------
    PureLossChannel

    References
    ----------
    .. [1] S. Pirandola et al., Adv. Opt. Photon. 12, 1012 (2020), arXiv:1906.01645: fibre
       transmissivity 10^(-alpha L/10); a detector folded into the channel weakens PLOB to
       -log2(1 - eta_det eta) [V].

    Examples
    --------
    >>> round(fibre_link(100.0).upper_ebits_per_use, 10)
    0.0144995697
    """
    length = require_nonnegative("length_km", length_km)
    eta_fibre = float(fibre_transmissivity(length, attenuation_db_per_km))
    eta = detector_transmissivity(eta_fibre, detector_efficiency, insertion_loss_db)
    if eta >= 1.0:
        # the parameter that makes the link lossless is named: the length, or else the
        # attenuation (a length with zero attenuation is as lossless as length 0)
        if length > 0.0:
            raise InvalidParameterError(
                "attenuation_db_per_km", attenuation_db_per_km,
                f"must be > 0 for a {length:g} km link to have loss (capacity is infinite)")
        raise InvalidParameterError(
            "length_km", length_km, "must be > 0 for a lossless link (capacity is infinite)"
        )
    return PureLossChannel(transmissivity=eta)
