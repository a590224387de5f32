"""Sweep specifications: parse a TOML spec, validate it whole, expand it into points.

A spec (the contract of ``qinternet sweep``)::

    computation = "keyrate"          # channel, bounds, keyrate, repeater (controller)

    [parameters]                     # grid: the product of these lists
    protocol = ["bb84-decoy", "tf-cal19"]
    distance_km = [0, 50, 100]

    [zip]                            # lists taken together (same length): one more axis
    detector_efficiency = [0.1, 0.2]
    dark_count = [1e-6, 1e-7]

    [random]                         # n seeded samples: one more axis
    n = 4
    seed = 7
    misalignment = { uniform = [0.0, 0.02] }   # also log_uniform, integers, choice

    [fixed]                          # the rest, one value each
    ec_efficiency = 1.16

Names are the CLI option names with dashes as underscores. ``seed`` (an integer >= 0) is
accepted by every computation; a point without one gets a seed derived from its content, so
results never depend on the order or the machine that computed them.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qinternet.errors import InvalidParameterError
from qinternet.sweeps._computation import Computation, Kind, integer
from qinternet.sweeps._registry import get_computation

__all__ = ["MAX_POINTS", "Point", "SweepSpec", "canonical", "load_spec", "parse_spec"]

#: Largest number of points of one spec.
MAX_POINTS = 1_000_000

#: Version of the task-key recipe (changing it would make ``--resume`` recompute everything).
KEY_VERSION = 1

_SECTIONS = ("parameters", "zip", "random", "fixed")
_TOP_LEVEL = ("computation", "name", "description", *_SECTIONS)
_DISTRIBUTIONS = ("uniform", "log_uniform", "integers", "choice")
_SEED = integer("seed", "seed of the point's random choices (integer >= 0)", minimum=0,
                maximum=2**63 - 1)


@dataclass(frozen=True, slots=True, kw_only=True)
class Point:
    """One point of a sweep: its content-hashed key, inputs and seed."""

    #: Position in the spec's expansion order (grid, then zip, then random samples).
    index: int
    #: Content hash of the computation name and the inputs (32 hex digits).
    key: str
    #: Input values by parameter name (canonical: floats, ints, str, bool, tuples).
    inputs: Mapping[str, Any]
    #: Seed of the point's random choices (given as ``seed`` or derived from ``key``).
    seed: int
    #: Row of ``[zip]`` (None without a ``[zip]`` table).
    zip_index: int | None = None
    #: Sample of ``[random]`` (None without a ``[random]`` table).
    sample_index: int | None = None


def canonical(value: Any) -> Any:
    """JSON-ready form of an input value (tuples become lists).

    >>> canonical((("A", "B"),))
    [['A', 'B']]
    """
    if isinstance(value, tuple | list):
        return [canonical(v) for v in value]
    return value


def _key(computation: str, inputs: Mapping[str, Any]) -> str:
    text = json.dumps({"v": KEY_VERSION, "computation": computation,
                       "inputs": {k: canonical(v) for k, v in inputs.items()}},
                      sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True, kw_only=True)
class SweepSpec:
    """A validated sweep specification (build it with :func:`load_spec` or :func:`parse_spec`)."""

    #: Name of the computation.
    computation: str
    #: ``[parameters]``: name -> values (the grid is their product, first name slowest).
    grid: Mapping[str, tuple[Any, ...]]
    #: ``[zip]``: name -> values, all of one length.
    zipped: Mapping[str, tuple[Any, ...]]
    #: ``[random]`` samples: name -> one value per sample (already drawn with the seed).
    sampled: Mapping[str, tuple[Any, ...]]
    #: ``[random]`` as written (``n``, ``seed`` and the distributions), for the record.
    random_table: Mapping[str, Any]
    #: ``[fixed]``: name -> value.
    fixed: Mapping[str, Any]
    #: The points, in expansion order.
    points: tuple[Point, ...]

    @property
    def inputs(self) -> tuple[str, ...]:
        """Every input name, in column order (grid, zip, random, fixed)."""
        return (*self.grid, *self.zipped, *self.sampled, *self.fixed)

    @property
    def dimensions(self) -> tuple[str, ...]:
        """Dimensions of the result (:func:`~qinternet.sweeps.to_xarray`)."""
        dims = [*self.grid]
        if self.zipped:
            dims.append("zip_index")
        if self.sampled:
            dims.append("sample_index")
        return tuple(dims)

    def kind(self, name: str) -> Kind:
        """Storage kind of input ``name``."""
        if name == "seed":
            return "int"
        return get_computation(self.computation).parameters[name].kind

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready record of the spec (written to the results folder)."""
        return {
            "computation": self.computation,
            "parameters": {k: canonical(v) for k, v in self.grid.items()},
            "zip": {k: canonical(v) for k, v in self.zipped.items()},
            "random": canonical_table(self.random_table),
            "fixed": {k: canonical(v) for k, v in self.fixed.items()},
            "dimensions": list(self.dimensions),
            "inputs": list(self.inputs),
            "points": len(self.points),
        }


