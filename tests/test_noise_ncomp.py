#!/usr/bin/env python3
"""Thermal noise with N components (issue 15; docs/MODEL.md section 6.2): the face noise with
covariance 2 theta L_face (an eigen factor of the Onsager matrix) is the fluctuation partner of
the Onsager fluxes, so the stationary fluctuations are Boltzmann's whatever L:

    < c_hat(k) c_hat(k)^H > / N_cells = theta (G + kappa K^2)^-1,   theta = R T_n / V_m.

Ternary, quadratic f (G = [[2, .5], [.5, 1]]: the dynamics is exactly linear), kappa = 1, and a
strongly coupled constant L = [[1, .6], [.6, .5]] (off-diagonal L changes the dynamics, not
the stationary law).  16^2 cells, T_n = 1e-4, Crank-Nicolson step 0.5, fields every 4 steps
after a burn-in to t = 100 (slowest mode's relaxation time ~ 50).  Each mode is whitened with
(G + kappa K^2)^(1/2); the average over all nonzero modes and the samples must be the 2 x 2
identity within 4 standard errors (16 batch means)."""
import glob
import os

import h5py
import numpy as np

import uphill_testlib as T
from test_noise_common import batch_mean, mode_k2

N, THETA = 16, 1e-4
G = np.array([[2.0, 0.5], [0.5, 1.0]])


def main():
    out = T.fresh_dir("out")
    T.run(["-components", 3, "-free_energy", "quadratic", "-hessian", "2,0.5,0.5,1", "-c0", "0.3,0.3", "-kappa", 1,
           "-mobility_matrix", "1,0.6,0.6,0.5", "-gas_constant", 1, "-molar_volume", 1,
           "-da_grid_x", N, "-da_grid_y", N, "-da_grid_z", 1, "-ic_amplitude", 0,
           "-noise_temperature", THETA, "-noise_dt", 0.5, "-ts_max_time", 500, "-output_steps", 4,
           "-final_output", 0, "-progress_interval", 1000, "-output_dir", out])
    _, K2 = mode_k2((N, N, 1), (N, N, 1))
    roots = []
    for k2 in K2[1:]:
        lam, V = np.linalg.eigh(G + k2 * np.eye(2))
        roots.append(V @ np.diag(np.sqrt(lam)) @ V.T)
    roots = np.array(roots)
    samples = []
    for fn in sorted(glob.glob(os.path.join(out, "fields_*.h5"))):
        with h5py.File(fn, "r") as f:
            if float(np.ravel(f.attrs["time"])[0]) < 100:
                continue
            c = [np.squeeze(np.array(f["c_%d" % i])) for i in (1, 2)]
        ch = np.array([np.fft.fft2(x - x.mean()).ravel()[1:] for x in c]).T  # modes x 2
        y = np.einsum("mij,mj->mi", roots, ch)
        samples.append(np.real(np.einsum("mi,mj->ij", y, np.conj(y))) / (len(K2) - 1) / (N * N * THETA))
    m, se = batch_mean(np.array(samples), 16)
    print("%d samples; whitened covariance\n%s\n+-\n%s" % (len(samples), m, se))
    z = np.abs(m - np.eye(2)) / se
    T.check(se.max() < 0.02, "statistical error of each entry < 2%% (%.4f)" % se.max())
    T.check(z.max() < 4, "stationary covariance = theta (G + kappa K^2)^-1 with coupled L: whitened = identity within %.1f standard errors (diag %.4f, %.4f; off-diag %.4f)" % (z.max(), m[0, 0], m[1, 1], m[0, 1]))
    T.finish()


if __name__ == "__main__":
    main()
