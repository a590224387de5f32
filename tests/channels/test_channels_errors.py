"""Bad input raises InvalidParameterError naming the parameter and value; errors pickle."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from qinternet.channels import capacities as cap
from qinternet.channels.models import (
    AmplifierChannel,
    DepolarizingChannel,
    ErasureChannel,
    PauliChannel,
    PureLossChannel,
    ThermalLossChannel,
    channel_from_params,
    fibre_link,
)
from qinternet.errors import (
    InfeasibleError,
    InvalidParameterError,
    QinternetError,
    SolverError,
    UnitError,
)

BAD: list[tuple[Any, dict[str, Any], str]] = [
    (PureLossChannel, {"transmissivity": 1.0}, "transmissivity"),
    (PureLossChannel, {"transmissivity": -0.1}, "transmissivity"),
    (PureLossChannel, {"transmissivity": float("nan")}, "transmissivity"),
    (ThermalLossChannel, {"transmissivity": 0.5, "mean_photons": -1.0}, "mean_photons"),
    (AmplifierChannel, {"gain": 1.0}, "gain"),
    (DepolarizingChannel, {"p": 1.5}, "p"),
    (DepolarizingChannel, {"p": 0.1, "dimension": 1}, "dimension"),
    (ErasureChannel, {"p": 0.1, "dimension": 2.5}, "dimension"),
    (PauliChannel, {"probabilities": (0.5, 0.5, 0.5, 0.0)}, "probabilities"),
    (PauliChannel, {"probabilities": (1.0, 0.0, 0.0)}, "probabilities"),
]


@pytest.mark.parametrize(("cls", "kwargs", "name"), BAD)
def test_models_reject_bad_input(cls: Any, kwargs: dict[str, Any], name: str) -> None:
    with pytest.raises(InvalidParameterError) as info:
        cls(**kwargs)
    assert info.value.name == name
    assert str(info.value).startswith(name)
    assert isinstance(info.value, ValueError)


def test_fibre_link_rejects_negative_length_and_attenuation() -> None:
    with pytest.raises(InvalidParameterError, match="length_km must be >= 0, got -1"):
        fibre_link(-1.0)
    with pytest.raises(InvalidParameterError, match="attenuation_db_per_km"):
        fibre_link(10.0, -0.2)
    with pytest.raises(InvalidParameterError, match="length_km"):
        fibre_link(0.0)


def test_array_bound_names_first_bad_value() -> None:
    with pytest.raises(InvalidParameterError, match=r"got 1\.5"):
        cap.plob_bound([0.1, 1.5, 2.0])


def test_channel_from_params_errors() -> None:
    with pytest.raises(InvalidParameterError, match="channel must be one of"):
        channel_from_params("warp-drive", {})
    with pytest.raises(InvalidParameterError, match="is not a parameter of the erasure"):
        channel_from_params("erasure", {"p": 0.1, "gain": 2})
    with pytest.raises(InvalidParameterError, match="p is required"):
        channel_from_params("erasure", {"dimension": 2})
    with pytest.raises(InvalidParameterError, match="must be a number"):
        channel_from_params("dephasing", {"p": "abc"})


@pytest.mark.parametrize("err", [
    InvalidParameterError("x", 1, "must be < 0"),
    SolverError("Infeasible", "LP failed"),
    InfeasibleError("no feasible point"),
    UnitError("length", "m", "km"),
])
def test_errors_pickle_and_keep_fields(err: QinternetError) -> None:
    copy = pickle.loads(pickle.dumps(err))
    assert type(copy) is type(err)
    assert str(copy) == str(err)
    assert vars(copy) == vars(err)
