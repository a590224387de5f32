"""Old path of :mod:`qinternet.qkd.tf._cal19_decoy_lp` (issue 16): re-exports it."""

from qinternet.qkd.tf._cal19_decoy_lp import *  # noqa: F403
from qinternet.qkd.tf._cal19_decoy_lp import __all__ as __all__
