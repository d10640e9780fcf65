#!/usr/bin/python3
"""Helper of benchmarks/scaling.sh (numpy, matplotlib).

  scaling.py header                         the CSV header
  scaling.py row MODE RANKS GRID LOG RUNDIR [REPEAT]  one CSV row from a run's -log_view output
                                            and stats.csv
  scaling.py finish CSV PNG                 parallel efficiency (against the smallest rank count
                                            of each mode) into the CSV, and the plot
Efficiency: strong  E(p) = p0 T(p0) / (p T(p)),  weak  E(p) = T(p0) / T(p), T = time per step
(the TSStep event of -log_view: the slowest rank's time, divided by the number of steps).
ksp_s, pcsetup_s, residual_s, jacobian_s (KSPSolve, PCSetUp, SNESFunctionEval, SNESJacobianEval)
and msgs, msg_bytes (MPI messages and bytes, all ranks) are totals of the whole run, including
the solver set-up before the first step (one multigrid hierarchy build); peak_mem_bytes_per_point:
-memory_view's maximum resident memory of all ranks together per grid point.
"""
import csv
import re
import sys

HEADER = ["mode", "ranks", "grid", "points", "points_per_rank", "steps", "newton_per_step",
          "krylov_per_newton", "time_per_step_s", "ksp_s", "pcsetup_s", "residual_s", "jacobian_s",
          "msgs", "msg_bytes", "peak_mem_bytes_per_point",
          "efficiency", "status", "repeat", "best"]


def event(text, name):
    """(count, max time) of a -log_view event, or (0, nan)."""
    m = re.search(r"^%s\s+(\d+)\s+[\d.]+\s+([\d.eE+-]+)" % re.escape(name), text, re.M)
    return (int(m.group(1)), float(m.group(2))) if m else (0, float("nan"))


def summary(text, name):
    """Total column of a -log_view summary line ('MPI Messages:', ...), or 0."""
    m = re.search(r"^%s\s+([\d.eE+-]+)\s+([\d.eE+-]+)\s+([\d.eE+-]+)\s+([\d.eE+-]+)" % re.escape(name), text, re.M)
    return float(m.group(4)) if m else 0.0


def peak_memory(text):
    """-memory_view's maximum resident memory of all ranks together (bytes), or nan."""
    m = re.search(r"Maximum \(over computational time\) process memory:\s+total\s+([\d.eE+-]+)", text)
    return float(m.group(1)) if m else float("nan")


def row(mode, ranks, grid, log, rundir, rep="1"):
    text = open(log).read()
    nx, ny, nz = (int(v) for v in grid.split("x"))
    pts = nx * ny * nz
    try:
        rows = list(csv.DictReader(line for line in open(f"{rundir}/stats.csv") if not line.startswith("#")))[1:]
    except OSError:
        rows = []
    steps = len(rows)
    newton = sum(int(r["snes_its"]) for r in rows)
    krylov = sum(int(r["ksp_its"]) for r in rows)
    nstep, tstep = event(text, "TSStep")
    per = lambda t: t / nstep if nstep else float("nan")
    status = "ok" if "uphill3d: finished" in text else "did not finish"
    m = re.search(r"\((\d+) rejected, (\d+) failed Newton solves\)", text)
    if m and (int(m.group(1)) or int(m.group(2))):
        status = f"{m.group(1)} rejected, {m.group(2)} failed Newton solves"
    out = [mode, int(ranks), grid, pts, pts // int(ranks), steps,
           f"{newton / max(steps, 1):.3f}", f"{krylov / max(newton, 1):.3f}", f"{per(tstep):.5g}",
           f"{event(text, 'KSPSolve')[1]:.5g}", f"{event(text, 'PCSetUp')[1]:.5g}",
           f"{event(text, 'SNESFunctionEval')[1]:.5g}", f"{event(text, 'SNESJacobianEval')[1]:.5g}",
           f"{summary(text, 'MPI Msg Count:') or summary(text, 'MPI Messages:'):.5g}",
           f"{summary(text, 'MPI Msg Len (bytes):') or summary(text, 'MPI Message Lengths:'):.5g}",
           f"{peak_memory(text) / pts:.1f}",
           "", status, rep, ""]
    print(",".join(str(v) for v in out))


def finish(path, png):
    rows = list(csv.DictReader(open(path)))
    for mode in ("strong", "weak"):
        rs = [r for r in rows if r["mode"] == mode and r["time_per_step_s"] not in ("", "nan")]
        if not rs:
            continue
        best = {}
        for r in rs:
            p = int(r["ranks"])
            if p not in best or float(r["time_per_step_s"]) < float(best[p]["time_per_step_s"]):
                best[p] = r
        p0 = min(best)
        t0 = float(best[p0]["time_per_step_s"])
        for p, r in best.items():
            t = float(r["time_per_step_s"])
            r["best"] = "1"
            r["efficiency"] = f"{(p0 * t0 / (p * t)) if mode == 'strong' else (t0 / t):.4f}"
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=HEADER)
        w.writeheader()
        w.writerows(rows)
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(1, 2, figsize=(10, 4))
    for mode, mk in (("strong", "o-"), ("weak", "s-")):
        rs = sorted((r for r in rows if r["mode"] == mode and r.get("best") == "1"), key=lambda r: int(r["ranks"]))
        if not rs:
            continue
        p = [int(r["ranks"]) for r in rs]
        t = [float(r["time_per_step_s"]) for r in rs]
        ax[0].plot(p, t, mk, label=f"{mode} ({rs[0]['grid']} at {p[0]} rank(s))")
        ideal = [t[0] * p[0] / q for q in p] if mode == "strong" else [t[0] for q in p]
        ax[0].plot(p, ideal, ":", color=ax[0].lines[-1].get_color(), label=f"{mode}: ideal")
        ax[1].plot(p, [float(r["efficiency"]) for r in rs], mk, label=mode)
    for a in ax:
        a.set_xscale("log", base=2)
        a.set_xlabel("ranks")
        a.legend(fontsize=8)
    ax[0].set_yscale("log")
    ax[0].set_title("time per step (s)")
    ax[1].set_title("parallel efficiency")
    ax[1].set_ylim(0, 1.1)
    ax[1].axhline(0.85, color="k", ls=":", lw=1)
    fig.tight_layout()
    fig.savefig(png, dpi=100)


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "header":
        print(",".join(HEADER))
    elif cmd == "row":
        row(*sys.argv[2:8])
    elif cmd == "finish":
        finish(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
