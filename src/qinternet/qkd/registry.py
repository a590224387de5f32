"""Registry of the key-rate protocols available to the CLI (``qinternet keyrate PROTOCOL``)."""

from __future__ import annotations

from qinternet.errors import InvalidParameterError
from qinternet.qkd.bb84 import decoy as _bb84_decoy
from qinternet.qkd.mdi import adaptive as _adaptive_mdi
from qinternet.qkd.mdi import protocol as _mdi
from qinternet.qkd.options import ProtocolSpec
from qinternet.qkd.tf import cal19 as _tf_cal19
from qinternet.qkd.tf import pm as _pm
from qinternet.qkd.tf import sns as _sns

__all__ = ["PROTOCOLS", "get_protocol"]

# Each protocol module exposes ``SPEC: ProtocolSpec``; add one import and one entry per module.
_SPECS: tuple[ProtocolSpec, ...] = (
    _bb84_decoy.SPEC,
    _mdi.SPEC,
    _sns.SPEC,
    _pm.SPEC,
    _adaptive_mdi.SPEC,
    _tf_cal19.SPEC,
)

#: CLI name -> protocol specification.
PROTOCOLS: dict[str, ProtocolSpec] = {spec.name: spec for spec in _SPECS}


def get_protocol(name: str) -> ProtocolSpec:
    """Look up a protocol by CLI name, raising a clear error listing the known names."""
    if name not in PROTOCOLS:
        raise InvalidParameterError(
            "PROTOCOL", name, "must be one of " + ", ".join(sorted(PROTOCOLS))
        )
    return PROTOCOLS[name]
