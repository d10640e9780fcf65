#!/usr/bin/python3
"""uphill3d-thermo's binary report against the closed forms of docs/MODEL.md section 1:
  - T_c = Omega/(2R) and T/T_c (regular solution);
  - spinodal c = (1 +- sqrt(1 - T/T_c))/2, or (ca+cb)/2 +- (cb-ca)/(2 sqrt 3) for the double well;
  - binodal: ln(c/(1-c)) = Omega (2c-1)/(RT) (residual, and an independent Newton solve),
    symmetric c_lo + c_hi = 1, outside the spinodal; the double well's binodal is c_alpha, c_beta;
  - at c0: f''(c0), M(c0), D_eff(c0) = M f'', uphill iff f''(c0) < 0, and the linear stability
    of Cahn (1961): k_m^2 = -f''/(2 kappa), lambda_m = 2 pi/k_m, R(k_m) = M f''^2/(4 kappa),
    lambda_c = 2 pi/sqrt(-f''/kappa); R(k) = -M k^2 (f'' + kappa k^2) is checked to peak at k_m
    and vanish at k_c, so the closed forms themselves are right.
Tolerance 1e-10 relative: the tool prints 15 significant digits (5e-15), and its binodal
bisection stops at 1e-15 in ln(c/(1-c)); a wrong factor or sign is off by O(1).

Usage: test_thermo_landscape.py CASE   (cases listed in CASES below)"""
import math
import sys

import thermo_testlib as T

R = T.R_DEFAULT
CASES = {
    # the seed's alloy in SI units: Omega = 20 kJ/mol, T = 873 K (T/T_c = 0.726)
    "regular_si": dict(energy="regular_solution", omega=20000.0, temp=873.0, R=R, vm=1.0, c0=0.5, kappa=1e5, m0=1.0, mob="constant"),
    # dimensionless (RT = 1): Omega = 3, T_c = 1.5; V_m != 1 scales f by 1/V_m
    "regular_dimless": dict(energy="regular_solution", omega=3.0, temp=1.0, R=1.0, vm=2.0, c0=0.4, kappa=1.0, m0=1.0, mob="degenerate"),
    # deep quench T/T_c = 0.083: binodal c ~ exp(-Omega/RT) ~ 4e-11
    "regular_deep_quench": dict(energy="regular_solution", omega=20000.0, temp=100.0, R=R, vm=1e-5, c0=0.3, kappa=2e-10, m0=1e-20, mob="constant"),
    # just below T_c (T/T_c = 0.999): gap of width ~0.03 about 1/2
    "regular_near_tc": dict(energy="regular_solution", omega=2.0, temp=0.999, R=1.0, vm=1.0, c0=0.5, kappa=1.0, m0=1.0, mob="constant"),
    # above T_c: no spinodal, no binodal, downhill everywhere
    "regular_above_tc": dict(energy="regular_solution", omega=3.0, temp=2.0, R=1.0, vm=1.0, c0=0.5, kappa=1.0, m0=1.0, mob="constant"),
    # c0 between binodal and spinodal: metastable, every mode decays
    "regular_metastable": dict(energy="regular_solution", omega=3.0, temp=1.0, R=1.0, vm=1.0, c0=0.15, kappa=1.0, m0=1.0, mob="constant"),
    # PFHub benchmark 1 double well
    "double_well_pfhub": dict(energy="double_well", rho=5.0, ca=0.3, cb=0.7, c0=0.5, kappa=2.0, m0=5.0, mob="constant"),
    # symmetric wells at -1, 1 (outside [0,1]), degenerate mobility clipped at 0 there... use c0 inside
    "double_well_symmetric": dict(energy="double_well", rho=1.0, ca=-1.0, cb=1.0, c0=0.25, kappa=0.5, m0=1.0, mob="constant"),
}


def args_of(k):
    a = ["-free_energy", k["energy"], "-c0", k["c0"], "-kappa", k["kappa"], "-mobility", k["m0"], "-mobility_model", k["mob"], "-ncomp_grid", 3]
    if k["energy"] == "regular_solution":
        a += ["-omega", k["omega"], "-temperature", k["temp"], "-gas_constant", k["R"], "-molar_volume", k["vm"]]
    else:
        a += ["-rho", k["rho"], "-c_alpha", k["ca"], "-c_beta", k["cb"], "-ic_amplitude", 0]
    return a


