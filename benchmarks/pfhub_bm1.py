#!/usr/bin/python3
"""PFHub benchmark 1 (spinodal decomposition) with uphill3d: runs, table, plots, upload files.

Benchmark: Jokisaari et al., "Benchmark problems for numerical implementations of phase field
models", Comput. Mater. Sci. 126 (2017) 139-151, and its notebook benchmarks/benchmark1.ipynb
(usnistgov/pfhub); community uploads at https://pages.nist.gov/pfhub/ (benchmark 1).
Variants: 1a periodic, 1b no-flux; 200 x 200, h = 1, f = rho (c - ca)^2 (cb - c)^2, rho = 5,
ca = 0.3, cb = 0.7, kappa = 2, M = 5 (input/pfhub_bm1a.opts, input/pfhub_bm1b.opts).

  pfhub_bm1.py run VARIANT OUTDIR [--grid N] [--tend T] [--split T1] [--resume] [-- EXTRA options]
      runs uphill3d: to T1 (default 1e4) with field files every 1e3, a checkpoint at the end,
      then restarted from the last checkpoint in chunks of 2e5 up to T (default 2e6), stopping
      at equilibrium (F changed by < 1e-6 relative over a chunk); records wall time and peak
      memory (run.json).  --resume continues such a run from its last checkpoint.
  pfhub_bm1.py upload OUTDIR VARIANT DEST [--wall S] [--memory KB]
      writes DEST/free_energy_1VARIANT.csv (time,free_energy: PFHub's upload format) and
      DEST/metadata_1VARIANT.json (wall time, memory, simulated time, the code's details).
  pfhub_bm1.py report RESULTS
      the table (RESULTS/pfhub_bm1_table.md), F(t) log-log with the published band
      (pfhub_bm1_energy.png) and the fields at 1e3, 1e4 and the end (pfhub_bm1_fields.png).

The published numbers are the few values quoted in uphill3d issue 14 from the PFHub
benchmark 1 uploads (MEMPHIS and three MOOSE uploads; https://pages.nist.gov/pfhub/): the
range [min, max] over those uploads.  Only these numbers are stored here, not their files."""
import glob
import json
import math
import os
import resource
import subprocess
import sys
import time

import numpy as np

RHO, CA, CB, KAPPA, M = 5.0, 0.3, 0.7, 2.0, 5.0
C0, EPS = 0.5, 0.01

# PFHub benchmark 1 uploads (MEMPHIS, MOOSE x3), as quoted in issue 14: (min, max) or a value.
PUBLISHED = {
    "b": {"F0": (319.040, 319.061), "F1e3": (72.77, 74.97), "F1e4": (38.63, 42.84),
          "final_flat": 9.603, "final_quarter_circle": 12.09},
    "a": {"F1e4": (34.14, 40.81)},
}
CONTINUUM_F0 = 319.0433
SOURCES = ("PFHub benchmark 1 uploads, https://pages.nist.gov/pfhub/ (MEMPHIS, MOOSE x3); "
           "Jokisaari et al., Comput. Mater. Sci. 126 (2017) 139-151")


# ---- the benchmark's field and the discrete energy uphill3d uses (src/energy.c) --------------

def initial_field(n=200, length=200.0):
    """c0 + eps S(x, y) at cell centres (i + 1/2) h, origin at the lower-left corner; [y][x]."""
    h = length / n
    x = (np.arange(n) + 0.5) * h
    X, Y = np.meshgrid(x, x)
    S = (np.cos(0.105 * X) * np.cos(0.11 * Y) + (np.cos(0.13 * X) * np.cos(0.087 * Y)) ** 2
         + np.cos(0.025 * X - 0.15 * Y) * np.cos(0.07 * X - 0.02 * Y))
    return C0 + EPS * S


def discrete_energy(c, h=1.0, periodic=False):
    """F = sum_cells f(c) h^2 + kappa/2 sum_faces ((c+ - c-)/h)^2 h^2 (2D, [y][x]); no-flux
    walls have no wall-face gradient, periodic ones add the wrap-around faces."""
    f = RHO * (c - CA) ** 2 * (CB - c) ** 2
    if periodic:
        gx, gy = np.roll(c, -1, axis=1) - c, np.roll(c, -1, axis=0) - c
        grad = (gx ** 2).sum() + (gy ** 2).sum()
    else:
        grad = (np.diff(c, axis=1) ** 2).sum() + (np.diff(c, axis=0) ** 2).sum()
    return f.sum() * h * h + 0.5 * KAPPA * grad


