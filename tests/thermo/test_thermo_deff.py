#!/usr/bin/python3
"""D_eff(c) = M(c) f''(c) from uphill3d-thermo (docs/MODEL.md section 1): negative exactly inside
the spinodal -- that is uphill diffusion.
  - -deff_csv on a fine grid: every column (f, f', f'', M, D_eff) against the closed forms
    (1e-10 relative to the energy scale), the uphill flag equals "inside the closed-form
    spinodal" at every point, and D_eff changes sign exactly twice, each time between the two
    grid points that bracket a spinodal composition;
  - zoom on each spinodal composition s with -comp_range s-1e-8,s+1e-8 and 3 points
    (s - 5e-9, s, s + 5e-9): D_eff has opposite signs at the outer points, the right way
    round, and f''(s) = 0 to 1e-10 of the energy scale -- the sign change is at the spinodal
    to 5e-9 in c;
  - the stdout table labels exactly the points inside the spinodal 'uphill'.

Usage: test_thermo_deff.py CASE   (cases listed in CASES below)"""
import math
import sys

import thermo_testlib as T

CASES = {
    "regular_si": dict(energy="regular_solution", omega=20000.0, temp=873.0, R=T.R_DEFAULT, vm=1.0, m0=1.0, mob="constant"),
    "regular_degenerate": dict(energy="regular_solution", omega=3.0, temp=1.0, R=1.0, vm=1.0, m0=2.0, mob="degenerate"),
    "double_well_degenerate": dict(energy="double_well", rho=5.0, ca=0.3, cb=0.7, m0=1.0, mob="degenerate"),
    "double_well_symmetric": dict(energy="double_well", rho=1.0, ca=-1.0, cb=1.0, m0=1.0, mob="constant"),
}
HEADER = ["c", "f", "df", "d2f", "mobility", "D_eff", "uphill"]


def base_args(k):
    a = ["-free_energy", k["energy"], "-mobility", k["m0"], "-mobility_model", k["mob"]]
    if k["energy"] == "regular_solution":
        return a + ["-omega", k["omega"], "-temperature", k["temp"], "-gas_constant", k["R"], "-molar_volume", k["vm"]]
    return a + ["-rho", k["rho"], "-c_alpha", k["ca"], "-c_beta", k["cb"], "-c0", 0.5 * (k["ca"] + k["cb"]), "-ic_amplitude", 0]


def closed_forms(k):
    """(f, f', f'', scale, spinodal) of the case, written out from docs/MODEL.md."""
    if k["energy"] == "regular_solution":
        om, rt = k["omega"] / k["vm"], k["R"] * k["temp"] / k["vm"]
        f = lambda c: om * c * (1 - c) + rt * (c * math.log(c) + (1 - c) * math.log(1 - c))
        df = lambda c: om * (1 - 2 * c) + rt * math.log(c / (1 - c))
        d2f = lambda c: T.d2f_regular(c, om, rt)
        return f, df, d2f, max(om, rt), T.spinodal_regular(k["temp"] / (k["omega"] / (2 * k["R"])))
    rho, ca, cb = k["rho"], k["ca"], k["cb"]
    f = lambda c: rho * (c - ca) ** 2 * (cb - c) ** 2
    df = lambda c: 2 * rho * (c - ca) * (cb - c) * (ca + cb - 2 * c)
    d2f = lambda c: T.d2f_double_well(c, rho, ca, cb)
    return f, df, d2f, rho * (cb - ca) ** 2, T.spinodal_double_well(ca, cb)


