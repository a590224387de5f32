"""Old path of the twin-field optimisers, now in :mod:`qinternet.qkd._optimize` (issue 16)."""

from qinternet.qkd._optimize import bisect_loss_db, maximise_1d, maximise_2d

__all__ = ["bisect_loss_db", "maximise_1d", "maximise_2d"]
