"""Helpers of the N-component tests (tests/ncomp): reading N-component outputs, the closed-form
solution of a linear diffusion couple, the lattice-fixed Onsager matrix."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import uphill_testlib as T  # noqa: E402,F401
from testcheck import check, die, finish  # noqa: E402,F401

# Dimensionless regular solution: R = T = V_m = 1.
DIMLESS = ["-gas_constant", "1", "-temperature", "1", "-molar_volume", "1"]


def read_stats(outdir):
    """stats.csv of any N as a dict of float arrays (header checked for the mass columns)."""
    path = os.path.join(outdir, "stats.csv")
    with open(path) as fp:  # '#' lines (version and options) may come first
        lines = [line for line in fp if not line.startswith("#")]
    header = lines[0].strip().split(",")
    if header[:4] != ["step", "time", "dt", "free_energy"] or header[-6:] != ["snes_its", "ksp_its", "rejected", "c_min", "c_max", "c_std"]:
        die("%s: unexpected header %s" % (path, header))
    data = np.loadtxt(lines[1:], delimiter=",", ndmin=2)
    return {name: data[:, i] for i, name in enumerate(header)}


def masses(stats):
    """The mass columns: mass (binary) or mass_1 .. mass_{N-1}, as a list of arrays."""
    if "mass" in stats:
        return [stats["mass"]]
    out, i = [], 1
    while "mass_%d" % i in stats:
        out.append(stats["mass_%d" % i])
        i += 1
    return out


def read_fields(path, nc, what="c"):
    """c_1..c_nc (or mu_...) of a field file as an array [nc][Nz][Ny][Nx]."""
    import h5py
    with h5py.File(path, "r") as f:
        if nc == 1:
            return np.array([f[what]], dtype=float)
        return np.array([f["%s_%d" % (what, i + 1)] for i in range(nc)], dtype=float)


def couple_exact(x, t, D, left, right):
    """docs/MODEL.md section 2: c(x,t) of the couple c = left (x<0), right (x>0) under dc/dt = D c_xx,
    D = P diag(lambda) P^-1; w = P^-1 c, w_k = (wl + wr)/2 - (wl - wr)/2 erf(x / (2 sqrt(lambda_k t)))."""
    from math import erf
    lam, P = np.linalg.eig(np.asarray(D, dtype=float))
    lam, P = lam.real, P.real
    Pi = np.linalg.inv(P)
    wl, wr = Pi @ np.asarray(left, float), Pi @ np.asarray(right, float)
    verf = np.vectorize(erf)
    w = np.array([0.5 * (wl[k] + wr[k]) - 0.5 * (wl[k] - wr[k]) * verf(x / (2 * np.sqrt(lam[k] * t))) for k in range(len(lam))])
    return P @ w


def atomic_L(c, M):
    """L_ij = sum_k (d_ik - c_i)(d_jk - c_j) c_k M_k for c = (c_1..c_{N-1}) arrays (any shape)."""
    c = np.asarray(c, float)
    nc = c.shape[0]
    x = np.concatenate([c, (1 - c.sum(axis=0))[None]], axis=0)
    L = np.zeros((nc, nc) + c.shape[1:])
    for i in range(nc):
        for j in range(nc):
            for k in range(nc + 1):
                L[i, j] += ((i == k) - x[i]) * ((j == k) - x[j]) * x[k] * M[k]
    return L


def mat(values):
    return ",".join("%.17g" % v for v in np.asarray(values, float).ravel())
