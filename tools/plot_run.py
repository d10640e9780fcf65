#!/usr/bin/python3
"""Summary plot of a finished uphill3d run directory (-output_dir), as one PNG:

  free energy F(t)                from OUTPUT_DIR/stats.csv
  relative mass drift (M(t) - M(0))/|M(0)|   (must stay at round-off)
  time step dt(t)                 (grows by orders of magnitude during coarsening)
  mid-plane slice of c            from OUTPUT_DIR/final.h5, dataset 'c' of shape
                                  [Nz][Ny][Nx], [Ny][Nx] or [Nx] (a line plot for 1D)
  length L(t) = 2 pi / k1         from OUTPUT_DIR/analysis.csv, when the run has one
                                  (-analysis_interval), on log-log axes

Axes are in SI units (t in s, F in J, lengths in m), or "reduced units" when the run's
R = T = 1 (read from final.h5, a field file or a checkpoint of the run).

stats.csv columns: step,time,dt,free_energy,mass,snes_its,ksp_its,rejected,c_min,c_max,c_std.

Examples:
  tools/plot_run.py out                      # writes out/run.png
  tools/plot_run.py out -o run.png --axis x  # slice normal to x through the middle
"""
import argparse
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from plot_coarsening import run_params, unit  # noqa: E402  (the same attribute lookup and axis units)

STATS_COLUMNS = ["step", "time", "dt", "free_energy", "mass", "snes_its", "ksp_its", "rejected", "c_min", "c_max", "c_std"]


def fail(msg):
    sys.exit("plot_run.py: " + msg)


def run_units(rundir):
    """'SI' or 'reduced' (R = T = 1) from the attributes of the run's HDF5 files; 'SI' when
    there are none (uphill3d works in SI)."""
    a = run_params(rundir)
    return "reduced" if a.get("gas_constant") == 1 and a.get("temperature") == 1 else "SI"


def read_lengths(rundir):
    """(t, L) from analysis.csv ('#' comment lines skipped), or None."""
    import csv
    path = os.path.join(rundir, "analysis.csv")
    if not os.path.isfile(path):
        return None
    with open(path) as fp:
        rows = list(csv.DictReader(line for line in fp if not line.startswith("#")))
    t = np.array([float(r["time"]) for r in rows if "time" in r and "L" in r])
    L = np.array([float(r["L"]) for r in rows if "time" in r and "L" in r])
    ok = (t > 0) & np.isfinite(L) & (L > 0)
    return (t[ok], L[ok]) if ok.any() else None


def read_stats(path):
    with open(path) as fp:
        header = fp.readline().strip()
        while header.startswith("#"):  # comment lines (version, options) before the header
            header = fp.readline().strip()
        header = header.split(",")
    missing = [c for c in ("time", "dt", "free_energy", "mass") if c not in header]
    if missing:
        fail("%s: missing column(s) %s (found %s)" % (path, ",".join(missing), ",".join(header)))
    with open(path) as fp:
        lines = [line for line in fp if line.strip() and not line.startswith("#")][1:]
    data = np.loadtxt(lines, delimiter=",", ndmin=2) if lines else np.zeros((0, len(header)))
    if data.shape[0] == 0:
        fail("%s has no rows" % path)
    return {h: data[:, i] for i, h in enumerate(header)}


def read_final(path):
    """c as an array with singleton dimensions dropped, plus the file's attributes."""
    import h5py
    with h5py.File(path, "r") as f:
        if "c" not in f:
            fail("%s has no dataset 'c' (found %s)" % (path, ", ".join(f.keys())))
        c = np.array(f["c"], dtype=float)
        attrs = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f.attrs.items()}
    if c.ndim > 3:  # a trailing component axis of size 1, or a time axis
        c = c.reshape([n for n in c.shape if n > 1] or [1])
    if c.ndim > 3:
        fail("%s: dataset 'c' has shape %s, expected [Nz][Ny][Nx], [Ny][Nx] or [Nx]" % (path, c.shape))
    return c, attrs


def mid_slice(c, axis, attrs):
    """A 2D slice through the middle (or the 1D profile), with its extent and axis names.
    c is [Nz][Ny][Nx]: numpy axis 0 is z, 1 is y, 2 is x."""
    L = {d: float(attrs.get("L" + d, 0)) or None for d in "xyz"}
    names = {3: "zyx", 2: "yx", 1: "x"}[c.ndim]
    # drop singleton directions (a quasi-2D run stored as [1][Ny][Nx])
    keep = [i for i in range(c.ndim) if c.shape[i] > 1] or [c.ndim - 1]
    c = c.reshape([c.shape[i] for i in keep])
    names = "".join(names[i] for i in keep)
    label = ""
    if c.ndim == 3:
        if axis not in names:
            fail("--axis %s: not a direction of this grid (%s)" % (axis, names))
        k = names.index(axis)
        n = c.shape[k]
        mid = n // 2
        c = np.take(c, mid, axis=k)
        label = "mid-plane %s index %d of %d" % (axis, mid, n)
        names = names.replace(axis, "")
    return c, names, L, label


