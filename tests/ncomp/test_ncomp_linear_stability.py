#!/usr/bin/python3
"""Issue 5, test 5: linear stability of the ternary system.  About a uniform c0 a small mode
a(t) cos(k x) (a = (a_1, a_2)) evolves as da/dt = A a with A = -K^2 L (G + kappa K^2), G the
Hessian at c0, L = L(c0), kappa the gradient matrix and K^2 the discrete Laplacian's eigenvalue
(4/h^2) sin^2(k h/2): a(t) = expm(A t) a(0); the eigenvalues of A are the growth/decay rates.
The run starts with a mode in c_1 only, a(0) = (A0, 0), so both eigenmodes are excited; the
amplitudes of both components are measured (projection on cos) at t_end and compared with
expm(A t_end) a(0).  Second argument: "default" runs the defaults (the etd integrator, its
error test relative to each component's fluctuation): relative error <= 1e-4 (measured 4e-6:
the linear part is the exact linearisation about c0, docs/MODEL.md 3.9; with the scalar
s I it had been 3.6e-2 for the multistep scheme, 1.6e-3 for ETDRK3); "bdf" the BDF2 path with an absolute tolerance of 1e-13
on c (1e-7 of the amplitude) and tight Newton/Krylov tolerances: <= 1e-3 (nonlinear terms are
O(A0) = 1e-6 relative here); "one_step" the etd integrator in a single step of the whole run
(-ts_adapt_type none -ts_dt t_end): about a uniform state its linear part is the exact
linearisation, so the step is exact up to the nonlinear terms, <= 1e-4 (measured 9e-11;
5.2e-2 while the vectorised ternary linearisation took Omega_33 for Omega_32 in its Hessian,
which made the bound sigma 0.5 at a uniform state -- invisible to the adaptive runs, whose
steps stayed short of where the bound's share enters).

Cases:
  inside_grows: regular solution inside the spinodal (one negative Hessian eigenvalue), a
      long wave: one rate positive (the mode grows), one negative; lattice-fixed L(c0) with
      off-diagonal entries.
  outside_decays: quadratic energy with positive-definite G, off-diagonal constant L and
      kappa: both rates negative, the two decays at different rates."""
import sys

import numpy as np

import ncomp_testlib as N

case, integrator = sys.argv[1], sys.argv[2]
if integrator == "bdf":
    SOLVER, LIMIT = ["-integrator", "bdf", "-ts_rtol", 0, "-ts_atol", 1e-13, "-snes_rtol", 1e-12, "-snes_atol", 1e-16, "-ksp_rtol", 1e-12], 1e-3
elif integrator == "one_step":
    SOLVER, LIMIT = ["-ts_adapt_type", "none"], 1e-4  # -ts_dt t_end below
else:
    SOLVER, LIMIT = [], 1e-4
n, Lx, A0 = 64, 64.0, 1e-6
c0 = np.array([0.3, 0.35])
m_wave = 6 if case == "inside_grows" else 2  # inside: near the fastest-growing mode
h = Lx / n
k = 2 * np.pi * m_wave / Lx
K2 = 4 / h ** 2 * np.sin(k * h / 2) ** 2
if case == "inside_grows":
    W = [[0, 3.8, 1.0], [3.8, 0, 0.5], [1.0, 0.5, 0]]
    M = [1.0, 0.6, 0.3]
    kap = np.array([[1.0, 0.2], [0.2, 1.5]])
    Om = np.array(W, float)
    cN = 1 - c0.sum()
    G = np.array([[Om[i, j] - Om[i, 2] - Om[2, j] + ((i == j) / c0[i] + 1 / cN) for j in range(2)] for i in range(2)])
    L = N.atomic_L(c0, M)
    model = N.DIMLESS + ["-omega_matrix", N.mat(W), "-atomic_mobilities", N.mat(M)]
    t_end = 60.0
else:
    G = np.array([[2.0, 0.7], [0.7, 1.0]])
    L = np.array([[1.0, 0.4], [0.4, 0.8]])
    kap = np.array([[0.5, 0.1], [0.1, 0.3]])
    model = ["-free_energy", "quadratic", "-hessian", N.mat(G), "-mobility_matrix", N.mat(L)]
    t_end = 8.0
Amat = -K2 * L @ (G + kap * K2)
rates, V = np.linalg.eig(Amat)
rates, V = rates.real, V.real
print("G(c0) =\n", G, "\nL(c0) =\n", L, "\nrates (eigenvalues of -K^2 L (G + kappa K^2)):", rates)
if integrator == "one_step":
    SOLVER += ["-ts_dt", t_end]
a0 = np.array([A0, 0.0])
pred = V @ np.diag(np.exp(rates * t_end)) @ np.linalg.solve(V, a0)

out = N.T.fresh_dir("out")
N.T.run(model + ["-components", 3, "-kappa_matrix", N.mat(kap), "-c0", N.mat(c0), "-ic", "mode", "-ic_mode", "%d,0,0" % m_wave,
                 "-ic_amplitude", A0, "-bc", "periodic", "-da_grid_x", n, "-da_grid_y", 1, "-da_grid_z", 1, "-Lx", Lx,
                 "-ts_max_time", t_end, "-progress_interval", 1e9, "-output_dir", out] + SOLVER)
c = N.read_fields(out + "/final.h5", 2)[:, 0, 0, :]
x = (np.arange(n) + 0.5) * h
amp = np.array([2 / n * np.sum((c[i] - c[i].mean()) * np.cos(k * x)) for i in range(2)])
print("measured a(t_end) =", amp, " predicted expm(A t) a(0) =", pred)
if case == "inside_grows":
    N.check(rates.max() > 0 and rates.min() < 0, "one mode grows (rate %.4g) and one decays (rate %.4g)" % (rates.max(), rates.min()))
    N.check(abs(amp[0]) > 2 * A0, "the c_1 amplitude grew (%.3g -> %.3g)" % (A0, amp[0]))
else:
    N.check(rates.max() < 0, "both modes decay (rates %.4g, %.4g)" % tuple(rates))
for i in range(2):
    rel = abs(amp[i] - pred[i]) / np.abs(pred).max()
    N.check(rel <= LIMIT, "c_%d amplitude %.6e vs %.6e predicted: relative error %.2e <= %g (%s)" % (i + 1, amp[i], pred[i], rel, LIMIT, integrator))
N.check(abs(amp[1]) > 0.01 * np.abs(pred).max(), "the coupling moved c_2 (started at 0): amplitude %.3g" % amp[1])
N.finish()
