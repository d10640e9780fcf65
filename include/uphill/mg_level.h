/* Matrix-free operators of the binary model's multigrid levels (mg_level.c): the 7-point
   Jacobian of a level from its coefficient field (f'', M), as a MatShell with MatMult and a
   red-black point-block Gauss-Seidel MatSOR (the smoother PCSOR applies). */
#ifndef UPHILL_MG_LEVEL_H
#define UPHILL_MG_LEVEL_H
#include <uphill/app.h>

/* The operator on grid da with spacings h; its field is set by LevelOperatorSetField. */
PetscErrorCode LevelOperatorCreate(const App *app, DM da, const PetscReal h[3], Mat *A);
/* The field K (a global vector of da: f'' and M per cell) and the integrator's shift; resets
   the scale (MatScale multiplies it). */
PetscErrorCode LevelOperatorSetField(Mat A, Vec K, PetscReal shift);
PetscErrorCode LevelOperatorIs(Mat A, PetscBool *is);
#endif
