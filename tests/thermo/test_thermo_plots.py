#!/usr/bin/python3
"""tools/plot_landscape.py and tools/plot_run.py (needs numpy, matplotlib, h5py: exits 77,
which CTest reports as skipped, without them).
  - plot_landscape.py's closed-form fallback (used when no CSV is given) agrees with
    uphill3d-thermo's phase diagram: binodal and spinodal to 1e-10 at every temperature;
  - plot_landscape.py from the tool's CSVs (phase diagram, D_eff, ternary) and from the closed
    forms writes every PNG, each a valid PNG of the expected pixel size;
  - plot_run.py on synthetic run directories (stats.csv plus final.h5 with c of shape
    [Nz][Ny][Nx], [1][Ny][Nx], [Ny][Nx] and [Nx]) writes a valid PNG; without stats.csv it
    fails with a message.

Usage: test_thermo_plots.py TOOLS_DIR"""
import os
import struct
import subprocess
import sys

import thermo_testlib as T

try:
    import numpy as np
    import h5py  # noqa: F401
    import matplotlib  # noqa: F401
except ImportError as e:
    print("skipped: %s" % e)
    sys.exit(77)

TOOLS = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "tools")
sys.path.insert(0, TOOLS)
import plot_landscape  # noqa: E402


def png_size(path):
    """(width, height) from the IHDR chunk, or None if the file is not a PNG."""
    with open(path, "rb") as fp:
        head = fp.read(24)
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


def script(name, args):
    cmd = [sys.executable, os.path.join(TOOLS, name)] + [str(a) for a in args]
    print("$ " + " ".join(cmd), flush=True)
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=300)


def check_png(path, size):
    got = png_size(path) if os.path.isfile(path) else None
    T.check(got == size, "%s: PNG of %s pixels (expected %s), %d bytes" % (path, got, size, os.path.getsize(path) if os.path.isfile(path) else 0))


def landscape():
    T.run(["-temperature", 873, "-phase_diagram", "pd.csv", "-deff_csv", "deff.csv", "-ncomp_grid", 199])
    T.run(["-components", 3, "-omega_matrix", "0,20000,20000,20000,0,20000,20000,20000,0", "-temperature", 900, "-ternary_csv", "tern.csv", "-ternary_grid", 40])
    d = T.read_csv("pd.csv", ["T", "T_over_Tc", "binodal_lo", "binodal_hi", "spinodal_lo", "spinodal_hi"])
    worst = 0.0
    for i in range(len(d["T"]) - 1):
        t = d["T_over_Tc"][i]
        b, s = plot_landscape.binodal(t), plot_landscape.spinodal(t)
        worst = max(worst, abs(b[0] - d["binodal_lo"][i]) / d["binodal_lo"][i], abs(s[0] - d["spinodal_lo"][i]), abs(s[1] - d["spinodal_hi"][i]))
    T.check(worst <= 1e-10, "plot_landscape.py's closed forms vs the tool's phase diagram: max error %.2e" % worst)

    p = script("plot_landscape.py", ["--phase-diagram", "pd.csv", "--deff", "deff.csv", "--ternary", "tern.csv", "--outdir", "csv", "--dpi", 100])
    T.check(p.returncode == 0, "plot_landscape.py from CSVs: status %d %s" % (p.returncode, p.stderr[-500:]))
    check_png("csv/landscape_free_energy.png", (760, 420))
    check_png("csv/landscape_phase_diagram.png", (760, 420))
    check_png("csv/landscape_deff.png", (600, 420))
    check_png("csv/landscape_ternary.png", (520, 540))
    p = script("plot_landscape.py", ["--outdir", "closed", "--prefix", "cf", "--t", 0.6, "--dpi", 50])
    T.check(p.returncode == 0, "plot_landscape.py from closed forms: status %d %s" % (p.returncode, p.stderr[-500:]))
    check_png("closed/cf_phase_diagram.png", (380, 210))
    check_png("closed/cf_deff.png", (300, 210))
    T.check(not os.path.exists("closed/cf_ternary.png"), "no ternary plot without a ternary CSV")
    p = script("plot_landscape.py", ["--deff", "no_such.csv"])
    T.check(p.returncode != 0 and "no such file" in p.stderr, "a missing CSV is an error: %r" % p.stderr.strip()[-200:])
    p = script("plot_landscape.py", ["--deff", "pd.csv", "--outdir", "bad"])
    T.check(p.returncode != 0 and "expected columns" in p.stderr, "a CSV with the wrong columns is an error: %r" % p.stderr.strip()[-200:])


def write_run(path, shape):
    os.makedirs(path, exist_ok=True)
    n = 30
    t = np.concatenate([[0.0], np.logspace(-2, 2, n - 1)])
    with open(os.path.join(path, "stats.csv"), "w") as fp:
        fp.write("step,time,dt,free_energy,mass,snes_its,ksp_its,rejected,c_min,c_max,c_std\n")
        for i in range(n):
            dt = t[i] - t[i - 1] if i else 0.0
            fp.write("%d,%.17g,%.17g,%.17g,%.17g,3,20,%d,0.1,0.9,0.3\n" % (i, t[i], dt, 100 * np.exp(-t[i] / 10), 512.0 * (1 + 1e-15 * i), i % 7 == 3))
    rng = np.random.default_rng(1)
    with h5py.File(os.path.join(path, "final.h5"), "w") as f:
        f["c"] = 0.5 + 0.4 * np.tanh(rng.standard_normal(shape))
        f.attrs["time"] = 100.0
        for d, L in zip("xyz", (8.0, 4.0, 2.0)):
            f.attrs["L" + d] = L