def plot(rundir, out, axis, dpi):
    stats_path = os.path.join(rundir, "stats.csv")
    final_path = os.path.join(rundir, "final.h5")
    if not os.path.isfile(stats_path):
        fail("no %s (is %s an uphill3d -output_dir?)" % (stats_path, rundir))
    s = read_stats(stats_path)
    have_final = os.path.isfile(final_path)
    lengths = read_lengths(rundir)
    units = run_units(rundir)
    if lengths is None:
        fig, axes = plt.subplots(2, 2, figsize=(10, 7.6))
    else:
        fig, grid = plt.subplots(2, 3, figsize=(15, 7.6))
        axes = grid[:, :2]
        ax = grid[0, 2]
        ax.loglog(lengths[0], lengths[1], "m.-", ms=3, lw=1)
        ax.set_xlabel("time t" + unit(units, "s"))
        ax.set_ylabel("L = 2$\\pi$/k$_1$" + unit(units, "m"))
        ax.set_title("characteristic length from S(k) (analysis.csv)", fontsize=9)
        ax.grid(alpha=0.3, which="both")
        grid[1, 2].axis("off")
    t, dt = s["time"], s["dt"]
    tlabel = "time t" + unit(units, "s")

    ax = axes[0, 0]
    ax.plot(t, s["free_energy"], "k.-", ms=3, lw=1)
    pos = t > 0
    if pos.sum() > 1 and t[pos].max() / t[pos].min() > 100:
        ax.set_xscale("log")
    ax.set_xlabel(tlabel)
    ax.set_ylabel("free energy F" + unit(units, "J"))
    rise = max(np.diff(s["free_energy"]).max(), 0.0) if len(t) > 1 else 0.0
    ax.set_title("free energy: %.6g -> %.6g, largest step increase %.1e" % (s["free_energy"][0], s["free_energy"][-1], rise), fontsize=9)
    ax.grid(alpha=0.3)

    ax = axes[0, 1]
    m0 = s["mass"][0]
    drift = (s["mass"] - m0) / (abs(m0) if m0 != 0 else 1.0)
    ax.plot(t, drift, "b.-", ms=3, lw=1)
    if pos.sum() > 1 and t[pos].max() / t[pos].min() > 100:
        ax.set_xscale("log")
    ax.set_xlabel(tlabel)
    ax.set_ylabel("(mass - mass$_0$) / |mass$_0$| (dimensionless)")
    ax.set_title("mass drift: max |drift| = %.2e" % np.abs(drift).max(), fontsize=9)
    ax.ticklabel_format(axis="y", style="sci", scilimits=(-2, 2))
    ax.grid(alpha=0.3)

    ax = axes[1, 0]
    ok = (t > 0) & (dt > 0)
    if ok.any():
        ax.loglog(t[ok], dt[ok], "g.-", ms=3, lw=1)
        if "rejected" in s:  # rejections since the previous row
            rej = (s["rejected"] > 0) & ok
            if rej.any():
                ax.loglog(t[rej], dt[rej], "rx", ms=5, label="step(s) rejected before this one")
                ax.legend(fontsize=8)
        ax.set_title("time step: %.3g .. %.3g over %d steps" % (dt[ok].min(), dt[ok].max(), int(s["step"][-1]) if "step" in s else len(t)), fontsize=9)
    else:
        ax.text(0.5, 0.5, "no step with t > 0", ha="center", transform=ax.transAxes)
    ax.set_xlabel(tlabel)
    ax.set_ylabel("dt" + unit(units, "s"))
    ax.grid(alpha=0.3, which="both")

    ax = axes[1, 1]
    if have_final:
        c, attrs = read_final(final_path)
        sl, names, L, label = mid_slice(c, axis, attrs)
        tt = attrs.get("time")
        when = " at t = %.4g" % tt if tt is not None else ""
        if sl.ndim == 1:
            n = sl.shape[0]
            Lx = L.get(names[0]) or n
            x = (np.arange(n) + 0.5) * Lx / n
            ax.plot(x, sl, "k-", lw=1.2)
            ax.set_xlabel(names[0] + unit(units, "m"))
            ax.set_ylabel("c (mole fraction)")
            ax.set_title("c%s (min %.4f, max %.4f)" % (when, sl.min(), sl.max()), fontsize=9)
            ax.grid(alpha=0.3)
        else:
            rows, cols = names[0], names[1]  # numpy order: slow, fast
            ext = [0, L.get(cols) or sl.shape[1], 0, L.get(rows) or sl.shape[0]]
            im = ax.imshow(sl, origin="lower", extent=ext, cmap="RdBu_r", interpolation="nearest", aspect="equal")
            fig.colorbar(im, ax=ax, label="c (mole fraction)", shrink=0.85)
            ax.set_xlabel(cols + unit(units, "m"))
            ax.set_ylabel(rows + unit(units, "m"))
            ax.set_title("c%s%s" % (when, (", " + label) if label else ""), fontsize=9)
    else:
        ax.text(0.5, 0.5, "no final.h5 in %s" % rundir, ha="center", va="center", transform=ax.transAxes)
        ax.axis("off")
    fig.suptitle("uphill3d run %s" % rundir, fontsize=10)
    fig.tight_layout()
    fig.savefig(out, dpi=dpi)
    plt.close(fig)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n\n", 1)[1])
    ap.add_argument("rundir", help="uphill3d output directory (holds stats.csv and final.h5)")
    ap.add_argument("-o", "--out", help="PNG to write (default RUNDIR/run.png)")
    ap.add_argument("--axis", default="z", choices=["x", "y", "z"], help="normal of the mid-plane slice of a 3D field (default z)")
    ap.add_argument("--dpi", type=int, default=100)
    a = ap.parse_args(argv)
    if not os.path.isdir(a.rundir):
        fail("no such directory: %s" % a.rundir)
    print("wrote %s" % plot(a.rundir, a.out or os.path.join(a.rundir, "run.png"), a.axis, a.dpi))


if __name__ == "__main__":
    main()
