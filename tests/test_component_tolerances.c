/* SolverComponentTolerances (src/step_control.c): tol_i = atol + rtol std(c_i) for the first nc
   fields of a point-blocked vector, against the exact standard deviation of a field
   c_i = c0_i + a_i cos(2 pi m p / n) (std a_i / sqrt 2) with a_i from 1e-2 down to 1e-9 about
   c0 ~ 0.3: relative error <= 1e-6.  A one-pass variance <c^2> - <c>^2 loses the 1e-9 mode
   (its variance 5e-19 under the round-off of 0.09, ~1e-17).  Runs on any number of ranks. */
#include <petscvec.h>
#include <uphill/solver.h>

int main(int argc, char **argv)
{
  const PetscInt  nc = 2, bs = 4, npts = 1000, m = 7;
  const PetscReal c0[2] = {0.3, 0.35}, amps[] = {1e-2, 1e-5, 1e-7, 1e-9}, atol = 1e-12, rtol = 1e-3;
  Vec             X;
  PetscInt        lo, hi, failures = 0;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(VecCreate(PETSC_COMM_WORLD, &X));
  PetscCall(VecSetBlockSize(X, bs));
  PetscCall(VecSetSizes(X, PETSC_DECIDE, bs * npts));
  PetscCall(VecSetFromOptions(X));
  PetscCall(VecGetOwnershipRange(X, &lo, &hi));
  for (size_t a = 0; a < sizeof amps / sizeof amps[0]; a++) {
    PetscScalar *x;
    PetscReal    tol[2];
    PetscCall(VecGetArray(X, &x));
    for (PetscInt g = lo; g < hi; g++) {
      const PetscInt p = g / bs, f = g % bs;
      const PetscReal w = PetscCosReal(2 * PETSC_PI * m * p / npts);
      x[g - lo] = f < nc ? c0[f] + (f + 1) * amps[a] * w : 1e3 * w; /* the other fields must not count */
    }
    PetscCall(VecRestoreArray(X, &x));
    PetscCall(SolverComponentTolerances(X, nc, atol, rtol, tol));
    for (PetscInt i = 0; i < nc; i++) {
      const PetscReal exact = atol + rtol * (i + 1) * amps[a] / PetscSqrtReal(2.0), rel = PetscAbsReal(tol[i] - exact) / exact;
      const PetscBool ok = (PetscBool)(rel <= 1e-6);
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s  c_%" PetscInt_FMT " amplitude %.0e: tol %.6e, exact %.6e, relative error %.2e (limit 1e-6)\n", ok ? "ok  " : "FAIL", i + 1, (double)((i + 1) * amps[a]), (double)tol[i], (double)exact, (double)rel));
      if (!ok) failures++;
    }
  }
  PetscCall(VecDestroy(&X));
  PetscCall(PetscFinalize());
  return failures ? 1 : 0;
}