def main(name):
    k = CASES[name]
    rep = T.parse(T.run(args_of(k)).stdout)
    tol = 1e-10

    if k["energy"] == "regular_solution":
        omega, rt = k["omega"] / k["vm"], k["R"] * k["temp"] / k["vm"]
        tc = k["omega"] / (2 * k["R"])
        t = k["temp"] / tc
        T.close("T_c", T.number(rep, "T_c"), tc, tol)
        T.close("T/T_c", T.number(rep, "T/T_c"), t, tol)
        f2 = T.d2f_regular(k["c0"], omega, rt)
        scale = max(abs(omega), rt)
        if t < 1:
            slo, shi = T.spinodal_regular(t)
            a = k["omega"] / (k["R"] * k["temp"])
            blo = T.binodal_regular(a)
            gotb = (T.number(rep, "binodal", 0), T.number(rep, "binodal", 1))
            gots = (T.number(rep, "spinodal", 0), T.number(rep, "spinodal", 1))
            T.close("spinodal lo", gots[0], slo, tol)
            T.close("spinodal hi", gots[1], shi, tol)
            T.close("f''(spinodal lo) = 0 (relative to the energy scale)", T.d2f_regular(gots[0], omega, rt), 0.0, tol, scale)
            T.close("f''(spinodal hi) = 0 (relative to the energy scale)", T.d2f_regular(gots[1], omega, rt), 0.0, tol, scale)
            T.close("binodal lo vs independent Newton solve", gotb[0], blo, tol)
            T.close("binodal hi = 1 - lo", gotb[1], 1 - blo, tol)
            for i, c in enumerate(gotb):
                # printing c to 15 digits moves ln(c/(1-c)) by up to 1e-15/min(c, 1-c): for the
                # upper binodal of a deep quench (1 - c ~ 4e-11) that is the limit, not the tool
                res = T.binodal_residual(c, a)
                lim = tol * max(1.0, abs(math.log(c / (1 - c)))) + 1e-15 / min(c, 1 - c)
                T.check(abs(res) <= lim, "binodal %s = %.17g: ln(c/(1-c)) - Omega(2c-1)/RT = %.2e (tol %.1e)" % (("lo", "hi")[i], c, res, lim))
            T.check(0 < gotb[0] < gots[0] < 0.5 < gots[1] < gotb[1] < 1, "0 < binodal lo < spinodal lo < 1/2 < spinodal hi < binodal hi < 1")
        else:
            T.check(rep.get("spinodal", [""])[0] == "none", "above T_c: 'spinodal = none'")
            T.check(rep.get("binodal", [""])[0] == "none", "above T_c: 'binodal = none'")
    else:
        ca, cb, rho = k["ca"], k["cb"], k["rho"]
        T.check("T_c" not in rep, "double well: no T_c line")
        slo, shi = T.spinodal_double_well(ca, cb)
        T.close("spinodal lo", T.number(rep, "spinodal", 0), slo, tol, cb - ca)
        T.close("spinodal hi", T.number(rep, "spinodal", 1), shi, tol, cb - ca)
        T.close("binodal lo = c_alpha", T.number(rep, "binodal", 0), ca, tol, cb - ca)
        T.close("binodal hi = c_beta", T.number(rep, "binodal", 1), cb, tol, cb - ca)
        f2 = T.d2f_double_well(k["c0"], rho, ca, cb)
        scale = rho * (cb - ca) ** 2

    m = T.mobility(k["c0"], k["m0"], k["mob"])
    T.close("f''(c0)", T.number(rep, "f''(c0)"), f2, tol, 1e-12 * scale)
    T.close("M(c0)", T.number(rep, "M(c0)"), m, tol)
    T.close("D_eff(c0) = M f''", T.number(rep, "D_eff(c0)"), m * f2, tol, 1e-12 * scale * m)
    uphill = rep.get("uphill", [""])[0]
    T.check(uphill == ("yes" if f2 < 0 else "no"), "uphill = %s for f''(c0) = %g" % (uphill, f2))
    if name == "regular_metastable":
        T.check(" ".join(rep.get("regime", [])).startswith("downhill (metastable"), "c0 between binodal and spinodal is reported metastable")

    kappa = k["kappa"]
    if f2 < 0:
        km = math.sqrt(-f2 / (2 * kappa))
        rate = m * f2 * f2 / (4 * kappa)
        kc = math.sqrt(-f2 / kappa)
        T.close("k_m = sqrt(-f''/(2 kappa))", T.number(rep, "k_m"), km, tol)
        T.close("lambda_m = 2 pi/k_m", T.number(rep, "lambda_m"), 2 * math.pi / km, tol)
        T.close("R(k_m) = M f''^2/(4 kappa)", T.number(rep, "R(k_m)"), rate, tol)
        T.close("growth time = 1/R(k_m)", T.number(rep, "growth time"), 1 / rate, tol)
        T.close("lambda_c = 2 pi/sqrt(-f''/kappa)", T.number(rep, "lambda_c"), 2 * math.pi / kc, tol)
        # the closed forms against the dispersion relation itself
        disp = lambda q: -m * q * q * (f2 + kappa * q * q)
        T.close("R(k) at k_m equals M f''^2/(4 kappa)", disp(km), rate, 1e-12)
        T.check(disp(0.999 * km) < disp(km) and disp(1.001 * km) < disp(km), "R(k) peaks at k_m")
        T.close("R(k_c) = 0", disp(kc), 0.0, 1e-12, rate)
    else:
        T.check("k_m" not in rep and "R(k_m)" not in rep, "outside the spinodal: no fastest-growing mode is reported")
    T.finish()


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in CASES:
        sys.exit("usage: %s CASE; cases: %s" % (sys.argv[0], " ".join(CASES)))
    main(sys.argv[1])
