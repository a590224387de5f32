"""Issue 16, item 2: every twin-field ``*_key_rate`` takes ``channel_transmissivity`` (detector
not included) and folds in ``detector_efficiency`` itself; the result equals the old call at the
total transmittance ``eta = channel * detector_efficiency`` bit for bit."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from qinternet.errors import InvalidParameterError
from qinternet.qkd.mdi.adaptive import adaptive_mdi_rate
from qinternet.qkd.tf._cal19_decoy_optimisation import cal19_optimised_decoys
from qinternet.qkd.tf.cal19 import FiniteKeySettings, cal19_finite_key_rate, cal19_key_rate
from qinternet.qkd.tf.original import lucamarini2018_key_rate
from qinternet.qkd.tf.pm import pm_key_rate
from qinternet.qkd.tf.pm_decoys import pm_key_rate_finite_decoys, pm_optimised_decoys
from qinternet.qkd.tf.pm_loss_only import loss_only_key_rate
from qinternet.qkd.tf.sns import sns_key_rate
from qinternet.qkd.tf.sns_decoys import sns_key_rate_finite_decoys, sns_optimised_decoys

CHANNEL = 10 ** -3.7
DET = 0.3
ETA = CHANNEL * DET


def test_array_rates_fold_in_the_detector() -> None:
    ch = np.array([1e-2, CHANNEL])
    for det, total in ((DET, ch * DET), (1.0, ch)):
        assert (pm_key_rate(ch, mu=0.07, detector_efficiency=det).tolist()
                == pm_key_rate(total, mu=0.07).tolist())
        assert (sns_key_rate(ch, epsilon=0.04, mu_z=0.47, detector_efficiency=det).tolist()
                == sns_key_rate(total, epsilon=0.04, mu_z=0.47).tolist())
        assert (lucamarini2018_key_rate(ch, mu=0.1, detector_efficiency=det).tolist()
                == lucamarini2018_key_rate(total, mu=0.1).tolist())


def test_finite_decoy_rates_fold_in_the_detector() -> None:
    dec = (0.0, 0.01, 0.03)
    assert (pm_key_rate_finite_decoys(CHANNEL, 0.07, dec, detector_efficiency=DET)
            == pm_key_rate_finite_decoys(ETA, 0.07, dec))
    assert (sns_key_rate_finite_decoys(CHANNEL, 0.04, 0.46, dec, detector_efficiency=DET)
            == sns_key_rate_finite_decoys(ETA, 0.04, 0.46, dec))
    assert (pm_optimised_decoys([CHANNEL], None, decoys=dec, intensity=0.07,
                                detector_efficiency=DET)
            == pm_optimised_decoys([ETA], None, decoys=dec, intensity=0.07))
    assert (sns_optimised_decoys([CHANNEL], None, decoys=dec, intensity=0.46,
                                 detector_efficiency=DET)
            == sns_optimised_decoys([ETA], None, decoys=dec, intensity=0.46))


def _same_curve(a: object, b: object) -> None:
    assert a.to_dict() == b.to_dict()  # type: ignore[attr-defined]


def test_cal19_rates_fold_in_the_detector() -> None:
    _same_curve(cal19_key_rate([CHANNEL], detector_efficiency=DET), cal19_key_rate([ETA]))
    settings = FiniteKeySettings(pulses=1e12)
    _same_curve(cal19_finite_key_rate([CHANNEL], settings, detector_efficiency=DET,
                                      intensity_alpha_sq=0.03, basis_probability_p_x=0.9),
                cal19_finite_key_rate([ETA], settings, intensity_alpha_sq=0.03,
                                      basis_probability_p_x=0.9))
    curve = cal19_key_rate([CHANNEL], detector_efficiency=DET)
    assert curve.overall_transmissivity.tolist() == [ETA]  # the model's eta, detector in


@pytest.mark.slow
def test_cal19_optimised_decoys_fold_in_the_detector() -> None:
    a, sa = cal19_optimised_decoys([CHANNEL], 2, detector_efficiency=DET, intensity_alpha_sq=0.03)
    b, sb = cal19_optimised_decoys([ETA], 2, intensity_alpha_sq=0.03)
    _same_curve(a, b)
    assert sa == sb


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: pm_key_rate(1.5, mu=0.1), "channel_transmissivity"),
        (lambda: pm_key_rate(0.1, mu=0.1, detector_efficiency=0.0), "detector_efficiency"),
        (lambda: sns_key_rate(-0.1, epsilon=0.1, mu_z=0.4), "channel_transmissivity"),
        (lambda: sns_key_rate(0.1, epsilon=0.1, mu_z=0.4, detector_efficiency=1.5),
         "detector_efficiency"),
        (lambda: lucamarini2018_key_rate(1.5, mu=0.1), "channel_transmissivity"),
        (lambda: lucamarini2018_key_rate(0.1, mu=0.1, detector_efficiency=0.0),
         "detector_efficiency"),
        (lambda: loss_only_key_rate(1.5, 0.1), "channel_transmissivity"),
        (lambda: pm_key_rate_finite_decoys(1.5, 0.07, (0.0, 0.01)), "channel_transmissivity"),
        (lambda: pm_key_rate_finite_decoys(0.1, 0.07, (0.0, 0.01), detector_efficiency=0.0),
         "detector_efficiency"),
        (lambda: pm_optimised_decoys([1.5], 2), "channel_transmissivity"),
        (lambda: pm_optimised_decoys([0.1], 2, detector_efficiency=2.0), "detector_efficiency"),
        (lambda: sns_optimised_decoys([0.1], 2, detector_efficiency=0.0), "detector_efficiency"),
        (lambda: cal19_key_rate([1.5]), "channel_transmissivity"),
        (lambda: cal19_key_rate([0.1], detector_efficiency=0.0), "detector_efficiency"),
        (lambda: cal19_finite_key_rate([1.5], FiniteKeySettings(pulses=1e12)),
         "channel_transmissivity"),
        (lambda: cal19_optimised_decoys([1.5], 2), "channel_transmissivity"),
        (lambda: cal19_optimised_decoys([0.1], 2, detector_efficiency=0.0),
         "detector_efficiency"),
        (lambda: adaptive_mdi_rate(1.5, modes=1), "channel_transmissivity"),
    ],
)
def test_bad_transmissivity_names_the_parameter(call: Callable[[], object], name: str) -> None:
    with pytest.raises(InvalidParameterError) as err:
        call()
    assert err.value.name == name
