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
