#!/usr/bin/python3
"""Plots of the thermodynamic landscape (docs/MODEL.md sections 1 and 2), from uphill3d-thermo's
CSV files or, where a file is not given, from the same closed forms.

  PREFIX_free_energy.png    f(c) of the regular solution at several T/T_c: convex (U) above
                            T_c, two wells (W) below, with the common tangent's binodal points
                            and the spinodal (inflection) points
  PREFIX_phase_diagram.png  binodal and spinodal over T/T_c (--phase-diagram FILE.csv from
                            uphill3d-thermo -phase_diagram, or computed); the unstable (uphill)
                            and metastable regions shaded
  PREFIX_deff.png           D_eff(c) = M(c) f''(c) with the uphill region (D_eff < 0) shaded
                            (--deff FILE.csv from uphill3d-thermo -deff_csv, or the regular
                            solution at --t with constant mobility, in units of M R T_c / V_m)
  PREFIX_ternary.png        the spinodal region on the Gibbs triangle (--ternary FILE.csv from
                            uphill3d-thermo -components 3 -ternary_csv); only with that file

Examples:
  uphill3d-thermo -temperature 873 -phase_diagram pd.csv -deff_csv deff.csv -ncomp_grid 399
  tools/plot_landscape.py --phase-diagram pd.csv --deff deff.csv --t 0.7259 --outdir plots
  tools/plot_landscape.py --ternary tern.csv --only ternary --label "all W = 20 kJ/mol, T = 900 K"
"""
import argparse
import csv
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

UPHILL_COLOR = "#d62728"
META_COLOR = "#ffbb78"


def read_csv(path, columns):
    """A CSV written by uphill3d-thermo as {column: float array}; the columns must be there."""
    with open(path) as fp:
        reader = csv.reader(fp)
        header = next(reader, None)
        rows = [r for r in reader if r]
    if header is None or any(c not in header for c in columns):
        sys.exit("plot_landscape.py: %s: expected columns %s, found %s" % (path, ",".join(columns), header))
    data = np.array(rows, dtype=float).reshape(-1, len(header))
    return {h: data[:, i] for i, h in enumerate(header)}


# ---- closed forms, dimensionless: f in units of R T_c per mole, t = T/T_c, Omega = 2 R T_c ----

def f_reduced(c, t):
    return 2 * c * (1 - c) + t * (c * np.log(c) + (1 - c) * np.log(1 - c))


def d2f_reduced(c, t):
    return -4 + t / (c * (1 - c))


def spinodal(t):
    if t >= 1:
        return None
    r = math.sqrt(1 - t)
    return 0.5 * (1 - r), 0.5 * (1 + r)


def binodal(t):
    """Lower binodal: ln(c/(1-c)) = (2/t)(2c - 1), Newton in x = ln(c/(1-c)) from x = -2/t."""
    if t >= 1:
        return None
    a = 2 / t
    x = -a
    for _ in range(200):
        c = 1 / (1 + math.exp(-x))
        step = (x - a * (2 * c - 1)) / (1 - 2 * a * c * (1 - c))
        x -= step
        if abs(step) < 1e-15 * max(1, abs(x)):
            break
    c = 1 / (1 + math.exp(-x))
    return c, 1 - c


def plot_free_energy(path, t_marks, dpi):
    fig, ax = plt.subplots(figsize=(7.6, 4.2))
    c = np.linspace(1e-4, 1 - 1e-4, 801)
    cmap = plt.get_cmap("plasma")
    for i, t in enumerate(t_marks):
        color = cmap(0.85 * (1 - i / max(1, len(t_marks) - 1)))
        ax.plot(c, f_reduced(c, t), color=color, lw=1.8, label="T/T$_c$ = %.2g%s" % (t, " (U)" if t >= 1 else " (W)"))
        b, s = binodal(t), spinodal(t)
        if b:
            fb = f_reduced(np.array(b), t)
            ax.plot(b, fb, "-", color=color, lw=0.8, alpha=0.7)  # the common tangent (horizontal: symmetric f)
            ax.plot(b, fb, "o", color=color, ms=5, mfc="white")
        if s:
            ax.plot(s, f_reduced(np.array(s), t), "x", color=color, ms=6, mew=1.5)
    ax.plot([], [], "ko", mfc="white", ms=5, label="binodal (common tangent)")
    ax.plot([], [], "kx", ms=6, mew=1.5, label="spinodal (f'' = 0)")
    ax.set_xlabel("composition c = X$_B$")
    ax.set_ylabel("f(c) V$_m$ / (R T$_c$)   (per mole, R T$_c$ = $\\Omega$/2)")
    ax.set_title("Regular solution: U above T$_c$, W below")
    ax.set_xlim(0, 1)
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=dpi)
    plt.close(fig)


