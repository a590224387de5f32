"""Old path of :mod:`qinternet.qkd.tf._cal19_distance` (issue 16): re-exports it."""

from qinternet.qkd.tf._cal19_distance import *  # noqa: F403
from qinternet.qkd.tf._cal19_distance import __all__ as __all__
