/* What the C unit tests that compare operators share: a check line with its limit (counted in
   test_failures, the program's exit status) and the relative difference of two vectors. */
#ifndef UPHILL_TEST_VEC_CHECK_H
#define UPHILL_TEST_VEC_CHECK_H
#include <petscvec.h>

static int test_failures = 0;

static void Check(MPI_Comm comm, PetscBool ok, const char *what, double got, double limit)
{
  PetscPrintf(comm, "%s  %-66s %.3e (limit %.1e)\n", ok ? "ok  " : "FAIL", what, got, limit);
  if (!ok) test_failures++;
}

/* ||a - b|| / ||b|| */
static PetscErrorCode RelativeDifference(Vec a, Vec b, PetscReal *rel)
{
  Vec       d;
  PetscReal nd, nb;

  PetscFunctionBegin;
  PetscCall(VecDuplicate(a, &d));
  PetscCall(VecWAXPY(d, -1.0, b, a));
  PetscCall(VecNorm(d, NORM_2, &nd));
  PetscCall(VecNorm(b, NORM_2, &nb));
  *rel = nd / nb;
  PetscCall(VecDestroy(&d));
  PetscFunctionReturn(0);
}
#endif
