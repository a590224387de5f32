"""Old path of :mod:`qinternet.qkd.tf.pm` (issue 16): re-exports it."""

from qinternet.qkd.tf.pm import *  # noqa: F403
from qinternet.qkd.tf.pm import __all__ as __all__
