"""Shared helpers of the scripted uphill3d tests (run by /usr/bin/python3 under CTest).

CTest passes, through the environment (tests/CMakeLists.txt sets it once for every test):
  UPHILL3D        path of the uphill3d binary
  UPHILL_MPIEXEC  MPI launcher command line, e.g. "/usr/bin/mpiexec --oversubscribe"
  UPHILL_NPFLAG   its rank-count flag, e.g. "-n"
Each test runs in its own scratch directory (the CTest WORKING_DIRECTORY).
"""
import math
import os
import shlex
import shutil
import subprocess
import sys

import numpy as np

EXE = os.environ.get("UPHILL3D", "uphill3d")
MPIEXEC = shlex.split(os.environ.get("UPHILL_MPIEXEC", "mpiexec --oversubscribe"))
NPFLAG = os.environ.get("UPHILL_NPFLAG", "-n")

# Dimensionless regular solution: R = T = V_m = 1, Omega = 3 -> T_c = 1.5, T/T_c = 2/3,
# f''(1/2) = -2, spinodal 0.2113 .. 0.7887; kappa = M0 = 1.
DIMLESS = ["-gas_constant", "1", "-temperature", "1", "-omega", "3", "-molar_volume", "1",
           "-kappa", "1", "-mobility", "1"]

from testcheck import check, die, finish  # noqa: F401  (shared assertions)


def command(args, np_=1):
    """The command line of a run: the binary alone on one rank, through the launcher otherwise."""
    args = [str(a) for a in args]
    if np_ == 1:
        return [EXE] + args
    return MPIEXEC + [NPFLAG, str(np_), EXE] + args


def run(args, np_=1, check=True, timeout=600):
    """Runs uphill3d; with check, a non-zero exit fails the test at once (and shows the output)."""
    cmd = command(args, np_)
    print("$ " + " ".join(shlex.quote(c) for c in cmd), flush=True)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout)
    if check and p.returncode != 0:
        print(p.stdout[-4000:])
        print(p.stderr[-4000:], file=sys.stderr)
        die("uphill3d exited with status %d" % p.returncode)
    return p


def fresh_dir(path):
    """An empty output directory (tests rerun in the same scratch directory)."""
    shutil.rmtree(path, ignore_errors=True)
    return path


def read_stats(outdir):
    """stats.csv as a dict of float arrays, one entry per column."""
    path = os.path.join(outdir, "stats.csv")
    with open(path) as fp:  # '#' lines (version and options) may come first
        lines = [line for line in fp if not line.startswith("#")]
    header = lines[0].strip().split(",")
    expected = ["step", "time", "dt", "free_energy", "mass", "snes_its", "ksp_its", "rejected",
                "c_min", "c_max", "c_std"]
    if header != expected:
        die("%s: header %s, expected %s" % (path, header, expected))
    data = np.loadtxt(lines[1:], delimiter=",", ndmin=2)
    return {name: data[:, i] for i, name in enumerate(header)}


def read_final(outdir, name="c"):
    import h5py
    with h5py.File(os.path.join(outdir, "final.h5"), "r") as f:
        return np.array(f[name], dtype=float)


def mms_error(stdout):
    """(max, l2, h) from the 'mms error: max E l2 E h H' line."""
    for line in stdout.splitlines():
        if line.startswith("mms error:"):
            w = line.split()
            return float(w[3]), float(w[5]), float(w[7])
    die("no 'mms error:' line in the output")






# ---- physics of the linearised problem (docs/MODEL.md section 1) -------------------------------

def d2f_regular(c, omega, rt):
    return -2 * omega + rt / (c * (1 - c))


def d2f_double_well(c, rho, ca, cb):
    s = ca + cb - 2 * c
    return 2 * rho * (s * s - 2 * (c - ca) * (cb - c))


def discrete_k2(modes, lengths, grid):
    """K^2 = sum_d (4/h_d^2) sin^2(k_d h_d/2), k_d = 2 pi n_d/L_d: the eigenvalue of -Lap_h."""
    k2 = 0.0
    for n, L, N in zip(modes, lengths, grid):
        if N > 1 and n != 0:
            h = L / N
            k = 2 * math.pi * n / L
            k2 += 4 / h ** 2 * math.sin(k * h / 2) ** 2
    return k2


def continuum_k2(modes, lengths, grid):
    return sum((2 * math.pi * n / L) ** 2 for n, L, N in zip(modes, lengths, grid) if N > 1)


def growth_rate(m, f2, kappa, k2):
    """R = -M K^2 (f'' + kappa K^2) (Cahn 1961), continuum or discrete K^2."""
    return -m * k2 * (f2 + kappa * k2)
