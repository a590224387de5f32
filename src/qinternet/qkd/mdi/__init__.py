"""Measurement-device-independent QKD: the relay protocols with an untrusted Bell measurement.

- ``protocol`` -- facade: ``evaluate`` and ``SPEC`` of ``qinternet keyrate mdi``;
- ``_model`` -- MDI-QKD with infinite decoys (gains, error rates, ``mdi_key_rate``);
- ``decoys`` -- finite (fixed or optimised) decoy sets, LP bounds over both bases;
- ``adaptive`` -- adaptive MDI-QKD with quantum memories (``keyrate adaptive-mdi``), on the
  photon-number sources of ``_photon_sources``.

``qinternet.qkd.mdi`` keeps the names of the former module ``qinternet/qkd/mdi.py``;
``qinternet.qkd.mdi_decoys`` and ``qinternet.qkd.adaptive_mdi`` re-export ``decoys`` and
``adaptive``.
"""

from qinternet.qkd.mdi._model import MDIParams, MDIQuantities, mdi_key_rate, mdi_quantities
from qinternet.qkd.mdi.adaptive import adaptive_mdi_rate
from qinternet.qkd.mdi.decoys import mdi_key_rate_finite_decoys, mdi_optimised_decoys
from qinternet.qkd.mdi.protocol import SPEC, evaluate

__all__ = [
    "MDIParams",
    "MDIQuantities",
    "SPEC",
    "adaptive_mdi_rate",
    "evaluate",
    "mdi_key_rate",
    "mdi_key_rate_finite_decoys",
    "mdi_optimised_decoys",
    "mdi_quantities",
]
