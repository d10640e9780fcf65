#!/usr/bin/python3
"""Temporal order of the integrators (docs/MODEL.md section 3): BDF2 second order, the
Rosenbrock-W method (ra34pw2, a W-method: its order holds with the approximate W) third, and
the default exponential integrator (section 3.9) third: the exponential Adams-Bashforth
scheme, which is AB3 where its stability test allows (here, every step); with -ts_etd_ab3
false it is AB2, second order (etd_ab2), and with -ts_etd_multistep false ETDRK3, third
(etd_rk3).

A smooth, nonlinear quasi-1D problem on a fixed grid is integrated with fixed steps
(-ts_adapt_type none) dt, dt/2, dt/4 and a reference dt/64, all to the same final time.
The error of each final concentration field (final.h5, dataset c) against the reference
is measured in the max norm, and the observed order log2(e(dt)/e(dt/2)) must be >= 1.8
(bdf, etd_ab2) or >= 2.5 (rosw: 2.61 and 2.75 measured at these steps, etd 2.91-3.04, etd_rk3
2.61-2.86, still approaching their 3; a second-order method gives <= 2.1) for both pairs.  The spatial error is identical in all runs (same grid) and cancels.
The reference's own error is (1/16)^2 = 1/256 of e(dt/4) for a second-order method, which
biases the last order by at most log2(1 + 2/256) ~ 0.01; the Newton/Krylov tolerances are
tightened so that solver error (~1e-12) stays far below the smallest e (~1e-6).

Usage: test_temporal_order.py CASE bdf|rosw|etd|etd_ab2|etd_rk3   (CASES below)"""
import math
import sys

import numpy as np

import uphill_testlib as T

CASES = {
    # outside the spinodal (f''(0.15) = +1.84): a finite-amplitude mode (c in 0.10..0.20,
    # where f'' varies by a factor 2) decays nonlinearly, rate ~0.07 per unit time
    "regular_decay_outside_spinodal": T.DIMLESS + ["-c0", "0.15", "-ic_amplitude", "0.05", "-ic_mode", "2",
                                                   "-da_grid_x", "64", "-Lx", "64", "-bc", "periodic"],
    # inside the double well's spinodal, a long wave (k = 0.39, R ~ 0.11) grows from 0.02 to
    # ~0.06 with degenerate mobility: nonlinear, smooth, and uphill
    "double_well_growth_inside_spinodal": ["-free_energy", "double_well", "-rho", "5", "-c_alpha", "0.3",
                                           "-c_beta", "0.7", "-kappa", "1", "-mobility", "4",
                                           "-mobility_model", "degenerate", "-c0", "0.5",
                                           "-ic_amplitude", "0.02", "-ic_mode", "1",
                                           "-da_grid_x", "32", "-Lx", "16", "-bc", "periodic"],
}
T_FINAL = 10.0
DT = 0.5  # powers of two times DT divide T_FINAL exactly in binary floating point
REF_DIV = 64
INTEGRATORS = {  # options, minimum observed order
    "bdf": (["-integrator", "bdf", "-snes_rtol", "1e-13", "-snes_atol", "1e-14", "-ksp_rtol", "1e-13"], 1.8),
    "rosw": (["-integrator", "rosw"], 2.5),  # measured 2.61-2.75 here, approaching 3 as dt halves
    "etd": (["-integrator", "etd"], 2.5),  # AB3 (measured 2.91-3.04)
    "etd_ab2": (["-integrator", "etd", "-ts_etd_ab3", "false"], 1.8),
    "etd_rk3": (["-integrator", "etd", "-ts_etd_multistep", "false"], 2.5),
}


def final_field(case, integrator, div):
    out = T.fresh_dir("out_dt%d" % div)
    dt = DT / div
    args = CASES[case] + ["-da_grid_y", "1", "-da_grid_z", "1", "-ic", "mode",
                          "-ts_adapt_type", "none", "-ts_dt", "%.17g" % dt, "-ts_max_time", "%.17g" % T_FINAL,
                          *INTEGRATORS[integrator][0],
                          "-output_dir", out, "-progress_interval", "1000"]
    T.run(args)
    s = T.read_stats(out)
    nsteps = int(round(T_FINAL / dt))
    T.check(abs(s["time"][-1] - T_FINAL) <= 1e-12 * T_FINAL and int(s["step"][-1]) == nsteps,
            "dt = %g: %d steps to t = %.15g" % (dt, int(s["step"][-1]), s["time"][-1]))
    T.check(np.all(s["rejected"] == 0), "dt = %g: no rejected steps" % dt)
    c = T.read_final(out, "c")
    print("dt = %-10g c in [%.6f, %.6f], c_std(t_end)/c_std(0) = %.6f" % (dt, c.min(), c.max(), s["c_std"][-1] / s["c_std"][0]))
    return c


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in CASES or sys.argv[2] not in INTEGRATORS:
        T.die("usage: test_temporal_order.py {%s} {%s}" % ("|".join(CASES), "|".join(INTEGRATORS)))
    case, integrator = sys.argv[1], sys.argv[2]
    min_order = INTEGRATORS[integrator][1]
    ref = final_field(case, integrator, REF_DIV)
    errs = []
    for div in (1, 2, 4):
        c = final_field(case, integrator, div)
        errs.append(np.max(np.abs(c - ref)))
    print("max-norm errors vs dt/%d reference: %s" % (REF_DIV, ", ".join("%.4e" % e for e in errs)))
    for i in range(2):
        order = math.log2(errs[i] / errs[i + 1])
        T.check(order >= min_order, "order between dt/%d and dt/%d: %.4f (>= %g)" % (2 ** i, 2 ** (i + 1), order, min_order))
    T.finish()


if __name__ == "__main__":
    main()
