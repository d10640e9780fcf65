/* Small dense linear algebra for the N-component model's matrices (N - 1 <= 5): symmetric
   eigenvalues (cyclic Jacobi), the symmetric square root, products. Row-major, n x n. */
#ifndef UPHILL_LINALG_H
#define UPHILL_LINALG_H
#include <petscsys.h>

/* Eigenvalues (ascending) and, if V is not NULL, eigenvectors (columns of V) of symmetric A. */
void LinalgSymEig(PetscInt n, const PetscReal *A, PetscReal *lambda, PetscReal *V);
/* The Jacobi rotation (c, s) that zeroes the off-diagonal apq of the 2 x 2 block [app apq; apq
   aqq] (apq = 0: c = 1, s = 0), without a branch: inline, for loops that vectorise over blocks. */
static inline void LinalgJacobiRotation(PetscReal app, PetscReal aqq, PetscReal apq, PetscReal *c, PetscReal *s)
{
  const PetscReal theta = (aqq - app) / (2 * (apq != 0 ? apq : 1));
  const PetscReal t     = apq != 0 ? (theta >= 0 ? 1 : -1) / (PetscAbsReal(theta) + PetscSqrtReal(theta * theta + 1)) : 0;
  *c                    = 1 / PetscSqrtReal(t * t + 1);
  *s                    = t * *c;
}
/* n > 2: the largest eigenvalue of symmetric A by LinalgSymEig. */
PetscReal LinalgSymMaxEigN(PetscInt n, const PetscReal *A);
/* The largest eigenvalue of symmetric A (closed form for n <= 2: cheap enough per grid point;
   inline, so that a caller with n a literal gets straight-line code). */
static inline PetscReal LinalgSymMaxEig(PetscInt n, const PetscReal *A)
{
  if (n == 1) return A[0];
  if (n == 2) {
    const PetscReal m = 0.5 * (A[0] + A[3]), d = 0.5 * (A[0] - A[3]);
    return m + PetscSqrtReal(d * d + A[1] * A[2]);
  }
  return LinalgSymMaxEigN(n, A);
}
/* R = A^1/2 of symmetric positive semidefinite A (round-off negative eigenvalues taken as 0)
   and Rinv = A^-1/2 (A positive definite), each unless NULL; returns A's smallest eigenvalue. */
PetscReal LinalgSymSqrt(PetscInt n, const PetscReal *A, PetscReal *R, PetscReal *Rinv);
/* C = A B (inline, as LinalgSymMaxEig). */
static inline void LinalgMul(PetscInt n, const PetscReal *A, const PetscReal *B, PetscReal *C)
{
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt j = 0; j < n; j++) {
      PetscReal s = 0;
      for (PetscInt k = 0; k < n; k++) s += A[i * n + k] * B[k * n + j];
      C[i * n + j] = s;
    }
}
/* The eigenvalues (ascending) of D = L G with L symmetric positive semidefinite and G
   symmetric: those of the symmetric L^1/2 G L^1/2, so they are real. */
void LinalgProductEig(PetscInt n, const PetscReal *L, const PetscReal *G, PetscReal *lambda);
/* The largest |A_ij - A_ji| and where (i < j). */
PetscReal LinalgAsymmetry(PetscInt n, const PetscReal *A, PetscInt *i, PetscInt *j);
#endif
