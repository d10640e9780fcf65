#!/usr/bin/python3
"""Free-energy decrease (docs/MODEL.md section 1: F never increases along a solution; the
discrete scheme must keep this to solver tolerance).

Reads the stats.csv of a long nonlinear spinodal run (fixture spinodal_run.py, DEFAULT
integrator and solver settings) and requires, over every accepted step,
    F(n+1) - F(n) <= 1e-12 |F(n)|.
Tolerance (issue 2: round-off only): F is a sum of O(N) terms each computed to ~1e-16
relative, so its round-off is ~1e-15 |F|; 1e-12 leaves 1000x that.  Solver error does not
need a larger allowance: F can only come close to increasing where it is flat (near a
stationary state, mu nearly uniform), and there its first variation int (mu - <mu>) dc under
a mass-conserving solver error dc is itself second order.  (When this test was written,
tightening -snes_rtol/-ksp_rtol to 1e-14 left every step's F change unchanged to 1e-16.)
An increase beyond 1e-12 |F| is an increase of the scheme's energy, not noise.

Usage: test_energy_decrease.py FIXTURE_DIR"""
import os
import sys

import numpy as np

import uphill_testlib as T

TOL = 1e-12


def main():
    if len(sys.argv) != 2:
        T.die("usage: test_energy_decrease.py FIXTURE_DIR")
    s = T.read_stats(os.path.join(sys.argv[1], "out"))
    F = s["free_energy"]
    rel = np.diff(F) / np.abs(F[:-1])
    print("%d accepted steps, F %.12g -> %.12g, largest relative change per step %.3e (most negative %.3e)"
          % (len(F) - 1, F[0], F[-1], rel.max(), rel.min()))
    bad = np.where(rel > TOL)[0]
    for i in bad[:20]:
        print("  F increased at step %d: t = %.6g, dt = %.4g (previous dt %.4g, ratio %.3f), F %.15e -> %.15e, relative %+.3e"
              % (int(s["step"][i + 1]), s["time"][i + 1], s["dt"][i + 1], s["dt"][i], s["dt"][i + 1] / s["dt"][i] if s["dt"][i] > 0 else 0,
                 F[i], F[i + 1], rel[i]))
    T.check(F[-1] < F[0], "F decreased overall (%.6g -> %.6g)" % (F[0], F[-1]))
    T.check(len(bad) == 0, "F never increased by more than %.0e |F| over a step (%d increases, max %.3e)" % (TOL, len(bad), rel.max()))
    T.finish()


if __name__ == "__main__":
    main()
