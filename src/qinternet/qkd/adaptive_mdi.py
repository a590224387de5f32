"""Old path of :mod:`qinternet.qkd.mdi.adaptive` (issue 16): re-exports it."""

from qinternet.qkd.mdi.adaptive import *  # noqa: F403
from qinternet.qkd.mdi.adaptive import __all__ as __all__