def flat_interface_energy(h=1.0):
    """The discrete energy per unit length of the flat equilibrium interface on spacing h (the
    minimiser of the 1D discrete energy, Newton from the tanh; docs/MODEL.md section 3.10) and
    the continuum sigma = sqrt(2 kappa rho)(cb - ca)^3/6."""
    sigma = math.sqrt(2 * KAPPA * RHO) * (CB - CA) ** 3 / 6
    delta = math.sqrt(KAPPA / (2 * RHO)) / (CB - CA)
    n = 2 * int(40 * delta / h) + 2
    x = (np.arange(n) - (n - 1) / 2) * h
    c = 0.5 * (CA + CB) + 0.5 * (CB - CA) * np.tanh(x / (2 * delta))
    d1 = lambda c: 2 * RHO * (c - CA) * (CB - c) * (CA + CB - 2 * c)
    d2 = lambda c: 2 * RHO * ((CA + CB - 2 * c) ** 2 - 2 * (c - CA) * (CB - c))
    k = KAPPA / h
    for _ in range(50):
        full = np.concatenate(([CA], c, [CB]))
        g = h * d1(c) - k * (full[2:] - 2 * c + full[:-2])
        H = np.diag(h * d2(c) + 2 * k) - k * np.eye(n, k=1) - k * np.eye(n, k=-1)
        c = c - np.linalg.solve(H, g)
    full = np.concatenate(([CA], c, [CB]))
    return h * (RHO * (c - CA) ** 2 * (CB - c) ** 2).sum() + 0.5 * KAPPA * (np.diff(full) ** 2).sum() / h, sigma


# ---- stats.csv, upload files ------------------------------------------------------------------

def read_stats(outdir):
    with open(os.path.join(outdir, "stats.csv")) as fp:
        lines = [line for line in fp if not line.startswith("#")]
    header = lines[0].strip().split(",")
    data = np.loadtxt(lines[1:], delimiter=",", ndmin=2)
    return {name: data[:, i] for i, name in enumerate(header)}


def write_upload(outdir, variant, dest, wall=None, memory_kb=None):
    """PFHub's upload format: free_energy_1X.csv (time,free_energy) and the metadata."""
    s = read_stats(outdir)
    os.makedirs(dest, exist_ok=True)
    path = os.path.join(dest, "free_energy_1%s.csv" % variant)
    with open(path + ".tmp", "w") as fp:
        fp.write("time,free_energy\n")
        for t, F in zip(s["time"], s["free_energy"]):
            fp.write("%.10g,%.10g\n" % (t, F))
    os.replace(path + ".tmp", path)
    meta = {"benchmark": "1%s" % variant, "code": "uphill3d", "simulated_time": float(s["time"][-1]),
            "wall_time_s": wall, "memory_kb": memory_kb, "cores": 1, "timesteps": int(s["step"][-1]),
            "grid": "200 x 200, h = 1 (cell-centred finite volumes)",
            "integrator": "uphill3d defaults (-integrator auto: Rosenbrock-W RA34PW2, adaptive)"}
    mpath = os.path.join(dest, "metadata_1%s.json" % variant)
    with open(mpath, "w") as fp:
        json.dump(meta, fp, indent=1)
    return path, mpath


def read_upload(path):
    """(time, free_energy) arrays of an upload CSV; checks the header."""
    with open(path) as fp:
        header = fp.readline().strip()
        if header != "time,free_energy":
            raise ValueError("%s: header %r, expected 'time,free_energy'" % (path, header))
        data = np.loadtxt(fp, delimiter=",", ndmin=2)
    return data[:, 0], data[:, 1]


# ---- runs -------------------------------------------------------------------------------------

