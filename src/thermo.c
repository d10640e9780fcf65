/* Free-energy landscape facts: critical temperature, spinodal, binodal (docs/MODEL.md section 1).
   Shared by uphill3d's parameter report and the uphill3d-thermo tool. */
#include <uphill/thermo.h>

PetscErrorCode ThermoFromParams(const Params *p, Thermo *th)
{
  PetscFunctionBegin;
  th->type  = p->free_energy;
  th->omega = ParamsPerVolume(p, p->omega);
  th->rt    = ParamsRTPerVolume(p);
  th->rho   = p->rho;
  th->ca    = p->c_alpha;
  th->cb    = p->c_beta;
  /* from the molar Omega and R, not T omega/(2 rt): T_c keeps its last printed digits */
  th->tc    = p->free_energy == FE_REGULAR_SOLUTION ? p->omega / (2 * p->gas_constant) : NAN;
  PetscFunctionReturn(0);
}

PetscReal ThermoCriticalTemperature(const Thermo *th)
{
  return th->tc;
}

/* f'' = 0.  Regular solution: c(1-c) = RT/(2 Omega), i.e. c = (1 +- sqrt(1 - T/Tc))/2.
   Double well: c = (ca+cb)/2 +- (cb-ca)/(2 sqrt 3). */
PetscBool ThermoSpinodal(const Thermo *th, PetscReal *lo, PetscReal *hi)
{
  PetscReal r;
  if (th->type == FE_REGULAR_SOLUTION) {
    if (!(th->omega > 0) || th->rt >= th->omega / 2) {
      *lo = *hi = NAN;
      return PETSC_FALSE;
    }
    r = PetscSqrtReal(1 - 2 * th->rt / th->omega); /* sqrt(1 - T/Tc) */
    *lo = 0.5 * (1 - r);
    *hi = 0.5 * (1 + r);
    return PETSC_TRUE;
  }
  r   = (th->cb - th->ca) / (2 * PetscSqrtReal(3.0));
  *lo = 0.5 * (th->ca + th->cb) - r;
  *hi = 0.5 * (th->ca + th->cb) + r;
  return PETSC_TRUE;
}

/* Common tangent.  Both energies are symmetric about their midpoint, so the tangent is
   horizontal: the regular solution's binodal solves ln(c/(1-c)) = Omega (2c-1)/RT, found
   by bisection in x = ln(c/(1-c)) (robust down to c ~ 1e-300 for deep quenches). */
PetscBool ThermoBinodal(const Thermo *th, PetscReal *lo, PetscReal *hi)
{
  if (th->type == FE_DOUBLE_WELL) {
    *lo = th->ca;
    *hi = th->cb;
    return PETSC_TRUE;
  }
  PetscReal slo, shi;
  if (!ThermoSpinodal(th, &slo, &shi)) {
    *lo = *hi = NAN;
    return PETSC_FALSE;
  }
  const PetscReal a = th->omega / th->rt;
  PetscReal       xa = -700, xb = PetscLogReal(slo / (1 - slo)); /* g(xa) < 0 < g(xb) */
  for (int it = 0; it < 200; it++) {
    const PetscReal xm = 0.5 * (xa + xb), c = 1 / (1 + PetscExpReal(-xm));
    const PetscReal g  = xm - a * (2 * c - 1);
    if (g < 0) xa = xm;
    else xb = xm;
    if (xb - xa < 1e-15 * PetscMax(1, PetscAbsReal(xm))) break;
  }
  *lo = 1 / (1 + PetscExpReal(-0.5 * (xa + xb)));
  *hi = 1 - *lo;
  return PETSC_TRUE;
}

/* The scale E of energy densities (and of mu) used to nondimensionalise the unknowns. */
PetscReal ThermoEnergyScale(const Thermo *th)
{
  if (th->type == FE_REGULAR_SOLUTION) return PetscMax(PetscAbsReal(th->omega), th->rt);
  return th->rho * (th->cb - th->ca) * (th->cb - th->ca);
}

/* ---- the flat equilibrium interface (docs/MODEL.md, "Resolution of the interface") --------
   Both energies are symmetric about the midpoint of their binodal, so the common tangent is
   horizontal and the 1D equilibrium kappa c'' = f'(c) between the two binodal phases has the
   first integral kappa/2 c'^2 = f(c) - f(c_alpha). */

