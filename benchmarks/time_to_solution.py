#!/usr/bin/python3
"""Table, CSV and work-precision plot of benchmarks/time_to_solution.sh.

Inputs: the invocation's timed runs (every repeat) and the cached reference rows.  Per
configuration: best-of-repeats wall time (the runs are interleaved; the best is the least
disturbed by the other users of the machine), steps, Newton/Krylov iterations, s/step, ns per
point per step, F(t_end) and its relative error against
  - err_ref: the converged spectral fd-symbol reference (Richardson-extrapolated SBDF2): the
    exact solution of uphill3d's own semi-discretisation, so it is THE reference for every row;
  - err_own: the method's own tight reference (spectral rows: the same; uphill3d rows: the
    uphill3d reference run).
The spread between the two references says how far the uphill3d reference is from converged.
With --trace-dir (problem e): also err_run, the largest relative error of F over the run, at
t_end/10, 2 t_end/10, ..., t_end, against the spectral references' trajectory (Richardson, as
F(t_end)); uphill3d's F(t) interpolated linearly between its steps.

Writes OUT.csv, OUT.md (the table) and OUT.png (error against wall time, log-log); with traces also
OUT_run.png (the largest error over the run against wall time)."""
import argparse
import csv
import math
import os


def read_rows(path):
    if not os.path.exists(path):
        return []
    with open(path) as fp:
        return list(csv.DictReader(fp))


def fnum(x):
    try:
        return float(x)
    except (TypeError, ValueError):
        return math.nan


def spectral_reference(refs):
    """Richardson extrapolation of SBDF2 (order 2) from dt/2, dt/4; the same from dt, dt/2 says
    how far the extrapolated value still moves (must be < 1e-7 relative).  The order observed
    from the three runs is reported as a check that they are in the asymptotic range."""
    rows = sorted((r for r in refs if r["label"].startswith("spectral ref") and r["status"] == "ok"),
                  key=lambda r: -fnum(r["dt"]))
    if len(rows) < 3:
        raise SystemExit("need the three spectral reference runs, have %d" % len(rows))
    F1, F2, F3 = (fnum(r["F"]) for r in rows[-3:])
    ratio = (F1 - F2) / (F2 - F3) if F2 != F3 else math.inf
    order = math.log2(ratio) if ratio > 0 else math.nan
    Ra = F2 + (F2 - F1) / 3
    Rb = F3 + (F3 - F2) / 3
    return {"F": Rb, "order": order, "halving_change": abs(Rb - Ra) / abs(Rb), "rows": rows[-3:],
            "last_step_change": abs(F3 - F2) / abs(F3)}


def trace_name(label):
    return "".join(ch if ch.isalnum() or ch in ".=_-" else "_" for ch in label) + ".txt"


def read_trace(trace_dir, label):
    """(times, F) of a run: the spectral code's TRACE lines or uphill3d's time,F rows; None if absent."""
    path = os.path.join(trace_dir, trace_name(label))
    if not trace_dir or not os.path.exists(path):
        return None
    ts, Fs = [], []
    with open(path) as fp:
        for line in fp:
            if line.startswith("TRACE "):
                kv = dict(w.split("=") for w in line.split()[1:])
                ts.append(float(kv["t"])), Fs.append(float(kv["F"]))
                continue
            try:
                t, F = (float(x) for x in line.strip().split(","))
            except ValueError:
                continue
            ts.append(t), Fs.append(F)
    return (ts, Fs) if ts else None


def reference_trajectory(trace_dir, sref, t_end):
    """F_ref(t) at t_end/10 ... t_end: Richardson (order 2) of the two finest spectral references."""
    tr = [read_trace(trace_dir, r["label"]) for r in sref["rows"][-2:]]
    if any(t is None for t in tr):
        return None
    times = [t_end * k / 10 for k in range(1, 11)]

    def at(trace, t):
        for ti, Fi in zip(*trace):
            if abs(ti - t) <= 1e-9 * max(1.0, t):
                return Fi
        return math.nan
    return times, [at(tr[1], t) + (at(tr[1], t) - at(tr[0], t)) / 3 for t in times]


def run_error(trace, ref):
    """Largest relative error of F over the reference's times (linear interpolation of the trace)."""
    if trace is None or ref is None:
        return math.nan
    ts, Fs = trace
    worst = 0.0
    for t, Fr in zip(*ref):
        if not (ts[0] <= t <= ts[-1] * (1 + 1e-12)):
            return math.nan
        j = next(i for i in range(len(ts)) if ts[i] >= t * (1 - 1e-12))
        F = Fs[j] if j == 0 or ts[j] == ts[j - 1] else Fs[j - 1] + (Fs[j] - Fs[j - 1]) * (t - ts[j - 1]) / (ts[j] - ts[j - 1])
        worst = max(worst, abs(F - Fr) / abs(Fr))
    return worst


