/* The matrix-free multigrid levels (src/mg_level.c) and transfers (src/multigrid.c) against
   their assembled counterparts, for the grid, walls and rank count given by the options:

     1. The level operator from a coefficient field (f'', M), scaled as PCMG scales a coarse
        level, against the Jacobian that jacobian.c assembles from the same field:
        ||A_mf v - A_asm v|| / ||A_asm v|| <= 1e-12 on random v (same operator: round-off).
     2. Its MatSOR is red-black point-block Gauss-Seidel: after one forward sweep (red, then
        black) from a random iterate, every black point's two equations hold exactly (their
        residual <= 1e-12 of the red points'), on any number of ranks (the black points saw
        the red values of the neighbouring ranks: the ghost exchange ran between the colours);
        and 200 sweeps at a large shift (block diagonally dominant) solve A x = b to 1e-10.
     3. The matrix-free interpolation (rediscretised hierarchies) against the AIJ one (Galerkin
        hierarchies): MatMult, MatMultAdd and MatMultTranspose agree to 1e-14 on every level.
   The field: f'' and M of a noisy state (f'' of both signs at c0 inside the spinodal). */
#include <uphill/physics.h>
#include <uphill/initial.h>
#include <uphill/grid.h>
#include "test_vec_check.h"
#include <uphill/multigrid.h>
#include <uphill/mg_level.h>
#include <uphill/model.h>

/* The largest |r| over the points of each colour ((i + j + k) % 2). */
static PetscErrorCode ColourMax(DM da, Vec r, PetscReal m[2])
{
  GridBox            b;
  const PetscScalar *x;

  PetscFunctionBegin;
  PetscCall(GridGetBox(da, &b));
  m[0] = m[1] = 0;
  PetscCall(VecGetArrayRead(r, &x));
  GRID_FOR_OWNED(&b, i, j, k)
  {
    const PetscInt p = b.info.dof * GridOwned(&b, i, j, k);
    for (PetscInt c = 0; c < b.info.dof; c++) m[(i + j + k) % 2] = PetscMax(m[(i + j + k) % 2], PetscAbsScalar(x[p + c]));
  }
  PetscCall(VecRestoreArrayRead(r, &x));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, m, 2, MPIU_REAL, MPIU_MAX, PetscObjectComm((PetscObject)da)));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckOperator(App *app, Vec K, PetscRandom rnd)
{
  Mat       A, P;
  Vec       v, ya, yp, x, b, r;
  PetscReal worst = 0, shift = 50, scale = 8, m[2], rel;
  MPI_Comm  comm = PetscObjectComm((PetscObject)app->da);

  PetscFunctionBegin;
  PetscCall(LevelOperatorCreate(app, app->da, app->h, &A));
  PetscCall(LevelOperatorSetField(A, K, shift));
  PetscCall(MatScale(A, scale));
  PetscCall(DMCreateMatrix(app->da, &P));
  PetscCall(JacobianAssembleCoarse(app, app->da, app->h, K, shift, P));
  PetscCall(MatScale(P, scale));
  PetscCall(VecDuplicate(K, &v));
  PetscCall(VecDuplicate(K, &ya));
  PetscCall(VecDuplicate(K, &yp));
  PetscCall(VecDuplicate(K, &x));
  PetscCall(VecDuplicate(K, &b));
  PetscCall(VecDuplicate(K, &r));
  for (int t = 0; t < 3; t++) {
    PetscCall(VecSetRandom(v, rnd));
    PetscCall(MatMult(A, v, ya));
    PetscCall(MatMult(P, v, yp));
    PetscCall(RelativeDifference(ya, yp, &rel));
    worst = PetscMax(worst, rel);
  }
  Check(comm, (PetscBool)(worst <= 1e-12), "level operator vs assembled coarse Jacobian", worst, 1e-12);

  /* one forward sweep: the black points' equations hold */
  PetscCall(VecSetRandom(b, rnd));
  PetscCall(VecSetRandom(x, rnd));
  PetscCall(MatSOR(A, b, 1.0, SOR_LOCAL_FORWARD_SWEEP, 0.0, 1, 1, x));
  PetscCall(MatMult(A, x, r));
  PetscCall(VecAYPX(r, -1.0, b));
  PetscCall(ColourMax(app->da, r, m));
  Check(comm, (PetscBool)(m[1] <= 1e-12 * m[0]), "one forward sweep: max black residual / max red residual", m[1] / m[0], 1e-12);

  /* a large shift: Gauss-Seidel converges to A^-1 b */
  PetscCall(LevelOperatorSetField(A, K, 1e4));
  PetscCall(VecSetRandom(b, rnd));
  PetscCall(MatSOR(A, b, 1.0, SOR_LOCAL_SYMMETRIC_SWEEP | SOR_ZERO_INITIAL_GUESS, 0.0, 200, 1, x));
  PetscCall(MatMult(A, x, r));
  PetscCall(RelativeDifference(r, b, &rel));
  Check(comm, (PetscBool)(rel <= 1e-10), "200 symmetric sweeps at shift 1e4: ||b - A x|| / ||b||", rel, 1e-10);

  PetscCall(VecDestroy(&v));
  PetscCall(VecDestroy(&ya));
  PetscCall(VecDestroy(&yp));
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&b));
  PetscCall(VecDestroy(&r));
  PetscCall(MatDestroy(&A));
  PetscCall(MatDestroy(&P));
  PetscFunctionReturn(0);
}

