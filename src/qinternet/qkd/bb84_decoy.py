"""Decoy-state BB84, asymptotic (old path): re-exports :mod:`qinternet.qkd.bb84`.

The model lives in ``qinternet.qkd.bb84`` (``_model``, ``decoy``); this module keeps the import
path ``qinternet.qkd.bb84_decoy`` working.
"""

from qinternet.qkd.bb84._model import (
    GYS_ATTENUATION_DB_PER_KM,
    DecoyBB84Params,
    bb84_gain_and_qber,
    bb84_key_rate_infinite_decoys,
    bb84_key_rate_two_decoys,
    bb84_single_photon_bounds_two_decoys,
    params_from_options,
)
from qinternet.qkd.bb84.decoy import SPEC, evaluate

__all__ = [
    "DecoyBB84Params",
    "GYS_ATTENUATION_DB_PER_KM",
    "SPEC",
    "bb84_gain_and_qber",
    "bb84_key_rate_infinite_decoys",
    "bb84_key_rate_two_decoys",
    "bb84_single_photon_bounds_two_decoys",
    "evaluate",
    "params_from_options",
]
