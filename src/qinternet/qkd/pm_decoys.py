"""Old path of :mod:`qinternet.qkd.tf.pm_decoys` (issue 16): re-exports it."""

from qinternet.qkd.tf.pm_decoys import *  # noqa: F403
from qinternet.qkd.tf.pm_decoys import __all__ as __all__
