#!/usr/bin/python3
"""Coarsening kinetics from in-situ analysis: L(t) = 2 pi / k1 on log-log axes, with the
power law L ~ t^n fitted over the late stage of each run.

  tools/plot_coarsening.py RUN_DIR [RUN_DIR ...] [--tmin T] [--late 0.5] [--out coarsening.png]

Each RUN_DIR holds analysis.csv (written by uphill3d -analysis_interval).  A second panel draws
S(k, t) of the first run (its structure_factor.h5) at up to --curves times spaced evenly in
log t, showing the peak moving to small k as the domains coarsen.  The fit uses the
rows with t >= --tmin, or else the last --late fraction of the run's log-time span.  Prints one
line per run and writes the PNG; exit status 0.  Expect n ~ 1/3 for constant mobility (bulk
diffusion, Lifshitz-Slyozov) and n ~ 1/4 for degenerate mobility (interface diffusion)."""
import argparse
import csv
import math
import os
import sys

import numpy as np


def read(run):
    path = os.path.join(run, "analysis.csv")
    with open(path) as fp:
        rows = list(csv.DictReader(fp))
    if not rows:
        sys.exit("%s: no rows" % path)
    t = np.array([float(r["time"]) for r in rows])
    L = np.array([float(r["L"]) for r in rows])
    keep = (t > 0) & np.isfinite(L) & (L > 0)
    return t[keep], L[keep]


def fit(t, L, tmin, late):
    if tmin is None:
        lo, hi = math.log(t[0]), math.log(t[-1])
        tmin = math.exp(hi - late * (hi - lo))
    sel = t >= tmin
    if sel.sum() < 3:
        return float("nan"), float("nan"), tmin
    n, a = np.polyfit(np.log(t[sel]), np.log(L[sel]), 1)
    return n, a, tmin


def plot_spectra(ax, run, curves):
    path = os.path.join(run, "structure_factor.h5")
    if not os.path.exists(path):
        ax.set_axis_off()
        return
    import h5py
    with h5py.File(path, "r") as f:
        groups = sorted((float(f[g].attrs["time"]), g) for g in f if g.startswith("step_"))
        groups = [x for x in groups if x[0] > 0]
        if not groups:
            ax.set_axis_off()
            return
        logt = np.log([t for t, _ in groups])
        want = np.linspace(logt[0], logt[-1], min(curves, len(groups)))
        pick = sorted({int(np.argmin(np.abs(logt - w))) for w in want})
        k = f["k"][...]
        first = f[groups[pick[0]][1]]["S"][...]
        kmax = 3 * k[1 + int(np.argmax(first[1:]))]  # three times the earliest peak
        for i in pick:
            t, g = groups[i]
            S, n = f[g]["S"][...], f[g]["count"][...]
            has = n > 0  # shells with modes (some small-k shells of a grid have none)
            has[0] = False
            ax.plot(k[has], S[has], "-", lw=1.2, label="t = %.3g" % t)
    ax.set_xlim(0, kmax)
    ax.set_xlabel("k")
    ax.set_ylabel("S(k, t)")
    ax.set_title("Structure factor: %s" % os.path.basename(os.path.normpath(run)))
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("runs", nargs="+")
    ap.add_argument("--tmin", type=float, default=None, help="start of the fit window (simulation time)")
    ap.add_argument("--late", type=float, default=0.5, help="fit the last fraction of the log-time span")
    ap.add_argument("--out", default="coarsening.png")
    ap.add_argument("--csv", default=None, help="also write run,exponent,tmin,points")
    ap.add_argument("--curves", type=int, default=6, help="S(k, t) curves drawn from the first run")
    args = ap.parse_args()

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax, axs) = plt.subplots(1, 2, figsize=(11, 4.4), dpi=90)
    rows = []
    for run in args.runs:
        t, L = read(run)
        n, a, tmin = fit(t, L, args.tmin, args.late)
        label = os.path.basename(os.path.normpath(run))
        ax.loglog(t, L, "o", ms=3, label="%s" % label)
        sel = t >= tmin
        if np.isfinite(n):
            ax.loglog(t[sel], np.exp(a) * t[sel] ** n, "-", lw=1.5, label="fit: L ~ t^%.3f" % n)
        print("%-32s exponent n = %.4f  (fit over t >= %.4g, %d points)" % (label, n, tmin, int(sel.sum())))
        rows.append((label, n, tmin, int(sel.sum())))
    ax.set_xlabel("time t")
    ax.set_ylabel("L = 2 pi / k1")
    ax.set_title("Coarsening: characteristic length from S(k)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    plot_spectra(axs, args.runs[0], args.curves)
    fig.tight_layout()
    fig.savefig(args.out)
    if args.csv:
        with open(args.csv, "w") as fp:
            fp.write("run,exponent,tmin,points\n")
            for r in rows:
                fp.write("%s,%.6f,%.6g,%d\n" % r)
    return 0


if __name__ == "__main__":
    sys.exit(main())
