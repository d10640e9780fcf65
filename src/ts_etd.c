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
   (t_prev, t_n] is the same step taken with h = t - t_prev. */
#include <petsc/private/tsimpl.h>
#include <uphill/etd.h>
#include <math.h>

#if defined(UPHILL_HAVE_LIBMVEC)
/* glibc's vector exp (libmvec), as residual.c declares log */
extern double exp(double) __attribute__((__simd__("notinbranch")));
#endif

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
  PetscReal        b, g;            /* the linearisation of this step */
  PetscReal        phi_h, phi_b, phi_g; /* what phi1, phi2 were computed for */
  PetscBool        have_g0;         /* g0 is the transform of G(U0) */
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
  for (PetscInt k = 0; k < n; k++) {
    const PetscReal z = h * ell[k], eh = half[k], em1 = eh * eh - 1, iz = 1 / z;
    p1[k]   = em1 * iz;
    p2[k]   = (em1 - z) * iz * iz;
    p3[k]   = (em1 - z - 0.5 * z * z) * iz * iz * iz;
    half[k] = 2 * (eh - 1) * iz; /* phi1(z/2) */
  }
  for (PetscInt k = 0; k < n; k++) {
    const PetscReal z = h * ell[k];
    PetscReal       phi[4];
    if (PetscAbsReal(z) < 1) {
      PhiSeries(0.5 * z, phi);
      half[k] = phi[1];
    }
    if (PetscAbsReal(z) < 0.5) {
      PhiSeries(z, phi);
      p1[k] = phi[1];
      p2[k] = phi[2];
      p3[k] = phi[3];
    }
  }
  e->phi_h = h;
  e->phi_b = b;
  e->phi_g = g;
}

/* The transform of G(u0), once a step. */
static PetscErrorCode ETDFirstStage(TS ts, TS_ETD *e)
{
  PetscFunctionBegin;
  if (e->have_g0) PetscFunctionReturn(0);
  PetscCall(e->p.rhs(ts, e->U0, e->G, e->p.ctx));
  PetscCall(SpectralForward(e->p.sp, e->G, e->g0));
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
  PetscCall(SpectralForward(e->p.sp, e->G, dst));
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

/* From U0: the embedded lower-order solution into A and the solution into U. */
static PetscErrorCode ETDStages(TS ts, TS_ETD *e, PetscReal h, Vec A, Vec U)
{
  const PetscInt n = e->n, per = e->per;

  PetscFunctionBegin;
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
  PetscCall(e->p.linearise(ts, e->U0, &e->b, &e->g, e->p.ctx));
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

static PetscErrorCode TSSetUp_ETD(TS ts)
{
  TS_ETD *e = (TS_ETD *)ts->data;

  PetscFunctionBegin;
  PetscCheck(e->p.sp && e->p.rhs && e->p.linearise, PetscObjectComm((PetscObject)ts), PETSC_ERR_ORDER, "call TSETDSetProblem before TSSetUp");
  PetscCall(VecDuplicate(ts->vec_sol, &e->U0));
  PetscCall(VecDuplicate(ts->vec_sol, &e->A));
  PetscCall(VecDuplicate(ts->vec_sol, &e->Aw));
  PetscCall(VecDuplicate(ts->vec_sol, &e->G));
  if (e->p.pointwise) PetscCall(VecDuplicate(ts->vec_sol, &e->P0));
  PetscCall(SpectralSymbol(e->p.sp, &e->n, &e->per, &e->lambda));
  PetscCall(PetscMalloc5(e->n * e->per, &e->g0, e->n * e->per, &e->ahat, e->n * e->per, &e->w, e->n * e->per, &e->bhat, e->n * e->per, &e->da));
  PetscCall(PetscMalloc5(e->n, &e->ell, e->n, &e->phi1, e->n, &e->phi2, e->n, &e->phi3, e->n, &e->half));
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
