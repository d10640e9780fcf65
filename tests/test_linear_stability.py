#!/usr/bin/python3
"""Linear stability (Cahn 1961, docs/MODEL.md section 1): a small single mode about a uniform c0
grows inside the spinodal (uphill diffusion) and decays outside it, at the rate of the
discrete dispersion relation
    R_h = -M(c0) K^2 (f''(c0) + kappa K^2),  K^2 = sum_d (4/h_d^2) sin^2(k_d h_d/2).
The mode is an exact eigenvector of the discrete operator (periodic plane wave, or the
no-flux product of cosines), so c_std(t) = c_std(0) exp(R_h t) up to O(A) nonlinear terms
and the time-integration error; the slope of log(c_std) vs t is fitted over every accepted
step of stats.csv.

Tolerance 1% on the rate, with the DEFAULT integrator and tolerances (issue 11: users run
the defaults).  Error budget of a correct code:
  - nonlinearity: amplitude A = 1e-6, at most 2e-5 after e^3 growth; the nonlinear terms
    change c_std by O(A f'''/f'') ~ 1e-4 relative or less, far below 1%;
  - time integration: the default error test is relative to std(c), the size of the mode
    itself, so the mode is resolved however small it is: measured rate errors 1.7e-4 ..
    2.3e-4 in every case with the defaults (an absolute test on c ~ 0.5 would not see the
    mode: the former BDF2 defaults gave 41% on a mode of 1e-5);
  - the default exponential integrator (etd) propagates the linear part exactly (its
    linearisation is f''(c) about the state itself: here f''(c0) to O(A^2)), so the rate is
    exact to round-off in few steps (measured 1e-7); the Rosenbrock-W method (rosw) solves its
    linear systems exactly (transforms), so no solver tolerance enters there either.
A wrong sign or factor in f'', kappa, M(c0) or the stencil shifts R by far more than 1%; the
short-wave case (k h = 0.79) also tells the discrete R_h from the continuum R (30% apart).
With the second argument rosw the Rosenbrock-W integrator is checked with its defaults; with
bdf the BDF2 + Newton-multigrid integrator, with its defaults too (its error test is relative
to std(c) as well: measured rate errors 0.60% and 0.61% at its default rtol 5e-4, 0.9% at
1e-3; BDF2's own error, not resolved to round-off as by the exponential integrator).

Usage: test_linear_stability.py CASE [rosw|bdf]   (cases listed in CASES below)"""
import math
import sys

import numpy as np

import uphill_testlib as T

# Regular solution, dimensionless: Omega = 3, RT = 1  -> f''(0.5) = -2, spinodal 0.211..0.789.
# Double well (PFHub): rho = 5, c_alpha = 0.3, c_beta = 0.7 -> f''(0.5) = -0.8, spinodal 0.3845..0.6155.
REG = dict(energy="regular_solution", omega=3.0, rt=1.0)
DW = dict(energy="double_well", rho=5.0, ca=0.3, cb=0.7)

CASES = {
    # inside the spinodal, near the fastest-growing wavelength (k = 0.98, k_m = 1): grows
    "regular_inside_grows_1d": dict(th=REG, c0=0.5, grid=(64, 1, 1), L=(32, 1, 1), mode=(5, 0, 0), bc="periodic", mob="constant"),
    # inside the spinodal but shorter than the critical wavelength (k^2 = 2.47 > -f''/kappa = 2): decays
    "regular_inside_short_wave_decays_1d": dict(th=REG, c0=0.5, grid=(64, 1, 1), L=(32, 1, 1), mode=(8, 0, 0), bc="periodic", mob="constant"),
    # outside the spinodal (f''(0.15) = +1.84): every mode decays (downhill, Fickian)
    "regular_outside_decays_1d": dict(th=REG, c0=0.15, grid=(64, 1, 1), L=(32, 1, 1), mode=(3, 0, 0), bc="periodic", mob="constant"),
    # double well, degenerate mobility M(c0) = M0 c0(1-c0), no-flux product mode (1,1): grows
    "double_well_inside_grows_2d": dict(th=DW, c0=0.5, grid=(32, 32, 1), L=(16, 16, 1), mode=(1, 1, 0), bc="noflux", mob="degenerate"),
    # double well outside its spinodal (f''(0.32) = +1.144): decays
    "double_well_outside_decays_1d": dict(th=DW, c0=0.32, grid=(64, 1, 1), L=(32, 1, 1), mode=(2, 0, 0), bc="periodic", mob="constant"),
    # 3D periodic box, oblique mode (1,1,1): K^2 = 3 (2 pi/L)^2 (discrete: 0.82) < 2, grows
    "regular_oblique_mode_grows_3d": dict(th=REG, c0=0.5, grid=(16, 16, 16), L=(12, 12, 12), mode=(1, 1, 1), bc="periodic", mob="constant"),
}

