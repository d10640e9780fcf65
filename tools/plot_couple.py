#!/usr/bin/python3
"""Profiles of an N-component diffusion couple (uphill3d -ic couple) at several times, as one PNG.

Reads the field series OUTPUT_DIR/fields_NNNNNN.h5 (-output_interval or -output_steps) and
OUTPUT_DIR/final.h5, averages each field over the directions normal to the couple's axis and
draws one panel per independent component c_1 .. c_{N-1} (binary runs: c), one curve per time,
A component
that starts uniform and later shows a peak and a trough is diffusing uphill (Darken's couple:
input/darken_couple.opts).

Examples:
  tools/plot_couple.py out/darken_couple                  # writes out/darken_couple/couple.png
  tools/plot_couple.py out/darken_couple --times 8 --axis x -o couple.png
"""
import argparse
import glob
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def fail(msg):
    sys.exit("plot_couple.py: " + msg)


def load(path, axis):
    """(time, [profiles of c_i along axis]) of one field file."""
    import h5py
    with h5py.File(path, "r") as f:
        names = ["c"] if "c" in f else sorted((k for k in f.keys() if k.startswith("c_")), key=lambda s: int(s[2:]))
        if not names:
            fail("%s holds no concentration dataset (c or c_1 ...)" % path)
        t = float(f.attrs["time"])
        length = float(f.attrs["L" + "xyz"[axis]])
        keep = 2 - axis  # datasets are [Nz][Ny][Nx]
        prof = [np.array(f[n], dtype=float).mean(axis=tuple(d for d in range(3) if d != keep)) for n in names]
    return t, names, length, prof


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("rundir")
    ap.add_argument("-o", "--output", help="PNG to write (default RUNDIR/couple.png)")
    ap.add_argument("--axis", default="x", choices="xyz", help="the couple's axis (-couple_axis)")
    ap.add_argument("--times", type=int, default=6, help="at most this many times, evenly chosen from the series")
    a = ap.parse_args(argv)
    files = sorted(glob.glob(os.path.join(a.rundir, "fields_*.h5")))
    if os.path.exists(os.path.join(a.rundir, "final.h5")):
        files.append(os.path.join(a.rundir, "final.h5"))
    if not files:
        fail("no field files in %s (run with -output_interval)" % a.rundir)
    if len(files) > a.times:
        pick = np.unique(np.round(np.linspace(0, len(files) - 1, a.times)).astype(int))
        files = [files[i] for i in pick]
    axis = "xyz".index(a.axis)
    data = [load(p, axis) for p in files]
    names = data[0][1]
    fig, axes = plt.subplots(1, len(names), figsize=(5 * len(names), 4), squeeze=False)
    cmap = plt.get_cmap("viridis")
    for j, name in enumerate(names):
        ax = axes[0, j]
        for k, (t, _, length, prof) in enumerate(data):
            n = prof[j].size
            x = (np.arange(n) + 0.5) * length / n
            ax.plot(x, prof[j], color=cmap(k / max(1, len(data) - 1)), label="t = %.4g" % t)
        ax.set_xlabel(a.axis)
        ax.set_ylabel(name)
        ax.set_title("%s along the couple" % name)
    axes[0, 0].legend(fontsize=8)
    fig.tight_layout()
    out = a.output or os.path.join(a.rundir, "couple.png")
    fig.savefig(out, dpi=110)
    print("wrote %s (%d times, %s)" % (out, len(data), ", ".join(names)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
