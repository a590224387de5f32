"""Compatibility alias: :mod:`qinternet.networks.lp.arrays` is the public module."""

from qinternet.networks.lp.arrays import LinkArrays

__all__ = ["LinkArrays"]
