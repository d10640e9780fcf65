/* Scalar mobility M(c) of the binary model (docs/MODEL.md section 1). */
#ifndef UPHILL_MOBILITY_H
#define UPHILL_MOBILITY_H
#include <uphill/params.h>

typedef struct {
  MobilityModel model;
  PetscReal     m0;
} Mobility;

/* Degenerate mobility is clipped at zero so that a state slightly outside [0,1]
   (possible with the polynomial energy) never gets a negative, anti-diffusive mobility. */
static inline PetscReal MobilityValue(const Mobility *m, PetscReal c)
{
  if (m->model == MOBILITY_CONSTANT) return m->m0;
  const PetscReal q = c * (1 - c);
  return q > 0 ? m->m0 * q : 0;
}

static inline PetscReal MobilityDerivative(const Mobility *m, PetscReal c)
{
  if (m->model == MOBILITY_CONSTANT) return 0;
  return c * (1 - c) > 0 ? m->m0 * (1 - 2 * c) : 0;
}
#endif
