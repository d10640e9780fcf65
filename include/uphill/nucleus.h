/* Classical nucleation estimates for the binary model and the -ic nucleus initial state
   (initial_nucleus.c; docs/MODEL.md section 6.4). */
#ifndef UPHILL_NUCLEUS_H
#define UPHILL_NUCLEUS_H
#include <uphill/app.h>

typedef enum { NUCLEATION_NO_GAP, NUCLEATION_STABLE, NUCLEATION_METASTABLE, NUCLEATION_UNSTABLE } NucleationRegime;

typedef struct {
  NucleationRegime regime;
  PetscReal        blo, bhi, slo, shi; /* binodal and spinodal */
  PetscReal        sigma;     /* interfacial energy int sqrt(2 kappa df) dc between the binodals (J/m^2) */
  PetscReal        width;     /* tanh width delta of the equilibrium interface */
  PetscReal        cn;        /* metastable: nucleus composition, f'(cn) = f'(c0) on the other branch; else the far binodal */
  PetscReal        dg;        /* metastable: driving force per volume f(c0) + f'(c0)(cn - c0) - f(cn) (J/m^3) */
  PetscInt         dim;       /* directions with more than one cell */
  PetscReal        rstar;     /* metastable, dim >= 2: (dim - 1) sigma / dg */
} Nucleation;

/* The nucleation facts at the run's c0 (binary model). */
void           NucleationEstimate(const App *app, Nucleation *nu);
/* -ic nucleus: c0 with tanh-profiled nuclei of composition cn into X (binary; mu = 0). */
PetscErrorCode InitialNucleus(const App *app, Vec X);
#endif
