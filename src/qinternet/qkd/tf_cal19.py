"""Old path of :mod:`qinternet.qkd.tf.cal19` (issue 16): re-exports it."""

from qinternet.qkd.tf.cal19 import *  # noqa: F403
from qinternet.qkd.tf.cal19 import __all__ as __all__
