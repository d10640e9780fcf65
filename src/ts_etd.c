/* The exponential integrator (etd.h, docs/MODEL.md section 3.9) as a PETSc TS type, so that
   TSSolve, TSAdapt, monitors, post-step hooks and TSInterpolate work as for PETSc's own types.

   du/dt = G(u) = l u + N(u), l = -(b L + g L^2) diagonal in the transforms' basis with
   eigenvalue l_k = -(b lambda_k + g lambda_k^2), z = h l, phi1(z) = (e^z - 1)/z,
   phi2 = (e^z - 1 - z)/z^2, phi3 = (e^z - 1 - z - z^2/2)/z^3.  Order 3 (the default) is
   Cox and Matthews' ETDRK3 with its second-order stage b as the embedded solution
   (ETDStages3); order 2 is ETDRK2 with exponential Euler embedded:
     a   = u0 + h phi1(z) G(u0)                                  (order 1)
     u1  = a  + h phi2(z) [G(a) - G(u0) - l (a - u0)]            (order 2)
   The linear part is integrated exactly, so a state near a uniform one (the linear, "uphill"
   stage) is limited only by the size of N, and decaying grid-scale noise costs nothing.  The
   difference of the two solutions is the error estimate; the step size follows it (TSAdapt).
   G has zero mean (a discrete divergence) and l_0 = 0, so the mean of u is kept to round-off.
   A rejected step is retried from u0 with G(u0) and its transform kept.  Dense output at t in
   (t_prev, t_n] is the same step taken with h = t - t_prev.

   N components (nc entries per cell): l_k = -lambda_k Lbar (s + lambda_k K) is an nc x nc
   matrix, similar to the symmetric B_k = -lambda_k R (s + lambda_k K) R with R = Lbar^1/2, so
   phi_j(h l_k) = R Q phi_j(h D) Q^T R^-1 from B_k = Q D Q^T (ETDPhiMatrix); l_k depends on k only
   through lambda_k, so the matrices are made once per distinct eigenvalue.  Each component is
   transformed on its own. */
#include <petsc/private/tsimpl.h>
#include <uphill/etd.h>
#include <uphill/linalg.h>
#include <math.h>
#include <string.h>

#if defined(UPHILL_HAVE_LIBMVEC)
/* glibc's vector exp (libmvec), as residual.c declares log */
extern double exp(double) __attribute__((__simd__("notinbranch")));
#endif

#define ETD_NN (UPHILL_MAX_NC * UPHILL_MAX_NC)

/* The linearisation of a step: l_k = -lambda_k Lbar (s + lambda_k K). */
typedef struct {
  PetscReal Lbar[ETD_NN], K[ETD_NN], s;
} ETDLinear;

typedef struct {
  ETDProblem       p;
  Vec              U0;              /* the state at the start of the step */
  Vec              A;               /* the exponential Euler solution of the last attempt */
  Vec              Aw, G;           /* work: dense output's A, G(u) */
  Vec              P0;              /* P(u0), with the pointwise form of G */
  PetscInt         n, per;          /* spectral coefficients, reals each */
  const PetscReal *lambda;          /* eigenvalue of L of each coefficient */
  PetscScalar     *g0, *ahat, *w;   /* transforms of G(u0), a - u0, and work */
  PetscScalar     *bhat, *da;       /* order 3: transforms of b - u0, N(a) - N(u0) */
  PetscReal       *ell, *phi1, *phi2, *phi3, *half; /* half: phi1(z/2) */
  PetscInt         order;           /* 2: ETDRK2; 3: ETDRK3 */
  PetscReal        b, g;            /* nc = 1: l_k = -(b lambda_k + g lambda_k^2) */
  PetscReal        phi_h, phi_b, phi_g; /* what phi1, phi2 were computed for */
  PetscBool        have_g0;         /* g0 is the transform of G(U0) */
  /* nc > 1: coefficient arrays hold the components' transforms one after another (nper apart),
     and the multipliers are nc x nc matrices per distinct eigenvalue (lidx: each coefficient's) */
  PetscInt         nc, nper, nlam;
  ETDLinear        lin, phi_lin;    /* this step's linearisation, and what the matrices are of */
  PetscInt        *lidx;
  PetscReal       *ulam;            /* the distinct eigenvalues */
  PetscReal       *mell, *mphi1, *mphi2, *mphi3, *mhalf;
  Vec              w1;              /* one component, for its transform */
} TS_ETD;

