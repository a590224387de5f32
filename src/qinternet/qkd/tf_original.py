"""Old path of :mod:`qinternet.qkd.tf.original` (issue 16): re-exports it."""

from qinternet.qkd.tf.original import *  # noqa: F403
from qinternet.qkd.tf.original import __all__ as __all__
