"""Old path of :mod:`qinternet.qkd.bb84.decoy` (issue 16): re-exports it."""

from qinternet.qkd.bb84.decoy import *  # noqa: F403
from qinternet.qkd.bb84.decoy import __all__ as __all__
