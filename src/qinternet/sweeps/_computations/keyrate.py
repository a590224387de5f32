"""``computation = "keyrate"``: secret-key rate of one QKD protocol at one distance or loss.

Parameters are the options of ``qinternet keyrate PROTOCOL`` (``protocol`` is PROTOCOL);
exactly one of ``distance_km`` (whole Alice-Bob fibre, with ``attenuation_db_per_km`` or the
protocol's default) and ``loss_db`` (whole channel loss). Each point is evaluated on its own
(no warm start from a neighbouring point), so a row never depends on how points are batched.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qinternet.errors import InvalidParameterError
from qinternet.sweeps._computation import Computation, Output, Parameter, number, numbers

__all__ = ["COMPUTATION"]


def _protocol() -> Parameter:
    def coerce(where: str, value: Any) -> str:
        from qinternet.qkd.registry import PROTOCOLS

        if not isinstance(value, str) or value not in PROTOCOLS:
            raise InvalidParameterError(where, value, "must be one of " + ", ".join(PROTOCOLS))
        return value

    return Parameter(name="protocol", kind="str", coerce=coerce,
                     help="protocol name, e.g. bb84-decoy, mdi, sns, pm, adaptive-mdi, tf-cal19")


_PARAMETERS: tuple[Parameter, ...] = (
    _protocol(),
    number("distance_km", "whole Alice-Bob fibre length in km", minimum=0.0),
    number("loss_db", "whole Alice-Bob channel loss in dB", minimum=0.0),
    number("attenuation_db_per_km", "fibre attenuation in dB/km (with distance_km; default: "
           "the protocol's)", minimum=0.0, strict_minimum=True),
    number("detector_efficiency", "detector efficiency in (0, 1]", minimum=0.0, maximum=1.0,
           strict_minimum=True),
    number("dark_count", "dark-count probability per detector per pulse (bb84-decoy: Y0)",
           minimum=0.0, maximum=1.0),
    number("misalignment", "misalignment error probability", minimum=0.0, maximum=1.0),
    number("phase_mismatch", "phase mismatch delta, phi = delta*pi (tf-cal19)", minimum=0.0),
    number("ec_efficiency", "error-correction inefficiency f >= 1", minimum=1.0),
    number("intensity", "fixed signal intensity (optimised when absent)", minimum=0.0,
           strict_minimum=True),
    numbers("decoys", "finite decoy intensities [v1, v2, ...] or \"infinite\"", minimum=0.0,
            words=("infinite",)),
    number("pulses", "number of pulses (pairs) sent: finite-key analysis", minimum=0.0,
           strict_minimum=True),
    number("clock_rate_hz", "pulse (pair) rate in Hz: adds key_rate_bits_per_s", minimum=0.0,
           strict_minimum=True),
)

_OUTPUTS = (
    Output(name="channel_transmissivity", kind="float",
           help="Alice-Bob channel transmissivity (detector not included)"),
    Output(name="key_rate_bits_per_pulse", kind="float",
           help="secret key rate, bits per pulse (per pulse pair for relay protocols)"),
    Output(name="key_rate_bits_per_s", kind="float",
           help="key rate times clock_rate_hz, bits per s (empty without clock_rate_hz)"),
    Output(name="plob_bits_per_pulse", kind="float",
           help="PLOB bound -log2(1 - eta) of the channel, bits per channel use"),
    Output(name="qber", kind="float", help="key-basis error rate (dimensionless)"),
    Output(name="phase_error_rate", kind="float", help="phase-error rate bound (dimensionless)"),
    Output(name="relay", kind="bool", help="relay protocol (rates per pulse pair)"),
    Output(name="notes", kind="json", help="model labels of the result (list of text)"),
)


def _options(point: Mapping[str, Any]) -> Any:
    from qinternet.qkd.options import KeyRateOptions
    from qinternet.qkd.registry import PROTOCOLS

    if "protocol" not in point:
        raise InvalidParameterError("protocol", None, "is required (e.g. \"bb84-decoy\")")
    spec = PROTOCOLS[point["protocol"]]
    if ("distance_km" in point) == ("loss_db" in point):
        raise InvalidParameterError("distance_km/loss_db",
                                    "both" if "loss_db" in point else "neither",
                                    "exactly one of the two must be given")
    if "loss_db" in point and "attenuation_db_per_km" in point:
        raise InvalidParameterError("attenuation_db_per_km", point["attenuation_db_per_km"],
                                    "only applies with distance_km")
    decoys = point.get("decoys")
    if decoys == "infinite":
        if "pulses" in point:
            raise InvalidParameterError("decoys", decoys, "cannot be 'infinite' with pulses "
                                        "(a finite key needs finite decoy intensities)")
        decoys = None
    if decoys is not None and not spec.supports_finite_decoys:
        raise InvalidParameterError("decoys", list(decoys),
                                    f"must be 'infinite' for {spec.name}")
    if "pulses" in point and not spec.supports_finite_key:
        raise InvalidParameterError("pulses", point["pulses"],
                                    f"is not supported for {spec.name} (asymptotic only)")
    device = {k: point.get(k) for k in ("detector_efficiency", "dark_count", "misalignment",
                                        "phase_mismatch", "ec_efficiency", "intensity")}
    options = KeyRateOptions(decoys=decoys, pulses=point.get("pulses"), **device)
    return spec, options


def _check(point: Mapping[str, Any]) -> None:
    _options(point)


def _evaluate(point: Mapping[str, Any], seed: int) -> dict[str, Any]:
    import numpy as np

    spec, options = _options(point)
    if "loss_db" in point:
        loss_db = point["loss_db"]
    else:
        loss_db = point.get("attenuation_db_per_km",
                            spec.default_attenuation_db_per_km) * point["distance_km"]
    eta = np.array([10.0 ** (-loss_db / 10.0)], dtype=np.float64)
    result = spec.evaluate(eta, options)[0]
    clock = point.get("clock_rate_hz")
    return {
        "channel_transmissivity": float(result.channel_transmissivity),
        "key_rate_bits_per_pulse": float(result.key_rate_bits_per_pulse),
        "key_rate_bits_per_s": None if clock is None
        else float(result.key_rate_bits_per_pulse) * clock,
        "plob_bits_per_pulse": float(result.plob_bits_per_pulse),
        "qber": float(result.qber),
        "phase_error_rate": float(result.phase_error_rate),
        "relay": bool(spec.relay),
        "notes": list(result.notes),
    }


#: The ``keyrate`` computation.
COMPUTATION = Computation(
    name="keyrate",
    help="secret-key rate of a QKD protocol against PLOB (qinternet keyrate PROTOCOL)",
    parameters={p.name: p for p in _PARAMETERS},
    outputs=_OUTPUTS,
    check=_check,
    evaluate=_evaluate,
)
