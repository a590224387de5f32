"""Old path of :mod:`qinternet.qkd.bb84._lim2014_model` (issue 16): re-exports it."""

from qinternet.qkd.bb84._lim2014_model import *  # noqa: F403
from qinternet.qkd.bb84._lim2014_model import __all__ as __all__
