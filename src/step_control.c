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
  const PetscScalar *x;
  PetscInt           n, size, bs;
  PetscReal          mean[UPHILL_MAX_NC] = {0}, var[UPHILL_MAX_NC] = {0};
  MPI_Comm           comm = PetscObjectComm((PetscObject)X);

  PetscFunctionBegin;
  PetscCall(VecGetSize(X, &size));
  PetscCall(VecGetLocalSize(X, &n));
  PetscCall(VecGetBlockSize(X, &bs));
  const PetscReal pts = (PetscReal)(size / bs);
  PetscCall(VecGetArrayRead(X, &x));
  for (PetscInt p = 0; p < n; p += bs)
    for (PetscInt i = 0; i < nc; i++) mean[i] += PetscRealPart(x[p + i]);
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, mean, (PetscMPIInt)nc, MPIU_REAL, MPIU_SUM, comm));
  for (PetscInt i = 0; i < nc; i++) mean[i] /= pts;
  /* Two passes: a 1e-8 mode about c0 = 0.3 would drown in <c^2> - <c>^2. */
  for (PetscInt p = 0; p < n; p += bs)
    for (PetscInt i = 0; i < nc; i++) {
      const PetscReal d = PetscRealPart(x[p + i]) - mean[i];
      var[i] += d * d;
    }
  PetscCall(VecRestoreArrayRead(X, &x));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, var, (PetscMPIInt)nc, MPIU_REAL, MPIU_SUM, comm));
  for (PetscInt i = 0; i < nc; i++) tol[i] = atol + rtol * PetscSqrtReal(var[i] / pts);
  PetscFunctionReturn(0);
}