def phase_diagram_data(csv_path):
    if csv_path:
        d = read_csv(csv_path, ["T", "T_over_Tc", "binodal_lo", "binodal_hi", "spinodal_lo", "spinodal_hi"])
        tc = d["T"][-1] / d["T_over_Tc"][-1]
        return d["T_over_Tc"], d["binodal_lo"], d["binodal_hi"], d["spinodal_lo"], d["spinodal_hi"], tc
    t = np.linspace(0.05, 1, 400)
    b = np.array([binodal(x) or (0.5, 0.5) for x in t])
    s = np.array([spinodal(x) or (0.5, 0.5) for x in t])
    return t, b[:, 0], b[:, 1], s[:, 0], s[:, 1], None


def titled(base, label):
    return base + ("\n" + label if label else "")


def plot_phase_diagram(path, csv_path, t_mark, label, dpi):
    t, blo, bhi, slo, shi, tc = phase_diagram_data(csv_path)
    fig, ax = plt.subplots(figsize=(7.6, 4.2))
    ax.fill_betweenx(t, blo, slo, color=META_COLOR, alpha=0.35, lw=0, label="metastable\n(needs nucleation)")
    ax.fill_betweenx(t, shi, bhi, color=META_COLOR, alpha=0.35, lw=0)
    ax.fill_betweenx(t, slo, shi, color=UPHILL_COLOR, alpha=0.35, lw=0, label="unstable: D$_{eff}$ < 0,\nuphill diffusion")
    ax.plot(np.concatenate([blo, bhi[::-1]]), np.concatenate([t, t[::-1]]), "k-", lw=1.8, label="binodal")
    ax.plot(np.concatenate([slo, shi[::-1]]), np.concatenate([t, t[::-1]]), "k--", lw=1.4, label="spinodal")
    ax.plot([0.5], [1.0], "ko", ms=5)
    ax.annotate("critical point", (0.5, 1.0), (0.56, 1.04), fontsize=8)
    if t_mark is not None and 0 < t_mark < 1:
        ax.axhline(t_mark, color="0.3", lw=0.8, ls=":")
        ax.annotate("T/T$_c$ = %.3g" % t_mark, (0.02, t_mark), (0.02, t_mark + 0.015), fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_ylim(min(t), 1.1)
    ax.set_xlabel("composition c")
    ax.set_ylabel("T / T$_c$")
    ax.set_title(titled("Miscibility gap of the regular solution" + (" (T$_c$ = %.5g K)" % tc if tc else ""), label), fontsize=10)
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=dpi)
    plt.close(fig)


def plot_deff(path, csv_path, t, label, dpi):
    if csv_path:
        d = read_csv(csv_path, ["c", "d2f", "mobility", "D_eff", "uphill"])
        c, deff, up = d["c"], d["D_eff"], d["uphill"] > 0.5
        ylabel, title = "D$_{eff}$ = M(c) f''(c)   (m$^2$/s)", "Effective diffusivity D$_{eff}$ = M f''"
        # spinodal compositions: zeros of f'' between grid points, by linear interpolation
        f2 = d["d2f"]
        roots = [c[i] - f2[i] * (c[i + 1] - c[i]) / (f2[i + 1] - f2[i]) for i in range(len(c) - 1) if (f2[i] < 0) != (f2[i + 1] < 0)]
    else:
        c = np.linspace(1e-3, 1 - 1e-3, 999)
        deff = d2f_reduced(c, t)
        up = deff < 0
        ylabel, title = "D$_{eff}$ V$_m$ / (M R T$_c$)", "Effective diffusivity, constant M, T/T$_c$ = %.3g" % t
        s = spinodal(t)
        roots = list(s) if s else []
    fig, ax = plt.subplots(figsize=(6.0, 4.2))
    ax.plot(c, deff, "k-", lw=1.8)
    ax.axhline(0, color="0.4", lw=0.8)
    lo, hi = np.percentile(deff, 2), max(np.percentile(deff, 80), 0)
    span = hi - lo if hi > lo else 1.0
    ax.set_ylim(lo - 0.15 * span, hi + 0.15 * span)
    ax.fill_between(c, deff, 0, where=up, color=UPHILL_COLOR, alpha=0.4, lw=0, interpolate=True, label="uphill: D$_{eff}$ < 0")
    ax.fill_between(c, deff, 0, where=~up, color="#1f77b4", alpha=0.15, lw=0, interpolate=True, label="downhill (Fickian)")
    for i, r in enumerate(roots):
        ax.axvline(r, color=UPHILL_COLOR, lw=0.9, ls="--", label="spinodal" if i == 0 else None)
    ax.set_xlabel("composition c")
    ax.set_ylabel(ylabel)
    ax.set_title(titled(title, label), fontsize=10)
    ax.legend(fontsize=8, loc="upper center")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=dpi)
    plt.close(fig)


