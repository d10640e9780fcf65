#!/usr/bin/python3
"""Parallel consistency: the same run on 1, 2 and 4 ranks gives the same stats.csv.

The noise initial condition is a hash of the global grid index (rank-count independent),
and the discretisation does not depend on the decomposition, so only the order of floating-
point sums and the rank-dependent parts of the solvers (parallel reductions, the redundant
coarse solve) differ.  With Newton/Krylov converged tightly (rtol 1e-12), each step's state
agrees to ~1e-12, and the adaptive controller then picks the same steps.

Checks: identical step numbers and rejection counts, and time, free_energy and mass agreeing
to 1e-9 relative on every row (measured ~1e-13; 1e-9 allows the growth of round-off
differences by the spinodal instability, exp(R t) with R <= 1 over t <= 13, only partially
realised, while a decomposition bug - a wrong ghost, a missed wall, a rank-local noise
seed - gives differences of 1e-3 or more from the first step).

All three integrators: etd (the default) and rosw (no iterative solver, so only the
transforms' and the stencil's sums differ) and bdf (Newton-multigrid, converged tightly).

Usage: test_rank_independence.py etd|rosw|bdf"""
import sys

import numpy as np

import uphill_testlib as T

RANKS = (1, 2, 4)
TOL = 1e-9
COLUMNS = ("time", "free_energy", "mass", "c_std")
INTEGRATORS = {"etd": ["-integrator", "etd"], "rosw": ["-integrator", "rosw"],
               "bdf": ["-integrator", "bdf", "-snes_rtol", "1e-12", "-snes_atol", "1e-13", "-ksp_rtol", "1e-12"]}


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in INTEGRATORS:
        T.die("usage: test_rank_independence.py etd|rosw|bdf")
    integrator = sys.argv[1]
    stats = {}
    for n in RANKS:
        out = T.fresh_dir("out_np%d" % n)
        args = T.DIMLESS + ["-ic", "noise", "-c0", "0.45", "-ic_amplitude", "0.01", "-ic_seed", "3",
                            "-da_grid_x", "24", "-da_grid_y", "24", "-da_grid_z", "1", "-Lx", "12", "-Ly", "12",
                            "-bc", "noflux", "-ts_max_steps", "40", "-ts_max_time", "1e4",
                            *INTEGRATORS[integrator],
                            "-output_dir", out, "-final_output", "0", "-progress_interval", "1000"]
        T.run(args, n)
        stats[n] = T.read_stats(out)
        s = stats[n]
        print("%d rank(s): %d rows, t_end = %.17g, F_end = %.17g, mass_end = %.17g"
              % (n, len(s["step"]), s["time"][-1], s["free_energy"][-1], s["mass"][-1]))
    ref = stats[RANKS[0]]
    for n in RANKS[1:]:
        s = stats[n]
        if not T.check(len(s["step"]) == len(ref["step"]) and np.array_equal(s["step"], ref["step"]),
                       "%d ranks: same accepted steps (%d rows vs %d)" % (n, len(s["step"]), len(ref["step"]))):
            continue
        T.check(np.array_equal(s["rejected"], ref["rejected"]), "%d ranks: same rejected steps" % n)
        for col in COLUMNS:
            a, b = ref[col], s[col]
            d = np.max(np.abs(a - b) / np.maximum(np.abs(a), 1e-300))
            T.check(d <= TOL, "%d ranks vs 1: %-11s max relative difference %.3e (<= %.0e)" % (n, col, d, TOL))
    T.finish()


if __name__ == "__main__":
    main()
