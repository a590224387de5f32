"""Sweep specs: the contract (grid, zip, random, fixed), expansion, keys, and validation errors
that name the key before anything runs."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

import pytest

from qinternet.errors import InvalidParameterError
from qinternet.sweeps import COMPUTATIONS, load_spec, parse_spec


def keyrate(**tables: Any) -> dict[str, Any]:
    return {"computation": "keyrate", **tables}


def test_grid_is_the_product_in_order() -> None:
    spec = parse_spec(keyrate(parameters={"protocol": ["bb84-decoy", "tf-cal19"],
                                          "distance_km": [0, 50, 100]},
                              fixed={"ec_efficiency": 1.16}))
    assert len(spec.points) == 6
    assert [(p.inputs["protocol"], p.inputs["distance_km"]) for p in spec.points] == [
        ("bb84-decoy", 0.0), ("bb84-decoy", 50.0), ("bb84-decoy", 100.0),
        ("tf-cal19", 0.0), ("tf-cal19", 50.0), ("tf-cal19", 100.0)]
    assert all(p.inputs["ec_efficiency"] == 1.16 for p in spec.points)
    assert [p.index for p in spec.points] == list(range(6))
    assert spec.dimensions == ("protocol", "distance_km")


def test_zip_takes_lists_together_and_random_is_seeded() -> None:
    data = keyrate(parameters={"distance_km": [10, 20]},
                   zip={"detector_efficiency": [0.1, 0.2, 0.3], "dark_count": [1e-6, 1e-7, 1e-8]},
                   random={"n": 4, "seed": 7, "misalignment": {"uniform": [0.0, 0.02]}},
                   fixed={"protocol": "bb84-decoy"})
    spec = parse_spec(data)
    assert len(spec.points) == 2 * 3 * 4
    assert spec.dimensions == ("distance_km", "zip_index", "sample_index")
    pairs = {(p.inputs["detector_efficiency"], p.inputs["dark_count"]) for p in spec.points}
    assert pairs == {(0.1, 1e-6), (0.2, 1e-7), (0.3, 1e-8)}
    draws = [p.inputs["misalignment"] for p in spec.points[:4]]
    assert all(0.0 <= d <= 0.02 for d in draws) and len(set(draws)) == 4
    again = parse_spec(data)
    assert [p.key for p in again.points] == [p.key for p in spec.points]
    other = parse_spec({**data, "random": {**data["random"], "seed": 8}})
    assert [p.inputs["misalignment"] for p in other.points[:4]] != draws


def test_random_distributions() -> None:
    spec = parse_spec({"computation": "repeater", "fixed": {"p_swap": 0.5},
                       "random": {"n": 50, "seed": 1, "levels": {"integers": [1, 3]},
                                  "p_gen": {"log_uniform": [0.01, 1.0]},
                                  "werner": {"choice": [0.9, 1.0]}}})
    assert {p.inputs["levels"] for p in spec.points} == {1, 2, 3}
    p_gen = [p.inputs["p_gen"] for p in spec.points]
    assert all(0.01 <= x <= 1.0 for x in p_gen) and min(p_gen) < 0.1 < max(p_gen)
    assert {p.inputs["werner"] for p in spec.points} == {0.9, 1.0}


def test_keys_are_content_hashes() -> None:
    """The same point has the same key whichever table it comes from and however ints are
    written; another value gives another key; a point's seed is derived from its key."""
    a = parse_spec(keyrate(parameters={"distance_km": [50]}, fixed={"protocol": "mdi"}))
    b = parse_spec(keyrate(parameters={"protocol": ["mdi"]}, fixed={"distance_km": 50.0}))
    c = parse_spec(keyrate(parameters={"distance_km": [51]}, fixed={"protocol": "mdi"}))
    assert a.points[0].key == b.points[0].key != c.points[0].key
    assert re.fullmatch(r"[0-9a-f]{32}", a.points[0].key)
    assert a.points[0].seed == b.points[0].seed == int(a.points[0].key[:15], 16)
    given = parse_spec(keyrate(parameters={"seed": [5]}, fixed={"protocol": "mdi",
                                                                "distance_km": 1}))
    assert given.points[0].seed == 5


