/* Homogeneous free energies (docs/MODEL.md section 1), per unit volume, and their derivatives.
   Inline because the stencil kernel calls them at every grid point. */
#ifndef UPHILL_THERMO_H
#define UPHILL_THERMO_H
#include <uphill/params.h>

typedef struct {
  FreeEnergyType type;
  PetscReal      omega; /* Omega / V_m  (J/m^3) */
  PetscReal      rt;    /* R T / V_m    (J/m^3) */
  PetscReal      rho, ca, cb;
  PetscReal      tc;    /* critical temperature Omega/(2R) (K); NaN for the double well */
} Thermo;

PetscErrorCode ThermoFromParams(const Params *p, Thermo *th);

static inline PetscReal ThermoF(const Thermo *th, PetscReal c)
{
  if (th->type == FE_REGULAR_SOLUTION) return th->omega * c * (1 - c) + th->rt * (c * PetscLogReal(c) + (1 - c) * PetscLogReal(1 - c));
  const PetscReal a = c - th->ca, b = th->cb - c;
  return th->rho * a * a * b * b;
}

static inline PetscReal ThermoDF(const Thermo *th, PetscReal c)
{
  if (th->type == FE_REGULAR_SOLUTION) return th->omega * (1 - 2 * c) + th->rt * PetscLogReal(c / (1 - c));
  return 2 * th->rho * (c - th->ca) * (th->cb - c) * (th->ca + th->cb - 2 * c);
}

static inline PetscReal ThermoD2F(const Thermo *th, PetscReal c)
{
  if (th->type == FE_REGULAR_SOLUTION) return -2 * th->omega + th->rt / (c * (1 - c));
  const PetscReal s = th->ca + th->cb - 2 * c;
  return 2 * th->rho * (s * s - 2 * (c - th->ca) * (th->cb - c));
}

static inline PetscReal ThermoD3F(const Thermo *th, PetscReal c)
{
  if (th->type == FE_REGULAR_SOLUTION) return th->rt * (2 * c - 1) / (c * c * (1 - c) * (1 - c));
  return 12 * th->rho * (2 * c - th->ca - th->cb);
}

/* The logarithmic energy is defined on the open interval (0,1) only. */
static inline PetscBool ThermoInDomain(const Thermo *th, PetscReal c)
{
  return (th->type != FE_REGULAR_SOLUTION || (c > 0 && c < 1)) ? PETSC_TRUE : PETSC_FALSE;
}

/* Landscape facts (thermo.c). Temperatures in K; NaN where a quantity does not exist. */
PetscReal      ThermoCriticalTemperature(const Thermo *th);
PetscBool      ThermoSpinodal(const Thermo *th, PetscReal *lo, PetscReal *hi);
PetscBool      ThermoBinodal(const Thermo *th, PetscReal *lo, PetscReal *hi);
PetscReal      ThermoEnergyScale(const Thermo *th);
/* The flat equilibrium interface: continuum energy sigma and 10-90% width; its discrete
   energy on spacing h relative to sigma (the resolution criterion of the report). */
PetscBool      ThermoInterface(const Thermo *th, PetscReal kappa, PetscReal *sigma, PetscReal *width);
PetscErrorCode ThermoInterfaceResolution(const Thermo *th, PetscReal kappa, PetscReal h, PetscReal *sigma, PetscReal *width, PetscReal *err);
#endif
