#!/usr/bin/python3
"""Mass conservation (docs/MODEL.md section 1: the total mass is conserved exactly, to round-off,
with periodic or no-flux walls).

Reads the stats.csv of a long nonlinear spinodal run (fixture spinodal_run.py, DEFAULT
solver settings) and requires |mass(t) - mass(0)| / mass(0) <= 1e-12 on every row.

Tolerance: the flux form telescopes, so the mass changes only by round-off in the sums
(~1e-16 per step and cell, ~1e-14 accumulated over a few hundred steps of 48^2 cells;
measured 4e-15 when the Newton solve is converged to round-off).  1e-12 allows 100x that.
A scheme that conserves mass only to the nonlinear-solver tolerance fails it at large dt.

Usage: test_mass_conservation.py FIXTURE_DIR"""
import os
import sys

import numpy as np

import uphill_testlib as T

TOL = 1e-12


def main():
    if len(sys.argv) != 2:
        T.die("usage: test_mass_conservation.py FIXTURE_DIR")
    s = T.read_stats(os.path.join(sys.argv[1], "out"))
    m = s["mass"]
    drift = np.abs(m - m[0]) / abs(m[0])
    worst = int(np.argmax(drift))
    step_change = np.abs(np.diff(m)) / abs(m[0])
    big = np.argsort(-step_change)[:5]
    print("%d rows, mass(0) = %.17g, mass(end) = %.17g" % (len(m), m[0], m[-1]))
    print("max relative drift %.3e at step %d (t = %.6g, dt = %.4g)" % (drift[worst], int(s["step"][worst]), s["time"][worst], s["dt"][worst]))
    print("largest single-step changes:")
    for i in sorted(big):
        print("  step %4d  dt %.4g  newton %d  relative change %+.3e" % (int(s["step"][i + 1]), s["dt"][i + 1], int(s["snes_its"][i + 1]), (m[i + 1] - m[i]) / m[0]))
    T.check(drift.max() <= TOL, "mass conserved to %.0e relative (max drift %.3e)" % (TOL, drift.max()))
    T.finish()


if __name__ == "__main__":
    main()
