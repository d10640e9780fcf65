#!/usr/bin/python3
"""Issue 5, test 1: a linear diffusion couple.  Quadratic energy, constant L, kappa = 0: the
system is dc/dt = D c_xx with D = L G, and a couple c = c_left (x < 0), c_right (x > 0) has the
closed form of docs/MODEL.md section 2 (eigen-decomposed erf).  Quasi-1D runs on no-flux grids of
increasing resolution (the walls are 5 diffusion lengths away: their effect is < 1e-9) are
compared with it: the max error on the finest grid must be <= 1e-3 and fall at second order
(observed order >= 1.8 between the two finest grids).  Component 1 starts uniform and the
off-diagonal D drives it up its own gradient: the run must show the uphill bump (a peak and a
trough of the size the closed form gives).

Cases: thermo (off-diagonal G, L = I), kinetic (diagonal G, off-diagonal L), quaternary (N = 4)."""
import sys

import numpy as np

import ncomp_testlib as N

CASES = {
    "thermo": dict(G=[[1, 0.8], [0.8, 2]], L=[[1, 0], [0, 1]], left=[0.3, 0.2], right=[0.3, 0.6]),
    "kinetic": dict(G=[[1, 0], [0, 1.5]], L=[[1, -0.6], [-0.6, 1]], left=[0.3, 0.2], right=[0.3, 0.6]),
    "quaternary": dict(G=[[1, 0.5, 0.2], [0.5, 2, 0.3], [0.2, 0.3, 1.5]], L=[[1, 0, 0.1], [0, 0.8, 0], [0.1, 0, 1.2]],
                       left=[0.3, 0.1, 0.2], right=[0.3, 0.4, 0.25]),
}
case = CASES[sys.argv[1]]
G, L = np.array(case["G"], float), np.array(case["L"], float)
nc = G.shape[0]
D = L @ G
Lx, t_end = 20.0, 1.0
print("D = L G =\n", D, "\neigenvalues", np.linalg.eigvals(D))
errors, hs = [], []
for n in (50, 100, 200, 400):
    out = N.T.fresh_dir("out_%d" % n)
    N.T.run(["-components", nc + 1, "-free_energy", "quadratic", "-hessian", N.mat(G), "-mobility_matrix", N.mat(L),
             "-kappa", 0, "-ic", "couple", "-couple_axis", "x", "-couple_left", N.mat(case["left"]),
             "-couple_right", N.mat(case["right"]), "-c0", N.mat(case["left"]), "-bc", "noflux",
             "-da_grid_x", n, "-da_grid_y", 1, "-da_grid_z", 1, "-Lx", Lx,
             "-ts_max_time", t_end, "-ts_rtol", 1e-9, "-ts_atol", 1e-9, "-progress_interval", 1e9, "-output_dir", out])
    c = N.read_fields(out + "/final.h5", nc)[:, 0, 0, :]
    x = (np.arange(n) + 0.5) * Lx / n - Lx / 2
    exact = N.couple_exact(x, t_end, D, case["left"], case["right"])
    err = np.abs(c - exact).max()
    errors.append(err)
    hs.append(Lx / n)
    print("n %4d  h %.4f  max error %.3e   c_1 in [%.6f, %.6f] (exact [%.6f, %.6f])" % (n, Lx / n, err, c[0].min(), c[0].max(), exact[0].min(), exact[0].max()))
orders = [np.log(errors[i] / errors[i + 1]) / np.log(hs[i] / hs[i + 1]) for i in range(len(errors) - 1)]
print("observed orders", ["%.3f" % o for o in orders])
N.check(errors[-1] <= 1e-3, "max error on the finest grid %.3e <= 1e-3" % errors[-1])
N.check(orders[-1] >= 1.8, "second-order convergence: observed order %.3f >= 1.8 between the two finest grids" % orders[-1])
N.check(min(orders) >= 1.6, "every refinement converges at about second order (min order %.3f >= 1.6)" % min(orders))
bump = max(exact[0].max() - case["left"][0], case["left"][0] - exact[0].min())
N.check(bump > 0.01, "the closed form has an uphill bump of %.4f in component 1 (uniform at start)" % bump)
N.check(abs((c[0].max() - c[0].min()) - (exact[0].max() - exact[0].min())) < 2e-3,
        "the run's bump in c_1 (range %.5f) matches the closed form's (%.5f)" % (c[0].max() - c[0].min(), exact[0].max() - exact[0].min()))
N.finish()
