"""qinternet: design the quantum internet.

Public surface (one line per name; details in each subpackage):

- ``channels`` -- point-to-point two-way capacities and bounds (PLOB, TGW, ...)
- ``errors`` -- the exception tree (``InvalidParameterError`` is a ``ValueError``)
- ``units`` -- explicit dB / transmissivity conversions (never through a units library)
- ``entropy`` -- binary, Shannon and bosonic entropies in bits

Frequently used names are re-exported here.
"""

from qinternet.channels import (
    PureLossChannel,
    channel_from_params,
    fibre_link,
    plob_bound,
    tgw_bound,
)
from qinternet.errors import (
    InfeasibleError,
    InvalidParameterError,
    QinternetError,
    QinternetWarning,
    SolverError,
    UnitError,
)
from qinternet.units import fibre_transmissivity, loss_db_to_transmissivity

__version__ = "0.1.0"

__all__ = [
    "InfeasibleError",
    "InvalidParameterError",
    "PureLossChannel",
    "QinternetError",
    "QinternetWarning",
    "SolverError",
    "UnitError",
    "channel_from_params",
    "fibre_link",
    "fibre_transmissivity",
    "loss_db_to_transmissivity",
    "plob_bound",
    "tgw_bound",
]
