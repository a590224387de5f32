"""Point-to-point channel models as frozen dataclasses, validated on construction.

Every model exposes ``upper_ebits_per_use``, ``lower_ebits_per_use`` (two-way assisted
capacities, ebits per channel use) and ``exact`` (true exactly when the two coincide, i.e. the
capacity is known), plus ``model`` (its CLI name) and ``to_dict()`` (the CLI JSON keys).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, runtime_checkable

from qinternet._validation import (
    require_in_range,
    require_int,
    require_nonnegative,
    require_positive,
    require_probability,
    require_probability_vector,
)
from qinternet.channels import capacities as cap
from qinternet.constants import DEFAULT_ATTENUATION_DB_PER_KM
from qinternet.errors import InvalidParameterError
from qinternet.units import detector_transmissivity, fibre_transmissivity

__all__ = [
    "AdditiveNoiseChannel",
    "AmplifierChannel",
    "AmplitudeDampingChannel",
    "Channel",
    "DephasingChannel",
    "DepolarizingChannel",
    "ErasureChannel",
    "MultibandChannel",
    "PauliChannel",
    "PureLossChannel",
    "QuditDephasingChannel",
    "ThermalLossChannel",
    "channel_from_params",
    "fibre_link",
]

#: Relative tolerance under which upper and lower bounds count as equal (``exact``).
_EXACT_RTOL = 1e-12


@runtime_checkable
class Channel(Protocol):
    """What every channel model provides."""

    @property
    def model(self) -> str:
        """CLI name of the model."""
        ...

    @property
    def upper_ebits_per_use(self) -> float:
        """Upper bound on the two-way capacity, ebits per use."""
        ...

    @property
    def lower_ebits_per_use(self) -> float:
        """Achievable two-way rate, ebits per use."""
        ...

    @property
    def exact(self) -> bool:
        """True when upper == lower (the capacity is known)."""
        ...

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary with the CLI keys."""
        ...


def _agree(upper: float, lower: float) -> bool:
    return abs(upper - lower) <= _EXACT_RTOL * max(1.0, abs(upper))


