"""Results folder: partitioned Parquet files written atomically, a manifest, and the loaders.

Layout of ``DIR``::

    sweep.json                 manifest: the spec (validated, JSON), dimensions, version
    part-<batch hash>.parquet  one file per completed batch, one row per point

Every file is written under a temporary name (``.tmp-...``) in ``DIR``, flushed to disk, then
renamed: a reader, a crash or a ``kill -9`` never sees a half-written part. Temporary files
left by a killed run are removed by the next run.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qinternet.errors import InvalidParameterError
from qinternet.sweeps._computation import Computation, Kind

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa
    import xarray as xr

    from qinternet.sweeps._spec import SweepSpec

__all__ = [
    "LOST_PREFIX",
    "MANIFEST",
    "atomic_write_bytes",
    "clean_temporary",
    "completed_keys",
    "load",
    "part_files",
    "read_manifest",
    "schema",
    "to_xarray",
    "write_part",
]

#: Name of the manifest in a results folder.
MANIFEST = "sweep.json"
_PART_PREFIX = "part-"
_TMP_PREFIX = ".tmp-"

#: Columns every row has, besides the inputs and outputs.
META_COLUMNS = ("point_index", "task_key", "status", "error", "seed", "wall_time_s",
                "warnings", "qinternet_version")


def _arrow_type(kind: Kind) -> pa.DataType:
    import pyarrow as pa

    return {"float": pa.float64(), "int": pa.int64(), "str": pa.string(), "bool": pa.bool_(),
            "json": pa.string()}[kind]


def schema(spec: SweepSpec, computation: Computation) -> pa.Schema:
    """Arrow schema of the rows of ``spec``: meta, inputs, (zip/sample index), outputs."""
    import pyarrow as pa

    fields = [pa.field("point_index", pa.int64()), pa.field("task_key", pa.string()),
              pa.field("status", pa.string()), pa.field("error", pa.string())]
    fields += [pa.field(name, _arrow_type(spec.kind(name))) for name in spec.inputs
               if name != "seed"]  # a given seed is the seed column
    if spec.zipped:
        fields.append(pa.field("zip_index", pa.int64()))
    if spec.sampled:
        fields.append(pa.field("sample_index", pa.int64()))
    fields += [pa.field(out.name, _arrow_type(out.kind)) for out in computation.outputs
               if out.name not in spec.inputs]
    fields += [pa.field("seed", pa.int64()), pa.field("wall_time_s", pa.float64()),
               pa.field("warnings", pa.string()), pa.field("qinternet_version", pa.string())]
    return pa.schema(fields)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory descriptors
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def _temporary(folder: Path, name: str) -> Path:
    return folder / f"{_TMP_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:8]}-{name}"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    tmp = _temporary(path.parent, path.name)
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_dir(path.parent)


def write_part(folder: Path, batch_id: str, rows: Sequence[Mapping[str, Any]],
               table_schema: pa.Schema) -> Path:
    """Write one batch of rows as ``part-<batch_id>.parquet`` (atomically); return its path."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(list(rows), schema=table_schema)
    final = folder / f"{_PART_PREFIX}{batch_id}.parquet"
    tmp = _temporary(folder, final.name)
    try:
        pq.write_table(table, tmp, compression="zstd")
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_dir(folder)
    return final


def clean_temporary(folder: Path) -> int:
    """Remove temporary files left by a killed run; return how many."""
    count = 0
    for path in folder.glob(_TMP_PREFIX + "*"):
        path.unlink(missing_ok=True)
        count += 1
    return count


def part_files(folder: Path) -> list[Path]:
    """The completed part files, sorted by name."""
    return sorted(folder.glob(_PART_PREFIX + "*.parquet"))


#: Start of the ``error`` of rows whose whole batch failed (a worker lost more often than dask
#: allows): such rows are results of the infrastructure, not of the point, so ``resume``
#: computes those points again and :func:`load` prefers the newer row.
LOST_PREFIX = "batch failed:"


def completed_keys(folder: Path) -> set[str]:
    """Task keys of every row already written in ``folder`` (rows of lost batches excluded)."""
    import pyarrow.parquet as pq

    keys: set[str] = set()
    for path in part_files(folder):
        table = pq.read_table(path, columns=["task_key", "error"]).to_pydict()
        keys.update(k for k, e in zip(table["task_key"], table["error"], strict=True)
                    if not (e or "").startswith(LOST_PREFIX))
    return keys