/* phi_1..3 of z by their series sum_i z^i/(i+j)! (|z| <= 1: 16 terms reach round-off). */
static void PhiSeries(PetscReal z, PetscReal phi[4])
{
  for (int j = 1; j <= 3; j++) {
    PetscReal sum = 0;
    for (int i = 15; i >= 0; i--) sum = 1 + sum * z / (PetscReal)(i + j + 1); /* Horner: j! phi_j */
    phi[j] = sum / (j == 1 ? 1 : j == 2 ? 2 : 6);
  }
}

/* phi1..3(z) and phi1(z/2) in closed form from eh = e^{z/2} (cancel for small |z|: PhiSeries). */
static inline void PhiClosed(PetscReal z, PetscReal eh, PetscReal *p1, PetscReal *p2, PetscReal *p3, PetscReal *half)
{
  const PetscReal em1 = eh * eh - 1, iz = 1 / z;
  *p1   = em1 * iz;
  *p2   = (em1 - z) * iz * iz;
  *p3   = (em1 - z - 0.5 * z * z) * iz * iz * iz;
  *half = 2 * (eh - 1) * iz;
}

/* The same by series where the closed forms cancel: phi1..3 for |z| < 1/2, phi1(z/2) for |z| < 1. */
static inline void PhiNearZero(PetscReal z, PetscReal *p1, PetscReal *p2, PetscReal *p3, PetscReal *half)
{
  PetscReal phi[4];
  if (PetscAbsReal(z) < 1) {
    PhiSeries(0.5 * z, phi);
    *half = phi[1];
  }
  if (PetscAbsReal(z) < 0.5) {
    PhiSeries(z, phi);
    *p1 = phi[1];
    *p2 = phi[2];
    *p3 = phi[3];
  }
}

/* The multipliers of step h for the current linearisation: one vectorised exp per
   coefficient and the closed forms phi1 = (e^z - 1)/z, phi2 = (e^z - 1 - z)/z^2,
   phi3 = (e^z - 1 - z - z^2/2)/z^3; where they cancel (|z| < 1/2, the few longest waves) the
   series instead.  For order 3 also phi1(z/2), from e^{z/2}. */
static void ETDPhi(TS_ETD *e, PetscReal h)
{
  const PetscInt   n = e->n;
  const PetscReal  b = e->b, g = e->g;
  const PetscReal *lam = e->lambda;
  PetscReal *restrict ell = e->ell, *restrict p1 = e->phi1, *restrict p2 = e->phi2, *restrict p3 = e->phi3, *restrict half = e->half;

  if (h == e->phi_h && b == e->phi_b && g == e->phi_g) return;
#pragma omp simd
  for (PetscInt k = 0; k < n; k++) {
    ell[k]  = -(b * lam[k] + g * lam[k] * lam[k]);
    half[k] = exp(0.5 * h * ell[k]); /* e^{z/2} */
  }
#pragma omp simd
  for (PetscInt k = 0; k < n; k++) PhiClosed(h * ell[k], half[k], &p1[k], &p2[k], &p3[k], &half[k]);
  for (PetscInt k = 0; k < n; k++) PhiNearZero(h * ell[k], &p1[k], &p2[k], &p3[k], &half[k]);
  e->phi_h = h;
  e->phi_b = b;
  e->phi_g = g;
}

/* X = R diag(f) R^-1 for the similarity R = T (from the left) and Ui (= its inverse, from the right). */
static void ETDMatrixFunction(PetscInt nc, const PetscReal *T, const PetscReal *f, const PetscReal *Ui, PetscReal *X)
{
  for (PetscInt i = 0; i < nc; i++)
    for (PetscInt j = 0; j < nc; j++) {
      PetscReal sum = 0;
      for (PetscInt m = 0; m < nc; m++) sum += T[i * nc + m] * f[m] * Ui[m * nc + j];
      X[i * nc + j] = sum;
    }
}

