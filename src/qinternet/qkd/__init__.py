"""QKD key-rate models and their comparison with the repeaterless (PLOB) bound.

One module per protocol, each exposing ``SPEC`` (:class:`ProtocolSpec`) for the CLI registry
(:data:`PROTOCOLS`):

- ``bb84_decoy`` -- decoy-state BB84, infinite decoys or two decoys (GYS parameters);
  ``bb84_finite`` -- its finite-key analysis after Lim et al. 2014;
- ``mdi`` -- MDI-QKD with infinite decoys; ``mdi_decoys`` -- with finite (fixed or optimised)
  decoy sets, LP bounds over both bases;
- ``tf_cal19`` -- twin-field QKD of Curty, Azuma, Lo (2019), infinite and finite decoys, and
  the interim finite-key model FK-v0 (``finite_key``: concentration inequalities);
- ``pm_decoys`` -- PM-QKD with finite (fixed or optimised) decoy sets;
- ``sns``, ``pm``, ``pm_loss_only``, ``tf_original``, ``adaptive_mdi`` -- the other twin-field
  and relay protocols;
- ``decoy_optimisation`` -- decoy intensities optimised per point (``--decoys N``) for BB84
  and CAL19, and the sifting factor of a biased basis choice (efficient BB84);
- ``analysis`` -- PLOB crossing and maximum distance of any protocol.

Rates are in secret bits per pulse (per pulse pair for relay protocols); ``evaluate`` of every
protocol takes the Alice–Bob channel transmissivity *without* the detector.
"""

from qinternet.qkd.adaptive_mdi import (
    PhotonNumberSource,
    adaptive_mdi_rate,
    ideal_bell_pair_source,
    ideal_single_photon_source,
    poisson_source,
    spdc_thermal_source,
)
from qinternet.qkd.analysis import (
    maximum_distance,
    maximum_loss_db,
    plob_crossing_distance,
    plob_crossing_loss_db,
)
from qinternet.qkd.bb84_decoy import (
    DecoyBB84Params,
    bb84_gain_and_qber,
    bb84_key_rate_infinite_decoys,
    bb84_key_rate_two_decoys,
)
from qinternet.qkd.bb84_finite import (
    LIM2014_SIMULATION,
    Lim2014Params,
    Lim2014Settings,
    lim2014_key_length,
    lim2014_key_rate,
)
from qinternet.qkd.decoy_optimisation import (
    BB84DecoyOptimum,
    bb84_optimised_two_decoys,
    cal19_optimised_decoys,
    efficient_bb84_sifting_factor,
)
from qinternet.qkd.finite_key import kato_coefficients, kato_deviation
from qinternet.qkd.mdi import MDIParams, mdi_key_rate, mdi_quantities
from qinternet.qkd.mdi_decoys import mdi_key_rate_finite_decoys, mdi_optimised_decoys
from qinternet.qkd.options import KeyRateOptions, ProtocolSpec
from qinternet.qkd.pm import pm_key_rate
from qinternet.qkd.pm_decoys import pm_key_rate_finite_decoys, pm_optimised_decoys
from qinternet.qkd.pm_loss_only import loss_only_key_rate
from qinternet.qkd.registry import PROTOCOLS, get_protocol
from qinternet.qkd.results import KeyRateResult
from qinternet.qkd.sns import sns_key_rate
from qinternet.qkd.tf_cal19 import Cal19Device, cal19_finite_key_rate, cal19_key_rate
from qinternet.qkd.tf_original import lucamarini2018_key_rate

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
    "spdc_thermal_source",
]