def uphill(exe, args, log):
    """Runs uphill3d, appending to log; returns (wall seconds, peak RSS of the children in kB)."""
    t0 = time.time()
    with open(log, "a") as fp:
        fp.write("$ " + " ".join([exe] + args) + "\n")
        fp.flush()
        p = subprocess.run([exe] + args, stdout=fp, stderr=subprocess.STDOUT)
    if p.returncode:
        sys.exit("uphill3d failed (status %d): see %s" % (p.returncode, log))
    return time.time() - t0, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def run(variant, outdir, root, grid=200, tend=2e6, split=1e4, chunk=2e5, resume=False, extra=()):
    exe = os.environ.get("UPHILL3D", os.path.join(root, "build", "uphill3d"))
    opts = os.path.join(root, "input", "pfhub_bm1%s.opts" % variant)
    base = ["-options_file", opts, "-output_dir", outdir, "-da_grid_x", str(grid), "-da_grid_y", str(grid),
            "-progress_interval", "60"] + list(extra)
    os.makedirs(outdir, exist_ok=True)
    log = os.path.join(outdir, "run.log")
    info = os.path.join(outdir, "run.json")
    if resume and os.path.exists(info):  # continue a run that stopped short of equilibrium
        prev = json.load(open(info))
        wall, mem0 = prev["wall_time_s"], prev["memory_kb"]
    else:
        if os.path.exists(log):
            os.remove(log)
        first = ["-ts_max_time", "%g" % min(split, tend), "-output_interval", "1000", "-final_output",
                 "-checkpoint_walltime", "600", "-checkpoint_keep", "2"]
        wall, mem = uphill(exe, base + first, log)
        mem0 = mem
    # then restarted in chunks of `chunk` to tend, stopping early at equilibrium: F changed
    # by less than 1e-6 relative over the last chunk
    s = read_stats(outdir)
    t, F = s["time"][-1], s["free_energy"][-1]
    while t < tend:
        t = min(t + chunk, tend)
        w, mem = uphill(exe, base + ["-restart", "latest", "-ts_max_time", "%g" % t, "-output_interval", "0",
                                     "-final_output", "-checkpoint_walltime", "600", "-checkpoint_keep", "2"], log)
        wall += w
        Fnew = read_stats(outdir)["free_energy"][-1]
        if abs(Fnew - F) < 1e-6 * abs(Fnew):
            break
        F = Fnew
    m1 = max(mem, mem0)
    with open(os.path.join(outdir, "run.json"), "w") as fp:
        json.dump({"wall_time_s": wall, "memory_kb": m1, "grid": grid, "tend": tend}, fp)
    return wall, m1


# ---- report -----------------------------------------------------------------------------------

def field_at(outdir, t):
    """c of the field file written at time t (the integrator's dense output), or None."""
    import h5py
    for path in sorted(glob.glob(os.path.join(outdir, "fields_*.h5"))):
        with h5py.File(path, "r") as f:
            tt = float(np.asarray(f.attrs.get("time", np.nan)).ravel()[0])
            if abs(tt - t) <= 1e-9 * t:
                return np.array(f["c"], dtype=float).reshape(f["c"].shape[-2:])
    return None


def final_field(outdir):
    import h5py
    with h5py.File(os.path.join(outdir, "final.h5"), "r") as f:
        return np.array(f["c"], dtype=float).reshape(f["c"].shape[-2:])


def energy_at(outdir, t, periodic, h=1.0):
    """F(t): from the field file at t (exact time) if there is one, else stats.csv interpolated."""
    c = field_at(outdir, t)
    if c is not None:
        return discrete_energy(c, h, periodic)
    s = read_stats(outdir)
    return float(np.interp(t, s["time"], s["free_energy"]))


def band(v):
    if isinstance(v, tuple):
        return "%.2f-%.2f" % v
    return "%.4g" % v


def inside(x, v):
    return "yes" if isinstance(v, tuple) and v[0] <= x <= v[1] else ("no" if isinstance(v, tuple) else "")


def report(results):
    rows, curves, pics = [], {}, {}
    for variant in "ab":
        outdir = os.path.join(results, "pfhub_bm1%s_200" % variant)
        if not os.path.exists(os.path.join(outdir, "stats.csv")):
            continue
        periodic = variant == "a"
        s = read_stats(outdir)
        curves[variant] = (s["time"], s["free_energy"])
        info = json.load(open(os.path.join(outdir, "run.json"))) if os.path.exists(os.path.join(outdir, "run.json")) else {}
        pub = PUBLISHED[variant]
        vals = [("F(0)", s["free_energy"][0], pub.get("F0")),
                ("F(1e3)", energy_at(outdir, 1e3, periodic), pub.get("F1e3")),
                ("F(1e4)", energy_at(outdir, 1e4, periodic), pub.get("F1e4")),
                ("final F (t = %.3g)" % s["time"][-1], s["free_energy"][-1],
                 (pub.get("final_flat"), pub.get("final_quarter_circle")) if variant == "b" else None)]
        sh, sig = flat_interface_energy(1.0)
        if variant == "b":
            vals.append(("flat interface: 200 sigma_h (h = 1) / 200 sigma", 200 * sh, "continuum %.4f; final F %+.3f%% from 200 sigma_h" % (200 * sig, 100 * (s["free_energy"][-1] / (200 * sh) - 1))))
        else:
            vals.append(("two diagonal stripes: 2 x 200 sqrt(2) sigma", 400 * math.sqrt(2) * sig, "continuum; one axis-aligned stripe: 2 x 200 sigma_h = %.4f" % (400 * sh)))
        for name, x, p in vals:
            if p is None:
                rows.append((variant, name, "%.4f" % x, "", ""))
            elif isinstance(p, str):
                rows.append((variant, name, "%.4f" % x, p, ""))
            elif name.startswith("final"):
                rows.append((variant, name, "%.4f" % x, "flat %.4g (MOOSE), quarter circle %.4g" % p, ""))
            else:
                rows.append((variant, name, "%.4f" % x, band(p), inside(x, p)))
        if info:
            rows.append((variant, "wall time to t = %.3g (1 core)" % s["time"][-1], "%.0f s" % info["wall_time_s"], "", ""))
            rows.append((variant, "peak memory", "%.0f MB" % (info["memory_kb"] / 1024), "", ""))
        pics[variant] = [(t, field_at(outdir, t)) for t in (1e3, 1e4)] + [(s["time"][-1], final_field(outdir) if os.path.exists(os.path.join(outdir, "final.h5")) else None)]
    fine = os.path.join(results, "pfhub_bm1b_400")
    if os.path.exists(os.path.join(fine, "stats.csv")):
        F400 = energy_at(fine, 1e3, False, h=0.5)
        F200 = energy_at(os.path.join(results, "pfhub_bm1b_200"), 1e3, False)
        rows.append(("b", "F(1e3) on 400^2 (h = 0.5)", "%.4f (%+.2f%% vs 200^2)" % (F400, 100 * (F400 / F200 - 1)), band(PUBLISHED["b"]["F1e3"]), inside(F400, PUBLISHED["b"]["F1e3"])))
    lines = ["| variant | quantity | uphill3d | published (%s) | inside |" % "MEMPHIS, MOOSE x3", "|---|---|---|---|---|"]
    lines += ["| 1%s | %s | %s | %s | %s |" % r for r in rows]
    lines += ["", "Published: " + SOURCES + "; the numbers are the range over those uploads as quoted in issue 14."]
    table = "\n".join(lines)
    with open(os.path.join(results, "pfhub_bm1_table.md"), "w") as fp:
        fp.write(table + "\n")
    print(table)
    plot(results, curves, pics)


