"""Finite-key decoy-state BB84 after Lim et al. 2014 (old path): re-exports
:mod:`qinternet.qkd.bb84.finite`, where the model lives.
"""

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
from qinternet.qkd.bb84.finite import NELDER_MEAD_MAXITER as NELDER_MEAD_MAXITER
from qinternet.qkd.bb84.finite import NELDER_MEAD_PENALTY_MAXITER as NELDER_MEAD_PENALTY_MAXITER
from qinternet.qkd.bb84.finite import NELDER_MEAD_RELATIVE_FATOL as NELDER_MEAD_RELATIVE_FATOL

__all__ = [
    "LIM2014_SIMULATION",
    "Lim2014Counts",
    "Lim2014KeyRate",
    "Lim2014Params",
    "Lim2014Settings",
    "evaluate_finite_key",
    "lim2014_asymptotic_rate",
    "lim2014_expected_counts",
    "lim2014_key_length",
    "lim2014_key_rate",
]

