/* Unit test of the homogeneous free energies (docs/MODEL.md section 1, include/uphill/thermo.h):
     - f', f'', f''' of regular_solution and double_well against central finite differences
       of f, f', f'' at interior points and right next to the ends of (0,1);
     - T_c = Omega/(2R): f''(1/2) = 0 at T = T_c, > 0 above, < 0 below;
     - spinodal: f'' = 0 at both roots, and they match (1 +- sqrt(1 - T/T_c))/2;
     - binodal: common tangent (equal f' and equal intercept f - c f' at both ends), and the
       regular solution's ln(c/(1-c)) = Omega (2c-1)/(RT);
     - no spinodal/binodal above T_c.
   Prints every measured error and exits non-zero if any check fails. */
#include <uphill/thermo.h>
#include <float.h>
#include <math.h>
#include <stdio.h>

static int failures = 0, checks = 0;

static void Check(const char *what, double err, double tol)
{
  const int ok = (err <= tol); /* NaN fails */
  checks++;
  if (!ok) failures++;
  printf("%-4s %-72s err %.3e  tol %.1e\n", ok ? "ok" : "FAIL", what, err, tol);
}

typedef double (*Fn)(const Thermo *, double);
static double F0(const Thermo *t, double c) { return ThermoF(t, c); }
static double F1(const Thermo *t, double c) { return ThermoDF(t, c); }
static double F2(const Thermo *t, double c) { return ThermoD2F(t, c); }
static double F3(const Thermo *t, double c) { return ThermoD3F(t, c); }

/* Derivative n (1..3) of f from central differences of f^(n-1), Richardson-extrapolated:
   D = (4 D(h/2) - D(h))/3 with D(h) = (g(c+h) - g(c-h))/((c+h)-(c-h)); the step actually
   taken, (c+h)-(c-h), is exact in floating point.  h = 1e-3 d with d the length scale of f:
   for the regular solution the distance to the nearest end of (0,1) (the logarithm's
   singularity), so that c = 1e-6 and 1 - 1e-6 are resolved; for the double well cb - ca.
   Error budget:
     truncation  O((h/d)^4) ~ 1e-12 relative after extrapolation;
     round-off   f itself carries an absolute error ~ eps E (the rounding of 1 - c inside
                 ln(1-c) costs eps even when c is tiny), so the quotient errs by ~eps E / h:
                 at c = 1e-6 (h = 1e-9) that is ~1e-8 of f' (measured at most 7.5e-9),
                 and far less elsewhere.
   The error is measured against |analytic| + 1e-3 * size_n, where size_n is the natural size
   of the n-th derivative (E/d^(n-1) for the regular solution, E = max(Omega, RT)/V_m,
   d = min(c,1-c); rho (cb-ca)^(4-n) for the double well), so that points where the derivative
   happens to vanish (c = 1/2, the wells, the spinodal) are judged on an absolute scale.
   Tolerance 1e-7 passes a correct derivative (margin > 10 at the worst point, > 1000 at
   most) and catches any wrong factor, sign or term, which errs by O(1). */
static double FDRichardson(const Thermo *th, Fn g, double c, double h)
{
  double d[2];
  for (int k = 0; k < 2; k++) {
    const double hh = k ? h / 2 : h, cp = c + hh, cm = c - hh;
    d[k] = (g(th, cp) - g(th, cm)) / (cp - cm);
  }
  return (4 * d[1] - d[0]) / 3;
}

static double NaturalSize(const Thermo *th, int n, double c)
{
  if (th->type == FE_REGULAR_SOLUTION) {
    const double d = fmin(1.0, fmin(c, 1 - c));
    return fmax(th->omega, th->rt) / pow(d, n - 1);
  }
  return th->rho * pow(th->cb - th->ca, 4 - n);
}

