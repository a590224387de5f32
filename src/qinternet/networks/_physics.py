"""Per-link physics from edge attributes: which channel a link is, and its two per-use values.

Accepted edge attributes (the CLI contract), in order of precedence:

1. ``capacity_upper`` + ``capacity_lower``: E_up and R_lo in ebits per use, given directly;
2. ``channel`` + that model's parameters (``p``, ``dimension``, ``gamma``, ...), built with
   :func:`qinternet.channels.models.channel_from_params`;
3. ``transmissivity``: pure-loss channel (E_up = R_lo = PLOB);
4. ``length_km`` [+ ``attenuation_db_per_km``, default 0.2 dB/km]: pure-loss fibre.

Nothing else gives a link physics: a link without any of them is an error naming the link.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from qinternet._validation import require_nonnegative, require_positive
from qinternet.channels.models import (
    Channel,
    PureLossChannel,
    channel_from_params,
    fibre_link,
)
from qinternet.errors import InvalidParameterError

__all__ = [
    "CHANNEL_PARAMETER_KEYS",
    "EARTH_MEAN_RADIUS_KM",
    "LinkPhysics",
    "MAX_UNAMPLIFIED_SPAN_KM",
    "NEGLIGIBLE_CAPACITY_EBITS_PER_USE",
    "great_circle_km",
    "link_physics",
]

#: Mean Earth radius in km (IUGG mean radius R1), used for great-circle distances.
EARTH_MEAN_RADIUS_KM = 6371.0088

#: Longest fibre span in km that a quantum signal crosses without amplification in practice
#: (the reach of record point-to-point QKD links, a few hundred km): 300 km of 0.2 dB/km
#: fibre is 60 dB of loss, transmissivity 1e-6 and a PLOB capacity of 1.4e-6 ebits per use.
#: Quantum signals cannot be amplified (no-cloning), so a longer link stands for a route that
#: needs quantum repeaters; loaders add a note listing such links (E_up falls by a factor 10
#: every 50 km beyond: 1e-15 ebits per use at about 750 km).
MAX_UNAMPLIFIED_SPAN_KM: Final[float] = 300.0

#: E_up below this many ebits per use is physically negligible: at a 1 GHz clock it is one
#: ebit every 11.6 days (about 750 km of 0.2 dB/km fibre).
NEGLIGIBLE_CAPACITY_EBITS_PER_USE: Final[float] = 1e-15

#: Edge attributes passed to :func:`channel_from_params` when ``channel`` is given.
CHANNEL_PARAMETER_KEYS = frozenset({
    "transmissivity", "mean_photons", "gain", "variance", "probabilities", "p", "dimension",
    "phase_flip_probabilities", "gamma", "transmissivities", "bandwidth_uses_per_s",
})


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkPhysics:
    """What the attributes of one link resolve to (values in ebits per use)."""

    #: Channel model, or None when capacities were given directly.
    channel: Channel | None
    #: Upper bound E_up on the two-way capacity, ebits per use, >= lower.
    upper_ebits_per_use: float
    #: Achievable rate R_lo, ebits per use, >= 0.
    lower_ebits_per_use: float
    #: Fibre length in km when known, else None.
    length_km: float | None


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in degrees (haversine formula).

    Parameters
    ----------
    lat1, lon1, lat2, lon2 : float
        Latitudes and longitudes in degrees.

    Returns
    -------
    float
        Distance along the Earth's surface in km (sphere of radius 6371.0088 km).

    References
    ----------
    .. [1] R. W. Sinnott, "Virtues of the haversine", Sky and Telescope 68(2), 159 (1984)
       [V, formula as quoted in the GIS FAQ Q5.1]: a = sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2),
       d = 2 R asin(min(1, √a)).

    Examples
    --------
    >>> round(great_circle_km(0.0, 0.0, 0.0, 1.0), 3)  # one degree of longitude at the equator
    111.195
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2.0 * EARTH_MEAN_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _number(label: str, key: str, value: Any) -> float:
    if isinstance(value, bool):
        raise InvalidParameterError(key, value, f"of {label} must be a number")
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise InvalidParameterError(key, value, f"of {label} must be a number") from None
    if not math.isfinite(x):
        raise InvalidParameterError(key, value, f"of {label} must be finite")
    return x


def _relabel(label: str, err: InvalidParameterError) -> InvalidParameterError:
    return InvalidParameterError(f"{err.name} of {label}", err.value, err.rule)


def link_physics(
    label: str,
    attrs: Mapping[str, Any],
    *,
    attenuation_db_per_km: float,
    length_km: float | None = None,
) -> LinkPhysics:
    """Resolve the edge attributes ``attrs`` of the link called ``label`` into its physics.

    Parameters
    ----------
    label : str
        How to name the link in errors, e.g. ``"link ('A', 'B', key 0)"``.
    attrs : Mapping
        Edge attributes (see the module docstring for the accepted keys and their precedence).
    attenuation_db_per_km : float
        Fibre attenuation in dB/km used when the link has ``length_km`` but no
        ``attenuation_db_per_km`` of its own.
    length_km : float or None
        Estimated length in km to use when the attributes give no physics at all.

    Returns
    -------
    LinkPhysics

    Raises
    ------
    InvalidParameterError
        No usable physics, a value outside its domain (the message names the link), or a
        zero-length lossless link (infinite capacity).

    References
    ----------
    .. [1] S. Pirandola et al., Adv. Opt. Photon. 12, 1012 (2020), arXiv:1906.01645,
       Eq. (163) (PLOB) and Eqs. (172)-(174) (distillable channels, hashing) [V].
    """
    known_length: float | None = None
    if "length_km" in attrs:
        known_length = require_nonnegative(
            f"length_km of {label}", _number(label, "length_km", attrs["length_km"])
        )
    if "capacity_upper" in attrs or "capacity_lower" in attrs:
        if "capacity_upper" not in attrs or "capacity_lower" not in attrs:
            missing = "capacity_lower" if "capacity_upper" in attrs else "capacity_upper"
            raise InvalidParameterError(
                label, dict(attrs), f"needs both capacity_upper and capacity_lower ({missing} "
                "is missing)"
            )
        upper = _number(label, "capacity_upper", attrs["capacity_upper"])
        lower = _number(label, "capacity_lower", attrs["capacity_lower"])
        if lower < 0:
            raise InvalidParameterError(f"capacity_lower of {label}", lower, "must be >= 0")
        if upper < lower:
            raise InvalidParameterError(
                f"capacity_upper of {label}", upper,
                f"must be >= capacity_lower ({lower!r}) (an upper bound cannot be below an "
                "achievable rate)",
            )
        return LinkPhysics(channel=None, upper_ebits_per_use=upper, lower_ebits_per_use=lower,
                           length_km=known_length)
    channel: Channel
    if "channel" in attrs:
        params = {k: v for k, v in attrs.items() if k in CHANNEL_PARAMETER_KEYS}
        try:
            channel = channel_from_params(str(attrs["channel"]), params)
        except InvalidParameterError as err:
            raise _relabel(label, err) from None
    elif "transmissivity" in attrs:
        eta = _number(label, "transmissivity", attrs["transmissivity"])
        try:
            channel = PureLossChannel(transmissivity=eta)
        except InvalidParameterError as err:
            raise _relabel(label, err) from None
    else:
        length = known_length if known_length is not None else length_km
        if length is None:
            raise InvalidParameterError(
                label, _short(attrs),
                "has no usable physics: give length_km, transmissivity, "
                "capacity_upper+capacity_lower or channel (or estimate lengths from node "
                "coordinates: estimate_lengths=True, CLI --estimate-lengths)",
            )
        alpha = attenuation_db_per_km
        if "attenuation_db_per_km" in attrs:
            alpha = _number(label, "attenuation_db_per_km", attrs["attenuation_db_per_km"])
        alpha = require_nonnegative(f"attenuation_db_per_km of {label}", alpha)
        if length == 0.0 or alpha == 0.0:
            raise InvalidParameterError(
                f"length_km of {label}", length,
                "must be > 0 with attenuation > 0 (a lossless link has infinite capacity; give "
                "the link a positive length_km or capacity_upper+capacity_lower)",
            )
        require_positive(f"length_km of {label}", length)
        channel = fibre_link(length, alpha)
        known_length = length
    upper, lower = channel.upper_ebits_per_use, channel.lower_ebits_per_use
    if not math.isfinite(upper):
        raise InvalidParameterError(label, _short(attrs), "has infinite capacity")
    return LinkPhysics(channel=channel, upper_ebits_per_use=upper,
                       lower_ebits_per_use=min(lower, upper), length_km=known_length)


def _short(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """Attributes without bulky nested values, for error messages."""
    return {k: v for k, v in attrs.items() if isinstance(v, str | int | float | bool)}
