"""A sample of the real-network corpus (``benchmarks/corpus.py``; ``make corpus`` runs it all).

Each network of :data:`corpus.SAMPLE` goes through every query type (1, 5 far, 5 near and 20
pairs, GHZ groups of 3 and 5, a mix), all three objectives and both usage models, and each answer
is checked against independent LPs written in the harness (node-arc flow LPs, per-pair cut
relaxation, Steiner-cut LP, best-star Steiner trees): zero solver errors, lower <= upper,
feasible routes. Issue 8 ("network bounds that hold on every real network").
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "corpus.py"
_spec = importlib.util.spec_from_file_location("qinternet_corpus", _PATH)
assert _spec is not None and _spec.loader is not None
corpus = importlib.util.module_from_spec(_spec)
sys.modules["qinternet_corpus"] = corpus
_spec.loader.exec_module(corpus)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("key", corpus.SAMPLE)
def test_corpus_network_every_query_type_checks_out(key: str) -> None:
    outcomes, note = corpus.run_network(key, seed=1, independent=True)
    assert note is None, note
    assert len(outcomes) >= 30  # every query type x objective x usage model
    failures = [f"{o.query} / {o.usage} / {o.objective}: {'; '.join(o.errors)}"
                for o in outcomes if not o.ok]
    assert not failures, "\n".join(failures)


def test_stress_network_with_pixel_lengths_is_solved() -> None:
    """SNDlib atlanta's pixel lengths taken as km: capacities from 1e-3 down to 1e-250."""
    net = corpus.stress_network("sndlib/atlanta")
    caps = net.link_arrays("upper").capacity
    assert caps[caps > 0].min() < 1e-200
    demands = corpus.queries(net, 1)
    for qname in ("5 pairs far", "group 3", "mixed"):
        for usage in corpus.USAGES:
            for objective in corpus.OBJECTIVES:
                out = corpus.run_query(net, "atlanta", qname, demands[qname], usage, objective,
                                       independent=True)
                assert out.ok, (qname, usage, objective, out.errors)
