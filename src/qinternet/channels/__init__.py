"""Point-to-point channels: two-way capacities and bounds (``spec/channels.md``).

Models (frozen dataclasses with ``upper_ebits_per_use``, ``lower_ebits_per_use``, ``exact``):

- :class:`PureLossChannel` -- pure loss / optical fibre; PLOB capacity (exact) and TGW bound
- :class:`ThermalLossChannel` -- thermal loss; PLOB upper, RCI lower bound
- :class:`AmplifierChannel` -- quantum-limited (exact) or noisy amplifier
- :class:`AdditiveNoiseChannel` -- additive Gaussian noise
- :class:`PauliChannel` -- qubit Pauli channel
- :class:`DepolarizingChannel` -- qubit / qudit depolarizing
- :class:`DephasingChannel`, :class:`QuditDephasingChannel` -- dephasing (exact)
- :class:`ErasureChannel` -- qudit erasure (exact)
- :class:`AmplitudeDampingChannel` -- amplitude damping (open gap)
- :class:`MultibandChannel` -- parallel pure-loss bands (exact; per second with a bandwidth)
- :func:`fibre_link` -- pure-loss channel from length, attenuation, insertion loss, detector
- :func:`channel_from_params` -- build a model from its CLI name and parameters

Bounds as functions: :func:`plob_bound`, :func:`tgw_bound` (array-friendly) and the scalar
functions of :mod:`qinternet.channels.capacities`.
"""

from qinternet.channels.capacities import plob_bound, tgw_bound
from qinternet.channels.models import (
    AdditiveNoiseChannel,
    AmplifierChannel,
    AmplitudeDampingChannel,
    Channel,
    DephasingChannel,
    DepolarizingChannel,
    ErasureChannel,
    MultibandChannel,
    PauliChannel,
    PureLossChannel,
    QuditDephasingChannel,
    ThermalLossChannel,
    channel_from_params,
    fibre_link,
)

__all__ = [
    "AdditiveNoiseChannel",
    "AmplifierChannel",
    "AmplitudeDampingChannel",
    "Channel",
    "DephasingChannel",
    "DepolarizingChannel",
    "ErasureChannel",
    "MultibandChannel",
    "PauliChannel",
    "PureLossChannel",
    "QuditDephasingChannel",
    "ThermalLossChannel",
    "channel_from_params",
    "fibre_link",
    "plob_bound",
    "tgw_bound",
]