def run_plots():
    for name, shape, axis in (("run3d", (6, 8, 10), "z"), ("run3d_x", (6, 8, 10), "x"), ("run2d_as_3d", (1, 8, 10), "z"), ("run2d", (8, 10), "z"), ("run1d", (64,), "z")):
        write_run(name, shape)
        p = script("plot_run.py", [name, "--axis", axis])
        T.check(p.returncode == 0, "plot_run.py %s (c of shape %s): status %d %s" % (name, shape, p.returncode, p.stderr[-500:]))
        check_png(os.path.join(name, "run.png"), (1000, 760))
    os.makedirs("empty", exist_ok=True)
    p = script("plot_run.py", ["empty"])
    T.check(p.returncode != 0 and "stats.csv" in p.stderr, "a directory without stats.csv is an error: %r" % p.stderr.strip()[-200:])
    write_run("nofinal", (8, 10))
    os.remove(os.path.join("nofinal", "final.h5"))
    p = script("plot_run.py", ["nofinal", "-o", "nofinal.png"])
    T.check(p.returncode == 0, "plot_run.py without final.h5 still plots the statistics")
    check_png("nofinal.png", (1000, 760))
    # a '#' comment line before the header (version and options), analysis.csv -> the L(t) panel;
    # R = T = 1 in final.h5 -> reduced units
    write_run("withlen", (8, 10))
    text = open("withlen/stats.csv").read()
    with open("withlen/stats.csv", "w") as fp:
        fp.write("# uphill3d 0.1.0 (git abc) options: -da_grid_x 10\n" + text)
    with h5py.File("withlen/final.h5", "a") as f:
        f.attrs["gas_constant"] = 1.0
        f.attrs["temperature"] = 1.0
    with open("withlen/analysis.csv", "w") as fp:
        fp.write("step,time,k1,L,area_per_volume,fraction,variance,c_mid,analysis_seconds,step_seconds\n")
        for i, ti in enumerate((0.0, 1.0, 10.0, 100.0)):
            fp.write("%d,%g,1,%g,0.1,0.5,0.1,0.5,0.01,0.1\n" % (i, ti, 2 + ti ** 0.3))
    p = script("plot_run.py", ["withlen"])
    T.check(p.returncode == 0, "plot_run.py with a comment line in stats.csv and analysis.csv: status %d %s" % (p.returncode, p.stderr[-500:]))
    check_png(os.path.join("withlen", "run.png"), (1500, 760))


def coarsening_plots():
    """plot_coarsening.py on synthetic in-situ analysis: L = 3 t^0.3 exactly for t >= 100 (a
    transient before), so the late-stage fit must return n = 0.3 to round-off."""
    import h5py
    os.makedirs("coarse", exist_ok=True)
    t = np.concatenate([[0.0], np.geomspace(1, 1e4, 41)])
    L = np.where(t >= 100, 3 * t ** 0.3, 3 * 100 ** 0.3 * (t / 100) ** 0.8)
    with open("coarse/analysis.csv", "w") as fp:
        fp.write("step,time,k1,L,area_per_volume,fraction,variance,c_mid,analysis_seconds,step_seconds\n")
        for i, (ti, Li) in enumerate(zip(t, L)):
            fp.write("%d,%.17g,%.17g,%.17g,0.1,0.5,0.1,0.5,0.01,0.1\n" % (i, ti, 2 * np.pi / Li, Li))
    k = np.arange(12) * 0.1
    with h5py.File("coarse/structure_factor.h5", "w") as f:
        f["k"] = k
        for i, ti in enumerate(t):
            g = f.create_group("step_%08d" % i)
            g["S"] = np.exp(-((k - 2 * np.pi / L[i]) / 0.1) ** 2)
            g["count"] = np.ones_like(k)
            g.attrs["time"] = ti
    p = script("plot_coarsening.py", ["coarse", "--tmin", "100", "--out", "coarse.png", "--csv", "coarse.csv"])
    T.check(p.returncode == 0, "plot_coarsening.py: status %d %s" % (p.returncode, p.stderr[-500:]))
    if os.path.isfile("coarse.csv"):
        with open("coarse.csv") as fp:
            n = float(fp.read().splitlines()[1].split(",")[1])
        T.check(abs(n - 0.3) <= 1e-6, "fitted late-stage exponent %.8f = 0.3 (the transient before t = 100 left out)" % n)
    check_png("coarse.png", (990, 396))
    T.check("finite-size" in p.stderr, "plot_coarsening.py warns when L > box/4 (box 2 pi/0.1 from the k spacing): %r" % p.stderr[-300:])
    p = script("plot_coarsening.py", ["coarse"])
    T.check(p.returncode == 0 and os.path.isfile("coarse/coarsening.png"), "plot_coarsening.py writes RUN_DIR/coarsening.png by default")


if __name__ == "__main__":
    landscape()
    run_plots()
    coarsening_plots()
    T.finish()
