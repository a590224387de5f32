"""Discrete-variable channel models: Pauli, depolarizing, dephasing, erasure, amplitude damping."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from qinternet._validation import (
    require_int,
    require_probability,
    require_probability_vector,
)
from qinternet.channels import capacities as cap
from qinternet.channels._base import _Bounds, _ExactCapacity
from qinternet.errors import InvalidParameterError

__all__ = [
    "AmplitudeDampingChannel",
    "DephasingChannel",
    "DepolarizingChannel",
    "ErasureChannel",
    "PauliChannel",
    "QuditDephasingChannel",
]

#: Largest qudit dimension accepted (2^31): log2 d and the isotropic-state formulas stay exact
#: in double precision far beyond any physical system, and numpy integer arithmetic stays in
#: range.
MAX_DIMENSION = 2**31


def require_max_dimension(dimension: int) -> None:
    """Refuse a dimension above :data:`MAX_DIMENSION` with a clear error."""
    if dimension > MAX_DIMENSION:
        raise InvalidParameterError("dimension", dimension,
                                    f"must be <= 2^31 = {MAX_DIMENSION}")


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

    def _distillable_instance(self) -> bool:
        """At most two non-zero probabilities: a dephasing channel in a Pauli frame."""
        return sum(1 for q in self.probabilities if q > 0.0) <= 2

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
        require_max_dimension(self.dimension)

    def _distillable_instance(self) -> bool:
        """p = 0 is the identity channel (capacity log2 d)."""
        return self.p == 0.0

    @property
    def upper_ebits_per_use(self) -> float:
        """REE of the isotropic Choi state."""
        return cap.depolarizing_upper(self.p, self.dimension)

    @property
    def lower_ebits_per_use(self) -> float:
        """Hashing bound, clipped at 0."""
        return cap.depolarizing_lower(self.p, self.dimension)


@dataclass(frozen=True, slots=True, kw_only=True)
class DephasingChannel(_ExactCapacity):
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
    #: Phase-flip probability p in [0, 1].
    p: float

    def __post_init__(self) -> None:
        require_probability("p", self.p)

    def _capacity(self) -> float:
        """Exact capacity 1 - H2(p)."""
        return cap.dephasing_capacity(self.p)


@dataclass(frozen=True, slots=True, kw_only=True)
class QuditDephasingChannel(_ExactCapacity):
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

    def _capacity(self) -> float:
        """Exact capacity log2 d - H({P_i})."""
        return cap.qudit_dephasing_capacity(self.phase_flip_probabilities)


@dataclass(frozen=True, slots=True, kw_only=True)
class ErasureChannel(_ExactCapacity):
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
    #: Erasure probability p in [0, 1].
    p: float
    #: Dimension d >= 2.
    dimension: int = 2

    def __post_init__(self) -> None:
        require_probability("p", self.p)
        require_int("dimension", self.dimension, minimum=2)
        require_max_dimension(self.dimension)

    def _capacity(self) -> float:
        """Exact capacity (1 - p) log2 d."""
        return cap.erasure_capacity(self.p, self.dimension)


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
    #: Reverse coherent information and one-way coherent information (computed once).
    _rci: float = field(default=0.0, init=False, repr=False, compare=False)
    _coherent: float = field(default=0.0, init=False, repr=False, compare=False)

    def _distillable_instance(self) -> bool:
        """gamma = 0 is the identity channel (capacity 1)."""
        return self.gamma == 0.0

    def __post_init__(self) -> None:
        require_probability("gamma", self.gamma)
        object.__setattr__(self, "_rci", cap.amplitude_damping_rci(self.gamma)[0])
        object.__setattr__(
            self, "_coherent", cap.amplitude_damping_coherent_information(self.gamma)
        )

    @property
    def upper_ebits_per_use(self) -> float:
        """``min(1, -log2 gamma)``."""
        return cap.amplitude_damping_upper(self.gamma)

    @property
    def lower_ebits_per_use(self) -> float:
        """``max(RCI, Q)``: both are achievable."""
        return max(self._rci, self._coherent)

    @property
    def rci_ebits_per_use(self) -> float:
        """Reverse coherent information max_x [H2(x) - H2(gamma x)]."""
        return self._rci

    @property
    def one_way_coherent_information_ebits_per_use(self) -> float:
        """One-way coherent information (0 for gamma >= 1/2)."""
        return self._coherent

    def to_dict(self) -> dict[str, Any]:
        """CLI keys plus the two lower-bound components."""
        out = _Bounds.to_dict(self)
        out["rci_ebits_per_use"] = self.rci_ebits_per_use
        out["one_way_coherent_information_ebits_per_use"] = (
            self.one_way_coherent_information_ebits_per_use
        )
        return out
