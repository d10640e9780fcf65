/* Small dense linear algebra (linalg.h): cyclic Jacobi for symmetric eigenproblems. */
#include <uphill/linalg.h>

#define LA_MAX 8

void LinalgSymEig(PetscInt n, const PetscReal *A, PetscReal *lambda, PetscReal *V)
{
  PetscReal a[LA_MAX * LA_MAX], v[LA_MAX * LA_MAX];

  for (PetscInt i = 0; i < n * n; i++) a[i] = A[i];
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt j = 0; j < n; j++) v[i * n + j] = i == j;
  for (int sweep = 0; sweep < 100; sweep++) {
    PetscReal off = 0, tot = 0;
    for (PetscInt i = 0; i < n; i++)
      for (PetscInt j = 0; j < n; j++) {
        tot += a[i * n + j] * a[i * n + j];
        if (i != j) off += a[i * n + j] * a[i * n + j];
      }
    if (off <= 1e-32 * tot || off == 0) break;
    for (PetscInt p = 0; p < n; p++)
      for (PetscInt q = p + 1; q < n; q++) {
        const PetscReal apq = a[p * n + q];
        PetscReal       c, s;
        if (apq == 0) continue;
        LinalgJacobiRotation(a[p * n + p], a[q * n + q], apq, &c, &s);
        for (PetscInt k = 0; k < n; k++) { /* A <- A J (columns p, q) */
          const PetscReal akp = a[k * n + p], akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (PetscInt k = 0; k < n; k++) { /* A <- J^T A (rows p, q) */
          const PetscReal apk = a[p * n + k], aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (PetscInt k = 0; k < n; k++) {
          const PetscReal vkp = v[k * n + p], vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
  }
  /* sort ascending, eigenvectors along */
  PetscInt order[LA_MAX];
  for (PetscInt i = 0; i < n; i++) order[i] = i;
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt j = i + 1; j < n; j++)
      if (a[order[j] * n + order[j]] < a[order[i] * n + order[i]]) {
        const PetscInt t = order[i];
        order[i]         = order[j];
        order[j]         = t;
      }
  for (PetscInt i = 0; i < n; i++) {
    lambda[i] = a[order[i] * n + order[i]];
    if (V)
      for (PetscInt k = 0; k < n; k++) V[k * n + i] = v[k * n + order[i]];
  }
}

PetscReal LinalgSymMaxEigN(PetscInt n, const PetscReal *A)
{
  PetscReal lambda[LA_MAX];

  LinalgSymEig(n, A, lambda, NULL);
  return lambda[n - 1];
}

PetscReal LinalgSymSqrt(PetscInt n, const PetscReal *A, PetscReal *R, PetscReal *Rinv)
{
  PetscReal lam[LA_MAX], V[LA_MAX * LA_MAX];

  LinalgSymEig(n, A, lam, V);
  for (PetscInt i = 0; i < n; i++) /* V f(lam) V^T */
    for (PetscInt j = 0; j < n; j++) {
      PetscReal r = 0, ri = 0;
      for (PetscInt k = 0; k < n; k++) {
        r += V[i * n + k] * PetscSqrtReal(PetscMax(lam[k], 0)) * V[j * n + k];
        if (Rinv) ri += V[i * n + k] / PetscSqrtReal(lam[k]) * V[j * n + k];
      }
      if (R) R[i * n + j] = r;
      if (Rinv) Rinv[i * n + j] = ri;
    }
  return lam[0];
}

void LinalgProductEig(PetscInt n, const PetscReal *L, const PetscReal *G, PetscReal *lambda)
{
  PetscReal R[LA_MAX * LA_MAX], T[LA_MAX * LA_MAX], S[LA_MAX * LA_MAX];

  LinalgSymSqrt(n, L, R, NULL);
  LinalgMul(n, R, G, T);
  LinalgMul(n, T, R, S);
  for (PetscInt i = 0; i < n; i++) /* symmetrise round-off */
    for (PetscInt j = 0; j < i; j++) S[i * n + j] = S[j * n + i] = 0.5 * (S[i * n + j] + S[j * n + i]);
  LinalgSymEig(n, S, lambda, NULL);
}

PetscReal LinalgAsymmetry(PetscInt n, const PetscReal *A, PetscInt *i, PetscInt *j)
{
  PetscReal worst = 0;
  *i = 0, *j = 0;
  for (PetscInt a = 0; a < n; a++)
    for (PetscInt b = a + 1; b < n; b++)
      if (PetscAbsReal(A[a * n + b] - A[b * n + a]) > worst) {
        worst = PetscAbsReal(A[a * n + b] - A[b * n + a]);
        *i = a, *j = b;
      }
  return worst;
}
