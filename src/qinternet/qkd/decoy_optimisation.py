"""Optimised finite decoy intensities (issue 15, item 1) and the biased basis choice (item 2).

``--decoys N`` (a count) asks for N decoy intensities chosen per point to maximise the key rate,
warm-started along the curve; ``--decoys v1,v2`` keeps them fixed. This module holds the
optimisers for asymptotic decoy BB84 (two decoys, Ma-Qi-Zhao-Lo bounds) and for CAL19 (a decoy
set with the vacuum plus N - 1 optimised intensities, yields bounded by the CAL19 LP), and the
sifting factor of efficient BB84 with a biased basis choice. The finite-key BB84 model
(:mod:`qinternet.qkd.bb84_finite`) optimises its decoys itself.

Asymptotically (no statistical fluctuations) the two-decoy bounds become exact as the decoys go
to zero, so the optimum puts the weaker decoy at the vacuum and the weak decoy at the lower end
of its range, :data:`MIN_DECOY_INTENSITY` (Ma, Qi, Zhao, Lo 2005, Sec. IV; the optimiser finds
this by itself, it is not imposed). Decoy optimisation is informative with a finite key, where
weak decoys cost statistics.
"""

from qinternet.qkd.bb84._decoy_optimisation import (
    MIN_DECOY_INTENSITY,
    BB84DecoyOptimum,
    bb84_optimised_two_decoys,
)
from qinternet.qkd.bb84._model import efficient_bb84_sifting_factor
from qinternet.qkd.tf._cal19_decoy_optimisation import cal19_optimised_decoys

__all__ = [
    "BB84DecoyOptimum",
    "MIN_DECOY_INTENSITY",
    "bb84_optimised_two_decoys",
    "cal19_optimised_decoys",
    "efficient_bb84_sifting_factor",
]
