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

/* Over n reals of x, cells of bs entries: sums and min/max (first pass), squared deviations
   from the means (second: the spread of a 1e-8 mode about c0 = 0.3 would drown in <c^2> -
   <c>^2); nc and bs literals where they are the transform integrators' ternary (2, 2), so that
   the passes vectorise. */
static inline __attribute__((always_inline)) void StatsSums(const PetscScalar *restrict x, PetscInt n, PetscInt nc, PetscInt bs, PetscReal *sum, PetscReal *mm)
{
  PetscReal s[UPHILL_MAX_NC] = {0}, mn = PETSC_MAX_REAL, mx = -PETSC_MAX_REAL;
  if (nc == 2 && bs == 2) { /* the reductions written out: GCC vectorises scalar ones */
    PetscReal s0 = 0, s1 = 0;
#pragma omp simd reduction(+ : s0, s1) reduction(min : mn) reduction(max : mx)
    for (PetscInt p = 0; p < n; p += 2) {
      s0 += x[p];
      s1 += x[p + 1];
      mn = PetscMin(mn, x[p]);
      mx = PetscMax(mx, x[p]);
    }
    s[0] = s0, s[1] = s1;
  } else
    for (PetscInt p = 0; p < n; p += bs) {
      for (PetscInt i = 0; i < nc; i++) s[i] += PetscRealPart(x[p + i]);
      mn = PetscMin(mn, x[p]);
      mx = PetscMax(mx, x[p]);
    }
  for (PetscInt i = 0; i < nc; i++) sum[i] = s[i];
  mm[0] = mn, mm[1] = -mx;
}

static inline __attribute__((always_inline)) void StatsDeviations(const PetscScalar *restrict x, PetscInt n, PetscInt nc, PetscInt bs, const PetscReal *mean, PetscReal *sq)
{
  PetscReal v[UPHILL_MAX_NC] = {0};
  if (nc == 2 && bs == 2) {
    const PetscReal m0 = mean[0], m1 = mean[1];
    PetscReal       v0 = 0, v1 = 0;
#pragma omp simd reduction(+ : v0, v1)
    for (PetscInt p = 0; p < n; p += 2) {
      v0 += (x[p] - m0) * (x[p] - m0);
      v1 += (x[p + 1] - m1) * (x[p + 1] - m1);
    }
    v[0] = v0, v[1] = v1;
  } else
    for (PetscInt p = 0; p < n; p += bs)
      for (PetscInt i = 0; i < nc; i++) {
        const PetscReal d = PetscRealPart(x[p + i]) - mean[i];
        v[i] += d * d;
      }
  for (PetscInt i = 0; i < nc; i++) sq[i] = v[i];
}

PetscErrorCode SolverComponentStats(Vec X, PetscInt nc, ComponentStats *st)
{
  const PetscScalar *x;
  PetscInt           n, size, bs;
  PetscReal          mean[UPHILL_MAX_NC], mm[2];
  MPI_Comm           comm = PetscObjectComm((PetscObject)X);

  PetscFunctionBegin;
  PetscCall(VecGetSize(X, &size));
  PetscCall(VecGetLocalSize(X, &n));
  PetscCall(VecGetBlockSize(X, &bs));
  st->pts = (PetscReal)(size / bs);
  PetscCall(VecGetArrayRead(X, &x));
  StatsSums(x, n, nc, bs, st->sum, mm);
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, st->sum, (PetscMPIInt)nc, MPIU_REAL, MPIU_SUM, comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, mm, 2, MPIU_REAL, MPIU_MIN, comm));
  for (PetscInt i = 0; i < nc; i++) mean[i] = st->sum[i] / st->pts;
  StatsDeviations(x, n, nc, bs, mean, st->sqdev);
  PetscCall(VecRestoreArrayRead(X, &x));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, st->sqdev, (PetscMPIInt)nc, MPIU_REAL, MPIU_SUM, comm));
  st->min = mm[0];
  st->max = -mm[1];
  PetscFunctionReturn(0);
}

/* The error test measures each concentration against the size of its fluctuation, not
   against |c| ~ 0.5: tol_i = atol + rtol std(c_i) over the grid, for the first nc fields of
   the point-blocked X (block size nc: the transform integrators' c; 2 nc: the mixed state).
   A perturbation of 1e-6 is then resolved as well as a grown microstructure. */
void SolverTolerancesFromStats(const ComponentStats *st, PetscInt nc, PetscReal atol, PetscReal rtol, PetscReal tol[])
{
  for (PetscInt i = 0; i < nc; i++) tol[i] = atol + rtol * PetscSqrtReal(st->sqdev[i] / st->pts);
}

PetscErrorCode SolverComponentTolerances(Vec X, PetscInt nc, PetscReal atol, PetscReal rtol, PetscReal tol[])
{
  ComponentStats st;

  PetscFunctionBegin;
  PetscCall(SolverComponentStats(X, nc, &st));
  SolverTolerancesFromStats(&st, nc, atol, rtol, tol);
  PetscFunctionReturn(0);
}
