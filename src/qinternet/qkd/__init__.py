"""QKD key-rate models and their comparison with the repeaterless (PLOB) bound.

One subpackage per protocol family; each protocol exposes ``SPEC`` (:class:`ProtocolSpec`) for
the CLI registry (:data:`PROTOCOLS`):

- ``bb84/`` -- prepare-and-measure decoy-state BB84: ``decoy`` (facade of ``keyrate
  bb84-decoy``: infinite, two fixed or two optimised decoys; GYS parameters) and ``finite``
  (finite key after Lim et al. 2014);
- ``mdi/`` -- measurement-device-independent QKD: ``protocol`` (facade of ``keyrate mdi``),
  ``decoys`` (finite fixed or optimised decoy sets, LP bounds over both bases) and
  ``adaptive`` (adaptive MDI-QKD with quantum memories);
- ``tf/`` -- twin-field QKD: ``cal19`` (Curty, Azuma, Lo 2019: infinite, finite and optimised
  decoys, the interim finite-key model FK-v0), ``sns`` with ``sns_decoys``, ``pm`` with
  ``pm_decoys``, ``pm_loss_only`` and ``original`` (Lucamarini et al. 2018);
- shared: ``options`` and ``results`` (the vocabulary of every protocol), ``registry``,
  ``analysis`` (PLOB crossing and maximum distance of any protocol), ``finite_key``
  (concentration inequalities), ``decoy_optimisation`` (the decoy optimisers of BB84 and
  CAL19, and the sifting factor of a biased basis choice).

The former flat modules (``bb84_decoy``, ``bb84_finite``, ``mdi_decoys``, ``adaptive_mdi``,
``tf_cal19``, ``sns``, ``pm``, ``pm_decoys``, ``pm_loss_only``, ``tf_original``) remain as
import paths that re-export the moved modules.

Rates are in secret bits per pulse (per pulse pair for relay protocols); ``evaluate`` of every
protocol takes the Alice–Bob channel transmissivity *without* the detector.
"""

from qinternet.qkd.analysis import (
    maximum_distance,
    maximum_loss_db,
    plob_crossing_distance,
    plob_crossing_loss_db,
)
from qinternet.qkd.bb84 import (
    LIM2014_SIMULATION,
    BB84DecoyOptimum,
    DecoyBB84Params,
    Lim2014Params,
    Lim2014Settings,
    bb84_gain_and_qber,
    bb84_key_rate_infinite_decoys,
    bb84_key_rate_two_decoys,
    bb84_optimised_two_decoys,
    efficient_bb84_sifting_factor,
    lim2014_key_length,
    lim2014_key_rate,
)
from qinternet.qkd.decoy_optimisation import cal19_optimised_decoys
from qinternet.qkd.finite_key import kato_coefficients, kato_deviation
from qinternet.qkd.mdi import (
    MDIParams,
    mdi_key_rate,
    mdi_key_rate_finite_decoys,
    mdi_optimised_decoys,
    mdi_quantities,
)
from qinternet.qkd.mdi.adaptive import (
    PhotonNumberSource,
    adaptive_mdi_rate,
    ideal_bell_pair_source,
    ideal_single_photon_source,
    poisson_source,
    spdc_thermal_source,
)
from qinternet.qkd.options import KeyRateOptions, ProtocolSpec
from qinternet.qkd.registry import PROTOCOLS, get_protocol
from qinternet.qkd.results import KeyRateResult
from qinternet.qkd.tf import (
    Cal19Device,
    cal19_finite_key_rate,
    cal19_key_rate,
    loss_only_key_rate,
    lucamarini2018_key_rate,
    pm_key_rate,
    pm_key_rate_finite_decoys,
    pm_optimised_decoys,
    sns_key_rate,
    sns_key_rate_finite_decoys,
    sns_optimised_decoys,
)

__all__ = [
    "BB84DecoyOptimum",
    "Cal19Device",
    "DecoyBB84Params",
    "KeyRateOptions",
    "KeyRateResult",
    "LIM2014_SIMULATION",
    "Lim2014Params",
    "Lim2014Settings",
    "MDIParams",
    "PROTOCOLS",
    "PhotonNumberSource",
    "ProtocolSpec",
    "adaptive_mdi_rate",
    "bb84_gain_and_qber",
    "bb84_key_rate_infinite_decoys",
    "bb84_key_rate_two_decoys",
    "bb84_optimised_two_decoys",
    "cal19_finite_key_rate",
    "cal19_key_rate",
    "cal19_optimised_decoys",
    "efficient_bb84_sifting_factor",
    "get_protocol",
    "ideal_bell_pair_source",
    "ideal_single_photon_source",
    "kato_coefficients",
    "kato_deviation",
    "lim2014_key_length",
    "lim2014_key_rate",
    "loss_only_key_rate",
    "lucamarini2018_key_rate",
    "maximum_distance",
    "maximum_loss_db",
    "mdi_key_rate",
    "mdi_key_rate_finite_decoys",
    "mdi_optimised_decoys",
    "mdi_quantities",
    "plob_crossing_distance",
    "plob_crossing_loss_db",
    "pm_key_rate",
    "pm_key_rate_finite_decoys",
    "pm_optimised_decoys",
    "poisson_source",
    "sns_key_rate",
    "sns_key_rate_finite_decoys",
    "sns_optimised_decoys",
    "spdc_thermal_source",
]
