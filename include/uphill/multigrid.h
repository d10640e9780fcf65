/* The multigrid hierarchy of the DMDA: levels, transfers and the coarse operators' storage.
   It calls no operator code: the solver passes the callbacks that build the coarse operators. */
#ifndef UPHILL_MULTIGRID_H
#define UPHILL_MULTIGRID_H
#include <uphill/app.h>
#define MG_MAX_LEVELS 12
/* What a level's operator needs: its grid and geometry. */
typedef struct {
  DM        da;
  PetscReal h[3], dV;
} MultigridLevel;
/* How the rediscretised coarse operators are built: the field restricted level by level (from
   the state X by fine_field, or X itself when it is NULL) and a level's operator at its field. */
typedef struct {
  PetscErrorCode (*fine_field)(void *ctx, Vec X, Vec K);
  PetscErrorCode (*assemble)(void *ctx, const MultigridLevel *level, Vec K, PetscReal shift, Mat A);
  /* matrix-free levels, or NULL: a level's operator (a shell that assemble then updates) for
     every level but the coarsest (its LU needs a matrix), and the fine smoother's operator */
  PetscErrorCode (*create_level)(void *ctx, const MultigridLevel *level, Mat *A);
  void *ctx;
} MultigridOperators;
/* Levels of the DMDA hierarchy: halve while every direction stays even, keeps at least two
   points per rank, and the coarse grid is not yet tiny. */
PetscErrorCode MultigridLevels(const App *app, PetscInt *levels);
/* Set up PCMG on the DMDA hierarchy: cell-centred interpolations and either rediscretised
   (galerkin false, built by ops) or Galerkin coarse operators (multigrid.c). */
PetscErrorCode MultigridCreate(const App *app, PC pc, PetscInt levels, PetscBool galerkin, const MultigridOperators *ops, Multigrid *mg);
/* Rebuild the rediscretised coarse operators at state X (call before the PC is rebuilt). */
PetscErrorCode MultigridUpdate(Multigrid mg, Vec X, PetscReal shift);
/* The fine level's operator for the smoother (matrix-free levels; NULL otherwise): the
   preconditioning matrix of the Krylov solve, updated by MultigridUpdate. */
PetscErrorCode MultigridFineOperator(Multigrid mg, Mat *A);
PetscErrorCode MultigridDestroy(Multigrid *mg);
#endif
