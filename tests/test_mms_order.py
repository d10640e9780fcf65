#!/usr/bin/python3
"""Spatial order of accuracy by the method of manufactured solutions (-mms, src/mms.c):
c*(x,t) = c0 + (A + r t) prod_d cos(2 pi x_d/L_d) with the matching source term.  The run
reports 'mms error: max E l2 E h H' for c at the final time; on three grids h, h/2, h/4 the
observed orders log2(E(h)/E(h/2)) must lie in [1.9, 2.1] (docs/MODEL.md section 3: every
equation second order), in both the max and the l2 norm.

Why the tolerance is meaningful: a first-order defect (a wrong face mobility, a one-sided
wall ghost) gives order ~1; a consistent second-order scheme gives 2 + O(h^2).  The cases
are chosen in the asymptotic range: the finest unstable wavelength 2 pi/k_m is resolved by
>= 10 points on the coarsest grid and the fastest growth rate R(k_m) times t_final is <= 2.5,
so under-resolved harmonics of the nonlinear solution are not amplified out of the
asymptotic regime (measured orders 1.96 .. 2.00, see the test output).
Time: a(t) is linear and BDF2 integrates it exactly; the remaining temporal error (the
discrete solution is not c*) is below 1e-3 of the spatial error at the fixed step used
(checked by halving dt when the case was set up).  Solver tolerances are tight so that the
Newton/Krylov error (~1e-12) is far below the smallest error measured (~1e-6).

Usage: test_mms_order.py CASE [NP]   (CASES below; NP ranks, default 1)"""
import math
import sys

import uphill_testlib as T

REG_MILD = ["-free_energy", "regular_solution", "-gas_constant", "1", "-temperature", "1", "-omega", "2.5",
            "-molar_volume", "1"]  # T/T_c = 0.8, f''(0.5) = -1, spinodal 0.276 .. 0.724
REG = ["-free_energy", "regular_solution", "-gas_constant", "1", "-temperature", "1", "-omega", "3",
       "-molar_volume", "1"]       # T/T_c = 2/3, f''(0.5) = -2
DW = ["-free_energy", "double_well", "-rho", "5", "-c_alpha", "0.3", "-c_beta", "0.7"]  # f''(0.5) = -0.8

CASES = {
    # periodic, regular solution, degenerate mobility (M(0.5) = 0.25: R(k_m) = 0.25), quasi-1D
    "periodic_regular_degenerate_1d": dict(
        opts=REG + ["-mobility_model", "degenerate", "-c0", "0.5", "-ic_amplitude", "0.1", "-mms_rate", "0.01"],
        grids=[(64, 1, 1), (128, 1, 1), (256, 1, 1)], L=(32, 1, 1), bc="periodic", t=10.0, dt=0.02),
    # no-flux, double well, constant mobility (R(k_m) = 0.16), quasi-2D
    "noflux_double_well_constant_2d": dict(
        opts=DW + ["-mobility_model", "constant", "-c0", "0.5", "-ic_amplitude", "0.05", "-mms_rate", "0.01"],
        grids=[(16, 16, 1), (32, 32, 1), (64, 64, 1)], L=(8, 8, 1), bc="noflux", t=10.0, dt=0.2),
    # no-flux, regular solution, constant mobility (R(k_m) = 0.25), quasi-2D
    "noflux_regular_constant_2d": dict(
        opts=REG_MILD + ["-mobility_model", "constant", "-c0", "0.5", "-ic_amplitude", "0.05", "-mms_rate", "0.01"],
        grids=[(16, 16, 1), (32, 32, 1), (64, 64, 1)], L=(10, 10, 1), bc="noflux", t=8.0, dt=0.2),
    # periodic, double well, degenerate mobility, quasi-2D with unequal spacings
    "periodic_double_well_degenerate_2d": dict(
        opts=DW + ["-mobility_model", "degenerate", "-c0", "0.5", "-ic_amplitude", "0.05", "-mms_rate", "0.01"],
        grids=[(16, 12, 1), (32, 24, 1), (64, 48, 1)], L=(8, 4.5, 1), bc="periodic", t=10.0, dt=0.2),
    # no-flux, double well, quasi-1D (the 1D wall ghosts and the 1D no-flux multigrid hierarchy)
    "noflux_double_well_constant_1d": dict(
        opts=DW + ["-mobility_model", "constant", "-c0", "0.5", "-ic_amplitude", "0.05", "-mms_rate", "0.01"],
        grids=[(32, 1, 1), (64, 1, 1), (128, 1, 1)], L=(12, 1, 1), bc="noflux", t=10.0, dt=0.1),
}
LO, HI = 1.9, 2.1


def main():
    if len(sys.argv) not in (2, 3) or sys.argv[1] not in CASES:
        T.die("usage: test_mms_order.py {%s} [NP]" % "|".join(CASES))
    name = sys.argv[1]
    nproc = int(sys.argv[2]) if len(sys.argv) == 3 else 1
    cs = CASES[name]
    errs = []
    for g in cs["grids"]:
        out = T.fresh_dir("out_%dx%dx%d" % g)
        args = cs["opts"] + ["-kappa", "1", "-mobility", "1", "-mms",
                             "-da_grid_x", g[0], "-da_grid_y", g[1], "-da_grid_z", g[2],
                             "-Lx", cs["L"][0], "-Ly", cs["L"][1], "-Lz", cs["L"][2], "-bc", cs["bc"],
                             "-ts_max_time", cs["t"], "-ts_adapt_type", "none", "-ts_dt", cs["dt"],
                             "-snes_rtol", "1e-12", "-snes_atol", "1e-13", "-ksp_rtol", "1e-12",
                             "-output_dir", out, "-final_output", "0", "-progress_interval", "1000"]
        p = T.run(args, nproc)
        emax, el2, h = T.mms_error(p.stdout)
        print("grid %4dx%dx%d  h = %-8g  max error %.6e  l2 error %.6e" % (g + (h, emax, el2)))
        errs.append((h, emax, el2))
    for i in range(2):
        h0, m0, l0 = errs[i]
        h1, m1, l1 = errs[i + 1]
        r = math.log2(h0 / h1)
        om, ol = math.log2(m0 / m1) / r, math.log2(l0 / l1) / r
        T.check(LO <= om <= HI, "%s: max-norm order h=%g -> %g: %.4f in [%g, %g]" % (name, h0, h1, om, LO, HI))
        T.check(LO <= ol <= HI, "%s: l2-norm order  h=%g -> %g: %.4f in [%g, %g]" % (name, h0, h1, ol, LO, HI))
    T.finish()


if __name__ == "__main__":
    main()