static void CheckDerivative(const char *name, const Thermo *th, Fn g, Fn dg, int n, double c)
{
  char         what[160];
  /* length scale of f: the distance to the logarithm's singularity, or the wells' spacing */
  const double d   = th->type == FE_REGULAR_SOLUTION ? fmin(1.0, fmin(c, 1 - c)) : th->cb - th->ca;
  const double fd  = FDRichardson(th, g, c, 1e-3 * d), an = dg(th, c);
  const double err = fabs(fd - an) / (fabs(an) + 1e-3 * NaturalSize(th, n, c));
  snprintf(what, sizeof what, "%s at c = %.10g: analytic %.12e, FD %.12e", name, c, an, fd);
  Check(what, err, 1e-7);
}

static void CheckAllDerivatives(const char *label, const Thermo *th)
{
  /* c near both ends, interior, the symmetric point (where f' and f''' vanish for symmetric
     energies), near the spinodal (f'' ~ 0) and, for the polynomial double well, outside [0,1] */
  const double cs[] = {1e-6, 1e-3, 0.05, 0.2113, 0.3, 0.5, 0.6, 0.7887, 0.95, 0.999, 1 - 1e-6, -0.2, 1.3};
  const size_t n    = sizeof cs / sizeof cs[0] - (th->type == FE_DOUBLE_WELL ? 0 : 2);
  char         name[64];
  printf("--- %s: derivatives vs central differences\n", label);
  for (size_t i = 0; i < n; i++) {
    snprintf(name, sizeof name, "%s f'", label);
    CheckDerivative(name, th, F0, F1, 1, cs[i]);
    snprintf(name, sizeof name, "%s f''", label);
    CheckDerivative(name, th, F1, F2, 2, cs[i]);
    snprintf(name, sizeof name, "%s f'''", label);
    CheckDerivative(name, th, F2, F3, 3, cs[i]);
  }
}

/* The landscape facts.  Every residual below is an exact identity evaluated in double
   precision on quantities of size `scale` (the energy density scale), so 1e-10 relative
   leaves ~5 digits of head room over round-off (a few eps times condition ~ |ln c| <= 50). */
