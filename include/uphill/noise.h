/* Conserved thermal noise (Cahn-Hilliard-Cook; docs/MODEL.md section 6): a Gaussian flux on
   every cell face, drawn by a counter-based generator from (seed, step, face), so that the
   stream is the same on any rank count and after a restart (the step number is in the
   checkpoint). */
#ifndef UPHILL_NOISE_H
#define UPHILL_NOISE_H
#include <uphill/app.h>

typedef struct _p_Noise *Noise;

/* Thermal energy per volume R T_n / V_m of -noise_temperature (0: noise off). */
PetscReal      NoiseEnergyDensity(const Params *p);
/* The fixed step of a run with noise: -noise_dt, or tau. */
PetscReal      NoiseTimeStep(const App *app);
PetscErrorCode NoiseCreate(const App *app, Noise *nz);
PetscErrorCode NoiseDestroy(Noise *nz);
/* The scaled forcing of step `step` (step size dt) with the face mobilities of the state X0:
   tau * (-div xi) in the c rows, 0 in the mu rows, a vector of the state's layout owned by nz.
   Recomputed only when (step, dt) changes. */
PetscErrorCode NoiseForcing(Noise nz, PetscInt step, PetscReal dt, Vec X0, Vec *eta);
/* One standard normal number of the stream: a pure function of (seed, step, index). */
PetscReal      NoiseNormal(uint64_t seed, uint64_t step, uint64_t index);
#endif