def read_manifest(folder: str | os.PathLike[str], option: str = "DIR") -> dict[str, Any]:
    """The manifest of a results folder (``InvalidParameterError`` naming ``option`` if none)."""
    path = Path(folder).expanduser() / MANIFEST
    if not Path(folder).expanduser().is_dir():
        raise InvalidParameterError(option, os.fspath(folder), "is not a folder")
    try:
        data: dict[str, Any] = json.loads(path.read_text())
    except FileNotFoundError:
        raise InvalidParameterError(option, os.fspath(folder),
                                    f"holds no sweep results (no {MANIFEST})") from None
    except (OSError, ValueError) as err:
        raise InvalidParameterError(option, os.fspath(folder),
                                    f"has an unreadable {MANIFEST} ({err})") from None
    return data


def _concat(tables: Iterable[pa.Table]) -> pa.Table:
    import pyarrow as pa

    return pa.concat_tables(list(tables), promote_options="default")


def load(folder: str | os.PathLike[str]) -> pd.DataFrame:
    """All rows of a results folder as a pandas DataFrame, in the spec's point order.

    Parameters
    ----------
    folder : str or Path
        A folder written by :func:`~qinternet.sweeps.run_sweep` / ``qinternet sweep``.

    Returns
    -------
    pandas.DataFrame
        One row per point: ``point_index``, ``task_key``, ``status`` (``ok`` / ``error``),
        ``error``, every input, ``zip_index`` / ``sample_index`` (with ``[zip]`` /
        ``[random]``), every output (unit in the name), ``seed``, ``wall_time_s``,
        ``warnings`` and ``qinternet_version``. List values are JSON text. ``df.attrs`` holds
        ``computation`` and ``dimensions`` (for :func:`to_xarray`).

    Raises
    ------
    InvalidParameterError
        The folder holds no sweep results.
    """
    import pyarrow.parquet as pq

    manifest = read_manifest(folder, "folder")
    parts = part_files(Path(folder).expanduser())
    if parts:
        frame = _concat(pq.read_table(p) for p in parts).to_pandas()
        # A point recomputed after its batch was lost has two rows: keep the real one.
        lost = frame["error"].fillna("").str.startswith(LOST_PREFIX)
        frame = frame.assign(_lost=~lost).sort_values("_lost", kind="stable")
        frame = frame.drop_duplicates("task_key", keep="last").drop(columns="_lost")
        frame = frame.sort_values(["point_index", "task_key"], kind="stable")
        frame = frame.reset_index(drop=True)
    else:
        import pandas as pd

        frame = pd.DataFrame({c: [] for c in ("point_index", "task_key", "status", "error")})
    frame.attrs["computation"] = manifest.get("computation")
    frame.attrs["dimensions"] = list(manifest.get("spec", {}).get("dimensions", []))
    frame.attrs["inputs"] = list(manifest.get("spec", {}).get("inputs", []))
    return frame


def to_xarray(data: pd.DataFrame | str | os.PathLike[str],
              dimensions: Sequence[str] | None = None) -> xr.Dataset:
    """A Dataset with the swept parameters as dimensions.

    Parameters
    ----------
    data : pandas.DataFrame or path
        A frame from :func:`load`, or a results folder.
    dimensions : sequence of str, optional
        Dimension columns (default: the spec's ``[parameters]`` names, plus ``zip_index`` and
        ``sample_index`` when the spec has ``[zip]`` / ``[random]``).

    Returns
    -------
    xarray.Dataset
        Every other column is a variable over the dimensions (missing grid points are NaN);
        zipped and sampled inputs are coordinates, inputs with one value scalar coordinates.

    Raises
    ------
    InvalidParameterError
        A dimension is not a column, or two rows share the same dimension values (a folder
        resumed with another spec: pass ``dimensions``).
    """
    import pandas as pd
    import xarray as xr

    frame = data if isinstance(data, pd.DataFrame) else load(data)
    dims = list(frame.attrs.get("dimensions", []) if dimensions is None else dimensions)
    inputs = list(frame.attrs.get("inputs", []))
    for dim in dims:
        if dim not in frame.columns:
            raise InvalidParameterError("dimensions", dim, "is not a column of the results")
    if not dims:
        frame = frame.assign(point=range(len(frame)))
        dims = ["point"]
    if frame.duplicated(dims).any():
        raise InvalidParameterError("dimensions", dims, "do not identify the rows (two rows "
                                    "share the same values); pass other dimensions")
    indexed = frame.set_index(dims)
    dataset = xr.Dataset.from_dataframe(indexed)
    coords = [c for c in inputs if c in dataset.data_vars]
    dataset = dataset.set_coords(coords)
    for name in coords:  # an input with one value ([fixed]) is a scalar coordinate
        if frame[name].nunique(dropna=False) == 1:
            dataset = dataset.assign_coords({name: frame[name].iloc[0]})
    dataset.attrs["computation"] = str(frame.attrs.get("computation"))
    return dataset
