#!/usr/bin/env python3
"""Critical nucleus in the metastable gap (issue 15; docs/MODEL.md section 6.4).

Regular solution, Omega = 3, R = V_m = 1, T = 1.2 (T/T_c = 0.8): binodal 0.1448, spinodal
0.2764; c0 = 0.1645 (15% of the way from binodal to spinodal: metastable), kappa = 3, M = 1,
2D 128^2 periodic.  Deterministic runs with the default integrator.

1. The report's sigma, nucleus composition, driving force and R* = sigma/dg agree with an
   independent computation here (common tangent, sigma = int sqrt(2 kappa df) dc, parallel
   tangent f'(cn) = f'(c0)); the report calls c0 metastable, and a c0 inside the spinodal
   unstable.
2. -ic nucleus of radius 0.8 R* and 0.9 R* dissolve (no cell above the gap's midpoint at
   t = 3000); 1.1 R* and 1.2 R* grow (the second-phase area rises by > 10%): the critical
   radius lies within 10% of the sharp-interface estimate.  (Bisection, benchmarks/
   critical_nucleus.py: 0.981-0.988 R*.)
3. The box is large enough: a nucleus growing by dR takes 2 pi R dR (cn - c0) of solute from the
   matrix, which lowers the supersaturation and so raises R*; the critical nucleus is an
   unstable equilibrium of the closed box only while
       P = 2 pi R*^2 (cn - c0) / (L^2 (c0 - c_binodal)) < 1
   (checked < 0.5).  The initial matrix is at c0 whatever the nucleus, so the growth/dissolution
   threshold is R*(c0) in any box with P < 1.
4. input/metastable_nucleation.opts (a 1.2 R* and a 0.8 R* nucleus side by side) runs, and at
   t = 1000 (of its 3000) has one nucleus grown, the other gone."""
import math
import os
import re

import numpy as np
from scipy.optimize import brentq

import uphill_testlib as T

OMEGA, TEMP, KAPPA, C0, L = 3.0, 1.2, 3.0, 0.1645, 128
BASE = ["-da_grid_x", L, "-da_grid_y", L, "-da_grid_z", 1, "-gas_constant", 1, "-temperature", TEMP, "-omega", OMEGA,
        "-molar_volume", 1, "-kappa", KAPPA, "-mobility", 1, "-progress_interval", 1000]


def f(c):
    return OMEGA * c * (1 - c) + TEMP * (c * np.log(c) + (1 - c) * np.log(1 - c))


def df(c):
    return OMEGA * (1 - 2 * c) + TEMP * np.log(c / (1 - c))


def classical():
    blo = brentq(df, 1e-12, 0.5 - 1e-9)  # symmetric: the common tangent is horizontal, f'(c_b) = 0
    bhi = 1 - blo
    c = np.linspace(blo, bhi, 200001)
    sigma = np.trapz(np.sqrt(2 * KAPPA * np.maximum(f(c) - f(blo), 0)), c)
    shi = 0.5 * (1 + math.sqrt(1 - TEMP / (OMEGA / 2)))
    cn = brentq(lambda x: df(x) - df(C0), shi, 1 - 1e-15)
    dg = f(C0) + df(C0) * (cn - C0) - f(cn)
    return blo, sigma, cn, dg, sigma / dg


def report_numbers(stdout):
    m = re.search(r"nucleation  c0 is METASTABLE .*sigma = (\S+) J/m\^2, nucleus c = (\S+), driving force dg = (\S+) J/m\^3, critical radius R\* = sigma/dg = (\S+)", stdout)
    if not m:
        T.die("no metastable nucleation line in the report:\n" + stdout[:3000])
    return [float(x) for x in m.groups()]


def phase_area(out):
    """(initial, final) cells above the gap's midpoint, from analysis.csv's fraction."""
    d = np.loadtxt(os.path.join(out, "analysis.csv"), delimiter=",", skiprows=1, usecols=(1, 5), ndmin=2)
    return d[0, 1] * L * L, d[-1, 1] * L * L


def main():
    blo, sigma, cn, dg, rstar = classical()
    p = T.run(BASE + ["-c0", C0, "-ic", "nucleus", "-nucleus_radius", 5, "-ts_max_steps", 0, "-final_output", 0, "-output_dir", T.fresh_dir("report")])
    rs, rc, rdg, rr = report_numbers(p.stdout)
    print("report: sigma %.6g cn %.6g dg %.6g R* %.6g; here: sigma %.6g cn %.6g dg %.6g R* %.6g" % (rs, rc, rdg, rr, sigma, cn, dg, rstar))
    for name, a, b in (("sigma", rs, sigma), ("nucleus composition", rc, cn), ("driving force", rdg, dg), ("R*", rr, rstar)):
        T.check(abs(a - b) < 1e-4 * abs(b), "report's %s %.6g = the independent %.6g" % (name, a, b))
    p = T.run(BASE + ["-c0", 0.5, "-ts_max_steps", 0, "-final_output", 0, "-output_dir", T.fresh_dir("report2")])
    T.check("c0 is UNSTABLE" in p.stdout, "the report calls c0 = 0.5 (inside the spinodal) unstable")

    P = 2 * math.pi * rstar ** 2 * (cn - C0) / (L ** 2 * (C0 - blo))
    T.check(P < 0.5, "box large enough against depletion: P = 2 pi R*^2 (cn - c0)/(L^2 (c0 - c_b)) = %.2f < 0.5" % P)

    for factor in (0.8, 0.9, 1.1, 1.2):
        out = T.fresh_dir("r%.1f" % factor)
        T.run(BASE + ["-c0", C0, "-ic", "nucleus", "-nucleus_radius", factor * rstar, "-ts_max_time", 3000,
                      "-analysis_interval", 3000, "-output_dir", out])
        a0, a1 = phase_area(out)
        cmax = T.read_final(out).max()
        print("R0 = %.1f R* = %.3f: second-phase area %g -> %g cells, final c_max %.4f" % (factor, factor * rstar, a0, a1, cmax))
        if factor < 1:
            T.check(a1 == 0 and cmax < 0.5, "a nucleus of %.1f R* dissolves (area %g -> %g, c_max %.3f)" % (factor, a0, a1, cmax))
        else:
            T.check(a1 > 1.1 * a0, "a nucleus of %.1f R* grows (area %g -> %g)" % (factor, a0, a1))

    out = T.fresh_dir("input")
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    p = T.run([os.path.join(src, "input", "metastable_nucleation.opts"), "-output_dir", out, "-progress_interval", 1000, "-ts_max_time", 1000, "-analysis_interval", 0])
    c = np.squeeze(T.read_final(out))  # (y, x)
    left, right = c[:, : c.shape[-1] // 2], c[:, c.shape[-1] // 2:]
    big = (left > 0.5).sum() if (left > 0.5).sum() > (right > 0.5).sum() else (right > 0.5).sum()
    T.check("METASTABLE" in p.stdout, "input/metastable_nucleation.opts: c0 metastable")
    T.check(((left > 0.5).sum() == 0) != ((right > 0.5).sum() == 0) and big > 0, "input/metastable_nucleation.opts: one nucleus grew (%d cells), the other dissolved" % big)
    T.finish()


if __name__ == "__main__":
    main()
