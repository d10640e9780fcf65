#!/usr/bin/env python3
"""Onset of spinodal decomposition with thermal noise (issue 15; docs/MODEL.md section 6.3):
the early structure factor follows Cook's linear theory

    S(k, t) = S_inf + (S_0 - S_inf) exp(2 R(k) t),   S_inf = R T_n / (V_m (f'' + kappa K^2)),
    R(k) = -M K^2 (f'' + kappa K^2),

with S_inf < 0 for the unstable k (K^2 < -f''/kappa).  Inside the spinodal (c0 = 1/2,
Omega/RT = 3: f'' = -2, kappa = M = 1, k_c = sqrt 2), uniform start (S_0 = 0), T_n = 1e-6
(the field stays linear to t = 3: S <~ 1e-3), 64^2 cells, Crank-Nicolson step 0.05 (R dt <= 0.05).

For a few shells of the in-situ analysis, unstable and stable, S_inf and R are fitted to S(t)
of each of 6 runs (seeds); their mean is compared with the same fit to the theory's shell
average (each mode of the shell with its own K^2, in the scheme's discrete time: exp(2 R dt)
-> the trapezoidal factor ((1 + R dt/2)/(1 - R dt/2))^2 per step, which for these k differs
from exp(2 R dt) by < 1e-4), within 3.5 standard errors of the mean over the runs.  Also runs input/cook_onset.opts briefly."""
import math
import os

import numpy as np
from scipy.optimize import curve_fit

import uphill_testlib as T
from test_noise_common import mode_k2, read_spectra

N, THETA, F2, KAPPA, DT, T_END, SEEDS = 64, 1e-6, -2.0, 1.0, 0.05, 3.0, 6
SHELLS = [8, 11, 13, 18, 22]  # k = 0.79, 1.08, 1.28 (unstable), 1.77, 2.16 (stable)


def cook(t, s_inf, r):
    return s_inf * (1 - np.exp(2 * r * t))


def fit(t, s, p0):
    """(S_inf, R) by least squares relative to S (S spans decades for the unstable k)."""
    p, _ = curve_fit(cook, t, s, p0=p0, sigma=np.maximum(s, 1e-30), maxfev=20000)
    return p


def theory(t, shell):
    kabs, K2 = mode_k2((N, N, 1), (N, N, 1))
    sel = np.floor(kabs / (2 * math.pi / N) + 0.5).astype(int) == shell
    lam = K2[sel] * (F2 + KAPPA * K2[sel])
    a = (1 - lam * DT / 2) / (1 + lam * DT / 2)
    n = np.rint(t / DT)
    s = np.array([np.mean(THETA / (F2 + KAPPA * K2[sel]) * (1 - a ** (2 * m))) for m in n])
    rk = -np.mean(lam)
    return s, np.mean(THETA / (F2 + KAPPA * K2[sel])), rk


def main():
    fits = []
    for seed in range(1, SEEDS + 1):
        out = T.fresh_dir("out%d" % seed)
        T.run(["-da_grid_x", N, "-da_grid_y", N, "-da_grid_z", 1] + T.DIMLESS +
              ["-c0", 0.5, "-ic_amplitude", 0, "-noise_temperature", THETA, "-noise_dt", DT, "-noise_seed", seed,
               "-ts_max_time", T_END, "-analysis_interval", 0.1, "-final_output", 0, "-progress_interval", 1000, "-output_dir", out])
        t, k, S, _ = read_spectra(out)
        sel = t > 0
        fits.append([fit(t[sel], S[sel, b], theory(t[sel], b)[1:]) for b in SHELLS])  # started from the theory's values
        T.check(S[-1].max() < 3e-3, "seed %d: still linear at t = %g (largest shell S = %.1e)" % (seed, t[-1], S[-1].max()))
    fits = np.array(fits)  # seed, shell, (S_inf, R)
    for i, b in enumerate(SHELLS):
        s_th, sinf_mean, r_mean = theory(t[sel], b)
        sinf_th, r_th = fit(t[sel], s_th, (sinf_mean, r_mean))
        m, se = fits[:, i].mean(axis=0), fits[:, i].std(axis=0, ddof=1) / math.sqrt(SEEDS)
        kind = "unstable" if r_th > 0 else "stable"
        print("shell %2d k = %.3f (%s): R fit %.4f +- %.4f, theory %.4f (shell mean of R_h %.4f); S_inf fit %.3e +- %.1e, theory %.3e" % (b, k[b], kind, m[1], se[1], r_th, r_mean, m[0], se[0], sinf_th))
        T.check(abs(m[1] - r_th) < 3.5 * se[1] + 1e-3 * abs(r_th), "shell k = %.2f (%s): growth rate R = %.4f +- %.4f against %.4f" % (k[b], kind, m[1], se[1], r_th))
        T.check(abs(m[0] - sinf_th) < 3.5 * se[0], "shell k = %.2f (%s): S_inf = %.3e +- %.1e against %.3e%s" % (k[b], kind, m[0], se[0], sinf_th, " (negative: Cook)" if sinf_th < 0 else ""))
    # the example input: a short run of it (its first 20 steps) on the noise path
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    out = T.fresh_dir("input")
    p = T.run([os.path.join(src, "input", "cook_onset.opts"), "-output_dir", out, "-ts_max_time", 1, "-progress_interval", 1000])
    st = T.read_stats(out)
    T.check("c0 is UNSTABLE" in p.stdout and "integrator  cn:" in p.stdout and len(st["step"]) == 21,
            "input/cook_onset.opts runs on the Crank-Nicolson noise path (20 steps of 0.05), c0 unstable")
    T.finish()


if __name__ == "__main__":
    main()
