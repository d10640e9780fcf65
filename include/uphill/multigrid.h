#ifndef UPHILL_MULTIGRID_H
#define UPHILL_MULTIGRID_H
#include <uphill/app.h>
/* Levels of the DMDA hierarchy: halve while every direction stays even, keeps at least two
   points per rank, and the coarse grid is not yet tiny. */
PetscInt       MultigridLevels(const App *app);
/* Cell-centred multilinear prolongations for all levels of a PCMG. */
PetscErrorCode MultigridSetInterpolations(const App *app, PC pc, PetscInt levels);
#endif
