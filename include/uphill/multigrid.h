#ifndef UPHILL_MULTIGRID_H
#define UPHILL_MULTIGRID_H
#include <uphill/app.h>
#define MG_MAX_LEVELS 12
/* Levels of the DMDA hierarchy: halve while every direction stays even, keeps at least two
   points per rank, and the coarse grid is not yet tiny. */
PetscInt       MultigridLevels(const App *app);
/* Set up PCMG on the DMDA hierarchy: cell-centred interpolations and either rediscretised
   (galerkin false) or Galerkin coarse operators (multigrid.c). */
PetscErrorCode MultigridCreate(App *app, PC pc, PetscInt levels, PetscBool galerkin, Multigrid *mg);
/* Rebuild the rediscretised coarse operators at state X (call before the PC is rebuilt). */
PetscErrorCode MultigridUpdate(Multigrid mg, Vec X, PetscReal shift);
PetscErrorCode MultigridDestroy(Multigrid *mg);
#endif
