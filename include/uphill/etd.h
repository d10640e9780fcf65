/* An exponential integrator as a PETSc TS type (ts_etd.c, docs/MODEL.md section 3.9):
   du/dt = G(u) with a linear part -(b L + g L^2) u, L = -Lap_h, integrated exactly in the
   transforms' basis (spectral.h); the rest of G explicitly (ETDRK3 or ETDRK2, Cox and Matthews
   2002), adaptive with an embedded lower-order solution as the error estimate. */
#ifndef UPHILL_ETD_H
#define UPHILL_ETD_H
#include <uphill/spectral.h>

#define TSUPHILLETD "uphill_etd"

typedef struct {
  Spectral sp;
  /* G(U) = dU/dt */
  PetscErrorCode (*rhs)(TS ts, Vec U, Vec G, void *ctx);
  /* the linear part's coefficients b, g about U (called once a step, at its start) */
  PetscErrorCode (*linearise)(TS ts, Vec U, PetscReal *b, PetscReal *g, void *ctx);
  /* optional: where G(U) = Lap_h P(U) - g Lap_h^2 U exactly (constant mobility), P pointwise,
     P = P(U) - P0 (P0 NULL: P(U)).  The later stages then need no stencil: the transform of
     N(x) - N(u0) is -lambda (transform of P(x) - P(u0)) + b lambda (transform of x - u0). */
  PetscErrorCode (*pointwise)(TS ts, Vec U, Vec P0, Vec P, void *ctx);
  void *ctx;
} ETDProblem;

PetscErrorCode TSETDRegister(void);
/* After TSSetType(ts, TSUPHILLETD). */
PetscErrorCode TSETDSetProblem(TS ts, const ETDProblem *p);
#endif
