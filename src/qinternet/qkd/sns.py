"""Old path of :mod:`qinternet.qkd.tf.sns` (issue 16): re-exports it."""

from qinternet.qkd.tf.sns import *  # noqa: F403
from qinternet.qkd.tf.sns import __all__ as __all__
