"""Figures of docs/qkd-paper-claims.md (issue 15, item 4): the papers' claims, recomputed.

Writes ``docs/figures/qkd-paper-claims.png`` (four panels, all with the PLOB bound of the same
eta, detector included in eta = overall loss):

a) CAL19 against loss: infinite decoys; vacuum + 1 and vacuum + 3 optimised decoys
   (Grasselli-Curty 2019: "two decoy intensity settings are enough to beat" PLOB); the original
   TF-QKD under the toolkit's restricted-attack model.
b) FK-v0 (interim CAL19 finite key) against N at 50, 60, 70 dB, divided by PLOB
   (Currás-Lorenzo et al. 2021: PLOB beaten with "around [1e10, recalled]" signals).
c) PM: R / eta against loss (Ma-Zeng-Zhou 2018: "the key rate can even exceed ... eta").
d) SNS: maximum distance against misalignment (Wang-Yu-Hu 2018: 700 / 600 / 500 / 300 km at
   15 / 25 / 35 / 45 %), toolkit model with pd = 1e-11: infinite decoys, and the vacuum plus one
   or two optimised decoys (issue 15 item 1).

pd = 1e-8, 2 % misalignment, f = 1.16 unless stated. Run:
``.venv/bin/python benchmarks/qkd_paper_figures.py`` (about five minutes on the 2-core machine).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from qinternet.channels.capacities import plob_bound
from qinternet.qkd import pm, sns
from qinternet.qkd._cal19_finite import FiniteKeySettings
from qinternet.qkd.analysis import maximum_distance
from qinternet.qkd.decoy_optimisation import cal19_optimised_decoys
from qinternet.qkd.options import KeyRateOptions
from qinternet.qkd.tf_cal19 import cal19_finite_key_rate, cal19_key_rate
from qinternet.qkd.tf_original import lucamarini2018_evaluate

OUT = Path(__file__).resolve().parents[1] / "docs" / "figures" / "qkd-paper-claims.png"


def main() -> int:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(11, 8.5))
    # a) CAL19 and decoys
    loss = np.arange(20.0, 81.0, 5.0)
    eta = 10.0 ** (-loss / 10.0)
    ax = axes[0, 0]
    ax.semilogy(loss, cal19_key_rate(eta).key_rate_bits_per_pulse, label="CAL19, infinite decoys")
    for n in (2, 4):
        curve, _ = cal19_optimised_decoys(eta, n)
        ax.semilogy(loss, curve.key_rate_bits_per_pulse, "--",
                    label=f"CAL19, vacuum + {n - 1} optimised decoy{'s' if n > 2 else ''}")
    ax.semilogy(loss, [r.key_rate_bits_per_pulse for r in lucamarini2018_evaluate(eta)], ":",
                label="original TF-QKD (restricted attack, M = 16)")
    ax.semilogy(loss, plob_bound(eta), "k", label="PLOB")
    ax.set(xlabel="overall Alice-Bob loss (dB)", ylabel="key rate (bits per pulse pair)",
           title="a) CAL19 and finite decoys (Grasselli-Curty 2019)")
    ax.legend(fontsize=7)
    # b) FK-v0 against N
    ax = axes[0, 1]
    pulses = np.geomspace(5e9, 1e12, 9)
    for db in (50.0, 60.0, 70.0):
        e = 10.0 ** (-db / 10.0)
        ratio = [cal19_finite_key_rate([e], FiniteKeySettings(pulses=float(n)))
                 .key_rate_bits_per_pulse[0] / plob_bound(e) for n in pulses]
        ax.loglog(pulses, np.maximum(ratio, 1e-3), "o-", label=f"{db:g} dB")
    ax.axhline(1.0, color="k", lw=1)
    ax.axvline(1e10, color="grey", ls=":", label="1e10 (CRAKCR21, recalled)")
    ax.set(xlabel="pulse pairs sent N", ylabel="R / PLOB (no key drawn at 1e-3)",
           title="b) FK-v0 (interim) finite key vs PLOB")
    ax.legend(fontsize=7)
    # c) PM exceeds eta
    ax = axes[1, 0]
    rates = np.array([r.key_rate_bits_per_pulse for r in pm.evaluate(eta, KeyRateOptions())])
    ax.semilogy(loss, rates / eta, label="PM (D = 16), R / eta")
    ax.semilogy(loss, plob_bound(eta) / eta, "k", label="PLOB / eta")
    ax.axhline(1.0, color="grey", ls=":")
    ax.set(xlabel="overall Alice-Bob loss (dB)", ylabel="R / eta",
           title="c) PM: the rate exceeds eta (Ma-Zeng-Zhou 2018)")
    ax.legend(fontsize=7)
    # d) SNS reach against misalignment
    ax = axes[1, 1]
    mis = np.array([0.15, 0.25, 0.35, 0.45])
    reach = [maximum_distance(sns.SPEC, KeyRateOptions(dark_count=1e-11, misalignment=float(m)),
                              attenuation_db_per_km=0.2) for m in mis]
    ax.plot(100 * mis, reach, "o-", label="SNS toolkit model, pd = 1e-11, infinite decoys")
    for n, style in ((3, "s--"), (2, "^:")):
        finite = [maximum_distance(sns.SPEC, KeyRateOptions(dark_count=1e-11,
                                                            misalignment=float(m),
                                                            decoy_count=n),
                                   attenuation_db_per_km=0.2, tolerance_km=0.5) for m in mis]
        ax.plot(100 * mis, finite, style,
                label=f"vacuum + {n - 1} optimised decoy{'s' if n > 2 else ''}")
    ax.plot([15, 25, 35, 45], [700, 600, 500, 300], "kx", ms=9, label="paper's claim (>=)")
    ax.set(xlabel="misalignment e_d (%)", ylabel="maximum distance (km, 0.2 dB/km)",
           title="d) SNS reach (Wang-Yu-Hu 2018)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(OUT, dpi=110)
    print(f"written to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
