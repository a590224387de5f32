"""Physical and numerical constants. Every name carries its unit."""

from __future__ import annotations

from typing import Final

__all__ = [
    "DEFAULT_ATTENUATION_DB_PER_KM",
    "FIBRE_GROUP_VELOCITY_KM_PER_S",
    "LN2",
    "SPEED_OF_LIGHT_VACUUM_KM_PER_S",
]

#: Standard telecom single-mode fibre attenuation at 1550 nm, dB/km (the project default).
DEFAULT_ATTENUATION_DB_PER_KM: Final[float] = 0.2

#: Speed of light in vacuum, km/s.
SPEED_OF_LIGHT_VACUUM_KM_PER_S: Final[float] = 299_792.458

#: Group velocity of light in silica fibre (group index about 1.468), km/s (about 2e5 km/s).
FIBRE_GROUP_VELOCITY_KM_PER_S: Final[float] = SPEED_OF_LIGHT_VACUUM_KM_PER_S / 1.468

#: Natural logarithm of 2 (dimensionless).
LN2: Final[float] = 0.6931471805599453