def test_load_spec_reads_toml(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text('computation = "channel"\n[parameters]\ntransmissivity = [0.1, 0.9]\n'
                    '[fixed]\nmodel = "pure-loss"\n')
    assert len(load_spec(path).points) == 2


CONTROLLER = importlib.util.find_spec("qinternet.controller") is not None


def test_every_computation_of_the_contract_is_registered() -> None:
    """``controller`` (trace statistics) only where qinternet.controller exists."""
    expected = ["bounds", "channel", "keyrate", "repeater", *(["controller"] * CONTROLLER)]
    assert sorted(COMPUTATIONS) == sorted(expected)


@pytest.mark.skipif(CONTROLLER, reason="qinternet.controller is installed")
def test_controller_without_its_library_is_refused_with_the_reason() -> None:
    with pytest.raises(InvalidParameterError, match=r"^computation is not available: needs "
                       r"the routing controller"):
        parse_spec({"computation": "controller"})


BAD: list[tuple[dict[str, Any], str]] = [
    ({"parameters": {"distance_km": [1]}}, r"^computation is required"),
    ({"computation": "nope"}, r"^computation must be one of bounds, channel, "),
    ({**keyrate(), "extra": 1}, r"^extra is not a spec key"),
    (keyrate(parameters={"distance": [1]}), r"^parameters\.distance is not a parameter of "
                                            r"computation 'keyrate'"),
    (keyrate(parameters={"distance_km": 5}), r"^parameters\.distance_km must be a non-empty list"),
    (keyrate(parameters={"distance_km": []}), r"^parameters\.distance_km must be a non-empty"),
    (keyrate(parameters={"distance_km": [0, -5]}, fixed={"protocol": "mdi"}),
     r"^parameters\.distance_km must be >= 0, got -5$"),
    (keyrate(parameters={"distance_km": [0]}, fixed={"protocol": "nope"}),
     r"^fixed\.protocol must be one of bb84-decoy"),
    (keyrate(parameters={"distance_km": [0]}, fixed={"distance_km": 1}),
     r"^fixed\.distance_km is already given in \[parameters\]"),
    (keyrate(zip={"distance_km": [1, 2], "dark_count": [1e-6]}),
     r"^zip\.dark_count must have as many values as zip\.distance_km \(2\)"),
    (keyrate(random={"n": 3, "distance_km": {"uniform": [0, 1]}}), r"^random\.seed is required"),
    (keyrate(random={"n": 3, "seed": 1, "distance_km": {"normal": [0, 1]}}),
     r"^random\.distance_km must be one of \{uniform"),
    (keyrate(random={"n": 3, "seed": 1, "distance_km": {"uniform": [5, 1]}}),
     r"^random\.distance_km\.uniform must be \[low, high\]"),
    (keyrate(random={"n": 0, "seed": 1, "distance_km": {"uniform": [0, 1]}}),
     r"^random\.n must be an integer >= 1"),
    (keyrate(parameters={"distance_km": [1], "loss_db": [3]}, fixed={"protocol": "mdi"}),
     r"^parameters\.distance_km/parameters\.loss_db exactly one of the two"),
    (keyrate(parameters={"decoys": [[-0.1, 0.02]]}, fixed={"protocol": "mdi", "loss_db": 1}),
     r"^parameters\.decoys must contain numbers >= 0"),
    (keyrate(parameters={"distance_km": [1, 1]}, fixed={"protocol": "mdi"}),
     r"^parameters give the same point twice"),
    ({"computation": "bounds", "parameters": {"random_pairs": [1]},
      "fixed": {"topology": "missing.json"}}, r"^fixed\.topology is not an existing file"),
    ({"computation": "bounds", "parameters": {"pair": [[["0", "9"]]]},
      "fixed": {"topology": "gabriel", "nodes": 5}}, r"^parameters\.pair names node '9'"),
    ({"computation": "bounds", "fixed": {"topology": "random-geometric", "nodes": 5,
                                         "random_pairs": 1}}, r"^radius_km is required"),
    ({"computation": "channel", "parameters": {"transmissivity": [0.5, 1.0]},
      "fixed": {"model": "pure-loss"}}, r"^parameters\.transmissivity must be in \[0, 1\)"),
    ({"computation": "repeater", "parameters": {"levels": [1, 2]},
      "fixed": {"p_gen": 0.1}}, r"^p_swap is required"),
    ({"computation": "repeater", "fixed": {"levels": 1, "p_swap": 0.5, "p_gen": 0.1,
                                           "per_level": True}},
     r"^fixed\.per_level needs optimize_cutoff"),
]


@pytest.mark.parametrize(("data", "message"), BAD, ids=[m[:40] for _, m in BAD])
def test_invalid_specs_name_the_key(data: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidParameterError) as info:
        parse_spec(data)
    assert re.search(message, str(info.value)), str(info.value)


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("computation = \n")
    with pytest.raises(InvalidParameterError, match=r"^SPEC is not valid TOML"):
        load_spec(path)
    with pytest.raises(InvalidParameterError, match=r"^SPEC cannot be read"):
        load_spec(tmp_path / "absent.toml")


def _line_network(tmp_path: Path) -> Path:
    path = tmp_path / "line.json"
    path.write_text('{"nodes": [{"id": "A"}, {"id": "B"}, {"id": "C"}], "links": ['
                    '{"source": "A", "target": "B", "length_km": 50}, '
                    '{"source": "B", "target": "C", "length_km": 50}]}')
    return path


def test_node_names_of_a_file_topology_are_checked_before_running(tmp_path: Path) -> None:
    path = _line_network(tmp_path)
    good = parse_spec({"computation": "bounds", "fixed": {"topology": str(path)},
                       "parameters": {"pair": [[["A", "B"]], [["A", "C"]]]}})
    assert len(good.points) == 2
    with pytest.raises(InvalidParameterError,
                       match=r"^parameters\.pair names a node that .* does not have"):
        parse_spec({"computation": "bounds", "fixed": {"topology": str(path)},
                    "parameters": {"pair": [[["A", "B"]], [["A", "X"]]]}})
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    with pytest.raises(InvalidParameterError, match=r"^fixed\.topology cannot be loaded"):
        parse_spec({"computation": "bounds", "fixed": {"topology": str(broken),
                                                       "random_pairs": 1}})
