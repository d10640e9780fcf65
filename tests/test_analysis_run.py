#!/usr/bin/python3
"""In-situ analysis inside a run (issue 6), on the long quasi-2D spinodal run of the fixture
spinodal_run.py (48^2 cells, c0 = 0.45, Omega/RT = 3, -analysis_interval 10, to t = 1e5):

1. rows of analysis.csv at the initial state and then exactly at the first accepted step at or
   past each multiple of the interval (read off stats.csv), none twice;
2. the variance from the spectrum equals stats.csv's c_std^2 at the same step (1e-10: two
   different computations, in real and in Fourier space, of the same number);
3. structure_factor.h5 holds one group per row, and Parseval holds for each:
   sum over shells count S / N = variance (1e-12);
4. the physics of coarsening: the length L = 2 pi / k1 grows (by > 2x from t = 20, when the
   linear stage is over and c_std is near its final value, to the end state of one band
   across the 24^2 box, reached by t ~ 300); the interface area per volume falls by as much; the late
   volume fraction of the c > 1/2 phase is the lever rule's (c0 - c_alpha)/(c_beta - c_alpha)
   within 0.04 (interfaces and Gibbs-Thomson shifts of a few domains in 24^2 move it a little).

Usage: test_analysis_run.py FIXTURE_DIR"""
import os
import sys

import numpy as np

import uphill_testlib as T

INTERVAL = 10.0
C0, OMEGA_RT = 0.45, 3.0


def binodal():
    """Symmetric regular solution: ln(c/(1-c)) = Omega/RT (2c - 1), the root below 1/2."""
    lo, hi = 1e-12, 0.5 - 1e-9
    for _ in range(200):
        c = 0.5 * (lo + hi)
        if np.log(c / (1 - c)) - OMEGA_RT * (2 * c - 1) > 0:
            hi = c
        else:
            lo = c
    return c, 1 - c


def main():
    if len(sys.argv) != 2:
        T.die("usage: test_analysis_run.py FIXTURE_DIR")
    out = os.path.join(sys.argv[1], "out")
    s = T.read_stats(out)
    a = np.genfromtxt(os.path.join(out, "analysis.csv"), delimiter=",", names=True)
    # 1. which steps
    want, nxt = [0], INTERVAL
    for step, t in zip(s["step"][1:], s["time"][1:]):
        if t >= nxt * (1 - 1e-9):
            want.append(int(step))
            nxt = (np.floor(t / INTERVAL + 1e-9) + 1) * INTERVAL
    got = [int(x) for x in a["step"]]
    T.check(got == want, "analysis rows at step 0 and the first step past each multiple of %g (%d rows)" % (INTERVAL, len(got)))
    # 2. variance against the monitor's c_std
    rows = {int(st): i for i, st in enumerate(s["step"])}
    idx = [rows[g] for g in got]
    std2 = s["c_std"][idx] ** 2
    d = np.max(np.abs(a["variance"] - std2) / std2)
    T.check(d <= 1e-10, "variance from S(k) = c_std^2 of stats.csv (max relative difference %.2e)" % d)
    # 3. structure_factor.h5
    import h5py
    with h5py.File(os.path.join(out, "structure_factor.h5"), "r") as f:
        groups = sorted(g for g in f if g.startswith("step_"))
        T.check(groups == ["step_%08d" % g for g in got], "structure_factor.h5: one group per row (%d)" % len(groups))
        npts = 48 * 48
        worst = 0.0
        for g, var in zip(groups, a["variance"]):
            par = float(np.sum(f[g]["S"][...] * f[g]["count"][...])) / npts
            worst = max(worst, abs(par / var - 1))
        T.check(worst <= 1e-12, "Parseval in every stored S(k): sum count S / N = variance (max relative difference %.2e)" % worst)
        T.check(f["k"].shape == f[groups[-1]]["S"].shape, "shell centres /k match S")
    # 4. coarsening
    t = a["time"]
    early = np.searchsorted(t, 20.0)
    growth = a["L"][-1] / a["L"][early]
    T.check(growth > 2, "L grows during coarsening: L(t=%.0f) = %.3f -> L(t=%.0f) = %.3f (x%.2f > 2)"
            % (t[early], a["L"][early], t[-1], a["L"][-1], growth))
    fall = a["area_per_volume"][early] / a["area_per_volume"][-1]
    T.check(fall > 2, "interface area per volume falls: %.4f -> %.4f (/%.2f > 2)" % (a["area_per_volume"][early], a["area_per_volume"][-1], fall))
    ca, cb = binodal()
    lever = (C0 - ca) / (cb - ca)
    late = a["fraction"][-1]
    T.check(abs(late - lever) <= 0.04, "late volume fraction %.4f = lever rule %.4f (c_alpha %.4f, c_beta %.4f) within 0.04" % (late, lever, ca, cb))
    T.finish()


if __name__ == "__main__":
    main()
