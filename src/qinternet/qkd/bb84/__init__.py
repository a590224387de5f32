"""Prepare-and-measure decoy-state BB84: asymptotic, optimised decoys and finite key.

- ``decoy`` -- facade: ``evaluate`` and ``SPEC`` of ``qinternet keyrate bb84-decoy``;
- ``_model`` -- gains, error rates, single-photon bounds and rates (GYS parameters);
- ``_decoy_optimisation`` -- two decoys optimised per point (``--decoys 2``);
- ``finite`` -- finite key after Lim et al. 2014 (``--pulses N``), on ``_lim2014_model``.

The old paths ``qinternet.qkd.bb84_decoy`` and ``qinternet.qkd.bb84_finite`` re-export these.
"""

from qinternet.qkd.bb84 import _decoy_optimisation, decoy, finite
from qinternet.qkd.bb84._decoy_optimisation import *  # noqa: F403
from qinternet.qkd.bb84.decoy import *  # noqa: F403
from qinternet.qkd.bb84.finite import *  # noqa: F403

__all__ = sorted({*_decoy_optimisation.__all__, *decoy.__all__, *finite.__all__})