def aggregate(runs):
    """One entry per label, in first-seen order; wall = best over ok repeats."""
    out = {}
    for r in runs:
        e = out.setdefault(r["label"], {"row": r, "walls": [], "totals": [], "F": set(), "status": set()})
        e["status"].add(r["status"])
        if r["status"] == "ok":
            e["walls"].append(fnum(r["wall"]))
            e["totals"].append(fnum(r["wall_total"]))
            e["F"].add(r["F"])
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", required=True)
    ap.add_argument("--refs", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--problem", default="a")
    ap.add_argument("--n", type=int, default=48)
    ap.add_argument("--t-end", type=float, default=435.5)
    ap.add_argument("--uphill-ref", default="")
    ap.add_argument("--trace-dir", default="")
    a = ap.parse_args()

    refs = read_rows(a.refs)
    sref = spectral_reference(refs)
    uref_rows = [r for r in refs if r["label"] == a.uphill_ref and r["status"] == "ok"]
    F_u = fnum(uref_rows[0]["F"]) if uref_rows else math.nan
    spread = abs(F_u - sref["F"]) / abs(sref["F"])
    npts = a.n ** 3
    tref = reference_trajectory(a.trace_dir, sref, a.t_end) if a.problem == "e" else None

    table = []
    for label, e in aggregate(read_rows(a.runs)).items():
        r = e["row"]
        ok = bool(e["walls"])
        F = fnum(sorted(e["F"])[0]) if ok else math.nan
        wall = min(e["walls"]) if ok else math.nan
        steps = int(r["steps"]) if r["steps"] else 0
        own = sref["F"] if r["code"] == "spectral" else F_u
        table.append({
            "label": label, "code": r["code"], "scheme": r["scheme"], "dt": r["dt"], "options": r["options"],
            "status": "ok" if ok else "/".join(sorted(e["status"])), "repeats": len(e["walls"]),
            "steps": steps, "rejected": r["rejected"], "newton": r["newton"], "krylov": r["krylov"],
            "wall": wall, "wall_max": max(e["walls"]) if ok else math.nan,
            "wall_total": min(e["totals"]) if ok else math.nan,
            "s_per_step": wall / steps if ok and steps else math.nan,
            "ns_per_point_step": 1e9 * wall / steps / npts if ok and steps else math.nan,
            "plan": fnum(r["plan"]), "F": F,
            "err_ref": abs(F - sref["F"]) / abs(sref["F"]),
            "err_own": abs(F - own) / abs(own),
            "err_run": run_error(read_trace(a.trace_dir, label), tref) if ok else math.nan,
            "F_reproducible": len(e["F"]) <= 1,
        })
    for r in sref["rows"] + uref_rows:
        w, st = fnum(r["wall"]), int(r["steps"] or 0)
        table.append({"label": r["label"], "code": r["code"] + " (reference)", "scheme": r["scheme"], "dt": r["dt"],
                      "options": r["options"], "status": r["status"], "repeats": 1, "steps": st, "rejected": r["rejected"],
                      "newton": r["newton"], "krylov": r["krylov"], "wall": w, "wall_max": w, "wall_total": fnum(r["wall_total"]),
                      "s_per_step": w / st if st else math.nan, "ns_per_point_step": 1e9 * w / st / npts if st else math.nan,
                      "plan": fnum(r["plan"]), "F": fnum(r["F"]), "err_ref": abs(fnum(r["F"]) - sref["F"]) / abs(sref["F"]),
                      "err_own": math.nan, "err_run": run_error(read_trace(a.trace_dir, r["label"]), tref), "F_reproducible": True})

    cols = ["label", "code", "scheme", "dt", "options", "status", "repeats", "steps", "rejected", "newton", "krylov", "wall",
            "wall_max", "wall_total", "s_per_step", "ns_per_point_step", "plan", "F", "err_ref", "err_own", "err_run", "F_reproducible"]
    with open(a.out + ".csv", "w", newline="") as fp:
        w = csv.writer(fp)
        w.writerow(cols)
        for t in table:
            w.writerow([("%.17g" % t[c]) if isinstance(t[c], float) else t[c] for c in cols])
        w.writerow([])
        w.writerow(["# spectral fd reference F (Richardson order 2; observed order %.3f)" % sref["order"], "%.17g" % sref["F"]])
        w.writerow(["# its change from the coarser extrapolation (relative)", "%.3e" % sref["halving_change"]])
        w.writerow(["# uphill3d reference F", "%.17g" % F_u, "spread vs spectral reference", "%.3e" % spread])

    def pct(x):
        return "—" if not math.isfinite(x) else ("%.3f%%" % (100 * x) if x >= 1e-5 else "%.1e" % x)

    run_col = tref is not None
    lines = ["| configuration | steps | Newton / Krylov | wall (best of n) | s/step | ns/point/step | F(t_end) | error vs converged (fd spectral ref) | error vs own ref |"
             + (" largest error of F over the run |" if run_col else ""),
             "|---|---|---|---|---|---|---|---|---|" + ("---|" if run_col else "")]
    for t in table:
        nk = "%s / %s" % (t["newton"], t["krylov"]) if t["newton"] else "—"
        extra = (" %s |" % pct(t["err_run"])) if run_col else ""
        if t["status"] != "ok":
            lines.append("| %s | %s | — | — | — | — | %s | — | — |%s" % (t["label"], t["steps"] or "—", t["status"], " — |" if run_col else ""))
            continue
        lines.append("| %s | %d | %s | %.3g s (%d) | %.3g | %.0f | %.6f | %s | %s |%s" % (
            t["label"], t["steps"], nk, t["wall"], t["repeats"], t["s_per_step"], t["ns_per_point_step"], t["F"],
            pct(t["err_ref"]), pct(t["err_own"]), extra))
    lines.append("")
    own = (" uphill3d reference (%s): %.6f, %.2e from it." % (a.uphill_ref.replace("uphill3d ref ", ""), F_u, spread)
           if not math.isnan(F_u) else " No uphill3d reference in this run (UPHILL_REF=0): the last column is empty.")
    lines.append("Converged F(t_end) (spectral fd symbol, SBDF2 A = 0 at dt = %s, Richardson for order 2; observed order %.2f): "
                 "%.6f; the extrapolation moves by %.1e (relative) from the coarser pair.%s"
                 % (", ".join(r["dt"] for r in sref["rows"]), sref["order"], sref["F"], sref["halving_change"], own))
    best = {}
    for t in table:
        if t["status"] == "ok" and "reference" not in t["code"] and t["err_ref"] <= 1e-3:
            if t["code"] not in best or t["wall"] < best[t["code"]]["wall"]:
                best[t["code"]] = t
    if best:
        lines.append("")
        lines.append("Fastest to 0.1% error: " + "; ".join("%s: %s, %.3g s" % (c, t["label"], t["wall"]) for c, t in best.items()) + ".")
    if run_col:
        lines.append("")
        lines.append("Largest error of F over the run: at t = t_end/10, ..., t_end against the spectral references' trajectory "
                     "(Richardson of the two finest); uphill3d's F(t) interpolated linearly between steps.")
        for bound in (1e-3, 3e-3):
            brun = {}
            for t in table:
                if t["status"] == "ok" and "reference" not in t["code"] and t["err_run"] <= bound:
                    if t["code"] not in brun or t["wall"] < brun[t["code"]]["wall"]:
                        brun[t["code"]] = t
            if brun:
                lines.append("Fastest to %g%% over the run: " % (100 * bound) + "; ".join("%s: %s, %.3g s" % (c, t["label"], t["wall"]) for c, t in brun.items()) + ".")
    text = "\n".join(lines)
    with open(a.out + ".md", "w") as fp:
        fp.write(text + "\n")
    print(text)
    plot(a, table, spread, "err_ref", "relative error of F(t_end) vs converged reference", "")
    if run_col:
        plot(a, table, math.nan, "err_run", "largest relative error of F over the run (t_end/10 ... t_end)", "_run")


def plot(a, table, spread, key, ylabel, suffix):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5.5))
    floor = 1e-7
    series = (("sbdf1", "", "s-", "tab:blue", "spectral SBDF1, A = max|f''|/2"),
              ("sbdf2", "", "o-", "tab:green", "spectral SBDF2, A = max|f''|/2"),
              ("sbdf2", "-A 0", "^-", "tab:olive", "spectral SBDF2, A = 0"))
    for scheme, opts, mk, col, name in series:
        pts = sorted((t["wall"], max(t[key], floor), t["dt"]) for t in table
                     if t["code"] == "spectral" and t["scheme"] == scheme and t["options"] == opts and t["status"] == "ok")
        if pts:
            ax.plot([p[0] for p in pts], [p[1] for p in pts], mk, color=col, label=name + " (fixed dt)")
            for w, e, dt in pts:
                ax.annotate("dt=%.3g" % float(dt), (w, e), textcoords="offset points", xytext=(4, 4), fontsize=7, color=col)
    up = [t for t in table if t["code"] == "uphill3d" and t["status"] == "ok"]
    for i, t in enumerate(up):
        ax.plot(t["wall"], max(t[key], floor), "D", color="C%d" % (3 + i % 6), markersize=8,
                label="uphill3d " + (t["options"] or "defaults"))
    ax.axhline(1e-3, color="gray", lw=0.8, ls=":")
    ax.text(0, 1e-3, " 0.1%", transform=ax.get_yaxis_transform(), va="bottom", fontsize=8, color="gray")
    if math.isfinite(spread) and spread > 0:
        ax.axhline(spread, color="tab:red", lw=0.8, ls="--")
        ax.text(0, spread, " uphill3d reference vs converged", transform=ax.get_yaxis_transform(), va="bottom", fontsize=8, color="tab:red")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("wall time, 1 core (s, best of repeats)")
    ax.set_ylabel(ylabel)
    ax.set_title("Work-precision, problem (%s), %d$^3$, t_end = %g" % (a.problem, a.n, a.t_end))
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    fig.savefig(a.out + suffix + ".png", dpi=130)


if __name__ == "__main__":
    main()