/* Composite Simpson rule of g on [a, b] with n (even) intervals. */
static PetscReal Simpson(PetscReal (*g)(const Thermo *, PetscReal, PetscReal), const Thermo *th, PetscReal kappa, PetscReal a, PetscReal b, PetscInt n)
{
  const PetscReal d = (b - a) / n;
  PetscReal       s = g(th, kappa, a) + g(th, kappa, b);
  for (PetscInt i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * g(th, kappa, a + i * d);
  return s * d / 3;
}

static PetscReal ExcessEnergy(const Thermo *th, PetscReal c)
{
  PetscReal lo, hi;
  (void)ThermoBinodal(th, &lo, &hi);
  if (!(c > lo && c < hi)) return 0; /* the binodal ends (hi = 1 - lo may round to 1, where f is NaN) */
  return PetscMax(ThermoF(th, c) - ThermoF(th, lo), 0);
}

static PetscReal SigmaIntegrand(const Thermo *th, PetscReal kappa, PetscReal c) { return PetscSqrtReal(2 * kappa * ExcessEnergy(th, c)); }
static PetscReal WidthIntegrand(const Thermo *th, PetscReal kappa, PetscReal c) { return PetscSqrtReal(kappa / (2 * ExcessEnergy(th, c))); }

/* Continuum interface energy sigma = int sqrt(2 kappa (f - f_alpha)) dc over the gap and the
   10-90% width x(c_90) - x(c_10) = int dc / c'(c) (c_10, c_90 at 10% and 90% of the gap).
   Double well: sigma = sqrt(2 kappa rho) (cb - ca)^3/6, width 2 ln 9 delta with the tanh
   profile (1 + tanh(x/(2 delta)))/2, delta = sqrt(kappa/(2 rho))/(cb - ca).
   False where there is no miscibility gap or kappa = 0. */
PetscBool ThermoInterface(const Thermo *th, PetscReal kappa, PetscReal *sigma, PetscReal *width)
{
  PetscReal lo, hi;
  *sigma = *width = NAN;
  if (!(kappa > 0) || !ThermoBinodal(th, &lo, &hi) || !(hi > lo)) return PETSC_FALSE;
  *sigma = Simpson(SigmaIntegrand, th, kappa, lo, hi, 4000);
  *width = Simpson(WidthIntegrand, th, kappa, lo + 0.1 * (hi - lo), lo + 0.9 * (hi - lo), 2000);
  return PETSC_TRUE;
}

/* The discrete energy of the antisymmetric profile held in c[0..m-1] (the other half is
   S - c mirrored; with a centre cell c = S/2 between them when centred), ghosts at the binodal
   phases beyond both ends: the 1D form of src/energy.c's sum, minus f_alpha per cell. */
static PetscReal ProfileEnergy(const Thermo *th, PetscReal kappa, PetscReal h, const PetscReal *c, PetscInt m, PetscBool centred, PetscReal lo, PetscReal hi)
{
  const PetscReal S = lo + hi, fa = ThermoF(th, lo);
  PetscReal       e = 0, prev = lo;
  for (PetscInt i = 0; i < m; i++) {
    e += 2 * h * (ThermoF(th, c[i]) - fa) + kappa * (c[i] - prev) * (c[i] - prev) / h; /* the cell and its mirror; the face to the left and its mirror */
    prev = c[i];
  }
  if (centred) e += h * (ThermoF(th, 0.5 * S) - fa) + kappa * (0.5 * S - prev) * (0.5 * S - prev) / h;
  else e += 0.5 * kappa * (S - 2 * prev) * (S - 2 * prev) / h;
  return e;
}

/* Newton on the discrete Euler-Lagrange equations h f'(c_i) - kappa (c_{i+1} - 2 c_i + c_{i-1})/h
   = 0 for the left half (tridiagonal; the antisymmetry removes the translation mode), from a
   tanh of the continuum width; steps damped to stay inside the energy's domain. */
static PetscErrorCode DiscreteProfileEnergy(const Thermo *th, PetscReal kappa, PetscReal h, PetscReal width, PetscBool centred, PetscReal *sigma_h)
{
  PetscReal       lo, hi, *c, *r, *a, *b, *d;
  const PetscInt  m = 5 + (PetscInt)PetscCeilReal(15 * width / h);
  const PetscReal delta = width / (2 * PetscLogReal(9.0));

  PetscFunctionBegin;
  (void)ThermoBinodal(th, &lo, &hi);
  const PetscReal S = lo + hi, k = kappa / h;
  PetscCall(PetscMalloc5(m, &c, m, &r, m, &a, m, &b, m, &d));
  for (PetscInt i = 0; i < m; i++) {
    const PetscReal x = ((PetscReal)i - m + (centred ? 0.0 : 0.5)) * h;
    c[i] = lo + (hi - lo) / (1 + PetscExpReal(-x / delta)); /* the tanh as a logistic: c >= lo > 0 even for lo ~ 1e-300 */
  }
  for (int it = 0; it < 200; it++) {
    PetscReal dmax = 0, lambda = 1;
    for (PetscInt i = 0; i < m; i++) {
      const PetscReal left = i ? c[i - 1] : lo, right = i < m - 1 ? c[i + 1] : (centred ? 0.5 * S : S - c[i]);
      r[i] = h * ThermoDF(th, c[i]) - k * (right - 2 * c[i] + left);
      d[i] = h * ThermoD2F(th, c[i]) + 2 * k + (i == m - 1 && !centred ? k : 0);
      a[i] = -k; /* sub- and super-diagonal */
    }
    /* Thomas algorithm: solve J dc = r in place (b holds the modified super-diagonal) */
    for (PetscInt i = 0; i < m; i++) {
      if (i) {
        const PetscReal w = a[i] / d[i - 1];
        d[i] -= w * b[i - 1];
        r[i] -= w * r[i - 1];
      }
      b[i] = -k;
    }
    r[m - 1] /= d[m - 1];
    for (PetscInt i = m - 2; i >= 0; i--) r[i] = (r[i] - b[i] * r[i + 1]) / d[i];
    if (th->type == FE_REGULAR_SOLUTION)
      for (PetscInt i = 0; i < m; i++) {
        if (r[i] > 0 && c[i] - r[i] <= 0) lambda = PetscMin(lambda, 0.5 * c[i] / r[i]);
        if (r[i] < 0 && c[i] - r[i] >= 1) lambda = PetscMin(lambda, 0.5 * (1 - c[i]) / -r[i]);
      }
    for (PetscInt i = 0; i < m; i++) {
      c[i] -= lambda * r[i];
      dmax = PetscMax(dmax, PetscAbsReal(r[i]));
    }
    if (lambda == 1 && dmax < 1e-13 * (hi - lo)) break;
  }
  *sigma_h = ProfileEnergy(th, kappa, h, c, m, centred, lo, hi);
  PetscCall(PetscFree5(c, r, a, b, d));
  PetscFunctionReturn(0);
}

/* The resolution of the interface on a grid of spacing h: the discrete 1D equilibrium
   interface energy sigma_h (the worse of the two grid-aligned positions, centred on a cell
   face or on a cell) relative to the continuum sigma: *err = sigma_h/sigma - 1.  It converges
   as h^2; beyond 50 points across the 10-90% width it is below 1e-4 and not computed (0). */
PetscErrorCode ThermoInterfaceResolution(const Thermo *th, PetscReal kappa, PetscReal h, PetscReal *sigma, PetscReal *width, PetscReal *err)
{
  PetscReal s[2];

  PetscFunctionBegin;
  *err = NAN;
  if (!ThermoInterface(th, kappa, sigma, width)) PetscFunctionReturn(0);
  if (*width > 50 * h) {
    *err = 0;
    PetscFunctionReturn(0);
  }
  PetscCall(DiscreteProfileEnergy(th, kappa, h, *width, PETSC_FALSE, &s[0]));
  PetscCall(DiscreteProfileEnergy(th, kappa, h, *width, PETSC_TRUE, &s[1]));
  *err = s[0] / *sigma - 1;
  if (PetscAbsReal(s[1] / *sigma - 1) > PetscAbsReal(*err)) *err = s[1] / *sigma - 1;
  PetscFunctionReturn(0);
}