AMPLITUDE = 1e-6
GROWTH_TIMES = 3.0  # run for |R_h| t_max = 3: the mode changes by e^3 = 20
TOL = 0.01
INTEGRATOR = {"rosw": ["-integrator", "rosw"], "bdf": ["-integrator", "bdf"]}


def main():
    if len(sys.argv) not in (2, 3) or sys.argv[1] not in CASES or (sys.argv[2:] and sys.argv[2] not in INTEGRATOR):
        T.die("usage: test_linear_stability.py {%s} [rosw|bdf]" % "|".join(CASES))
    name = sys.argv[1]
    cs = CASES[name]
    th, c0 = cs["th"], cs["c0"]
    kappa, m0 = 1.0, 1.0
    if th["energy"] == "regular_solution":
        f2 = T.d2f_regular(c0, th["omega"], th["rt"])
        energy = ["-free_energy", "regular_solution", "-gas_constant", 1, "-temperature", th["rt"],
                  "-omega", th["omega"], "-molar_volume", 1]
    else:
        f2 = T.d2f_double_well(c0, th["rho"], th["ca"], th["cb"])
        energy = ["-free_energy", "double_well", "-rho", th["rho"], "-c_alpha", th["ca"], "-c_beta", th["cb"]]
    m = m0 * (c0 * (1 - c0) if cs["mob"] == "degenerate" else 1.0)
    k2h = T.discrete_k2(cs["mode"], cs["L"], cs["grid"])
    k2 = T.continuum_k2(cs["mode"], cs["L"], cs["grid"])
    rh = T.growth_rate(m, f2, kappa, k2h)
    rc = T.growth_rate(m, f2, kappa, k2)
    tmax = GROWTH_TIMES / abs(rh)
    print("%s: c0 = %g, f''(c0) = %.6g, M(c0) = %g, K^2 = %.6g (continuum %.6g)" % (name, c0, f2, m, k2h, k2))
    print("expected R_h = %.8g (continuum R = %.8g), t_max = %.6g" % (rh, rc, tmax))

    out = T.fresh_dir("out")
    args = energy + ["-da_grid_x", cs["grid"][0], "-da_grid_y", cs["grid"][1], "-da_grid_z", cs["grid"][2],
                     "-Lx", cs["L"][0], "-Ly", cs["L"][1], "-Lz", cs["L"][2], "-bc", cs["bc"],
                     "-kappa", kappa, "-mobility", m0, "-mobility_model", cs["mob"],
                     "-ic", "mode", "-c0", c0, "-ic_amplitude", AMPLITUDE,
                     "-ic_mode", ",".join(str(k) for k in cs["mode"]),
                     "-ts_max_time", "%.17g" % tmax, *(INTEGRATOR[sys.argv[2]] if sys.argv[2:] else []),
                     "-output_dir", out, "-final_output", "0", "-progress_interval", "1000"]
    T.run(args)
    s = T.read_stats(out)
    t, cstd = s["time"], s["c_std"]
    print("%d accepted steps, t_end = %.6g, c_std %.4e -> %.4e, mass drift %.2e"
          % (len(t) - 1, t[-1], cstd[0], cstd[-1], abs(s["mass"][-1] - s["mass"][0]) / s["mass"][0]))
    T.check(abs(t[-1] - tmax) <= 1e-9 * tmax, "run reached t_max (t_end = %.12g)" % t[-1])
    # an exact integrator needs few steps; the fit and the end-point rate must then agree
    T.check(len(t) >= 4, "enough points for a fit (%d)" % len(t))
    rfit, _ = np.polyfit(t, np.log(cstd), 1)
    # the two-point rate over the whole run, as a cross-check of the fit
    r2 = math.log(cstd[-1] / cstd[0]) / (t[-1] - t[0])
    err = abs(rfit - rh) / abs(rh)
    T.check(abs(r2 - rfit) <= 0.1 * TOL * abs(rh), "fit and end-point rate agree (%.3e)" % abs(r2 - rfit))
    print("measured R = %.8g (fit), %.8g (end points); R_h = %.8g; relative error %.3e; vs continuum %.3e"
          % (rfit, r2, rh, err, abs(rfit - rc) / abs(rc)))
    T.check(np.sign(rfit) == np.sign(rh), "%s: mode %s as predicted" % (name, "grows" if rh > 0 else "decays"))
    T.check(err <= TOL, "growth rate within %g%% of R_h (error %.3e)" % (100 * TOL, err))
    T.finish()


if __name__ == "__main__":
    main()