def canonical_table(table: Mapping[str, Any]) -> dict[str, Any]:
    """A TOML table with tuples as lists (JSON-ready)."""
    return {k: canonical_table(v) if isinstance(v, Mapping) else canonical(v)
            for k, v in table.items()}


def load_spec(path: str | Path) -> SweepSpec:
    """Read and validate a TOML sweep spec.

    Raises
    ------
    InvalidParameterError
        Unreadable file or invalid TOML (named ``SPEC``), or any invalid entry (named by its
        key, e.g. ``parameters.distance_km``).
    """
    p = Path(path).expanduser()
    try:
        raw = p.read_bytes()
    except OSError as err:
        raise InvalidParameterError("SPEC", str(path),
                                    f"cannot be read ({err.strerror or err})") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise InvalidParameterError("SPEC", str(path), f"is not valid TOML ({err})") from None
    return parse_spec(data)


def _table(data: Mapping[str, Any], section: str) -> Mapping[str, Any]:
    value = data.get(section, {})
    if not isinstance(value, Mapping):
        raise InvalidParameterError(section, value, "must be a table ([" + section + "])")
    return value


def _values(where: str, value: Any) -> list[Any]:
    if not isinstance(value, list) or not value:
        raise InvalidParameterError(where, value, "must be a non-empty list of values")
    return value


def _coerce(computation: Computation, section: str, name: str, value: Any) -> Any:
    where = f"{section}.{name}"
    if name == "seed":
        return _SEED.coerce(where, value)
    return computation.parameters[name].coerce(where, value)


def _sample(where: str, dist: Any, n: int, rng: Any) -> list[Any]:
    import numpy as np

    if not isinstance(dist, Mapping) or len(dist) != 1 or next(iter(dist)) not in _DISTRIBUTIONS:
        raise InvalidParameterError(
            where, dist, "must be one of {uniform = [a, b]}, {log_uniform = [a, b]}, "
            "{integers = [a, b]} or {choice = [v1, v2, ...]}")
    kind, args = next(iter(dist.items()))
    if kind == "choice":
        options = _values(where + ".choice", args)
        return [options[int(i)] for i in rng.integers(0, len(options), size=n)]
    if (not isinstance(args, list) or len(args) != 2
            or any(isinstance(a, bool) or not isinstance(a, int | float) for a in args)
            or not all(math.isfinite(a) for a in args) or not args[0] < args[1]):
        raise InvalidParameterError(f"{where}.{kind}", args,
                                    "must be [low, high] with finite numbers, low < high")
    low, high = args
    if kind == "uniform":
        return [float(x) for x in rng.uniform(low, high, size=n)]
    if kind == "log_uniform":
        if low <= 0:
            raise InvalidParameterError(f"{where}.{kind}", args, "must have low > 0")
        return [float(x) for x in np.exp(rng.uniform(math.log(low), math.log(high), size=n))]
    if low != int(low) or high != int(high):
        raise InvalidParameterError(f"{where}.{kind}", args, "must be [low, high] integers")
    return [int(x) for x in rng.integers(int(low), int(high) + 1, size=n)]


def _random(computation: Computation, table: Mapping[str, Any]
            ) -> dict[str, tuple[Any, ...]]:
    import numpy as np

    if not table:
        return {}
    for key in ("n", "seed"):
        if key not in table:
            raise InvalidParameterError(f"random.{key}", None,
                                        "is required in [random] (number of samples and seed)")
    n = integer("n", "", minimum=1, maximum=MAX_POINTS).coerce("random.n", table["n"])
    seed = _SEED.coerce("random.seed", table["seed"])
    names = sorted(k for k in table if k not in ("n", "seed"))
    if not names:
        raise InvalidParameterError("random", dict(table), "must sample at least one parameter")
    rng = np.random.default_rng(seed)
    out: dict[str, tuple[Any, ...]] = {}
    for name in names:
        values = _sample(f"random.{name}", table[name], n, rng)
        out[name] = tuple(_coerce(computation, "random", name, v) for v in values)
    return out


