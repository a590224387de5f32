"""Old path of :mod:`qinternet.qkd.tf.pm_loss_only` (issue 16): re-exports it."""

from qinternet.qkd.tf.pm_loss_only import *  # noqa: F403
from qinternet.qkd.tf.pm_loss_only import __all__ as __all__
