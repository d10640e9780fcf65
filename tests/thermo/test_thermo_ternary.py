#!/usr/bin/python3
"""The ternary regular solution's spinodal region from uphill3d-thermo -components 3
(docs/MODEL.md section 2): f = sum_{i<j} W_ij c_i c_j + RT sum c_i ln c_i (per V_m), c3 = 1 - c1 - c2.
A point is inside the spinodal where the Hessian of f(c1, c2) has a negative eigenvalue.
  - -ternary_csv: header c1,c2,min_eigenvalue,inside; the (N-1)(N-2)/2 interior points
    c_i = k/N; min_eigenvalue against the closed-form Hessian
        H11 = -2 W13 + RT (1/c1 + 1/c3), H22 = -2 W23 + RT (1/c2 + 1/c3), H12 = W12 - W13 - W23 + RT/c3
    to 1e-10 of the energy scale, and inside = 1 exactly where that eigenvalue is negative;
  - the closed-form Hessian itself against central differences of f at a few points (1e-5);
  - the report at c0: H11 H12 H22 and both eigenvalues, uphill yes/no, T_spinodal (where the
    smaller eigenvalue at c0 crosses zero), and (symmetric W) the
    eigenvalues 3(3RT - W) and 3RT - W at the centre, T_spinodal(centre) = W/(3R), and each
    binary edge's T_c = W_ij/(2R);
  - symmetric W: the spinodal region is invariant under every permutation of the components.

Usage: test_thermo_ternary.py CASE   (cases listed in CASES below)"""
import math
import sys

import thermo_testlib as T

R = T.R_DEFAULT
W = 20000.0
CASES = {
    # all W equal, T = 600 K < W/(3R) = 801.8 K: the centre is unstable, the corners are not
    "symmetric_cold": dict(w=(W, W, W), temp=600.0, vm=1.0, N=30, c0=(1 / 3, 1 / 3), centre_inside=True),
    # W/(3R) < T = 900 K < W/(2R) = 1202.7 K: the centre is stable, the edges' middles are not
    "symmetric_hot": dict(w=(W, W, W), temp=900.0, vm=1.0, N=40, c0=(1 / 3, 1 / 3), centre_inside=False),
    # W12 = 25 kJ/mol (1-2 demix), W13 < 0 (1-3 mix), V_m != 1; dimensionless R would do as well
    "asymmetric": dict(w=(25000.0, -5000.0, 10000.0), temp=700.0, vm=7e-6, N=50, c0=(0.4, 0.3), centre_inside=None),
    # all W < 0: miscible everywhere
    "miscible": dict(w=(-8000.0, -8000.0, -3000.0), temp=300.0, vm=1.0, N=20, c0=(0.2, 0.2), centre_inside=None),
}


