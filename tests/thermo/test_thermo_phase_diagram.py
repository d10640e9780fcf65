#!/usr/bin/python3
"""The regular solution's phase diagram from uphill3d-thermo -phase_diagram (docs/MODEL.md section 1):
  - header T,T_over_Tc,binodal_lo,binodal_hi,spinodal_lo,spinodal_hi; the asked number of rows;
    T rising from tmin T_c to exactly T_c = Omega/(2R); T_over_Tc = T/T_c;
  - every row: spinodal (1 +- sqrt(1 - T/T_c))/2 and binodal (independent Newton solve of
    ln(c/(1-c)) = Omega(2c-1)/(RT)) to 1e-10; binodal_lo + binodal_hi = 1;
  - the binodal lies outside the spinodal: 0 < b_lo < s_lo < 1/2 < s_hi < b_hi < 1 below T_c;
  - both curves meet at c = 1/2 at T_c, and the gaps narrow as T rises;
  - the same rows again from the report of a run at each of a few temperatures.
The curves depend on T/T_c only; two parameter sets (SI units, and R = 1 with V_m != 1) check
that the tool does not confuse Omega, R and V_m.

Usage: test_thermo_phase_diagram.py CASE   (cases listed in CASES below)"""
import math
import sys

import thermo_testlib as T

CASES = {
    "si": dict(omega=20000.0, R=T.R_DEFAULT, vm=7.1e-6, points=101, tmin=None),
    "dimensionless": dict(omega=3.0, R=1.0, vm=2.5, points=37, tmin=0.2),
}
HEADER = ["T", "T_over_Tc", "binodal_lo", "binodal_hi", "spinodal_lo", "spinodal_hi"]


def main(name):
    k = CASES[name]
    tc = k["omega"] / (2 * k["R"])
    tol = 1e-10
    args = ["-omega", k["omega"], "-gas_constant", k["R"], "-molar_volume", k["vm"], "-temperature", 0.5 * tc,
            "-phase_diagram", "pd.csv", "-phase_diagram_points", k["points"], "-ncomp_grid", 1]
    if k["tmin"] is not None:
        args += ["-phase_diagram_tmin", k["tmin"]]
    tmin = k["tmin"] if k["tmin"] is not None else 0.05
    T.run(args)
    d = T.read_csv("pd.csv", HEADER)
    n = len(d["T"])
    T.check(n == k["points"], "%d rows (%d asked)" % (n, k["points"]))
    T.close("first row T = tmin T_c", d["T"][0], tmin * tc, tol)
    T.close("last row T = T_c = Omega/2R", d["T"][-1], tc, tol)
    T.check(all(d["T"][i] < d["T"][i + 1] for i in range(n - 1)), "T rises strictly")

    worst = dict(ratio=0.0, spinodal=0.0, binodal=0.0, symmetry=0.0)
    order_ok = narrowing_ok = True
    for i in range(n):
        t = d["T"][i] / tc
        worst["ratio"] = max(worst["ratio"], abs(d["T_over_Tc"][i] - t))
        blo, bhi, slo, shi = d["binodal_lo"][i], d["binodal_hi"][i], d["spinodal_lo"][i], d["spinodal_hi"][i]
        if i == n - 1:
            continue
        s = T.spinodal_regular(t)
        b = T.binodal_regular(k["omega"] / (k["R"] * d["T"][i]))
        worst["spinodal"] = max(worst["spinodal"], abs(slo - s[0]), abs(shi - s[1]))
        worst["binodal"] = max(worst["binodal"], abs(blo - b) / b)
        worst["symmetry"] = max(worst["symmetry"], abs(blo + bhi - 1))
        if not (0 < blo < slo < 0.5 < shi < bhi <= 1):
            order_ok = False
            print("  row %d (T/T_c = %.4f): binodal %.6g %.6g spinodal %.6g %.6g" % (i, t, blo, bhi, slo, shi))
        if i > 0 and not (d["binodal_lo"][i - 1] < blo and d["spinodal_lo"][i - 1] < slo):
            narrowing_ok = False
    T.check(worst["ratio"] <= tol, "T_over_Tc = T/T_c: max error %.2e" % worst["ratio"])
    T.check(worst["spinodal"] <= tol, "spinodal vs (1 +- sqrt(1 - T/T_c))/2: max error %.2e" % worst["spinodal"])
    T.check(worst["binodal"] <= tol, "binodal vs Newton solve of ln(c/(1-c)) = Omega(2c-1)/RT: max relative error %.2e" % worst["binodal"])
    T.check(worst["symmetry"] <= 1e-15, "binodal_lo + binodal_hi = 1: max error %.2e" % worst["symmetry"])
    T.check(order_ok, "below T_c every row has 0 < binodal_lo < spinodal_lo < 1/2 < spinodal_hi < binodal_hi <= 1")
    T.check(narrowing_ok, "the binodal and spinodal gaps narrow as T rises")
    last = [d[h][-1] for h in HEADER[1:]]
    T.check(last == [1.0, 0.5, 0.5, 0.5, 0.5], "at T_c the binodal and spinodal meet at c = 1/2: %s" % last)
    # the row before T_c is already close: width ~ sqrt(1 - T/T_c)
    t = d["T_over_Tc"][-2]
    T.check(d["spinodal_hi"][-2] - d["spinodal_lo"][-2] <= 1.01 * math.sqrt(1 - t) and d["binodal_hi"][-2] - d["binodal_lo"][-2] <= 1.01 * math.sqrt(3 * (1 - t)),
            "just below T_c the gaps close like sqrt(1 - T/T_c) (spinodal) and sqrt(3(1 - T/T_c)) (binodal)")

    # the report at a few temperatures of the diagram gives the same compositions
    for i in (0, n // 3, n - 2):
        rep = T.parse(T.run(["-omega", k["omega"], "-gas_constant", k["R"], "-molar_volume", k["vm"], "-temperature", repr(d["T"][i]), "-ncomp_grid", 1]).stdout)
        for key, cols in (("spinodal", ("spinodal_lo", "spinodal_hi")), ("binodal", ("binodal_lo", "binodal_hi"))):
            for j in (0, 1):
                T.close("T = %.6g: report %s vs CSV %s" % (d["T"][i], key, cols[j]), T.number(rep, key, j), d[cols[j]][i], tol)
    T.finish()


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in CASES:
        sys.exit("usage: %s CASE; cases: %s" % (sys.argv[0], " ".join(CASES)))
    main(sys.argv[1])
