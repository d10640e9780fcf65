#!/usr/bin/python3
"""Cost of the N-component model against N (issue 5's benchmark; not a test).

For N = 2 (the binary kernel), N = 2 through the general N-component kernel, and N = 3, 4 (5):
a spinodal run on G^3 cells (default 64) with a fixed step (-ts_adapt_type none) for a few
steps, on one rank, with -log_view.  From PETSc's event log:

  residual   time per residual evaluation (SNESFunctionEval; TS's IFunction and the ghost
             exchange) per grid point and per unknown (2(N-1) unknowns per point), and the
             effective memory traffic of the least data it must move (read the ghosted state and
             the time derivative, write the residual: 8 (2 + 1 + 2)(N-1) bytes per point) in GB/s;
  jacobian   time per Jacobian assembly per point;
  step       wall time per time step per unknown (Newton, Krylov/multigrid, everything);
  stream     the STREAM triad bandwidth measured by bench_kernels (built beside uphill3d) before
             and after the runs (the better of the two), and the residual's fraction of it.

The cost per unknown should grow no faster than the coupling: the residual does O((N-1)^2)
work per point (the L_ij(mu_j) sums), the Jacobian O((N-1)^3) with a concentration-dependent L
(its dL/dc terms), and the assembled matrix has 7 (2(N-1))^2 entries per point.

  benchmarks/ncomp_scaling.py                 # G=64, steps=3, N = 2 2g 3 4
  G=32 STEPS=2 NS="2 2g 3 4 5" MOB=atomic UPHILL3D=build/uphill3d benchmarks/ncomp_scaling.py
MOB=constant (default) uses L = I for N > 2 (the binary's constant mobility); MOB=atomic the
lattice-fixed L(c).
Writes benchmarks/results/ncomp_scaling.csv (or CSV=...)."""
import os
import re
import subprocess
import sys

G = int(os.environ.get("G", 64))
STEPS = int(os.environ.get("STEPS", 3))
NS = os.environ.get("NS", "2 2g 3 4").split()
EXE = os.environ.get("UPHILL3D", "build/uphill3d")
CSV = os.environ.get("CSV", os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "ncomp_scaling.csv"))
OUT = os.environ.get("DIR", "/tmp/uphill3d_ncomp_scaling")
MOB = os.environ.get("MOB", "constant")  # constant: L = I (-mobility_matrix); atomic: L(c) from M_k = 1

BENCH = os.environ.get("BENCH_KERNELS", os.path.join(os.path.dirname(EXE), "bench_kernels"))
W = 3.5  # Omega_ij / RT for every pair: inside the spinodal for N = 2 .. 5 at c_i = 1/N


def model(tag):
    n = int(tag.rstrip("g"))
    # the Newton-multigrid path's cost against N (the etd default has no SNES events)
    base = ["-integrator", "bdf", "-gas_constant", 1, "-temperature", 1, "-kappa", 1, "-ic", "noise", "-ic_amplitude", 0.01]
    if tag == "2":
        return base + ["-omega", W, "-c0", 0.5]
    om = ",".join(str(0 if i == j else W) for i in range(n) for j in range(n))
    c0 = ",".join("%.4f" % (1.0 / n) for _ in range(n - 1))
    if MOB == "atomic":
        mob = ["-atomic_mobilities", ",".join(["1"] * n)]
    else:
        mob = ["-mobility_matrix", ",".join(str(int(i == j)) for i in range(n - 1) for j in range(n - 1))]
    return base + ["-components", n, "-omega_matrix", om, "-c0", c0] + mob


def event(log, name):
    m = re.search(r"^%s\s+(\d+)\s+\S+\s+(\S+)" % name, log, re.M)
    return (int(m.group(1)), float(m.group(2))) if m else (0, float("nan"))


def stream():
    """STREAM triad GB/s from one short bench_kernels run (nan if it is not built)."""
    if not os.path.exists(BENCH):
        return float("nan")
    csv = os.path.join(OUT, "stream.csv")
    os.makedirs(OUT, exist_ok=True)
    subprocess.run([BENCH, "-bench_grids", "16", "-bench_rounds", "5", "-bench_csv", csv], stdout=subprocess.DEVNULL, check=True)
    with open(csv) as fp:
        lines = [l.split(",") for l in fp.read().splitlines()]
    head = lines[0]
    row = next(l for l in lines[1:] if l[head.index("kernel")] == "stream_triad")
    return float(row[head.index("stream_GBps")])


rows = []
stream_before = stream()
for tag in NS:
    nc = int(tag.rstrip("g")) - 1
    args = [EXE] + [str(a) for a in model(tag)] + ["-da_grid_x", G, "-da_grid_y", G, "-da_grid_z", G, "-Lx", G, "-Ly", G, "-Lz", G,
                                                   "-ts_adapt_type", "none", "-ts_dt", 0.05, "-ts_max_steps", STEPS,
                                                   "-final_output", 0, "-progress_interval", 1e9, "-output_dir", OUT, "-log_view"]
    p = subprocess.run([str(a) for a in args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode:
        sys.exit(p.stdout[-3000:])
    pts = G ** 3
    nf, tf = event(p.stdout, "SNESFunctionEval")
    nj, tj = event(p.stdout, "SNESJacobianEval")
    ns, ts = event(p.stdout, "TSStep")
    unk = 2 * nc * pts
    row = dict(case=tag, N=nc + 1, unknowns_per_point=2 * nc, res_ns_per_point=tf / nf / pts * 1e9, res_ns_per_unknown=tf / nf / unk * 1e9,
               res_GBs=8 * 5 * nc * pts / (tf / nf) / 1e9, jac_ns_per_point=tj / nj / pts * 1e9, step_us_per_unknown=ts / ns / unk * 1e6,
               newton_per_step=int(re.search(r"Newton iterations (\d+)", p.stdout).group(1)) / STEPS)
    rows.append(row)
    print("N=%-3s res %7.1f ns/pt %6.1f ns/unknown %5.2f GB/s | jac %8.1f ns/pt | step %6.3f us/unknown (%.1f Newton/step)" %
          (tag, row["res_ns_per_point"], row["res_ns_per_unknown"], row["res_GBs"], row["jac_ns_per_point"], row["step_us_per_unknown"], row["newton_per_step"]), flush=True)
bw = max(stream_before, stream())
for r in rows:
    r["stream_GBs"] = bw
    r["res_fraction_of_stream"] = r["res_GBs"] / bw
print("STREAM triad %.2f GB/s: residual at %s of it" % (bw, ", ".join("N=%s %.1f%%" % (r["case"], 100 * r["res_fraction_of_stream"]) for r in rows)))
os.makedirs(os.path.dirname(CSV), exist_ok=True)
with open(CSV, "w") as fp:
    fp.write("# G=%d steps=%d MOB=%s one rank; %s\n" % (G, STEPS, MOB, os.uname().nodename))
    fp.write(",".join(rows[0].keys()) + "\n")
    for r in rows:
        fp.write(",".join(("%.4g" % v) if isinstance(v, float) else str(v) for v in r.values()) + "\n")
print("wrote", CSV)