def main(name):
    k = CASES[name]
    w12, w13, w23 = k["w"]
    vm, temp, N = k["vm"], k["temp"], k["N"]
    rt = R * temp / vm
    wv = (w12 / vm, w13 / vm, w23 / vm)
    scale = max(max(abs(x) for x in wv), rt)
    tol = 1e-10
    matrix = "0,%r,%r,%r,0,%r,%r,%r,0" % (w12, w13, w12, w23, w13, w23)
    out = T.run(["-components", 3, "-omega_matrix", matrix, "-temperature", temp, "-molar_volume", vm,
                 "-ternary_csv", "tern.csv", "-ternary_grid", N, "-c0", "%r,%r" % k["c0"]]).stdout
    rep = T.parse(out)
    d = T.read_csv("tern.csv", ["c1", "c2", "min_eigenvalue", "inside"])
    n = len(d["c1"])
    T.check(n == (N - 1) * (N - 2) // 2, "%d grid points ((N-1)(N-2)/2 = %d for N = %d)" % (n, (N - 1) * (N - 2) // 2, N))

    # the closed-form Hessian against central differences of f
    # h = 1e-4: truncation h^2 f^(4)/12 <= 2e-6 and round-off eps |f|/h^2 ~ 1e-8 of the scale
    # at these points; a missing or wrong term is off by O(1)
    h = 1e-4
    for c1, c2 in ((0.2, 0.3), (0.1, 0.8), (0.6, 0.1)):
        f = lambda a, b: T.ternary_f(a, b, wv[0], wv[1], wv[2], rt)
        fd = ((f(c1 + h, c2) - 2 * f(c1, c2) + f(c1 - h, c2)) / h ** 2,
              (f(c1 + h, c2 + h) - f(c1 + h, c2 - h) - f(c1 - h, c2 + h) + f(c1 - h, c2 - h)) / (4 * h * h),
              (f(c1, c2 + h) - 2 * f(c1, c2) + f(c1, c2 - h)) / h ** 2)
        an = T.ternary_hessian(c1, c2, wv[0], wv[1], wv[2], rt)
        err = max(abs(a - b) for a, b in zip(fd, an)) / scale
        T.check(err <= 1e-5, "closed-form Hessian vs central differences of f at (%g, %g): error %.1e of the scale" % (c1, c2, err))

    # every grid point
    grid_ok, worst, inside = True, 0.0, 0
    values = {}
    for i in range(n):
        c1, c2 = d["c1"][i], d["c2"][i]
        ii, jj = round(c1 * N), round(c2 * N)
        if not (ii >= 1 and jj >= 1 and ii + jj <= N - 1 and abs(c1 - ii / N) < 1e-15 and abs(c2 - jj / N) < 1e-15):
            grid_ok = False
        lam = T.min_eigenvalue(T.ternary_hessian(c1, c2, wv[0], wv[1], wv[2], rt))
        worst = max(worst, abs(d["min_eigenvalue"][i] - lam) / max(scale, abs(lam)))
        if abs(lam) > 1e-12 * scale and d["inside"][i] != (1.0 if lam < 0 else 0.0):
            T.check(False, "(%g, %g): inside = %g but the closed-form min eigenvalue is %.6g" % (c1, c2, d["inside"][i], lam))
        inside += d["inside"][i] == 1.0
        values[(ii, jj)] = d["min_eigenvalue"][i]
    T.check(grid_ok, "the points are the interior grid points c_i = k/N")
    T.check(worst <= tol, "min_eigenvalue vs closed form: max error %.2e of the scale (tol %.0e)" % (worst, tol))
    T.close("report's inside count", T.number(rep, "inside"), inside, 0.0)

    # the report at c0
    c1, c2 = k["c0"]
    H = T.ternary_hessian(c1, c2, wv[0], wv[1], wv[2], rt)
    for j, lab in enumerate(("H11", "H12", "H22")):
        T.close("Hessian %s at c0" % lab, T.number(rep, "Hessian", j), H[j], tol, scale)
    lmin = T.min_eigenvalue(H)
    lmax = H[0] + H[2] - lmin
    T.close("smaller eigenvalue at c0", T.number(rep, "eigenvalues", 0), lmin, tol, scale)
    T.close("larger eigenvalue at c0", T.number(rep, "eigenvalues", 1), lmax, tol, scale)
    T.check(rep.get("uphill", [""])[0] == ("yes" if lmin < 0 else "no"), "uphill = %s at c0 (min eigenvalue %.6g)" % (rep.get("uphill", ["?"])[0], lmin))
    # T_spinodal(c0): the temperature at which the smaller eigenvalue at c0 crosses zero
    if rep.get("T_spinodal", ["none"])[0] != "none":
        ts = T.number(rep, "T_spinodal")
        at = lambda temp_: T.min_eigenvalue(T.ternary_hessian(c1, c2, wv[0], wv[1], wv[2], R * temp_ / vm))
        T.close("min eigenvalue at c0 vanishes at T_spinodal = %.10g K" % ts, at(ts), 0.0, tol, scale)
        T.check(at(0.999 * ts) < 0 < at(1.001 * ts), "c0 is unstable just below T_spinodal and stable just above")
    else:
        T.check(all(T.min_eigenvalue(T.ternary_hessian(c1, c2, wv[0], wv[1], wv[2], R * x / vm)) > 0 for x in (1, 10, 100, 1000, 1e4)),
                "T_spinodal = none: c0 is stable at every temperature tried")
    for e, (lab, wij) in enumerate((("1-2", w12), ("1-3", w13), ("2-3", w23))):
        line = [l for l in out.splitlines() if l.strip().startswith("edge %s" % lab)]
        if wij > 0:
            got = float(line[0].split("T_c = ")[1].split()[0]) if line else float("nan")
            T.close("edge %s: binary T_c = W/(2R)" % lab, got, wij / (2 * R), tol)
        else:
            T.check(bool(line) and "no miscibility gap" in line[0], "edge %s with W <= 0 has no miscibility gap" % lab)

    if name.startswith("symmetric"):
        T.close("centre: eigenvalue 3(3RT - W)/V_m", T.number(rep, "eigenvalues", 0), min(3 * (3 * rt - wv[0]), 3 * rt - wv[0]), tol, scale)
        T.close("centre: eigenvalue (3RT - W)/V_m", T.number(rep, "eigenvalues", 1), max(3 * (3 * rt - wv[0]), 3 * rt - wv[0]), tol, scale)
        T.close("centre: T_spinodal = W/(3R)", T.number(rep, "T_spinodal"), w12 / (3 * R), tol)
        T.check(rep["uphill"][0] == ("yes" if k["centre_inside"] else "no"), "centre %s the spinodal at T = %g K" % ("inside" if k["centre_inside"] else "outside", temp))
        # a corner is always stable; a binary edge's middle is unstable below its T_c
        T.check(values[(1, 1)] > 0, "near the corner c3 -> 1 the solution is stable (min eigenvalue %.4g)" % values[(1, 1)])
        mid = (N // 2, N // 2 - 1)
        T.check(values[mid] < 0, "near the 1-2 edge's middle %s/N, below its T_c, the solution is unstable (%.4g)" % (mid, values[mid]))
        # c1 <-> c2 keeps the coordinates' form, so the eigenvalue is invariant; swapping with the
        # eliminated c3 changes the coordinates (H -> P^T H P), which keeps only its sign
        swap12 = all(abs(values[(i, j)] - values[(j, i)]) <= 1e-12 * scale for (i, j) in values)
        swap13 = all((values[(i, j)] < 0) == (values[(N - i - j, j)] < 0) for (i, j) in values)
        T.check(swap12, "symmetric W: the min eigenvalue is invariant under c1 <-> c2")
        T.check(swap13, "symmetric W: the spinodal region is invariant under c1 <-> c3 (and so every permutation)")
        T.check(0 < inside < n, "part of the triangle is inside the spinodal (%d of %d points)" % (inside, n))
    if name == "miscible":
        T.check(inside == 0, "all W < 0: no point inside the spinodal")
        T.check(rep.get("T_max", [""])[0] == "none", "all W < 0: no spinodal temperature")
    if name == "asymmetric":
        T.check(0 < inside < n, "part of the triangle is inside the spinodal (%d of %d points)" % (inside, n))
    T.finish()


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in CASES:
        sys.exit("usage: %s CASE; cases: %s" % (sys.argv[0], " ".join(CASES)))
    main(sys.argv[1])
