#!/usr/bin/python3
"""The solver's variants (issue 4) change how the linear systems are solved, not the solution:
a 3D spinodal run (periodic or no-flux, constant or degenerate mobility) with 32 fixed steps gives
the same final field with the default (matrix-free operator, rediscretised multigrid on
matrix-free levels with red-black Gauss-Seidel smoothing) and with

  -multigrid_smoother gmres (assembled levels, block-diagonal fine-level preconditioning matrix),
  -preconditioner_matrix full, -coarse_operator galerkin, -jacobian_matrix_free 0,
  -multigrid_levels 2

to the Newton tolerance (max |c - c_default| <= 1e-8; the runs differ by 1e-13 to 3e-9, a wrong
operator by O(1e-3) or fails to converge).  Newton is held at -snes_rtol 1e-10 so that the
comparison sees the linear solvers, not where Newton stopped: with a Newton tolerance of 1e-6
(1e-3 x -ts_rtol 1e-3) the variants' final fields differed by ~7e-7, far inside the step control's tolerance
(1e-4 absolute) but not a test of the linear solvers.  Each run conserves mass to round-off, and -ksp_view shows
that the option took effect (the preconditioning matrix's type, Galerkin coarse matrices, the
Krylov operator's type, the number of levels)."""
import re
import sys

import numpy as np

import uphill_testlib as T

bc, model = sys.argv[1], sys.argv[2]
nprocs = int(sys.argv[3]) if len(sys.argv) > 3 else 1
common = T.DIMLESS + ["-integrator", "bdf", "-da_grid_x", 16, "-da_grid_y", 16, "-da_grid_z", 16, "-Lx", 16, "-Ly", 16, "-Lz", 16,
                      "-bc", bc, "-mobility_model", model, "-c0", 0.45, "-ic", "noise", "-ic_amplitude", 0.05,
                      "-ts_adapt_type", "none", "-ts_dt", 0.5, "-ts_max_steps", 32, "-ts_max_time", 100, "-progress_interval", 1e9,
                      "-snes_rtol", 1e-10, "-ksp_view"]
VARIANTS = {
    "default": ([], [r"type: shell", r"type: richardson", r"type: sor"]),
    "gmres": (["-multigrid_smoother", "gmres"], [r"type: shell", r"type: (seq|mpi)baij", r"type: pbjacobi"]),
    "full": (["-preconditioner_matrix", "full"], [r"type: shell", r"type: (seq|mpi)aij"]),
    "galerkin": (["-coarse_operator", "galerkin"], [r"Using Galerkin computed coarse grid matrices"]),
    "assembled": (["-jacobian_matrix_free", "0"], [r"type: (seq|mpi)aij"]),
    "levels2": (["-multigrid_levels", "2"], [r"levels=2"]),
}

final = {}
for name, (opts, patterns) in VARIANTS.items():
    p = T.run(common + opts + ["-output_dir", T.fresh_dir(name)], np_=nprocs)
    for pat in patterns:
        T.check(re.search(pat, p.stdout) is not None, "%s: -ksp_view shows /%s/" % (name, pat))
    if name == "default":
        T.check("Using Galerkin" not in p.stdout, "default: rediscretised coarse operators (no Galerkin matrices)")
    s = T.read_stats(name)
    drift = np.abs(s["mass"] - s["mass"][0]).max() / abs(s["mass"][0])
    T.check(len(s["step"]) == 33 and s["rejected"].sum() == 0 and abs(s["time"][-1] - 16) < 1e-12,
            "%s: 32 fixed steps to t = 16, none rejected (%d steps, %d rejected, t = %g)" % (name, len(s["step"]) - 1, s["rejected"].sum(), s["time"][-1]))
    T.check(drift <= 1e-12, "%s: mass drift %.2e <= 1e-12" % (name, drift))
    final[name] = T.read_final(name)

T.check(final["default"].std() > 2 * 0.05 / np.sqrt(3), "the run decomposed (c std %.3g)" % final["default"].std())
for name in VARIANTS:
    if name == "default":
        continue
    diff = np.abs(final[name] - final["default"]).max()
    T.check(diff <= 1e-8, "%s: final c agrees with the default's to %.2e (<= 1e-8)" % (name, diff))
T.finish()
