"""Prepare-and-measure decoy-state BB84: asymptotic, optimised decoys and finite key.

- ``decoy`` -- facade: ``evaluate`` and ``SPEC`` of ``qinternet keyrate bb84-decoy``;
- ``_model`` -- gains, error rates, single-photon bounds and rates (GYS parameters);
- ``_decoy_optimisation`` -- two decoys optimised per point (``--decoys 2``);
- ``finite`` -- finite key after Lim et al. 2014 (``--pulses N``), on ``_lim2014_model``.

The old paths ``qinternet.qkd.bb84_decoy`` and ``qinternet.qkd.bb84_finite`` re-export these.
"""

from qinternet.qkd.bb84._decoy_optimisation import (
    MIN_DECOY_INTENSITY,
    BB84DecoyOptimum,
    bb84_optimised_two_decoys,
)
from qinternet.qkd.bb84._model import (
    GYS_ATTENUATION_DB_PER_KM,
    DecoyBB84Params,
    bb84_gain_and_qber,
    bb84_key_rate_infinite_decoys,
    bb84_key_rate_two_decoys,
    bb84_single_photon_bounds_two_decoys,
    efficient_bb84_sifting_factor,
    params_from_options,
)
from qinternet.qkd.bb84.decoy import SPEC, evaluate
from qinternet.qkd.bb84.finite import (
    LIM2014_SIMULATION,
    Lim2014Counts,
    Lim2014KeyRate,
    Lim2014Params,
    Lim2014Settings,
    evaluate_finite_key,
    lim2014_asymptotic_rate,
    lim2014_expected_counts,
    lim2014_key_length,
    lim2014_key_rate,
)

__all__ = [
    "BB84DecoyOptimum",
    "DecoyBB84Params",
    "GYS_ATTENUATION_DB_PER_KM",
    "LIM2014_SIMULATION",
    "Lim2014Counts",
    "Lim2014KeyRate",
    "Lim2014Params",
    "Lim2014Settings",
    "MIN_DECOY_INTENSITY",
    "SPEC",
    "bb84_gain_and_qber",
    "bb84_key_rate_infinite_decoys",
    "bb84_key_rate_two_decoys",
    "bb84_optimised_two_decoys",
    "bb84_single_photon_bounds_two_decoys",
    "efficient_bb84_sifting_factor",
    "evaluate",
    "evaluate_finite_key",
    "lim2014_asymptotic_rate",
    "lim2014_expected_counts",
    "lim2014_key_length",
    "lim2014_key_rate",
    "params_from_options",
]