/* A PCMG hierarchy of app->da with the AIJ (galerkin) or matrix-free transfers. */
static PetscErrorCode Hierarchy(App *app, PetscBool galerkin, PetscInt levels, PC *pc, Multigrid *mg)
{
  const MultigridOperators none = {NULL, NULL, NULL, NULL};

  PetscFunctionBegin;
  PetscCall(PCCreate(PetscObjectComm((PetscObject)app->da), pc));
  PetscCall(PCSetType(*pc, PCMG));
  PetscCall(MultigridCreate(app, *pc, levels, galerkin, &none, mg));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckTransfers(App *app, PetscRandom rnd)
{
  PC        pa, pf;
  Multigrid ma, mf;
  PetscInt  levels;
  PetscReal worst = 0;
  MPI_Comm  comm = PetscObjectComm((PetscObject)app->da);

  PetscFunctionBegin;
  PetscCall(MultigridLevels(app, &levels));
  PetscCheck(levels >= 2, comm, PETSC_ERR_ARG_WRONG, "the grid gives a single multigrid level: nothing to test");
  PetscCall(Hierarchy(app, PETSC_TRUE, levels, &pa, &ma));
  PetscCall(Hierarchy(app, PETSC_FALSE, levels, &pf, &mf));
  for (PetscInt l = 1; l < levels; l++) {
    Mat       Ia, If;
    Vec       xc, xf, ya, yf, w;
    PetscReal rel;
    PetscCall(PCMGGetInterpolation(pa, l, &Ia));
    PetscCall(PCMGGetInterpolation(pf, l, &If));
    PetscCall(MatCreateVecs(Ia, &xc, &xf));
    PetscCall(VecDuplicate(xf, &ya));
    PetscCall(VecDuplicate(xf, &yf));
    PetscCall(VecDuplicate(xf, &w));
    PetscCall(VecSetRandom(xc, rnd));
    PetscCall(VecSetRandom(w, rnd));
    PetscCall(MatMult(Ia, xc, ya));
    PetscCall(MatMult(If, xc, yf));
    PetscCall(RelativeDifference(yf, ya, &rel));
    worst = PetscMax(worst, rel);
    PetscCall(MatMultAdd(Ia, xc, w, ya));
    PetscCall(MatMultAdd(If, xc, w, yf));
    PetscCall(RelativeDifference(yf, ya, &rel));
    worst = PetscMax(worst, rel);
    PetscCall(VecCopy(w, yf)); /* in place: y = y + I x */
    PetscCall(MatMultAdd(If, xc, yf, yf));
    PetscCall(RelativeDifference(yf, ya, &rel));
    worst = PetscMax(worst, rel);
    {
      Vec ca, cf;
      PetscCall(VecDuplicate(xc, &ca));
      PetscCall(VecDuplicate(xc, &cf));
      PetscCall(VecSetRandom(xf, rnd));
      PetscCall(MatMultTranspose(Ia, xf, ca));
      PetscCall(MatMultTranspose(If, xf, cf));
      PetscCall(RelativeDifference(cf, ca, &rel));
      worst = PetscMax(worst, rel);
      PetscCall(VecDestroy(&ca));
      PetscCall(VecDestroy(&cf));
    }
    PetscCall(VecDestroy(&xc));
    PetscCall(VecDestroy(&xf));
    PetscCall(VecDestroy(&ya));
    PetscCall(VecDestroy(&yf));
    PetscCall(VecDestroy(&w));
  }
  Check(comm, (PetscBool)(worst <= 1e-14), "matrix-free vs AIJ transfers, every level (I, I+, I^T)", worst, 1e-14);
  PetscCall(MultigridDestroy(&ma));
  PetscCall(MultigridDestroy(&mf));
  PetscCall(PCDestroy(&pa));
  PetscCall(PCDestroy(&pf));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  App         app;
  Vec         X, K;
  PetscRandom rnd;
  MPI_Comm    comm;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  comm = PETSC_COMM_WORLD;
  PetscCall(PetscMemzero(&app, sizeof app));
  PetscCall(ParamsRead(comm, &app.p));
  PetscCall(AppSetUp(comm, &app));
  PetscCheck(app.ops->coarse_coefficients, comm, PETSC_ERR_ARG_WRONG, "matrix-free levels are binary-only");
  PetscCall(DMCreateGlobalVector(app.da, &X));
  PetscCall(VecDuplicate(X, &K));
  PetscCall(InitialState(&app, X));
  PetscCall(JacobianCoefficients(&app, X, K));
  PetscCall(PetscRandomCreate(comm, &rnd));
  PetscCall(PetscRandomSetFromOptions(rnd));
  PetscCall(PetscRandomSetInterval(rnd, -1.0, 1.0));

  PetscCall(CheckOperator(&app, K, rnd));
  PetscCall(CheckTransfers(&app, rnd));

  PetscCall(PetscRandomDestroy(&rnd));
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&K));
  PetscCall(AppDestroy(&app));
  PetscCall(PetscFinalize());
  return test_failures ? 1 : 0;
}
