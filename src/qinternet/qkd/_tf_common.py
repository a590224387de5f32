"""Old path of :mod:`qinternet.qkd.tf._common` (issue 16): re-exports it."""

from qinternet.qkd.tf._common import *  # noqa: F403
from qinternet.qkd.tf._common import __all__ as __all__
