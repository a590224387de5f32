"""Parameter sweeps at scale: TOML specs, serial or dask.distributed execution, Parquet results.

- :func:`load_spec`, :func:`parse_spec`, :class:`SweepSpec`: read and validate a spec whole.
- :func:`run_sweep`, :class:`SweepSummary`: compute every point, resumable, atomic writes.
- :class:`SerialExecutor`, :class:`DaskExecutor`, :class:`Executor`: where batches run.
- :func:`load`: the results as a pandas DataFrame; :func:`to_xarray`: as an xarray Dataset.
- :func:`write_report`: a self-contained HTML report of a results folder.
- :data:`COMPUTATIONS`: the sweepable computations (``channel``, ``bounds``, ``keyrate``,
  ``repeater``, and ``controller`` where :mod:`qinternet.controller` is installed).

Needs the ``sweeps`` extra (``pip install 'qinternet[sweeps]'``: dask[distributed], pyarrow,
pandas, xarray); those libraries are imported only when used, so importing this package is
cheap.
"""

from qinternet.sweeps._computation import Computation, Output, Parameter
from qinternet.sweeps._executors import DaskExecutor, Executor, SerialExecutor
from qinternet.sweeps._registry import COMPUTATIONS, get_computation
from qinternet.sweeps._report import write_report
from qinternet.sweeps._run import SweepSummary, run_sweep
from qinternet.sweeps._spec import Point, SweepSpec, load_spec, parse_spec
from qinternet.sweeps._store import load, to_xarray

__all__ = [
    "COMPUTATIONS",
    "Computation",
    "DaskExecutor",
    "Executor",
    "Output",
    "Parameter",
    "Point",
    "SerialExecutor",
    "SweepSpec",
    "SweepSummary",
    "get_computation",
    "load",
    "load_spec",
    "parse_spec",
    "run_sweep",
    "to_xarray",
    "write_report",
]
