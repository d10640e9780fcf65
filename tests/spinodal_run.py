#!/usr/bin/python3
"""Fixture (not a check of its own beyond a clean finish): a long nonlinear spinodal
decomposition run, quasi-2D, with the code's DEFAULT integrator and solver settings (what a
user gets), from noise to the late coarsening stage where the adaptive step has grown by
orders of magnitude.  Writes out/stats.csv in its working directory, which
test_mass_conservation.py and test_energy_decrease.py then examine, and (in-situ analysis
every ANALYSIS_INTERVAL) out/analysis.csv and out/structure_factor.h5 for test_analysis_run.py.

Usage: spinodal_run.py periodic|noflux"""
import sys

import uphill_testlib as T

# Off-critical c0 = 0.45, 48^2 cells, h = 0.5 (interface width sqrt(kappa/|f''|) = 1.4 cells,
# fastest wavelength 12.6 cells), from noise of amplitude 0.01 to t = 1e5 = 9e5 tau, by which
# time the microstructure has coarsened to one or two domains and dt has grown ~1e7-fold.
RUNS = {
    "periodic": ["-c0", "0.45", "-ts_max_time", "1e5"],
    "noflux": ["-c0", "0.45", "-ts_max_time", "1e5"],
}
MIN_STEPS = 100
ANALYSIS_INTERVAL = 10


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in RUNS:
        T.die("usage: spinodal_run.py periodic|noflux")
    bc = sys.argv[1]
    out = T.fresh_dir("out")
    args = T.DIMLESS + RUNS[bc] + ["-bc", bc, "-ic", "noise", "-ic_amplitude", "0.01", "-ic_seed", "1",
                                   "-da_grid_x", "48", "-da_grid_y", "48", "-da_grid_z", "1", "-Lx", "24", "-Ly", "24",
                                   "-output_dir", out, "-final_output", "0", "-progress_interval", "1000",
                                   "-analysis_interval", str(ANALYSIS_INTERVAL)]
    p = T.run(args)
    print("\n".join(l for l in p.stdout.splitlines() if l.startswith(("uphill3d:", "  "))))
    s = T.read_stats(out)
    n = len(s["step"]) - 1
    dt = s["dt"][1:]
    print("%d accepted steps, %d rejected; dt from %.3e to %.3e; c_std %.4f -> %.4f"
          % (n, int(s["rejected"].sum()), dt.min(), dt.max(), s["c_std"][0], s["c_std"][-1]))
    T.check("finished (CONVERGED_TIME)" in p.stdout, "the run reached its final time")
    T.check(n >= MIN_STEPS, "a long run: %d accepted steps (>= %d)" % (n, MIN_STEPS))
    T.check(dt.max() / dt.min() > 1e3, "the adaptive step grew by orders of magnitude (%.2e)" % (dt.max() / dt.min()))
    T.check(s["c_std"][-1] > 10 * s["c_std"][0], "spinodal decomposition happened (c_std grew %.0fx)" % (s["c_std"][-1] / s["c_std"][0]))
    T.finish()


if __name__ == "__main__":
    main()
