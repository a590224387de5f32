"""Old path of :mod:`qinternet.qkd.mdi._photon_sources` (issue 16): re-exports it."""

from qinternet.qkd.mdi._photon_sources import *  # noqa: F403
from qinternet.qkd.mdi._photon_sources import __all__ as __all__
