"""Old path of :mod:`qinternet.qkd.tf._cal19_model` (issue 16): re-exports it."""

from qinternet.qkd.tf._cal19_model import *  # noqa: F403
from qinternet.qkd.tf._cal19_model import __all__ as __all__