def main(name):
    k = CASES[name]
    f, df, d2f, scale, (slo, shi) = closed_forms(k)
    tol = 1e-10

    # fine grid: every column, the flag, the sign changes
    T.run(base_args(k) + ["-deff_csv", "deff.csv", "-ncomp_grid", 999])
    d = T.read_csv("deff.csv", HEADER)
    n = len(d["c"])
    T.check(n == 999, "deff.csv has %d rows (999 asked)" % n)
    worst = dict(f=0.0, df=0.0, d2f=0.0, mobility=0.0, D_eff=0.0)
    flags_ok = True
    for i in range(n):
        c = d["c"][i]
        m = T.mobility(c, k["m0"], k["mob"])
        worst["f"] = max(worst["f"], abs(d["f"][i] - f(c)) / scale)
        worst["df"] = max(worst["df"], abs(d["df"][i] - df(c)) / max(scale, abs(df(c))))
        worst["d2f"] = max(worst["d2f"], abs(d["d2f"][i] - d2f(c)) / max(scale, abs(d2f(c))))
        worst["mobility"] = max(worst["mobility"], abs(d["mobility"][i] - m) / k["m0"])
        worst["D_eff"] = max(worst["D_eff"], abs(d["D_eff"][i] - m * d2f(c)) / (k["m0"] * max(scale, abs(d2f(c)))))
        inside = slo < c < shi
        if d["uphill"][i] != (1.0 if inside else 0.0) and min(abs(c - slo), abs(c - shi)) > 1e-12:
            flags_ok = False
            print("  c = %.17g: uphill flag %g, closed-form spinodal %.17g .. %.17g" % (c, d["uphill"][i], slo, shi))
    for col, err in worst.items():
        T.check(err <= tol, "column %s vs closed form: max error %.2e of the scale (tol %.0e)" % (col, err, tol))
    T.check(flags_ok, "uphill flag = 1 exactly at the grid points inside the closed-form spinodal")
    changes = [i for i in range(n - 1) if (d["D_eff"][i] < 0) != (d["D_eff"][i + 1] < 0)]
    T.check(len(changes) == 2, "D_eff changes sign %d times on the grid (2 expected)" % len(changes))
    if len(changes) == 2:
        for i, s in zip(changes, (slo, shi)):
            T.check(d["c"][i] <= s <= d["c"][i + 1], "sign change between c = %.6f and %.6f brackets the spinodal %.12f" % (d["c"][i], d["c"][i + 1], s))

    # zoom on each spinodal composition
    for which, s, outside_first in (("lo", slo, True), ("hi", shi, False)):
        path = "zoom_%s.csv" % which
        T.run(base_args(k) + ["-deff_csv", path, "-ncomp_grid", 3, "-comp_range", "%.17g,%.17g" % (s - 1e-8, s + 1e-8)])
        z = T.read_csv(path, HEADER)
        left, right = z["D_eff"][0], z["D_eff"][2]
        T.close("zoom %s: middle point is the spinodal" % which, z["c"][1], s, 1e-15)
        T.close("f''(spinodal %s) = 0" % which, z["d2f"][1], 0.0, tol, scale)
        if outside_first:
            T.check(left > 0 > right, "D_eff(s - 5e-9) = %.3e > 0 > D_eff(s + 5e-9) = %.3e at spinodal lo %.12f" % (left, right, s))
        else:
            T.check(left < 0 < right, "D_eff(s - 5e-9) = %.3e < 0 < D_eff(s + 5e-9) = %.3e at spinodal hi %.12f" % (left, right, s))
        T.check([z["uphill"][0], z["uphill"][2]] == ([0.0, 1.0] if outside_first else [1.0, 0.0]), "uphill flags outside/inside at spinodal %s: %s" % (which, z["uphill"]))

    # the stdout table
    out = T.run(base_args(k) + ["-ncomp_grid", 19]).stdout
    rows = []
    for line in out.splitlines():
        w = line.split()
        if len(w) >= 5 and w[4] in ("uphill", "downhill"):
            try:
                rows.append((float(w[0]), float(w[3]), w[4]))
            except ValueError:
                pass
    T.check(len(rows) == 19, "stdout table has %d rows (19 asked)" % len(rows))
    bad = [r for r in rows if (r[2] == "uphill") != (slo < r[0] < shi)]
    T.check(not bad, "table rows labelled uphill are exactly those inside the spinodal %s" % (bad or ""))
    T.finish()


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in CASES:
        sys.exit("usage: %s CASE; cases: %s" % (sys.argv[0], " ".join(CASES)))
    main(sys.argv[1])