def plot_ternary(path, csv_path, label, dpi):
    import matplotlib.tri as mtri
    d = read_csv(csv_path, ["c1", "c2", "min_eigenvalue", "inside"])
    c1, c2 = d["c1"], d["c2"]
    c3 = 1 - c1 - c2
    # Gibbs triangle: component 1 bottom left, 2 bottom right, 3 at the top
    x, y = c2 + 0.5 * c3, (math.sqrt(3) / 2) * c3
    tri = mtri.Triangulation(x, y)
    fig, ax = plt.subplots(figsize=(5.2, 5.4))
    inside = d["inside"] > 0.5
    if inside.any() and not inside.all():
        ax.tricontourf(tri, d["min_eigenvalue"], levels=[-np.inf, 0], colors=[UPHILL_COLOR], alpha=0.4)
        ax.tricontour(tri, d["min_eigenvalue"], levels=[0], colors="k", linewidths=1.5)
    ax.scatter(x[inside], y[inside], s=3, color=UPHILL_COLOR, label="inside the spinodal (a negative Hessian eigenvalue)")
    ax.scatter(x[~inside], y[~inside], s=3, color="0.6", label="outside (f locally convex)")
    h = math.sqrt(3) / 2
    ax.plot([0, 1, 0.5, 0], [0, 0, h, 0], "k-", lw=1.2)
    for k in (0.2, 0.4, 0.6, 0.8):  # grid lines of constant c1, c2, c3
        ax.plot([k / 2, 1 - k / 2], [k * h, k * h], color="0.85", lw=0.6, zorder=0)
        ax.plot([k, k / 2], [0, k * h], color="0.85", lw=0.6, zorder=0)
        ax.plot([k, 0.5 + k / 2], [0, (1 - k) * h], color="0.85", lw=0.6, zorder=0)
    ax.annotate("c$_1$ = 1", (0, 0), (-0.06, -0.06), fontsize=10)
    ax.annotate("c$_2$ = 1", (1, 0), (0.94, -0.06), fontsize=10)
    ax.annotate("c$_3$ = 1", (0.5, h), (0.44, h + 0.025), fontsize=10)
    ax.set_xlim(-0.06, 1.06)
    ax.set_ylim(-0.2, h + 0.06)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(titled("Ternary regular solution: spinodal region", label), fontsize=10)
    ax.legend(fontsize=8, loc="lower center", bbox_to_anchor=(0.5, -0.02), ncol=1, markerscale=3)
    fig.tight_layout()
    fig.savefig(path, dpi=dpi)
    plt.close(fig)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n\n", 1)[1])
    ap.add_argument("--phase-diagram", metavar="CSV", help="uphill3d-thermo -phase_diagram output (default: closed form)")
    ap.add_argument("--deff", metavar="CSV", help="uphill3d-thermo -deff_csv output (default: closed form at --t)")
    ap.add_argument("--ternary", metavar="CSV", help="uphill3d-thermo -components 3 -ternary_csv output")
    ap.add_argument("--t", type=float, default=873 / (20000 / (2 * 8.314462618)), help="T/T_c marked in the phase diagram and used for the closed-form D_eff (default: uphill3d's defaults, 0.726)")
    ap.add_argument("--temperatures", default="1.3,1.0,0.85,0.7,0.5", help="T/T_c of the free-energy curves (comma-separated)")
    ap.add_argument("--label", help="second title line of the phase diagram, D_eff and ternary plots (e.g. the parameters)")
    ap.add_argument("--outdir", default=".", help="directory for the PNG files (default .)")
    ap.add_argument("--prefix", default="landscape", help="file name prefix (default landscape)")
    ap.add_argument("--only", help="comma-separated subset of free_energy,phase_diagram,deff,ternary")
    ap.add_argument("--dpi", type=int, default=110)
    a = ap.parse_args(argv)
    if not a.t > 0:
        ap.error("--t must be positive")
    try:
        temps = [float(x) for x in a.temperatures.split(",")]
    except ValueError:
        ap.error("--temperatures: not a list of numbers: %s" % a.temperatures)
    if any(not x > 0 for x in temps):
        ap.error("--temperatures must be positive")
    want = set(a.only.split(",")) if a.only else {"free_energy", "phase_diagram", "deff", "ternary"}
    unknown = want - {"free_energy", "phase_diagram", "deff", "ternary"}
    if unknown:
        ap.error("--only: unknown plot(s) %s" % ",".join(sorted(unknown)))
    for f in (a.phase_diagram, a.deff, a.ternary):
        if f and not os.path.isfile(f):
            ap.error("no such file: %s" % f)
    os.makedirs(a.outdir, exist_ok=True)
    out = lambda name: os.path.join(a.outdir, "%s_%s.png" % (a.prefix, name))
    written = []
    if "free_energy" in want:
        plot_free_energy(out("free_energy"), temps, a.dpi)
        written.append(out("free_energy"))
    if "phase_diagram" in want:
        plot_phase_diagram(out("phase_diagram"), a.phase_diagram, a.t, a.label, a.dpi)
        written.append(out("phase_diagram"))
    if "deff" in want:
        plot_deff(out("deff"), a.deff, a.t, a.label, a.dpi)
        written.append(out("deff"))
    if "ternary" in want and a.ternary:
        plot_ternary(out("ternary"), a.ternary, a.label, a.dpi)
        written.append(out("ternary"))
    for w in written:
        print("wrote %s" % w)


if __name__ == "__main__":
    main()