static void CheckLandscape(const char *label, const Thermo *th, double scale, double T_over_Tc)
{
  double lo, hi, blo, bhi;
  char   what[200];

  printf("--- %s: spinodal and binodal\n", label);
  if (!ThermoSpinodal(th, &lo, &hi)) {
    Check("spinodal exists below T_c", 1, 0);
    return;
  }
  printf("     spinodal %.15f .. %.15f\n", lo, hi);
  snprintf(what, sizeof what, "%s f''(spinodal lo)/scale = 0", label);
  Check(what, fabs(ThermoD2F(th, lo)) / scale, 1e-10);
  snprintf(what, sizeof what, "%s f''(spinodal hi)/scale = 0", label);
  Check(what, fabs(ThermoD2F(th, hi)) / scale, 1e-10);
  snprintf(what, sizeof what, "%s f'' < 0 between the spinodal roots, > 0 just outside", label);
  Check(what, (ThermoD2F(th, 0.5 * (lo + hi)) < 0 && ThermoD2F(th, lo - 1e-3) > 0 && ThermoD2F(th, hi + 1e-3) > 0) ? 0 : 1, 0);
  if (th->type == FE_REGULAR_SOLUTION) {
    const double r = sqrt(1 - T_over_Tc);
    snprintf(what, sizeof what, "%s spinodal = (1 -+ sqrt(1 - T/T_c))/2", label);
    Check(what, fmax(fabs(lo - 0.5 * (1 - r)), fabs(hi - 0.5 * (1 + r))), 1e-12);
  } else {
    const double r = (th->cb - th->ca) / (2 * sqrt(3.0)), m = 0.5 * (th->ca + th->cb);
    snprintf(what, sizeof what, "%s spinodal = (ca+cb)/2 -+ (cb-ca)/(2 sqrt 3)", label);
    Check(what, fmax(fabs(lo - (m - r)), fabs(hi - (m + r))), 1e-12);
  }

  if (!ThermoBinodal(th, &blo, &bhi)) {
    Check("binodal exists below T_c", 1, 0);
    return;
  }
  printf("     binodal  %.15g .. %.15g\n", blo, bhi);
  snprintf(what, sizeof what, "%s binodal ordered: 0 < lo < spinodal lo < spinodal hi < hi < 1", label);
  Check(what, (blo > 0 && blo < lo && hi < bhi && bhi < 1) || (th->type == FE_DOUBLE_WELL && blo < lo && hi < bhi) ? 0 : 1, 0);
  {
    /* The binodal compositions are doubles: rounding c moves f' by f''(c) ulp(c) and the
       intercept f - c f' by c f''(c) ulp(c).  Near c = 1 in a deep quench (f'' ~ RT/(1-c)
       ~ 1e8) that alone is ~1e-8, so the tolerance is 1e-10 of the scale plus this
       representation limit (which no implementation can beat). */
    const double d1 = ThermoDF(th, blo), d2 = ThermoDF(th, bhi);
    const double i1 = ThermoF(th, blo) - blo * d1, i2 = ThermoF(th, bhi) - bhi * d2;
    const double u1 = DBL_EPSILON * fabs(blo), u2 = DBL_EPSILON * fabs(bhi);
    const double a1 = (fabs(ThermoD2F(th, blo)) * u1 + fabs(ThermoD2F(th, bhi)) * u2) / scale;
    const double a2 = (fabs(blo * ThermoD2F(th, blo)) * u1 + fabs(bhi * ThermoD2F(th, bhi)) * u2) / scale;
    printf("     f'(lo) = %.6e f'(hi) = %.6e  intercepts %.12e %.12e  (representation limits %.1e, %.1e of scale)\n", d1, d2, i1, i2, a1, a2);
    snprintf(what, sizeof what, "%s common tangent: |f'(lo) - f'(hi)|/scale", label);
    Check(what, fabs(d1 - d2) / scale, 1e-10 + a1);
    snprintf(what, sizeof what, "%s common tangent: |(f - c f')(lo) - (f - c f')(hi)|/scale", label);
    Check(what, fabs(i1 - i2) / scale, 1e-10 + a2);
  }
  if (th->type == FE_REGULAR_SOLUTION) {
    const double res = log(blo / (1 - blo)) - th->omega * (2 * blo - 1) / th->rt;
    snprintf(what, sizeof what, "%s ln(c/(1-c)) = Omega(2c-1)/RT at the binodal", label);
    Check(what, fabs(res) / (th->omega / th->rt), 1e-10);
  }
}

static void RegularParams(Params *p, double omega, double T, double R, double Vm)
{
  PetscMemzero(p, sizeof *p);
  p->free_energy  = FE_REGULAR_SOLUTION;
  p->omega        = omega;
  p->temperature  = T;
  p->gas_constant = R;
  p->molar_volume = Vm;
}

