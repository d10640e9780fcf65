#!/usr/bin/env python3
"""Thermal noise, stable alloy (issue 15; docs/MODEL.md section 6): the time-averaged structure
factor of the in-situ analysis matches the discrete Ornstein-Zernike law

    S(k) = R T_n / (V_m (f''(c0) + kappa K^2(k))),   K^2 = sum_d (4/h^2) sin^2(k_d h/2),

averaged over the modes of each analysis shell, within the statistical error of the run.

Alloy above T_c (Omega = 3, R = T = V_m = 1: f''(1/2) = 2 > 0), kappa = M = 1, T_n = 1e-4 (so
the fluctuations stay linear: rms c - c0 ~ 0.005, and f'''(1/2) = 0), default Crank-Nicolson
noise path with dt = 0.5 (lambda dt up to 40 at the grid scale: the trapezoidal rule's
stationary variance is exact at any step).  Burn-in: t > 40 (the slowest mode's variance
relaxes as exp(-2 lambda t), lambda_min = 0.079 in 2D: e^-6).  Statistical error: standard
error of 16 consecutive batch means per shell.  One rank; the 2-rank trajectories equal
these to round-off (test_noise_ranks.py), so their S(k) does too.

Usage: test_noise_spectrum.py 2|3"""
import sys

import numpy as np

import uphill_testlib as T
from test_noise_common import batch_mean, read_spectra, shell_average

THETA, F2, KAPPA = 1e-4, 2.0, 1.0
CASES = {"2": dict(grid=(32, 32, 1), t_end=1000), "3": dict(grid=(12, 12, 12), t_end=400)}


def main():
    case = CASES[sys.argv[1]]
    grid = case["grid"]
    out = T.fresh_dir("out")
    T.run(["-da_grid_x", grid[0], "-da_grid_y", grid[1], "-da_grid_z", grid[2],
           "-gas_constant", 1, "-temperature", 2, "-omega", 3, "-molar_volume", 1, "-kappa", KAPPA, "-mobility", 1,
           "-c0", 0.5, "-ic_amplitude", 0, "-noise_temperature", THETA, "-noise_dt", 0.5,
           "-ts_max_time", case["t_end"], "-analysis_interval", 2.5, "-final_output", 0,
           "-progress_interval", 1000, "-output_dir", out])
    t, k, S, count = read_spectra(out)
    oz, cnt = shell_average(grid, grid, lambda K2: THETA / (F2 + KAPPA * K2))
    n = len(oz)
    T.check(np.array_equal(count[:n], cnt) and not count[n:].any(), "the analysis's shells hold the modes the test bins (%d shells)" % (n - 1))
    mean, se = batch_mean(S[t > 40, :n], 16)
    z = (mean[1:] - oz[1:]) / se[1:]
    ratio, rel = mean[1:] / oz[1:], se[1:] / oz[1:]
    for b in range(1, n):
        print("  shell %2d  k = %.3f  modes %4d  S/S_OZ = %.4f +- %.4f  z = %+.2f" % (b, k[b], cnt[b], ratio[b - 1], rel[b - 1], z[b - 1]))
    print("%d analyses after burn-in; relative statistical error per shell %.3f .. %.3f (median %.3f)" % ((t > 40).sum(), rel.min(), rel.max(), np.median(rel)))
    T.check(np.median(rel) < 0.03, "the run resolves S(k) to a median statistical error of %.1f%% per shell" % (100 * np.median(rel)))
    T.check(np.abs(z).max() < 4, "every shell within 4 standard errors of Ornstein-Zernike (max |z| = %.2f)" % np.abs(z).max())
    T.check(np.mean(z ** 2) < 2, "mean z^2 = %.2f over %d shells (1 expected; < 2)" % (np.mean(z ** 2), len(z)))
    w = 1 / rel ** 2
    avg, avg_se = np.sum(w * ratio) / np.sum(w), 1 / np.sqrt(np.sum(w))
    T.check(abs(avg - 1) < 4 * avg_se, "weighted mean S/S_OZ over all shells = %.4f +- %.4f" % (avg, avg_se))
    T.finish()


if __name__ == "__main__":
    main()
