"""Twin-field QKD family: single-photon interference at an untrusted middle node.

- ``cal19`` -- facade of CAL19 (Curty, Azuma, Lo 2019): asymptotic, finite decoys, optimised
  decoys and the interim finite key FK-v0, over ``_cal19_model`` (gains, yields, phase-error
  bound), ``_cal19_yields``, ``_cal19_decoy_lp``, ``_cal19_rate``, ``_cal19_decoy_optimisation``,
  ``_cal19_finite`` and ``_cal19_distance`` (optimisers in ``qkd._optimize``);
- ``sns`` -- facade of sending-or-not-sending TF-QKD over ``_sns_model``; ``sns_decoys`` --
  finite decoys (fixed or optimised; closed-form and LP bounds);
- ``pm`` -- facade of phase-matching QKD over ``_pm_model``; ``pm_decoys`` -- finite decoys;
- ``pm_loss_only`` -- PM-QKD on a loss-only channel (closed forms);
- ``original`` -- the original TF-QKD of Lucamarini et al. 2018 (restricted attacks);

The former flat paths (``qinternet.qkd.tf_cal19``, ``sns``, ``pm``, ``pm_decoys``,
``pm_loss_only``, ``tf_original``) re-export these modules.
"""

from qinternet.qkd.tf.cal19 import Cal19Device, cal19_finite_key_rate, cal19_key_rate
from qinternet.qkd.tf.original import lucamarini2018_key_rate
from qinternet.qkd.tf.pm import pm_key_rate
from qinternet.qkd.tf.pm_decoys import pm_key_rate_finite_decoys, pm_optimised_decoys
from qinternet.qkd.tf.pm_loss_only import loss_only_key_rate
from qinternet.qkd.tf.sns import sns_key_rate
from qinternet.qkd.tf.sns_decoys import sns_key_rate_finite_decoys, sns_optimised_decoys

__all__ = [
    "Cal19Device",
    "cal19_finite_key_rate",
    "cal19_key_rate",
    "loss_only_key_rate",
    "lucamarini2018_key_rate",
    "pm_key_rate",
    "pm_key_rate_finite_decoys",
    "pm_optimised_decoys",
    "sns_key_rate",
    "sns_key_rate_finite_decoys",
    "sns_optimised_decoys",
]
