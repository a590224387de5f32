"""Old path of the CAL19 optimisers, now in :mod:`qinternet.qkd._optimize` (issue 16)."""

from qinternet.qkd._optimize import maximise_log_grid, maximise_warm_scalar

__all__ = ["maximise_log_grid", "maximise_warm_scalar"]
