"""Old path of :mod:`qinternet.qkd.tf._cal19_finite` (issue 16): re-exports it."""

from qinternet.qkd.tf._cal19_finite import *  # noqa: F403
from qinternet.qkd.tf._cal19_finite import __all__ as __all__