int main(int argc, char **argv)
{
  Params p;
  Thermo th;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));

  /* Regular solution in SI units (Omega = 20 kJ/mol, T = 873 K, V_m = 1e-5 m^3/mol), in
     dimensionless units (R = 1), and a deep quench T/T_c = 0.1 (binodal near 2e-9). */
  struct {
    const char *label;
    double      omega, T, R, Vm;
  } reg[] = {
    {"regular SI", 20000.0, 873.0, 8.314462618, 1e-5},
    {"regular dimensionless", 3.0, 1.0, 1.0, 1.0},
    {"regular deep quench", 3.0, 0.15, 1.0, 1.0},
  };
  for (size_t i = 0; i < sizeof reg / sizeof reg[0]; i++) {
    RegularParams(&p, reg[i].omega, reg[i].T, reg[i].R, reg[i].Vm);
    PetscCall(ThermoFromParams(&p, &th));
    const double scale = fmax(th.omega, th.rt), Tc = ThermoCriticalTemperature(&th);
    char         what[160];
    printf("=== %s: Omega/V_m = %g, RT/V_m = %g, T_c = %.10g, T/T_c = %.6f\n", reg[i].label, th.omega, th.rt, Tc, reg[i].T / Tc);
    snprintf(what, sizeof what, "%s T_c = Omega/(2R)", reg[i].label);
    Check(what, fabs(Tc - reg[i].omega / (2 * reg[i].R)) / Tc, 1e-14);
    CheckAllDerivatives(reg[i].label, &th);
    CheckLandscape(reg[i].label, &th, scale, reg[i].T / Tc);

    /* T_c is where f''(1/2) changes sign: at T_c it is 0 (to round-off of -2 Omega + 4 RT),
       and the spinodal disappears just above T_c. */
    Params pc = p;
    Thermo tc;
    pc.temperature = Tc;
    PetscCall(ThermoFromParams(&pc, &tc));
    snprintf(what, sizeof what, "%s f''(1/2) = 0 at T = T_c", reg[i].label);
    Check(what, fabs(ThermoD2F(&tc, 0.5)) / scale, 1e-12);
    pc.temperature = Tc * (1 + 1e-6);
    PetscCall(ThermoFromParams(&pc, &tc));
    double lo, hi;
    snprintf(what, sizeof what, "%s T = T_c(1+1e-6): f''(1/2) > 0, no spinodal, no binodal", reg[i].label);
    Check(what, (ThermoD2F(&tc, 0.5) > 0 && !ThermoSpinodal(&tc, &lo, &hi) && isnan(lo) && !ThermoBinodal(&tc, &lo, &hi)) ? 0 : 1, 0);
    pc.temperature = Tc * (1 - 1e-6);
    PetscCall(ThermoFromParams(&pc, &tc));
    snprintf(what, sizeof what, "%s T = T_c(1-1e-6): f''(1/2) < 0 and a spinodal", reg[i].label);
    Check(what, (ThermoD2F(&tc, 0.5) < 0 && ThermoSpinodal(&tc, &lo, &hi)) ? 0 : 1, 0);
  }

  /* Double well: the PFHub benchmark 1 parameters and an asymmetric pair of wells. */
  struct {
    const char *label;
    double      rho, ca, cb;
  } dw[] = {
    {"double_well pfhub", 5.0, 0.3, 0.7},
    {"double_well asymmetric", 2.5, 0.12, 0.93},
  };
  for (size_t i = 0; i < sizeof dw / sizeof dw[0]; i++) {
    PetscMemzero(&p, sizeof p);
    p.free_energy = FE_DOUBLE_WELL;
    p.rho         = dw[i].rho;
    p.c_alpha     = dw[i].ca;
    p.c_beta      = dw[i].cb;
    PetscCall(ThermoFromParams(&p, &th));
    const double scale = th.rho * (th.cb - th.ca) * (th.cb - th.ca) * (th.cb - th.ca) * (th.cb - th.ca);
    char         what[160];
    printf("=== %s: rho = %g, c_alpha = %g, c_beta = %g\n", dw[i].label, th.rho, th.ca, th.cb);
    Check("double_well has no critical temperature (NaN)", isnan(ThermoCriticalTemperature(&th)) ? 0 : 1, 0);
    CheckAllDerivatives(dw[i].label, &th);
    CheckLandscape(dw[i].label, &th, scale, 0);
    snprintf(what, sizeof what, "%s f = f' = 0 at both wells", dw[i].label);
    Check(what, fmax(fmax(fabs(ThermoF(&th, th.ca)), fabs(ThermoF(&th, th.cb))), fmax(fabs(ThermoDF(&th, th.ca)), fabs(ThermoDF(&th, th.cb)))) / scale, 1e-14);
  }

  printf("%d checks, %d failed\n", checks, failures);
  PetscCall(PetscFinalize());
  return failures ? 1 : 0;
}