/* nc > 1: the multiplier matrices of step h for every distinct eigenvalue lambda:
   B = -lambda R (s + lambda K) R = Q D Q^T (symmetric), phi(h l) = (R Q) phi(h D) (Q^T R^-1). */
static void ETDPhiMatrix(TS_ETD *e, PetscReal h)
{
  const PetscInt  nc = e->nc, nn = nc * nc;
  const ETDLinear *lin = &e->lin;
  PetscReal       R[ETD_NN], Ri[ETD_NN], RK[ETD_NN], RKR[ETD_NN], LK[ETD_NN];

  if (h == e->phi_h && !memcmp(&e->lin, &e->phi_lin, sizeof e->lin)) return;
  LinalgSymSqrt(nc, lin->Lbar, R, Ri);
  LinalgMul(nc, R, lin->K, RK);
  LinalgMul(nc, RK, R, RKR);
  LinalgMul(nc, lin->Lbar, lin->K, LK);
  for (PetscInt u = 0; u < e->nlam; u++) {
    const PetscReal lam = e->ulam[u];
    PetscReal       B[ETD_NN], Q[ETD_NN], T[ETD_NN], Ui[ETD_NN], d[UPHILL_MAX_NC], f[4][UPHILL_MAX_NC];
    for (PetscInt i = 0; i < nn; i++) {
      B[i]               = -lam * (lin->s * lin->Lbar[i] + lam * RKR[i]);
      e->mell[u * nn + i] = -lam * (lin->s * lin->Lbar[i] + lam * LK[i]);
    }
    if (nc == 2) LinalgSymEig2(B, d, Q);
    else LinalgSymEig(nc, B, d, Q);
    LinalgMul(nc, R, Q, T);
    for (PetscInt i = 0; i < nc; i++)
      for (PetscInt j = 0; j < nc; j++) {
        PetscReal sum = 0;
        for (PetscInt m = 0; m < nc; m++) sum += Q[m * nc + i] * Ri[m * nc + j];
        Ui[i * nc + j] = sum;
      }
    for (PetscInt m = 0; m < nc; m++) {
      const PetscReal z = h * d[m];
      PhiClosed(z, exp(0.5 * z), &f[0][m], &f[1][m], &f[2][m], &f[3][m]);
      PhiNearZero(z, &f[0][m], &f[1][m], &f[2][m], &f[3][m]);
    }
    ETDMatrixFunction(nc, T, f[0], Ui, e->mphi1 + u * nn);
    ETDMatrixFunction(nc, T, f[1], Ui, e->mphi2 + u * nn);
    ETDMatrixFunction(nc, T, f[2], Ui, e->mphi3 + u * nn);
    ETDMatrixFunction(nc, T, f[3], Ui, e->mhalf + u * nn);
  }
  e->phi_h   = h;
  e->phi_lin = e->lin;
}

/* One term of a combination: c F x, F a multiplier table (nc x nc per distinct eigenvalue;
   NULL: the identity), x a coefficient array. */
typedef struct {
  PetscReal          c;
  const PetscReal   *F;
  const PetscScalar *x;
} ETDTerm;

/* dst = sum of the terms, coefficient by coefficient (dst may be one of the x). */
static void ETDCombine(const TS_ETD *e, PetscInt nt, const ETDTerm *t, PetscScalar *dst)
{
  const PetscInt nc = e->nc, nn = nc * nc, per = e->per, nper = e->nper;

  for (PetscInt k = 0; k < e->n; k++)
    for (PetscInt q = 0; q < per; q++) {
      const PetscInt i0 = k * per + q;
      PetscScalar    acc[UPHILL_MAX_NC] = {0};
      for (PetscInt a = 0; a < nt; a++) {
        const PetscReal *F = t[a].F ? t[a].F + e->lidx[k] * nn : NULL;
        for (PetscInt i = 0; i < nc; i++) {
          PetscScalar y = 0;
          if (F)
            for (PetscInt j = 0; j < nc; j++) y += F[i * nc + j] * t[a].x[j * nper + i0];
          else y = t[a].x[i * nper + i0];
          acc[i] += t[a].c * y;
        }
      }
      for (PetscInt i = 0; i < nc; i++) dst[i * nper + i0] = acc[i];
    }
}

