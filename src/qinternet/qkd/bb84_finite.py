"""Old path of :mod:`qinternet.qkd.bb84.finite` (issue 16): re-exports it."""

from qinternet.qkd.bb84.finite import *  # noqa: F403
from qinternet.qkd.bb84.finite import NELDER_MEAD_MAXITER as NELDER_MEAD_MAXITER
from qinternet.qkd.bb84.finite import NELDER_MEAD_PENALTY_MAXITER as NELDER_MEAD_PENALTY_MAXITER
from qinternet.qkd.bb84.finite import NELDER_MEAD_RELATIVE_FATOL as NELDER_MEAD_RELATIVE_FATOL
from qinternet.qkd.bb84.finite import __all__ as __all__
from qinternet.qkd.bb84.finite import polish_nelder_mead as polish_nelder_mead