class _Bounds:
    """Mixin: ``exact`` and ``to_dict`` from the two bounds."""

    __slots__ = ()
    model: ClassVar[str]
    #: True for the distillable families, where the bounds coincide by theorem.
    _distillable: ClassVar[bool] = False

    @property
    def upper_ebits_per_use(self) -> float:  # pragma: no cover - overridden
        raise NotImplementedError

    @property
    def lower_ebits_per_use(self) -> float:  # pragma: no cover - overridden
        raise NotImplementedError

    @property
    def exact(self) -> bool:
        """True exactly when the capacity is known (upper and lower bounds coincide)."""
        return self._distillable or _agree(self.upper_ebits_per_use, self.lower_ebits_per_use)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict with the CLI keys (model, upper/lower ebits per use, exact)."""
        return {
            "model": self.model,
            "upper_ebits_per_use": self.upper_ebits_per_use,
            "lower_ebits_per_use": self.lower_ebits_per_use,
            "exact": self.exact,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class PureLossChannel(_Bounds):
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
    _distillable: ClassVar[bool] = True
    #: Transmissivity eta in [0, 1).
    transmissivity: float

    def __post_init__(self) -> None:
        require_in_range(
            "transmissivity", self.transmissivity, 0.0, 1.0, high_inclusive=False,
            why="capacity is infinite at 1",
        )

    @property
    def upper_ebits_per_use(self) -> float:
        """PLOB bound -log2(1 - eta)."""
        return float(cap.plob_bound(self.transmissivity))

    @property
    def lower_ebits_per_use(self) -> float:
        """Reverse coherent information, equal to PLOB."""
        return self.upper_ebits_per_use

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

    @property
    def exact(self) -> bool:
        """Exact for nbar = 0 (pure loss) or when both bounds coincide."""
        return self.mean_photons == 0.0 or _Bounds.exact.fget(self)  # type: ignore[attr-defined]


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
    {'model': 'amplifier', 'upper_ebits_per_use': 1.0, 'lower_ebits_per_use': 1.0, 'exact': True}
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

    @property
    def exact(self) -> bool:
        """Exact for the quantum-limited amplifier (nbar = 0) or when the bounds coincide."""
        return self.mean_photons == 0.0 or _Bounds.exact.fget(self)  # type: ignore[attr-defined]


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
class PauliChannel(_Bounds):
    """Qubit Pauli channel with probabilities (p0, pX, pY, pZ).

    References
    ----------
    .. [1] S. Pirandola, R. Laurenza, C. Ottaviani, L. Banchi, Nat. Commun. 8, 15043 (2017),
       Eq. (33) [V]; review arXiv:1906.01645 Eqs. (165)-(166) [V]; hashing lower bound [R].

    Examples
    --------
    >>> ch = PauliChannel(probabilities=(0.9, 0.1, 0.0, 0.0))
    >>> ch.exact
    True
    """

    model: ClassVar[str] = "pauli"
    #: (p0, pX, pY, pZ): non-negative, summing to 1 within 1e-9.
    probabilities: tuple[float, float, float, float]

    def __post_init__(self) -> None:
        probs = require_probability_vector("probabilities", self.probabilities, length=4)
        object.__setattr__(self, "probabilities", probs)

    @property
    def upper_ebits_per_use(self) -> float:
        """PLOB Pauli bound 1 - H2(p_max) (p_max >= 1/2), else 0."""
        return cap.pauli_upper(self.probabilities)

    @property
    def lower_ebits_per_use(self) -> float:
        """Hashing bound, clipped at 0."""
        return cap.pauli_lower(self.probabilities)


@dataclass(frozen=True, slots=True, kw_only=True)
class DepolarizingChannel(_Bounds):
    """Depolarizing channel rho -> (1-p) rho + p I/d.

    References
    ----------
    .. [1] S. Pirandola, R. Laurenza, C. Ottaviani, L. Banchi, Nat. Commun. 8, 15043 (2017),
       Eq. (33) (qubit, p_max = 1 - 3p/4) [V/D]; qudit upper bound: REE of the isotropic Choi
       state (Rains, PRA 60, 179 (1999)) [R]; hashing lower bound [D].

    Examples
    --------
    >>> ch = DepolarizingChannel(p=0.1)
    >>> round(ch.upper_ebits_per_use, 10), round(ch.lower_ebits_per_use, 10)
    (0.6156884559, 0.4968162683)
    """

    model: ClassVar[str] = "depolarizing"
    #: Depolarizing probability p in [0, 1].
    p: float
    #: Dimension d >= 2.
    dimension: int = 2

    def __post_init__(self) -> None:
        require_probability("p", self.p)
        require_int("dimension", self.dimension, minimum=2)

    @property
    def upper_ebits_per_use(self) -> float:
        """REE of the isotropic Choi state."""
        return cap.depolarizing_upper(self.p, self.dimension)

    @property
    def lower_ebits_per_use(self) -> float:
        """Hashing bound, clipped at 0."""
        return cap.depolarizing_lower(self.p, self.dimension)


@dataclass(frozen=True, slots=True, kw_only=True)
class DephasingChannel(_Bounds):
    """Qubit dephasing channel rho -> (1-p) rho + p Z rho Z (exact: 1 - H2(p)).

    References
    ----------
    .. [1] S. Pirandola, R. Laurenza, C. Ottaviani, L. Banchi, Nat. Commun. 8, 15043 (2017),
       Eq. (39) [V]; review arXiv:1906.01645 Eq. (178) [V].

    Examples
    --------
    >>> round(DephasingChannel(p=0.1).lower_ebits_per_use, 10)
    0.5310044064
    """

    model: ClassVar[str] = "dephasing"
    _distillable: ClassVar[bool] = True
    #: Phase-flip probability p in [0, 1].
    p: float

    def __post_init__(self) -> None:
        require_probability("p", self.p)

    @property
    def upper_ebits_per_use(self) -> float:
        """Exact capacity 1 - H2(p)."""
        return cap.dephasing_capacity(self.p)

    @property
    def lower_ebits_per_use(self) -> float:
        """Exact capacity 1 - H2(p)."""
        return self.upper_ebits_per_use


@dataclass(frozen=True, slots=True, kw_only=True)
class QuditDephasingChannel(_Bounds):
    """Qudit dephasing channel, P_i = probability of i phase flips (exact: log2 d - H({P_i})).

    References
    ----------
    .. [1] S. Pirandola, R. Laurenza, C. Ottaviani, L. Banchi, Nat. Commun. 8, 15043 (2017),
       Eq. (41) [V]; review arXiv:1906.01645 Eq. (179) [V].

    Examples
    --------
    >>> QuditDephasingChannel(phase_flip_probabilities=(1.0, 0.0, 0.0)).exact
    True
    """

    model: ClassVar[str] = "qudit-dephasing"
    _distillable: ClassVar[bool] = True
    #: Probabilities of 0, 1, ..., d-1 phase flips (d = length >= 2).
    phase_flip_probabilities: tuple[float, ...]

    def __post_init__(self) -> None:
        probs = require_probability_vector(
            "phase_flip_probabilities", self.phase_flip_probabilities
        )
        if len(probs) < 2:
            raise InvalidParameterError(
                "phase_flip_probabilities", probs, "must have at least 2 entries (d >= 2)"
            )
        object.__setattr__(self, "phase_flip_probabilities", probs)

    @property
    def upper_ebits_per_use(self) -> float:
        """Exact capacity."""
        return cap.qudit_dephasing_capacity(self.phase_flip_probabilities)

    @property
    def lower_ebits_per_use(self) -> float:
        """Exact capacity."""
        return self.upper_ebits_per_use


@dataclass(frozen=True, slots=True, kw_only=True)
class ErasureChannel(_Bounds):
    """Qudit erasure channel with erasure probability p (exact: (1-p) log2 d).

    References
    ----------
    .. [1] S. Pirandola, R. Laurenza, C. Ottaviani, L. Banchi, Nat. Commun. 8, 15043 (2017),
       Eq. (44) [V]; review arXiv:1906.01645 Eq. (180) [V].

    Examples
    --------
    >>> ErasureChannel(p=0.25).upper_ebits_per_use
    0.75
    """

    model: ClassVar[str] = "erasure"
    _distillable: ClassVar[bool] = True
    #: Erasure probability p in [0, 1].
    p: float
    #: Dimension d >= 2.
    dimension: int = 2

    def __post_init__(self) -> None:
        require_probability("p", self.p)
        require_int("dimension", self.dimension, minimum=2)

    @property
    def upper_ebits_per_use(self) -> float:
        """Exact capacity."""
        return cap.erasure_capacity(self.p, self.dimension)

    @property
    def lower_ebits_per_use(self) -> float:
        """Exact capacity."""
        return self.upper_ebits_per_use


@dataclass(frozen=True, slots=True, kw_only=True)
class AmplitudeDampingChannel(_Bounds):
    """Amplitude damping with damping probability gamma (transmissivity 1 - gamma).

    Upper bound ``min(1, -log2 gamma)``; lower bound ``max(RCI, Q)`` (both achievable).

    References
    ----------
    .. [1] ``spec/channels.md`` §3.10 [D]; PLOB, Nat. Commun. 8, 15043 (2017), Eq. (19);
       R. García-Patrón et al., PRL 102, 210501 (2009) (RCI) [R].

    Examples
    --------
    >>> ch = AmplitudeDampingChannel(gamma=0.9)
    >>> round(ch.upper_ebits_per_use, 8), round(ch.lower_ebits_per_use, 8)
    (0.15200309, 0.04230246)
    """

    model: ClassVar[str] = "amplitude-damping"
    #: Damping probability gamma in [0, 1].
    gamma: float
    _lower_cache: list[float] = field(default_factory=list, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        require_probability("gamma", self.gamma)

    @property
    def upper_ebits_per_use(self) -> float:
        """``min(1, -log2 gamma)``."""
        return cap.amplitude_damping_upper(self.gamma)

    @property
    def lower_ebits_per_use(self) -> float:
        """``max(RCI, Q)``, computed once and cached."""
        if not self._lower_cache:
            self._lower_cache.append(cap.amplitude_damping_lower(self.gamma))
        return self._lower_cache[0]

    @property
    def rci_ebits_per_use(self) -> float:
        """Reverse coherent information max_x [H2(x) - H2(gamma x)]."""
        return cap.amplitude_damping_rci(self.gamma)[0]

    @property
    def one_way_coherent_information_ebits_per_use(self) -> float:
        """One-way coherent information (0 for gamma >= 1/2)."""
        return cap.amplitude_damping_coherent_information(self.gamma)

    def to_dict(self) -> dict[str, Any]:
        """CLI keys plus the two lower-bound components."""
        out = _Bounds.to_dict(self)
        out["rci_ebits_per_use"] = self.rci_ebits_per_use
        out["one_way_coherent_information_ebits_per_use"] = (
            self.one_way_coherent_information_ebits_per_use
        )
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class MultibandChannel(_Bounds):
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
    _distillable: ClassVar[bool] = True
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

    @property
    def upper_ebits_per_use(self) -> float:
        """Sum of the band capacities, ebits per use of all bands."""
        return cap.multiband_capacity(self.transmissivities)

    @property
    def lower_ebits_per_use(self) -> float:
        """Exact capacity."""
        return self.upper_ebits_per_use

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
        raise InvalidParameterError(
            "length_km", length_km, "must be > 0 for a lossless link (capacity is infinite)"
        )
    return PureLossChannel(transmissivity=eta)


_FACTORIES: dict[str, tuple[type[_Bounds], frozenset[str]]] = {
    "pure-loss": (PureLossChannel, frozenset({"transmissivity"})),
    "thermal-loss": (ThermalLossChannel, frozenset({"transmissivity", "mean_photons"})),
    "amplifier": (AmplifierChannel, frozenset({"gain", "mean_photons"})),
    "additive-noise": (AdditiveNoiseChannel, frozenset({"variance"})),
    "pauli": (PauliChannel, frozenset({"probabilities"})),
    "depolarizing": (DepolarizingChannel, frozenset({"p", "dimension"})),
    "dephasing": (DephasingChannel, frozenset({"p"})),
    "qudit-dephasing": (QuditDephasingChannel, frozenset({"phase_flip_probabilities"})),
    "erasure": (ErasureChannel, frozenset({"p", "dimension"})),
    "amplitude-damping": (AmplitudeDampingChannel, frozenset({"gamma"})),
    "multiband": (MultibandChannel, frozenset({"transmissivities", "bandwidth_uses_per_s"})),
}


def channel_from_params(model: str, params: Mapping[str, Any]) -> Channel:
    """Build a channel from its CLI model name and parameters (snake_case keys).

    Used by the network loaders for links with a ``channel`` attribute. List-valued parameters
    (``probabilities``) may be given as sequences or as comma-separated strings.

    Raises
    ------
    InvalidParameterError
        Unknown model, unknown or missing parameter, or a value outside its domain.

    Examples
    --------
    >>> channel_from_params("erasure", {"p": 0.25, "dimension": 3}).exact
    True
    """
    if model not in _FACTORIES:
        raise InvalidParameterError(
            "channel", model, "must be one of " + ", ".join(sorted(_FACTORIES))
        )
    cls, allowed = _FACTORIES[model]
    unknown = set(params) - allowed
    if unknown:
        name = sorted(unknown)[0]
        raise InvalidParameterError(
            name, params[name], f"is not a parameter of the {model} channel "
            f"(allowed: {', '.join(sorted(allowed))})"
        )
    kwargs: dict[str, Any] = {}
    for key, value in params.items():
        if key in {"probabilities", "phase_flip_probabilities", "transmissivities"}:
            if isinstance(value, str):
                try:
                    value = tuple(float(v) for v in value.split(","))
                except ValueError:
                    raise InvalidParameterError(
                        key, value, "must be a comma-separated list of numbers"
                    ) from None
            else:
                value = tuple(float(v) for v in value)
        elif key == "dimension":
            value = require_int(
                "dimension", _to_int(value) if isinstance(value, str) else value
            )
        else:
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise InvalidParameterError(key, value, "must be a number") from None
        kwargs[key] = value
    try:
        return cls(**kwargs)
    except TypeError as err:  # missing required parameter
        missing = sorted(allowed - set(params))
        raise InvalidParameterError(
            missing[0] if missing else "channel", None, f"is required for the {model} channel"
        ) from err


def _to_int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise InvalidParameterError("dimension", text, "must be an integer") from None