/* The transforms of U's components, one after another. */
static PetscErrorCode ETDForward(TS_ETD *e, Vec U, PetscScalar *uhat)
{
  PetscFunctionBegin;
  if (e->nc == 1) {
    PetscCall(SpectralForward(e->p.sp, U, uhat));
    PetscFunctionReturn(0);
  }
  for (PetscInt i = 0; i < e->nc; i++) {
    PetscCall(VecStrideGather(U, i, e->w1, INSERT_VALUES));
    PetscCall(SpectralForward(e->p.sp, e->w1, uhat + i * e->nper));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode ETDInverse(TS_ETD *e, const PetscScalar *uhat, Vec U)
{
  PetscFunctionBegin;
  if (e->nc == 1) {
    PetscCall(SpectralInverse(e->p.sp, uhat, U));
    PetscFunctionReturn(0);
  }
  for (PetscInt i = 0; i < e->nc; i++) {
    PetscCall(SpectralInverse(e->p.sp, uhat + i * e->nper, e->w1));
    PetscCall(VecStrideScatter(e->w1, i, U, INSERT_VALUES));
  }
  PetscFunctionReturn(0);
}

/* The transform of G(u0), once a step. */
static PetscErrorCode ETDFirstStage(TS ts, TS_ETD *e)
{
  PetscFunctionBegin;
  if (e->have_g0) PetscFunctionReturn(0);
  PetscCall(e->p.rhs(ts, e->U0, e->G, e->p.ctx));
  PetscCall(ETDForward(e, e->G, e->g0));
  if (e->p.pointwise) PetscCall(e->p.pointwise(ts, e->U0, NULL, e->P0, e->p.ctx));
  e->have_g0 = PETSC_TRUE;
  ts->snes_its++;
  PetscFunctionReturn(0);
}

/* dst = transform of N(x) - N(u0) = G(x) - G(u0) - l (x - u0), xhat the transform of x - u0:
   from G's stencil, or, where G has the pointwise form (etd.h), from P(x) - P(u0) alone. */
static PetscErrorCode ETDNonlinearDifference(TS ts, TS_ETD *e, Vec X, const PetscScalar *xhat, PetscScalar *dst)
{
  PetscFunctionBegin;
  ts->snes_its++;
  if (e->p.pointwise) {
    PetscCall(e->p.pointwise(ts, X, e->P0, e->G, e->p.ctx));
    PetscCall(SpectralForward(e->p.sp, e->G, dst));
    for (PetscInt k = 0; k < e->n; k++)
      for (PetscInt q = 0; q < e->per; q++) {
        const PetscInt i = k * e->per + q;
        dst[i]           = e->lambda[k] * (e->b * xhat[i] - dst[i]);
      }
    PetscFunctionReturn(0);
  }
  PetscCall(e->p.rhs(ts, X, e->G, e->p.ctx));
  PetscCall(ETDForward(e, e->G, dst));
  if (e->nc > 1) {
    const ETDTerm t[3] = {{1, NULL, dst}, {-1, NULL, e->g0}, {-1, e->mell, xhat}};
    ETDCombine(e, 3, t, dst);
    PetscFunctionReturn(0);
  }
  for (PetscInt k = 0; k < e->n; k++)
    for (PetscInt q = 0; q < e->per; q++) {
      const PetscInt i = k * e->per + q;
      dst[i]           = dst[i] - e->g0[i] - e->ell[k] * xhat[i];
    }
  PetscFunctionReturn(0);
}

/* ETDRK3 (Cox and Matthews 2002), written with differences of N so that every term is small:
     a  = u0 + h/2 phi1(z/2) G(u0)
     b  = u0 + h phi1(z) [G(u0) + 2 (N(a) - N(u0))]                       (order 2: the estimate's partner)
     u1 = u0 + h phi1 G(u0) + h (4 phi2 - 8 phi3) (N(a) - N(u0)) + h (4 phi3 - phi2) (N(b) - N(u0)).
   Three residuals and six transforms a step. */
static PetscErrorCode ETDStages3(TS ts, TS_ETD *e, PetscReal h, Vec B, Vec U)
{
  const PetscInt n = e->n, per = e->per;

  PetscFunctionBegin;
  PetscCall(ETDFirstStage(ts, e));
  ETDPhi(e, h);
  for (PetscInt k = 0; k < n; k++)
    for (PetscInt q = 0; q < per; q++) e->ahat[k * per + q] = 0.5 * h * e->half[k] * e->g0[k * per + q];
  PetscCall(SpectralInverse(e->p.sp, e->ahat, U)); /* U holds a for now */
  PetscCall(VecAXPY(U, 1.0, e->U0));
  PetscCall(ETDNonlinearDifference(ts, e, U, e->ahat, e->da));
  for (PetscInt k = 0; k < n; k++)
    for (PetscInt q = 0; q < per; q++) {
      const PetscInt i = k * per + q;
      e->bhat[i]       = h * e->phi1[k] * (e->g0[i] + 2 * e->da[i]);
    }
  PetscCall(SpectralInverse(e->p.sp, e->bhat, B));
  PetscCall(VecAXPY(B, 1.0, e->U0));
  PetscCall(ETDNonlinearDifference(ts, e, B, e->bhat, e->w));
  for (PetscInt k = 0; k < n; k++)
    for (PetscInt q = 0; q < per; q++) {
      const PetscInt i = k * per + q; /* u1 - b */
      e->w[i]          = h * (e->phi1[k] * e->g0[i] + (4 * e->phi2[k] - 8 * e->phi3[k]) * e->da[i] + (4 * e->phi3[k] - e->phi2[k]) * e->w[i]) - e->bhat[i];
    }
  PetscCall(SpectralInverse(e->p.sp, e->w, U));
  PetscCall(VecAXPY(U, 1.0, B));
  PetscFunctionReturn(0);
}

/* nc > 1: ETDStages3 and ETDRK2 with the multipliers as matrices (the same formulas). */
static PetscErrorCode ETDStagesMatrix(TS ts, TS_ETD *e, PetscReal h, Vec A, Vec U)
{
  PetscFunctionBegin;
  PetscCall(ETDFirstStage(ts, e));
  ETDPhiMatrix(e, h);
  if (e->order == 3) {
    const ETDTerm ta[1] = {{0.5 * h, e->mhalf, e->g0}};
    ETDCombine(e, 1, ta, e->ahat);
    PetscCall(ETDInverse(e, e->ahat, U));
    PetscCall(VecAXPY(U, 1.0, e->U0));
    PetscCall(ETDNonlinearDifference(ts, e, U, e->ahat, e->da));
    const ETDTerm tb[2] = {{h, e->mphi1, e->g0}, {2 * h, e->mphi1, e->da}};
    ETDCombine(e, 2, tb, e->bhat);
    PetscCall(ETDInverse(e, e->bhat, A));
    PetscCall(VecAXPY(A, 1.0, e->U0));
    PetscCall(ETDNonlinearDifference(ts, e, A, e->bhat, e->w));
    const ETDTerm tu[6] = {{h, e->mphi1, e->g0}, {4 * h, e->mphi2, e->da}, {-8 * h, e->mphi3, e->da}, {4 * h, e->mphi3, e->w}, {-h, e->mphi2, e->w}, {-1, NULL, e->bhat}};
    ETDCombine(e, 6, tu, e->w);
    PetscCall(ETDInverse(e, e->w, U));
    PetscCall(VecAXPY(U, 1.0, A));
    PetscFunctionReturn(0);
  }
  const ETDTerm ta[1] = {{h, e->mphi1, e->g0}};
  ETDCombine(e, 1, ta, e->ahat);
  PetscCall(ETDInverse(e, e->ahat, A));
  PetscCall(VecAXPY(A, 1.0, e->U0));
  PetscCall(ETDNonlinearDifference(ts, e, A, e->ahat, e->w));
  const ETDTerm tu[1] = {{h, e->mphi2, e->w}};
  ETDCombine(e, 1, tu, e->w);
  PetscCall(ETDInverse(e, e->w, U));
  PetscCall(VecAXPY(U, 1.0, A));
  PetscFunctionReturn(0);
}

/* From U0: the embedded lower-order solution into A and the solution into U. */
static PetscErrorCode ETDStages(TS ts, TS_ETD *e, PetscReal h, Vec A, Vec U)
{
  const PetscInt n = e->n, per = e->per;

  PetscFunctionBegin;
  if (e->nc > 1) {
    PetscCall(ETDStagesMatrix(ts, e, h, A, U));
    PetscFunctionReturn(0);
  }
  if (e->order == 3) {
    PetscCall(ETDStages3(ts, e, h, A, U));
    PetscFunctionReturn(0);
  }
  PetscCall(ETDFirstStage(ts, e));
  ETDPhi(e, h);
  for (PetscInt k = 0; k < n; k++)
    for (PetscInt q = 0; q < per; q++) e->ahat[k * per + q] = h * e->phi1[k] * e->g0[k * per + q];
  PetscCall(SpectralInverse(e->p.sp, e->ahat, A));
  PetscCall(VecAXPY(A, 1.0, e->U0));
  PetscCall(ETDNonlinearDifference(ts, e, A, e->ahat, e->w));
  for (PetscInt k = 0; k < n; k++)
    for (PetscInt q = 0; q < per; q++) e->w[k * per + q] = h * e->phi2[k] * e->w[k * per + q];
  PetscCall(SpectralInverse(e->p.sp, e->w, U));
  PetscCall(VecAXPY(U, 1.0, A));
  PetscFunctionReturn(0);
}

static PetscErrorCode TSStep_ETD(TS ts)
{
  TS_ETD   *e = (TS_ETD *)ts->data;
  TSAdapt   adapt;
  PetscInt  rejections = 0;
  PetscBool accept     = PETSC_TRUE;
  PetscReal next_h;

  PetscFunctionBegin;
  PetscCall(VecCopy(ts->vec_sol, e->U0));
  e->have_g0 = PETSC_FALSE;
  PetscCall(e->p.linearise(ts, e->U0, e->lin.Lbar, &e->lin.s, e->lin.K, e->p.ctx));
  e->b = e->lin.Lbar[0] * e->lin.s; /* nc = 1 */
  e->g = e->lin.Lbar[0] * e->lin.K[0];
  PetscCall(TSGetAdapt(ts, &adapt));
  while (!ts->reason) {
    const PetscReal h = ts->time_step;
    PetscCall(ETDStages(ts, e, h, e->A, ts->vec_sol));
    PetscCall(TSAdaptCandidatesClear(adapt));
    PetscCall(TSAdaptCandidateAdd(adapt, e->order == 3 ? "etdrk3" : "etdrk2", e->order, 1, 1.0, (PetscReal)e->order, PETSC_TRUE));
    PetscCall(TSAdaptChoose(adapt, ts, h, NULL, &next_h, &accept));
    if (accept) {
      ts->ptime += h;
      ts->time_step = next_h;
      break;
    }
    PetscCall(VecCopy(e->U0, ts->vec_sol));
    ts->time_step = next_h;
    ts->reject++;
    if (++rejections > ts->max_reject && ts->max_reject >= 0) {
      ts->reason = TS_DIVERGED_STEP_REJECTED;
      PetscCall(PetscInfo(ts, "step %" PetscInt_FMT " rejected %" PetscInt_FMT " times\n", ts->steps, rejections));
    }
  }
  PetscFunctionReturn(0);
}

/* order 2: the solution; order 1: its exponential Euler partner (the error estimate). */
static PetscErrorCode TSEvaluateStep_ETD(TS ts, PetscInt order, Vec X, PetscBool *done)
{
  TS_ETD *e = (TS_ETD *)ts->data;

  PetscFunctionBegin;
  PetscCheck(order == e->order || order == e->order - 1, PetscObjectComm((PetscObject)ts), PETSC_ERR_SUP, "ETDRK%" PetscInt_FMT " has solutions of order %" PetscInt_FMT " and %" PetscInt_FMT ", not %" PetscInt_FMT, e->order, e->order - 1, e->order, order);
  PetscCall(VecCopy(order == e->order ? ts->vec_sol : e->A, X));
  if (done) *done = PETSC_TRUE;
  PetscFunctionReturn(0);
}

static PetscErrorCode TSInterpolate_ETD(TS ts, PetscReal t, Vec X)
{
  TS_ETD         *e = (TS_ETD *)ts->data;
  const PetscReal h = t - ts->ptime_prev;

  PetscFunctionBegin;
  if (h == 0) PetscCall(VecCopy(e->U0, X));
  else {
    const PetscInt its = ts->snes_its; /* output does not count as the integrator's work */
    PetscCall(ETDStages(ts, e, h, e->Aw, X));
    ts->snes_its = its;
  }
  PetscFunctionReturn(0);
}

/* nc > 1: the distinct eigenvalues (each coefficient's index into them), the multiplier
   tables, and a scalar vector for one component's transform. */
static PetscErrorCode ETDSetUpMatrix(TS_ETD *e)
{
  const PetscInt n = e->n, nn = e->nc * e->nc;
  PetscInt      *perm;
  DM             da1;

  PetscFunctionBegin;
  PetscCall(PetscMalloc2(n, &e->lidx, n, &e->ulam));
  PetscCall(PetscMalloc1(n, &perm));
  for (PetscInt k = 0; k < n; k++) perm[k] = k;
  PetscCall(PetscSortRealWithPermutation(n, e->lambda, perm));
  e->nlam = 0; /* eigenvalues that differ only by the rounding of their sum share one entry */
  for (PetscInt i = 0; i < n; i++) {
    const PetscReal lam = e->lambda[perm[i]];
    if (!e->nlam || lam - e->ulam[e->nlam - 1] > 1e-13 * lam) e->ulam[e->nlam++] = lam;
    e->lidx[perm[i]] = e->nlam - 1;
  }
  PetscCall(PetscFree(perm));
  const PetscInt m = PetscMax(e->nlam, 1) * nn;
  PetscCall(PetscMalloc5(m, &e->mell, m, &e->mphi1, m, &e->mphi2, m, &e->mphi3, m, &e->mhalf));
  PetscCall(SpectralScalarDM(e->p.sp, &da1));
  PetscCall(DMCreateGlobalVector(da1, &e->w1));
  PetscFunctionReturn(0);
}

static PetscErrorCode TSSetUp_ETD(TS ts)
{
  TS_ETD *e = (TS_ETD *)ts->data;

  PetscFunctionBegin;
  PetscCheck(e->p.sp && e->p.rhs && e->p.linearise, PetscObjectComm((PetscObject)ts), PETSC_ERR_ORDER, "call TSETDSetProblem before TSSetUp");
  PetscCall(VecDuplicate(ts->vec_sol, &e->U0));
  PetscCall(VecDuplicate(ts->vec_sol, &e->A));
  PetscCall(VecDuplicate(ts->vec_sol, &e->Aw));
  PetscCall(VecDuplicate(ts->vec_sol, &e->G));
  PetscCheck(!e->p.pointwise || e->p.nc <= 1, PetscObjectComm((PetscObject)ts), PETSC_ERR_SUP, "the pointwise form is for a scalar linear part");
  if (e->p.pointwise) PetscCall(VecDuplicate(ts->vec_sol, &e->P0));
  PetscCall(SpectralSymbol(e->p.sp, &e->n, &e->per, &e->lambda));
  e->nc   = PetscMax(e->p.nc, 1);
  e->nper = e->n * e->per;
  PetscCheck(e->nc <= UPHILL_MAX_NC, PetscObjectComm((PetscObject)ts), PETSC_ERR_ARG_OUTOFRANGE, "at most %d components per cell", UPHILL_MAX_NC);
  const PetscInt nh = e->nc * e->nper;
  PetscCall(PetscMalloc5(nh, &e->g0, nh, &e->ahat, nh, &e->w, nh, &e->bhat, nh, &e->da));
  PetscCall(PetscMalloc5(e->n, &e->ell, e->n, &e->phi1, e->n, &e->phi2, e->n, &e->phi3, e->n, &e->half));
  if (e->nc > 1) PetscCall(ETDSetUpMatrix(e));
  e->phi_h = -1;
  PetscFunctionReturn(0);
}

static PetscErrorCode TSReset_ETD(TS ts)
{
  TS_ETD *e = (TS_ETD *)ts->data;

  PetscFunctionBegin;
  PetscCall(VecDestroy(&e->U0));
  PetscCall(VecDestroy(&e->A));
  PetscCall(VecDestroy(&e->Aw));
  PetscCall(VecDestroy(&e->G));
  PetscCall(VecDestroy(&e->P0));
  PetscCall(PetscFree5(e->g0, e->ahat, e->w, e->bhat, e->da));
  PetscCall(PetscFree5(e->ell, e->phi1, e->phi2, e->phi3, e->half));
  PetscCall(PetscFree2(e->lidx, e->ulam));
  PetscCall(PetscFree5(e->mell, e->mphi1, e->mphi2, e->mphi3, e->mhalf));
  PetscCall(VecDestroy(&e->w1));
  PetscFunctionReturn(0);
}

static PetscErrorCode TSDestroy_ETD(TS ts)
{
  PetscFunctionBegin;
  PetscCall(TSReset_ETD(ts));
  PetscCall(PetscFree(ts->data));
  PetscFunctionReturn(0);
}

static PetscErrorCode TSSetFromOptions_ETD(TS ts, PetscOptionItems *PetscOptionsObject)
{
  TS_ETD *e = (TS_ETD *)ts->data;

  PetscFunctionBegin;
  PetscOptionsHeadBegin(PetscOptionsObject, "ETD options");
  PetscCall(PetscOptionsRangeInt("-ts_etd_order", "Order of the exponential Runge-Kutta method (2: ETDRK2, 3: ETDRK3)", "", e->order, &e->order, NULL, 2, 3));
  PetscOptionsHeadEnd();
  PetscFunctionReturn(0);
}

static PetscErrorCode TSView_ETD(TS ts, PetscViewer viewer)
{
  PetscBool ascii;

  PetscFunctionBegin;
  PetscCall(PetscObjectTypeCompare((PetscObject)viewer, PETSCVIEWERASCII, &ascii));
  if (ascii) PetscCall(PetscViewerASCIIPrintf(viewer, "  ETDRK%" PetscInt_FMT ", linear part exact in the transforms' basis\n", ((TS_ETD *)ts->data)->order));
  PetscFunctionReturn(0);
}

static PetscErrorCode TSCreate_ETD(TS ts)
{
  TS_ETD *e;

  PetscFunctionBegin;
  PetscCall(PetscNew(&e));
  ts->data                = e;
  e->order                = 3;
  ts->ops->step           = TSStep_ETD;
  ts->ops->evaluatestep   = TSEvaluateStep_ETD;
  ts->ops->interpolate    = TSInterpolate_ETD;
  ts->ops->setup          = TSSetUp_ETD;
  ts->ops->reset          = TSReset_ETD;
  ts->ops->destroy        = TSDestroy_ETD;
  ts->ops->view           = TSView_ETD;
  ts->ops->setfromoptions = TSSetFromOptions_ETD;
  ts->usessnes            = PETSC_FALSE;
  ts->default_adapt_type  = TSADAPTBASIC;
  PetscFunctionReturn(0);
}

PetscErrorCode TSETDRegister(void)
{
  static PetscBool done = PETSC_FALSE;

  PetscFunctionBegin;
  if (!done) PetscCall(TSRegister(TSUPHILLETD, TSCreate_ETD));
  done = PETSC_TRUE;
  PetscFunctionReturn(0);
}

PetscErrorCode TSETDSetProblem(TS ts, const ETDProblem *p)
{
  PetscBool is;

  PetscFunctionBegin;
  PetscCall(PetscObjectTypeCompare((PetscObject)ts, TSUPHILLETD, &is));
  PetscCheck(is, PetscObjectComm((PetscObject)ts), PETSC_ERR_ARG_WRONG, "the TS is not of type %s", TSUPHILLETD);
  ((TS_ETD *)ts->data)->p = *p;
  PetscFunctionReturn(0);
}
