/* The transform-inverted operator (src/spectral.c) against the stencil it inverts:
   y = (alpha + beta L + gamma L^2)^-1 x with L = -Lap_h, the 7-point Laplacian of the grid and
   walls given by the options (periodic: DFT; no-flux: the cell-centred DCT pair), on any rank
   count.  Applying the operator to y by the stencil (mirrored ghosts at walls) must give x back:

     1. ||A y - x|| / ||x|| <= 1e-12 for random x at two coefficient sets (measured ~1e-15); a
        wrong eigenvalue, normalisation or slab index is O(1) wrong on some modes, so >= 1e-3;
     2. the check can fail: with gamma off by 1% the residual is >= 1e-3. */
#include <uphill/spectral.h>
#include <uphill/grid.h>

static int failures = 0;

static void Check(MPI_Comm comm, PetscBool ok, const char *what, double got, double limit)
{
  PetscPrintf(comm, "%s  %-64s %.3e (limit %.1e)\n", ok ? "ok  " : "FAIL", what, got, limit);
  if (!ok) failures++;
}

/* out = -Lap_h in (a scalar vector of the spectral DMDA). */
static PetscErrorCode ApplyL(const App *app, DM da1, Vec in, Vec out)
{
  GridBox            b;
  Vec                l;
  const PetscScalar *x;
  PetscScalar       *y;

  PetscFunctionBegin;
  PetscCall(GridGetBox(da1, &b));
  PetscCall(GridGetGhostedArrayRead(da1, in, &l, &x));
  PetscCall(VecGetArray(out, &y));
  GRID_FOR_OWNED(&b, i, j, k)
  {
    const PetscScalar *u   = x + GridGhosted(&b, i, j, k);
    PetscReal          lap = 0;
    for (int d = 0; d < 3; d++) lap += (u[b.off[d]] - 2 * u[0] + u[-b.off[d]]) / (app->h[d] * app->h[d]);
    y[GridOwned(&b, i, j, k)] = -lap;
  }
  PetscCall(VecRestoreArray(out, &y));
  PetscCall(GridRestoreGhostedArrayRead(da1, &l, &x));
  PetscFunctionReturn(0);
}

/* ||(alpha + beta L + gamma L^2) y - x|| / ||x|| */
static PetscErrorCode Residual(const App *app, DM da1, PetscReal alpha, PetscReal beta, PetscReal gamma, Vec y, Vec x, PetscReal *rel)
{
  Vec       Ly, LLy, r;
  PetscReal nr, nx;

  PetscFunctionBegin;
  PetscCall(VecDuplicate(x, &Ly));
  PetscCall(VecDuplicate(x, &LLy));
  PetscCall(VecDuplicate(x, &r));
  PetscCall(ApplyL(app, da1, y, Ly));
  PetscCall(ApplyL(app, da1, Ly, LLy));
  PetscCall(VecAXPBYPCZ(LLy, alpha, beta, gamma, y, Ly)); /* LLy = alpha y + beta Ly + gamma LLy */
  PetscCall(VecWAXPY(r, -1.0, x, LLy));
  PetscCall(VecNorm(r, NORM_2, &nr));
  PetscCall(VecNorm(x, NORM_2, &nx));
  *rel = nr / nx;
  PetscCall(VecDestroy(&Ly));
  PetscCall(VecDestroy(&LLy));
  PetscCall(VecDestroy(&r));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  MPI_Comm    comm;
  App         app;
  Spectral    sp;
  DM          da1;
  Vec         x, y;
  PetscRandom rnd;
  PetscReal   rel;
  const PetscReal coef[2][3] = {{1.0, 0.5, 2.0}, {0.1, -0.3, 1.0}}; /* the second: beta < 0 as the W of a spinodal state, still positive definite */
  char        what[128];

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  comm = PETSC_COMM_WORLD;
  PetscCall(PetscMemzero(&app, sizeof app));
  PetscCall(ParamsRead(comm, &app.p));
  PetscCall(AppSetUp(comm, &app));
  PetscCall(SpectralCreate(&app, &sp));
  PetscCall(SpectralScalarDM(sp, &da1));
  PetscCall(DMCreateGlobalVector(da1, &x));
  PetscCall(VecDuplicate(x, &y));
  PetscCall(PetscRandomCreate(comm, &rnd));
  PetscCall(PetscRandomSetInterval(rnd, -1, 1));
  PetscCall(VecSetRandom(x, rnd));
  for (int c = 0; c < 2; c++) {
    PetscCall(SpectralSolve(sp, coef[c][0], coef[c][1], coef[c][2], x, y));
    PetscCall(Residual(&app, da1, coef[c][0], coef[c][1], coef[c][2], y, x, &rel));
    snprintf(what, sizeof what, "operator(y) = x, alpha %g beta %g gamma %g", coef[c][0], coef[c][1], coef[c][2]);
    Check(comm, (PetscBool)(rel <= 1e-12), what, rel, 1e-12);
  }
  { /* Parseval: the sum of squares from the coefficients (the multistep scheme's error norm) */
    PetscInt         n, per;
    const PetscReal *lambda;
    PetscScalar     *xhat;
    PetscReal        sum, norm;
    PetscCall(SpectralSymbol(sp, &n, &per, &lambda));
    PetscCall(PetscMalloc1(PetscMax(n * per, 1), &xhat));
    PetscCall(SpectralForward(sp, x, xhat));
    PetscCall(SpectralSumSquares(sp, xhat, &sum));
    PetscCall(VecNorm(x, NORM_2, &norm));
    rel = PetscAbsReal(sum - norm * norm) / (norm * norm);
    Check(comm, (PetscBool)(rel <= 1e-12), "sum of squares from the transform (Parseval)", rel, 1e-12);
    PetscCall(PetscFree(xhat));
  }
  PetscCall(VecCopy(x, y));
  PetscCall(SpectralSolve(sp, coef[0][0], coef[0][1], coef[0][2], y, y)); /* in place */
  PetscCall(Residual(&app, da1, coef[0][0], coef[0][1], 1.01 * coef[0][2], y, x, &rel));
  Check(comm, (PetscBool)(rel >= 1e-3), "a 1% wrong gamma is seen", rel, 1e-3);
  PetscCall(PetscRandomDestroy(&rnd));
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&y));
  PetscCall(SpectralDestroy(&sp));
  PetscCall(AppDestroy(&app));
  PetscCall(PetscFinalize());
  return failures ? 1 : 0;
}
