#!/usr/bin/python3
"""Helper of benchmarks/solver.sh (numpy, h5py, matplotlib).

  solver.py ic N L FILE            the benchmark's initial state sampled on an N^3 grid of an
                                   L^3 periodic box: c = 0.5 + 0.3 g/max|g|, g a fixed random
                                   sum of the Fourier modes with |k| <= 3 (2 pi/L): the same
                                   smooth field on every grid (so 32^3, 64^3, 128^3 solve the
                                   same physical problem), c in [0.2, 0.8] (inside and outside
                                   the spinodal: f'' changes sign)
  solver.py row CASE N NP RUNDIR LOG   one CSV row from a run's stats.csv and its -log_view /
                                   -memory_view output
  solver.py plot CSV PNG           iterations, time per unknown and memory per point vs grid
"""
import csv
import re
import sys

import numpy as np

HEADER = ["case", "pc_options", "grid", "ranks", "points", "unknowns", "steps", "rejected",
          "newton_per_step", "krylov_per_newton", "time_per_step_s", "time_per_unknown_step_us",
          "peak_mem_bytes", "peak_mem_bytes_per_point", "status"]


def ic(n, length, path):
    import h5py
    rng = np.random.default_rng(2024)
    kmax = 3
    x = (np.arange(n) + 0.5) * (length / n)
    g = np.zeros((n, n, n))
    ks = [(a, b, c) for a in range(-kmax, kmax + 1) for b in range(-kmax, kmax + 1)
          for c in range(0, kmax + 1) if 0 < a * a + b * b + c * c <= kmax * kmax]
    for (a, b, c) in ks:
        amp, phase = rng.normal(), rng.uniform(0, 2 * np.pi)
        w = 2 * np.pi / length
        ex, ey, ez = np.exp(1j * w * a * x), np.exp(1j * w * b * x), np.exp(1j * (w * c * x + phase))
        g += amp * np.real(ez[:, None, None] * ey[None, :, None] * ex[None, None, :])
    g -= g.mean()
    c = 0.5 + 0.3 * g / np.abs(g).max()
    with h5py.File(path, "w") as f:
        f.create_dataset("c", data=c)  # [Nz][Ny][Nx], x fastest


def row(case, grid, ranks, rundir, log):
    grid, ranks = int(grid), int(ranks)
    with open(f"{rundir}/stats.csv") as f:
        rows = list(csv.DictReader(line for line in f if not line.startswith("#")))[1:]  # row 0: the initial state
    if not rows:
        rows = []
    text = open(log).read()
    steps = len(rows)
    newton = sum(int(r["snes_its"]) for r in rows)
    krylov = sum(int(r["ksp_its"]) for r in rows)
    rejected = sum(int(r["rejected"]) for r in rows)
    m = re.search(r"^TSStep\s+(\d+)\s+[\d.]+\s+([\d.eE+-]+)", text, re.M)
    tstep = float(m.group(2)) / int(m.group(1)) if m else float("nan")
    m = re.search(r"Maximum \(over computational time\) process memory:\s+total\s+([\d.eE+-]+)", text)
    mem = float(m.group(1)) if m else float("nan")
    pts = grid ** 3
    status = "ok" if "uphill3d: finished" in text else "did not finish"
    m = re.search(r"\((\d+) rejected, (\d+) failed Newton solves\)", text)
    if m and int(m.group(2)) > 0:
        status = f"{m.group(2)} failed Newton solves"
    if (re.search(r"^# timeout", text, re.M) or "caught SIGTERM" in text) and "finished (CONVERGED_ITS)" not in text:
        status = "timeout" + (f" ({steps} steps done)" if steps else "")
    pc = re.search(r"^# pc_options: (.*)$", text, re.M)
    out = [case, pc.group(1).strip() if pc else "", grid, ranks, pts, 2 * pts, steps, rejected,
           f"{newton / max(steps, 1):.3f}", f"{krylov / max(newton, 1):.3f}", f"{tstep:.4g}",
           f"{tstep / (2 * pts) * 1e6:.4g}", f"{mem:.4g}", f"{mem / pts:.1f}", status]
    print(",".join(str(v) for v in out))


def plot(csvpath, png):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    rows = list(csv.DictReader(open(csvpath)))
    cases = []
    for r in rows:
        if r["case"] not in cases:
            cases.append(r["case"])
    fig, ax = plt.subplots(1, 4, figsize=(16, 4))
    plotted = False
    panels = [("newton_per_step", "Newton its / step"), ("krylov_per_newton", "Krylov its / Newton"),
              ("time_per_unknown_step_us", "time / unknown / step (us)"),
              ("peak_mem_bytes_per_point", "peak memory / grid point (B)")]
    for case in cases:
        rs = [r for r in rows if r["case"] == case and r["krylov_per_newton"] not in ("", "nan")
              and not r["status"].startswith(("timeout", "did not", "failed", "not run"))]
        if not rs:
            continue
        plotted = True
        n = [int(r["grid"]) for r in rs]
        bad = [r["status"] != "ok" for r in rs]  # failed Newton solves: dt was cut, not the same problem
        for a, (key, label) in zip(ax, panels):
            y = [float(r[key]) if r[key] not in ("", "nan") else np.nan for r in rs]
            line, = a.plot(n, y, "-", label=case + (" (x: failed solves)" if any(bad) else ""))
            a.plot([v for v, b in zip(n, bad) if not b], [v for v, b in zip(y, bad) if not b], "o", color=line.get_color())
            a.plot([v for v, b in zip(n, bad) if b], [v for v, b in zip(y, bad) if b], "x", ms=9, color=line.get_color())
            a.set_xlabel("grid N (N^3)")
            a.set_title(label)
            a.set_xscale("log", base=2)
    ax[3].axhline(1536, color="k", ls=":", lw=1, label="target 1.5 KB")
    ax[0].axhline(4, color="k", ls=":", lw=1)
    if plotted:
        ax[1].set_yscale("log")
    ax[0].legend(fontsize=8)
    ax[3].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(png, dpi=100)


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "ic":
        ic(int(sys.argv[2]), float(sys.argv[3]), sys.argv[4])
    elif cmd == "row":
        row(*sys.argv[2:7])
    elif cmd == "plot":
        plot(sys.argv[2], sys.argv[3])
    elif cmd == "header":
        print(",".join(HEADER))
    else:
        sys.exit(__doc__)
