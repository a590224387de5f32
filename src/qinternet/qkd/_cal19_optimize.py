"""Old path of :mod:`qinternet.qkd.tf._cal19_optimize` (issue 16): re-exports it."""

from qinternet.qkd.tf._cal19_optimize import *  # noqa: F403
from qinternet.qkd.tf._cal19_optimize import __all__ as __all__
