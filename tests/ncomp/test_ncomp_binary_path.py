#!/usr/bin/python3
"""Issue 5, test 3: N = 2 through the general N-component path (-omega_matrix 0,W,W,0, the
kernels of the N-component model) reproduces the binary solver's stats.csv: the same steps and
times, and free energy, mass and c statistics equal to round-off (relative 1e-11, measured
~5e-15, with the same (Galerkin) multigrid on both paths; the two paths evaluate f'' and ln(c/(1-c)) by different but equivalent formulas, so
their iterates differ in the last bits).  A 2D spinodal run inside the miscibility gap, through
the nonlinear stage, with periodic or no-flux walls.  Second argument: bdf (the Newton path) or
default (the etd integrator, which runs the general model through its own right-hand side,
linearisation and energy test: the same steps and the same limit)."""
import sys

import numpy as np

import ncomp_testlib as N

bc, integrator = sys.argv[1], sys.argv[2]
solver = ["-integrator", "bdf", "-coarse_operator", "galerkin"] if integrator == "bdf" else []  # bdf: the same preconditioner on both paths
common = N.DIMLESS + solver + ["-omega", 3, "-kappa", 1, "-mobility", 1, "-c0", 0.45, "-ic", "noise", "-ic_amplitude", 0.05,
                      "-da_grid_x", 24, "-da_grid_y", 24, "-da_grid_z", 1, "-Lx", 24, "-Ly", 24, "-bc", bc,
                      "-ts_max_time", 40, "-progress_interval", 1e9]
N.T.run(common + ["-output_dir", N.T.fresh_dir("binary")])
N.T.run(common + ["-components", 2, "-omega_matrix", "0,3,3,0", "-output_dir", N.T.fresh_dir("general")])
with open("general/stats.csv") as fp:
    N.check([line for line in fp if not line.startswith("#")][0].strip().split(",")[4] == "mass", "the N = 2 general path writes the binary stats.csv header (one mass column)")
a, b = N.read_stats("binary"), N.read_stats("general")
N.check(len(a["step"]) == len(b["step"]), "same number of stats rows (%d vs %d)" % (len(a["step"]), len(b["step"])))
n = min(len(a["step"]), len(b["step"]))
N.check(n > 10, "the run took %d steps" % n)
for col in ("time", "free_energy", "mass", "c_min", "c_max", "c_std"):
    rel = np.abs(a[col][:n] - b[col][:n]).max() / np.abs(a[col][:n]).max()
    N.check(rel <= 1e-11, "column %-12s agrees to %.2e relative (<= 1e-11)" % (col, rel))
N.check(a["c_std"][n - 1] > 5 * a["c_std"][0], "the run went through spinodal decomposition (c_std %.3g -> %.3g)" % (a["c_std"][0], a["c_std"][n - 1]))
ca, cb = N.T.read_final("binary"), N.T.read_final("general")
N.check(np.abs(ca - cb).max() <= 1e-11, "final fields agree: max |c_binary - c_general| = %.2e <= 1e-11" % np.abs(ca - cb).max())
N.finish()