def plot(results, curves, pics):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6.4, 4.6))
    for variant, (t, F) in curves.items():
        ax.loglog(t[1:], F[1:], label="uphill3d 1%s (200$^2$, defaults)" % variant)
    for variant, col in (("b", "C1"), ("a", "C0")):
        for key, t in (("F1e3", 1e3), ("F1e4", 1e4)):
            p = PUBLISHED[variant].get(key)
            if p:
                ax.errorbar([t * (1.08 if variant == "b" else 0.93)], [0.5 * (p[0] + p[1])], yerr=[[0.5 * (p[1] - p[0])]],
                            fmt="none", ecolor=col, capsize=4, lw=2)
    ax.axhline(PUBLISHED["b"]["final_flat"], color="C1", ls=":", lw=1, label="1b flat interface, MOOSE upload")
    ax.plot([], [], color="k", lw=2, label="published range (MEMPHIS, MOOSE x3)")
    ax.set_xlabel("time")
    ax.set_ylabel("free energy F")
    ax.set_title("PFHub benchmark 1")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(results, "pfhub_bm1_energy.png"), dpi=110)
    plt.close(fig)
    if pics:
        fig, axs = plt.subplots(len(pics), 3, figsize=(9, 3 * len(pics)), squeeze=False)
        for row, (variant, p) in enumerate(sorted(pics.items())):
            for col, (t, c) in enumerate(p):
                a = axs[row][col]
                if c is not None:
                    a.imshow(c, origin="lower", cmap="RdBu_r", vmin=CA, vmax=CB)
                a.set_title("1%s, t = %.3g" % (variant, t), fontsize=9)
                a.set_xticks([])
                a.set_yticks([])
        fig.tight_layout()
        fig.savefig(os.path.join(results, "pfhub_bm1_fields.png"), dpi=90)
        plt.close(fig)


def main(argv):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if len(argv) >= 3 and argv[0] == "run":
        extra = argv[argv.index("--") + 1:] if "--" in argv else []
        args = argv[:argv.index("--")] if "--" in argv else argv
        kw = {}
        for flag, key in (("--grid", "grid"), ("--tend", "tend"), ("--split", "split")):
            if flag in args:
                kw[key] = (int if key == "grid" else float)(args[args.index(flag) + 1])
        wall, mem = run(args[1], args[2], root, resume="--resume" in args, extra=extra, **kw)
        print("1%s: wall %.1f s, peak memory %.0f MB" % (args[1], wall, mem / 1024))
    elif len(argv) >= 4 and argv[0] == "upload":
        info_path = os.path.join(argv[1], "run.json")
        info = json.load(open(info_path)) if os.path.exists(info_path) else {}
        print("wrote %s and %s" % write_upload(argv[1], argv[2], argv[3], info.get("wall_time_s"), info.get("memory_kb")))
    elif len(argv) == 2 and argv[0] == "report":
        report(argv[1])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
