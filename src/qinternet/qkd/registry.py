"""Registry of the key-rate protocols available to the CLI (``qinternet keyrate PROTOCOL``)."""

from __future__ import annotations

from qinternet.qkd.options import ProtocolSpec

__all__ = ["PROTOCOLS", "get_protocol"]

# Each protocol module exposes ``SPEC: ProtocolSpec``; add one import and one entry per module.
_SPECS: tuple[ProtocolSpec, ...] = (
)

#: CLI name -> protocol specification.
PROTOCOLS: dict[str, ProtocolSpec] = {spec.name: spec for spec in _SPECS}


def get_protocol(name: str) -> ProtocolSpec:
    """Look up a protocol by CLI name, raising a clear error listing the known names."""
    from qinternet.errors import InvalidParameterError

    if name not in PROTOCOLS:
        raise InvalidParameterError(
            "PROTOCOL", name, "must be one of " + ", ".join(sorted(PROTOCOLS))
        )
    return PROTOCOLS[name]
