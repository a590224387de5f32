"""Old path of :mod:`qinternet.qkd.tf._cal19_yields` (issue 16): re-exports it."""

from qinternet.qkd.tf._cal19_yields import *  # noqa: F403
from qinternet.qkd.tf._cal19_yields import __all__ as __all__