def parse_spec(data: Mapping[str, Any]) -> SweepSpec:
    """Validate a spec given as a mapping (e.g. ``tomllib.loads(text)``) and expand its points.

    Every value is checked, then every point is checked as a whole by the computation, before
    anything runs; errors name the key.

    >>> spec = parse_spec({"computation": "channel",
    ...                    "parameters": {"transmissivity": [0.1, 0.5]},
    ...                    "fixed": {"model": "pure-loss"}})
    >>> len(spec.points), spec.dimensions
    (2, ('transmissivity',))
    >>> parse_spec({"computation": "channel", "parameters": {"transmissivity": [2]},
    ...             "fixed": {"model": "pure-loss"}})
    Traceback (most recent call last):
    ...
    qinternet.errors.InvalidParameterError: parameters.transmissivity must be <= 1, got 2
    """
    for key in data:
        if key not in _TOP_LEVEL:
            raise InvalidParameterError(key, data[key], "is not a spec key (expected "
                                        + ", ".join(_TOP_LEVEL) + ")")
    if "computation" not in data:
        raise InvalidParameterError("computation", None,
                                    "is required (e.g. computation = \"keyrate\")")
    computation = get_computation(data["computation"])
    tables = {s: _table(data, s) for s in _SECTIONS}
    section_of: dict[str, str] = {}
    for section in _SECTIONS:
        for name in tables[section]:
            if section == "random" and name in ("n", "seed"):
                continue
            if name != "seed" and name not in computation.parameters:
                raise InvalidParameterError(
                    f"{section}.{name}", tables[section][name],
                    f"is not a parameter of computation {computation.name!r} (allowed: "
                    + ", ".join(sorted([*computation.parameters, "seed"])) + ")")
            if name in section_of:
                raise InvalidParameterError(f"{section}.{name}", tables[section][name],
                                            f"is already given in [{section_of[name]}]")
            section_of[name] = section
    grid = {name: tuple(_coerce(computation, "parameters", name, v)
                        for v in _values(f"parameters.{name}", value))
            for name, value in tables["parameters"].items()}
    zipped = {name: tuple(_coerce(computation, "zip", name, v)
                          for v in _values(f"zip.{name}", value))
              for name, value in tables["zip"].items()}
    lengths = {len(v) for v in zipped.values()}
    if len(lengths) > 1:
        first = next(iter(zipped))
        other = next(n for n, v in zipped.items() if len(v) != len(zipped[first]))
        raise InvalidParameterError(
            f"zip.{other}", list(tables["zip"][other]),
            f"must have as many values as zip.{first} ({len(zipped[first])})")
    sampled = _random(computation, tables["random"])
    fixed = {name: _coerce(computation, "fixed", name, value)
             for name, value in tables["fixed"].items()}
    count = math.prod(len(v) for v in grid.values()) * (lengths.pop() if lengths else 1) * (
        len(next(iter(sampled.values()))) if sampled else 1)
    if count > MAX_POINTS:
        raise InvalidParameterError("parameters", count,
                                    f"make too many points (at most {MAX_POINTS})")
    points = _expand(computation, grid, zipped, sampled, fixed, section_of)
    return SweepSpec(computation=computation.name, grid=grid, zipped=zipped, sampled=sampled,
                     random_table=dict(tables["random"]), fixed=fixed, points=points)


def _relabel(err: InvalidParameterError, section_of: Mapping[str, str]) -> InvalidParameterError:
    names = [f"{section_of[n]}.{n}" if n in section_of else n for n in err.name.split("/")]
    return InvalidParameterError("/".join(names), err.value, err.rule)


def _expand(computation: Computation, grid: Mapping[str, Sequence[Any]],
            zipped: Mapping[str, Sequence[Any]], sampled: Mapping[str, Sequence[Any]],
            fixed: Mapping[str, Any], section_of: Mapping[str, str]) -> tuple[Point, ...]:
    zip_rows = [dict(zip(zipped, row, strict=True)) for row in zip(*zipped.values(),
                                                                   strict=True)] or [{}]
    samples = [dict(zip(sampled, row, strict=True)) for row in zip(*sampled.values(),
                                                                  strict=True)] or [{}]
    points: list[Point] = []
    seen: dict[str, int] = {}
    for combo in itertools.product(*grid.values()):
        base = dict(zip(grid, combo, strict=True))
        for zi, zrow in enumerate(zip_rows):
            for si, srow in enumerate(samples):
                inputs = {**base, **zrow, **srow, **fixed}
                checked = {k: v for k, v in inputs.items() if k != "seed"}
                try:
                    computation.check(checked)
                except InvalidParameterError as err:
                    raise _relabel(err, section_of) from None
                # A random sample's index is part of its identity: two samples that draw the
                # same values are two replicas (with two derived seeds), not a repeated point.
                key = _key(computation.name,
                           {**inputs, "__sample__": si} if sampled else inputs)
                if key in seen:
                    raise InvalidParameterError(
                        "parameters", {k: canonical(v) for k, v in inputs.items()},
                        f"give the same point twice (points {seen[key]} and {len(points)}); "
                        "remove the repeated value")
                seen[key] = len(points)
                seed = inputs["seed"] if "seed" in inputs else int(key[:15], 16)
                points.append(Point(index=len(points), key=key, inputs=inputs, seed=seed,
                                    zip_index=zi if zipped else None,
                                    sample_index=si if sampled else None))
    return tuple(points)
