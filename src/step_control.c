/* The default step-size controller and error tolerances of all integrators (issues 11, 14), in
   their own file so that solver.c and integrator_rosw.c both call them without a call cycle. */
#include <uphill/solver.h>

/* PETSc's digital-filter controller (Soderlind 2003) with the H211PI filter: the step ratio
   is (eps_n eps_{n-1})^(1/6k) with eps the inverse error ratios, so one large error estimate
   does not swing the step and a rejection is followed by a smooth regrowth (PETSc also
   soft-limits each ratio to 1 + atan(r - 1)).  Measured on PFHub benchmark 1b to t = 1e4
   (benchmarks/results/pfhub_bm1_adapt.md): rosw 0 rejected in 1573 steps against basic's 28
   in 1972. */
PetscErrorCode SolverDefaultAdapt(TSAdapt adapt)
{
  PetscFunctionBegin;
  PetscCall(TSAdaptSetType(adapt, TSADAPTDSP));
  PetscCall(TSAdaptDSPSetFilter(adapt, "H211PI"));
  PetscFunctionReturn(0);
}

/* The error test measures each concentration against the size of its fluctuation, not
   against |c| ~ 0.5: tol_i = atol + rtol std(c_i) over the grid, for the first nc fields of
   the point-blocked X (block size nc: the transform integrators' c; 2 nc: the mixed state).
   A perturbation of 1e-6 is then resolved as well as a grown microstructure. */
PetscErrorCode SolverComponentTolerances(Vec X, PetscInt nc, PetscReal atol, PetscReal rtol, PetscReal tol[])
{
  PetscInt    size, bs;
  PetscScalar sum[2 * UPHILL_MAX_NC];
  PetscReal   nrm[2 * UPHILL_MAX_NC];

  PetscFunctionBegin;
  PetscCall(VecGetSize(X, &size));
  PetscCall(VecGetBlockSize(X, &bs));
  PetscCall(VecStrideSumAll(X, sum));
  PetscCall(VecStrideNormAll(X, NORM_2, nrm));
  for (PetscInt i = 0; i < nc; i++) {
    const PetscReal pts = (PetscReal)(size / bs), m = PetscRealPart(sum[i]) / pts;
    tol[i]              = atol + rtol * PetscSqrtReal(PetscMax(nrm[i] * nrm[i] / pts - m * m, 0));
  }
  PetscFunctionReturn(0);
}
