#!/usr/bin/python3
"""Issue 5, test 2: Darken's uphill diffusion, measured from the fields of input/darken_couple.opts
(run as shipped, its field series every 100 time units).  At the faces between cells the flux
of component 1 is J_1 = -sum_j L_1j (mu_j+ - mu_j)/h with L the mean of the lattice-fixed
L(c) of the two cells (the scheme's own face flux), from the c_i and mu_i in the files.
  - somewhere during the run J_1 points UP the gradient of c_1 (J_1 (c_1+ - c_1) > 0) with a
    flux at least 1% of the largest |J_1| of that file (not round-off), the signature of uphill
    diffusion;
  - c_1 starts uniform (max - min < 1e-12) and its peak later exceeds the initial value by
    more than 10% (and its trough falls below it): the transient peak and trough;
  - c_1 is conserved (the run's stats.csv, 1e-12 relative);
  - tools/plot_couple.py draws the profiles (a PNG of c_1 and c_2 at several times)."""
import glob
import os
import re

import numpy as np

import ncomp_testlib as N

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
opts = os.path.join(SRC, "input", "darken_couple.opts")
text = open(opts).read()
M = [float(v) for v in re.search(r"^-atomic_mobilities\s+(\S+)", text, re.M).group(1).split(",")]
c1_0 = float(re.search(r"^-couple_left\s+([^,\s]+)", text, re.M).group(1))
out = N.T.fresh_dir("out")
N.T.run([opts, "-output_dir", out, "-progress_interval", 1e9])
files = sorted(glob.glob(os.path.join(out, "fields_*.h5")))
N.check(len(files) >= 10, "%d field files written" % len(files))
import h5py
uphill_seen, peak, trough, best = [], [], [], 0.0
for path in files:
    c = N.read_fields(path, 2)[:, 0, 0, :]
    mu = N.read_fields(path, 2, "mu")[:, 0, 0, :]
    with h5py.File(path, "r") as f:
        t, Lx, nx = float(f.attrs["time"]), float(f.attrs["Lx"]), c.shape[1]
    h = Lx / nx
    L = N.atomic_L(c, M)                           # [2][2][nx]
    Lf = 0.5 * (L[:, :, 1:] + L[:, :, :-1])        # at the nx-1 interior faces
    dmu = (mu[:, 1:] - mu[:, :-1]) / h
    J1 = -(Lf[0, 0] * dmu[0] + Lf[0, 1] * dmu[1])
    dc1 = c[0, 1:] - c[0, :-1]
    up = J1 * dc1
    sig = (np.abs(J1) >= 0.01 * np.abs(J1).max()) & (np.abs(dc1) > 1e-9)
    n_up = int(np.sum((up > 0) & sig))
    if n_up and np.abs(J1).max() > 0:
        best = max(best, float(np.max(np.where(sig, up, 0))))
    uphill_seen.append(n_up)
    peak.append(c[0].max())
    trough.append(c[0].min())
    print("t %8.1f  c_1 in [%.6f, %.6f]  faces with J_1 up the c_1 gradient: %d" % (t, c[0].min(), c[0].max(), n_up))
N.check(peak[0] - trough[0] < 1e-12, "c_1 starts uniform (%.6f)" % peak[0])
N.check(max(uphill_seen) > 0, "J_1 points up the gradient of c_1 at %d faces of one file (max J_1 dc_1 = %.3g)" % (max(uphill_seen), best))
N.check(max(peak) > 1.1 * c1_0, "c_1's peak %.6f exceeds its initial uniform value %.3f by > 10%%" % (max(peak), c1_0))
N.check(min(trough) < 0.9 * c1_0, "c_1's trough %.6f is below its initial value by > 10%%" % min(trough))
s = N.read_stats(out)
for i, m in enumerate(N.masses(s)):
    drift = np.abs(m - m[0]).max() / abs(m[0])
    N.check(drift <= 1e-12, "mass_%d conserved (drift %.2e <= 1e-12)" % (i + 1, drift))
import subprocess
import sys
png = os.path.join(out, "couple.png")
p = subprocess.run([sys.executable, os.path.join(SRC, "tools", "plot_couple.py"), out, "-o", png], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
print(p.stdout, p.stderr)
N.check(p.returncode == 0 and os.path.getsize(png) > 10000 and "c_1, c_2" in p.stdout, "tools/plot_couple.py drew the profiles of c_1 and c_2 (%s)" % png)
N.finish()
