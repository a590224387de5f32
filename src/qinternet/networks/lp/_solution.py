"""Compatibility alias: :mod:`qinternet.networks.lp.solution` is the public module."""

from qinternet.networks.lp.solution import LPSolution, RouteColumn

__all__ = ["LPSolution", "RouteColumn"]
