#!/usr/bin/python3
"""Coarsening kinetics from in-situ analysis: L(t) = 2 pi / k1 on log-log axes, with the
power law L ~ t^n fitted over the late stage of each run.

  tools/plot_coarsening.py RUN_DIR [RUN_DIR ...] [--tmin T] [--late 0.5] [--out PNG]

Each RUN_DIR holds analysis.csv (written by uphill3d -analysis_interval).  A second panel draws
S(k, t) of the first run (its structure_factor.h5) at up to --curves times spaced evenly in
log t, showing the peak moving to small k as the domains coarsen.  The fit uses the
rows with t >= --tmin, or else the last --late fraction of the run's log-time span.  Prints one
line per run and writes the PNG (default: coarsening.png in the first RUN_DIR); exit status 0.
Axes are in SI units (t in s, L in m, k in 1/m), or "reduced units" when the run's R = T = 1
(read from the run's final.h5, field files or checkpoints).  Finite size: once L exceeds a
quarter of the box (the shortest side, from the run's files, else 2 pi over the k spacing of
structure_factor.h5) the box holds too few domains for L(t) to follow the infinite system's
law; the script warns and marks box/4 on the plot.  Expect n ~ 1/3 for constant mobility (bulk
diffusion, Lifshitz-Slyozov) and n ~ 1/4 for degenerate mobility (interface diffusion)."""
import argparse
import csv
import math
import os
import sys

import numpy as np


def run_params(run):
    """The run's parameters (attributes) from final.h5, a field file or a checkpoint, or {}."""
    import glob
    files = [os.path.join(run, "final.h5")] + sorted(glob.glob(os.path.join(run, "fields_*.h5"))) + \
        sorted(glob.glob(os.path.join(run, "checkpoints", "ckpt_*.h5")))
    for path in files:
        if not os.path.isfile(path):
            continue
        try:
            import h5py
            with h5py.File(path, "r") as f:
                if "gas_constant" in f.attrs:
                    return dict(f.attrs)
        except (OSError, ImportError):
            continue
    return {}


def box_size(run, params):
    """The shortest side of the box (of the directions with more than one cell), or None."""
    sides = [float(params["L" + d]) for d in "xyz" if "L" + d in params and int(params.get("grid_" + d, 2)) > 1]
    if sides:
        return min(sides)
    path = os.path.join(run, "structure_factor.h5")
    if os.path.exists(path):
        import h5py
        with h5py.File(path, "r") as f:
            k = f["k"][...]
        if len(k) > 1 and k[1] > k[0]:
            return 2 * math.pi / (k[1] - k[0])  # the k spacing is 2 pi / the longest side
    return None


def unit(units, si):
    """An axis label's unit: the SI unit, or 'reduced units'."""
    return " (reduced units)" if units == "reduced" else (" (%s)" % si if si else "")


def read(run):
    path = os.path.join(run, "analysis.csv")
    with open(path) as fp:
        rows = list(csv.DictReader(line for line in fp if not line.startswith("#")))
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


def plot_spectra(ax, run, curves, units):
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
    ax.set_xlabel("k" + unit(units, "1/m"))
    ax.set_ylabel("S(k, t) (dimensionless)")
    ax.set_title("Structure factor: %s" % os.path.basename(os.path.normpath(run)))
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("runs", nargs="+")
    ap.add_argument("--tmin", type=float, default=None, help="start of the fit window (simulation time)")
    ap.add_argument("--late", type=float, default=0.5, help="fit the last fraction of the log-time span")
    ap.add_argument("--out", default=None, help="PNG to write (default: FIRST_RUN_DIR/coarsening.png)")
    ap.add_argument("--csv", default=None, help="also write run,exponent,tmin,points")
    ap.add_argument("--curves", type=int, default=6, help="S(k, t) curves drawn from the first run")
    args = ap.parse_args()

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax, axs) = plt.subplots(1, 2, figsize=(11, 4.4), dpi=90)
    rows = []
    params = run_params(args.runs[0])
    units = "reduced" if params.get("gas_constant") == 1 and params.get("temperature") == 1 else "SI"
    marked = False
    for run in args.runs:
        t, L = read(run)
        box = box_size(run, run_params(run))
        if box and len(L) and L.max() > box / 4:
            sys.stderr.write("plot_coarsening.py: warning: %s: L reaches %.4g > box/4 = %.4g from t = %.4g: finite-size "
                             "regime, too few domains in the box for the late-stage law\n"
                             % (run, L.max(), box / 4, t[np.argmax(L > box / 4)]))
            if not marked:
                ax.axhline(box / 4, color="grey", ls="--", lw=1, label="box/4 (finite size above)")
                marked = True
        n, a, tmin = fit(t, L, args.tmin, args.late)
        label = os.path.basename(os.path.normpath(run))
        ax.loglog(t, L, "o", ms=3, label="%s" % label)
        sel = t >= tmin
        if np.isfinite(n):
            ax.loglog(t[sel], np.exp(a) * t[sel] ** n, "-", lw=1.5, label="fit: L ~ t^%.3f" % n)
        print("%-32s exponent n = %.4f  (fit over t >= %.4g, %d points)" % (label, n, tmin, int(sel.sum())))
        rows.append((label, n, tmin, int(sel.sum())))
    ax.set_xlabel("time t" + unit(units, "s"))
    ax.set_ylabel("L = 2 pi / k1" + unit(units, "m"))
    ax.set_title("Coarsening: characteristic length from S(k)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    plot_spectra(axs, args.runs[0], args.curves, units)
    fig.tight_layout()
    out = args.out or os.path.join(args.runs[0], "coarsening.png")
    fig.savefig(out)
    print("wrote %s" % out)
    if args.csv:
        with open(args.csv, "w") as fp:
            fp.write("run,exponent,tmin,points\n")
            for r in rows:
                fp.write("%s,%.6f,%.6g,%d\n" % r)
    return 0


if __name__ == "__main__":
    sys.exit(main())
