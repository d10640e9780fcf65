/* An exponential integrator as a PETSc TS type (ts_etd.c, docs/MODEL.md section 3.9):
   du/dt = G(u) with a linear part -Lbar (s + K L) L u, L = -Lap_h, integrated exactly in the
   transforms' basis (spectral.h); the rest of G explicitly (ETDRK3 or ETDRK2, Cox and Matthews
   2002), adaptive with an embedded lower-order solution as the error estimate.  u has nc
   entries per cell (components): Lbar and K are nc x nc matrices, the linear part a small
   matrix per spectral coefficient. */
#ifndef UPHILL_ETD_H
#define UPHILL_ETD_H
#include <uphill/spectral.h>

#define TSUPHILLETD "uphill_etd"

typedef struct {
  Spectral sp;
  PetscInt nc; /* entries of U per cell (U's block size); 1: a scalar linear part */
  /* G(U) = dU/dt */
  PetscErrorCode (*rhs)(TS ts, Vec U, Vec G, void *ctx);
  /* the linear part about U (called once a step, at its start), l_k = -lambda_k Lbar (S_k +
     lambda_k K): Lbar, S and K nc x nc, row major (Lbar symmetric positive definite, S and K
     symmetric); smin (nc = 1): the smallest curvature over the field (S - smin bounds the
     explicit part; PETSC_MIN_REAL: unknown).  excess (nc > 1; 0 for nc = 1): Lbar (S +
     excess[0] I + (1 + excess[1]) lambda K) bounds every cell's operator, Lbar (S + lambda K) is
     the linearisation about the mean; l_k = -lambda_k Lbar (S + x_k I + (1 + y_k) lambda_k K)
     keeps of each excess what the multistep scheme's stability needs at lambda_k (ETDPhiMatrix). */
  PetscErrorCode (*linearise)(TS ts, Vec U, PetscReal *Lbar, PetscReal *S, PetscReal excess[2], PetscReal *smin, PetscReal *K, void *ctx);
  /* optional, nc = 1: where G(U) = Lap_h P(U) - g Lap_h^2 U exactly (constant mobility), P pointwise,
     P = P(U) - P0 into *P (P0 NULL: P(U), and *P may come back as the callback's own vector,
     which holds it already: read it before the next call).  The later stages then need no
     stencil: the transform of N(x) - N(u0) is -lambda (transform of P(x) - P(u0))
     + b lambda (transform of x - u0). */
  PetscErrorCode (*pointwise)(TS ts, Vec U, Vec P0, Vec *P, void *ctx);
  void *ctx;
} ETDProblem;

PetscErrorCode TSETDRegister(void);
/* Whether a run takes the multistep scheme: by default yes (binary and N components),
   -ts_etd_multistep decides.  Readable before the TS exists (the parameter report, the default
   tolerance). */
PetscErrorCode TSETDMultistep(PetscBool *multistep);
/* After TSSetType(ts, TSUPHILLETD). */
PetscErrorCode TSETDSetProblem(TS ts, const ETDProblem *p);
#endif
