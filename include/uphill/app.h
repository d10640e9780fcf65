/* The application context passed explicitly to every stage of a run. */
#ifndef UPHILL_APP_H
#define UPHILL_APP_H
#include <petscdmda.h>
#include <petscts.h>
#include <uphill/params.h>
#include <uphill/thermo.h>
#include <uphill/mobility.h>
#include <uphill/multicomp.h>

/* Nondimensional scaling of the unknowns and residual rows.  The state vector holds
   (c, mu/E) at each point, and the residual rows are (tau * c-equation, mu-equation / E),
   so that Newton and Krylov norms compare like with like in SI and dimensionless runs. */
typedef struct {
  PetscReal E;   /* energy density scale (J/m^3) */
  PetscReal tau; /* time scale kappa / (M0 E^2) (s) */
} Scales;

/* Point layout: the first ncomp entries are concentrations, the next ncomp the scaled
   diffusion potentials.  The binary kernels address a point as a BinaryField (ncomp = 1). */
typedef struct {
  PetscScalar c, mu;
} BinaryField;

typedef struct Multigrid *Multigrid; /* the multigrid hierarchy (multigrid.c) */
typedef struct ModelOps   ModelOps;   /* the model's operations (model.h) */

typedef struct {
  Params    p;
  Thermo    th;
  Mobility  mob;
  MultiModel mm;   /* the N-component model (p.general) */
  const ModelOps *ops; /* binary or N-component kernels, chosen in AppSetUp */
  Scales    s;
  DM        da;
  PetscReal h[3];  /* grid spacings */
  PetscReal dV;    /* cell volume */
  TS        ts;    /* the integrator (borrowed reference, set by SolverCreate) */
  Multigrid mg;    /* the default preconditioner's hierarchy, or NULL */
  PetscBool block_diagonal_pmat; /* the preconditioning matrix holds the Jacobian's point blocks only */
  PetscReal shift; /* the integrator's d(u_t)/du at the last Jacobian (Newton's mass projection) */
  PetscReal step_atol, step_rtol; /* bdf path: the error test's atol + rtol std(c) (solver.c) */
} App;

PetscErrorCode AppSetUp(MPI_Comm comm, App *app);
PetscErrorCode AppDestroy(App *app);
#endif
