"""Old path of :mod:`qinternet.qkd.mdi.decoys` (issue 16): re-exports it."""

from qinternet.qkd.mdi.decoys import *  # noqa: F403
from qinternet.qkd.mdi.decoys import __all__ as __all__
