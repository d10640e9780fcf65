/* The fast integrators, which invert constant-coefficient operators by transforms
   (spectral.c) -- no Newton, no Krylov, no multigrid:
   - rosw (docs/MODEL.md section 3.8): a linearly implicit Rosenbrock-W method (PETSc's TSROSW,
     adaptive with its embedded error estimate); each stage one residual and one forward +
     inverse transform of W;
   - etd (section 3.9, the default): the exponential Runge-Kutta TS type of ts_etd.c, given the
     right-hand side and the same linearisation; also for N components (EtdRHSMulti,
     EtdLineariseMulti: the state is c_1..c_{N-1} per cell, the linear part a small matrix per
     wave number).

   Both integrate the reduced equation for c alone,
     tau dc/dt = tau E div(M(c) grad mu(c)),   mu(c) = (f'(c) - kappa Lap_h c)/E,
   the same discrete operator as the mixed (c, mu) residual (residual.c) with mu eliminated.
   The TS's vector is c alone, on the transforms' scalar DMDA: every stage vector and every
   ghost exchange is half the size of the mixed state's.  The rest of the program sees the
   mixed state (c, mu(c)) -- monitors, output, analysis, checkpoints -- through
   SolverGetState and SolverInterpolate, which fill it from c when asked.

   The linearisation about a uniform state: Mbar = max M(c) and S = max f''(c) over the field
   at the start of the step (RoswLinearisation); rosw's W = tau (shift + Mbar L (S + kappa L)),
   L = -Lap_h (a W-method keeps its order for any W; S decides its stability, and the stiff
   kappa L^2 part is exact), etd's linear part -Mbar L (S + kappa L).  Besides the error test
   (relative to std(c)), a step is rejected when c leaves the energy's domain or the discrete
   free energy rises (RoswChoose, wrapping the TSAdapt of either).  The binary kernels below
   work on c as a scalar field; N components go through the mixed state's kernels (Xl). */
#include <petsc/private/tsimpl.h> /* TSAdapt's choose, wrapped below */
#include <uphill/solver.h>
#include <uphill/physics.h>
#include <uphill/spectral.h>
#include <uphill/etd.h>
#include <uphill/grid.h>
#include <uphill/errors.h>
#include <uphill/log_events.h>
#include <uphill/linalg.h>
#include "kernels.h"
#include <string.h>

/* A vector as it is now, the key of what is kept of a state: the object's id (not its address)
   and its state; id -1: nothing kept. */
typedef struct {
  PetscObjectId    id;
  PetscObjectState state;
} RoswStamp;

static PetscErrorCode RoswStampOf(Vec C, RoswStamp *s)
{
  PetscFunctionBegin;
  PetscCall(PetscObjectGetId((PetscObject)C, &s->id));
  PetscCall(PetscObjectStateGet((PetscObject)C, &s->state));
  PetscFunctionReturn(0);
}

/* Whether what was kept under stamp k is of C as it is now; with set, record that it is. */
static PetscErrorCode RoswStampMatch(RoswStamp *k, Vec C, PetscBool set, PetscBool *same)
{
  RoswStamp now;

  PetscFunctionBegin;
  PetscCall(RoswStampOf(C, &now));
  if (same) *same = (PetscBool)(now.id == k->id && now.state == k->state);
  if (set) *k = now;
  PetscFunctionReturn(0);
}

/* What the binary integrators read of a state c, from one pass over it (ComputeStateSumsC) and,
   when asked for, its spread from a second.  One state is kept: each accepted state is read once
   for the energy test, the tolerance, the monitor, and the next step's linearisation and f'. */
typedef struct {
  RoswStamp        of;     /* the vector summarised */
  StateSums        ss;
  PetscBool        have_std;
  PetscReal        std;
} RoswSummary;

typedef struct {
  App             *app;
  Spectral         sp;
  PetscInt         nc;        /* components of c per cell (1: binary) */
  PetscBool        general;   /* the N-component model (also N = 2 given by its matrices) */
  PetscBool        kappa_definite; /* N components: the gradient-energy matrix is positive definite */
  DM               da1;       /* the scalar DMDA of the transforms */
  DM               dac;       /* the DMDA of the state c: da1 (binary) or nc entries per cell */
  Vec              C;         /* the integrator's state: c */
  Vec              mu;        /* mu(c) at the owned cells, a stage's work */
  Vec              Cw;        /* interpolated c */
  Vec              zero;      /* dc/dt = 0: the etd path's residual is the right-hand side */
  Vec              X;         /* the mixed state (c, mu) the rest of the program reads (borrowed) */
  Vec              Xs;        /* N components: a mixed state for F of a state between steps */
  Vec              Xl;        /* N components: the ghosted mixed work state (RoswWorkState) */
  PetscBool        fields;    /* the ternary regular solution with lattice-fixed L: the work state as fields */
  Vec              cf[2], muf[2]; /* ... c and mu, ghosted local vectors of da1 (Xl is then not used) */
  RoswStamp        xl_of;     /* ... holds c and mu(c) of this vector */
  Vec              vatol;     /* N components: each component's absolute tolerance */
  PetscReal       *rate_work; /* the ternary's rate with lattice-fixed L: its L (and mu) per ghosted cell; else NULL */
  RoswStamp        stats_of;  /* N components: the vector stats is of */
  ComponentStats   stats;
  PetscReal        Lref[UPHILL_MAX_NC * UPHILL_MAX_NC], Lref_ihalf[UPHILL_MAX_NC * UPHILL_MAX_NC]; /* L(mean c), its R^-1/2 */
  PetscObjectState synced;    /* the state of C that X was last filled from */
  PetscReal        atol, rtol; /* as given (-ts_atol, -ts_rtol) */
  PetscReal        shift, S, Smin, Mbar; /* Smin: min f'' over the field */
  PetscReal        energy, energy_abs; /* F of the last accepted state, and its round-off scale */
  PetscObjectState energy_state;       /* the state of the TS's vector that energy is F of */
  RoswSummary      sum;
  Vec              P;                  /* etd, constant mobility: Mbar f'(c) of the summarised state (else NULL) */
  PetscErrorCode (*choose)(TSAdapt, TS, PetscReal, PetscInt *, PetscReal *, PetscBool *, PetscReal *, PetscReal *, PetscReal *);
} Rosw;

/* The c entries of a cell, the first of both the integrator's state and the mixed state. */
static const PetscInt RoswComponents[UPHILL_MAX_NC] = {0, 1, 2, 3, 4};

/* The TS's application context is the App; the integrator's own state rides on the TS
   (NULL: the TS is the BDF path's). */
static PetscErrorCode RoswQuery(TS ts, Rosw **r)
{
  PetscContainer c;

  PetscFunctionBegin;
  *r = NULL;
  PetscCall(PetscObjectQuery((PetscObject)ts, "uphill_rosw", (PetscObject *)&c));
  if (c) PetscCall(PetscContainerGetPointer(c, (void **)r));
  PetscFunctionReturn(0);
}

static PetscErrorCode RoswFromTS(TS ts, Rosw **r)
{
  PetscFunctionBegin;
  PetscCall(RoswQuery(ts, r));
  PetscCheck(*r, PetscObjectComm((PetscObject)ts), PETSC_ERR_PLIB, "the Rosenbrock-W context is missing");
  PetscFunctionReturn(0);
}

/* F = tau dc/dt - tau E div(M grad mu(c)): two ghost exchanges of one scalar field each. */
static PetscErrorCode RoswIFunction(TS ts, PetscReal t, Vec C, Vec Cdot, Vec F, void *ctx)
{
  Rosw              *r = (Rosw *)ctx;
  GridBox            b;
  KernelCoef         k;
  Vec                Cl, Ml;
  const PetscScalar *cl, *ml, *cdot;
  PetscScalar       *mu, *f;

  PetscFunctionBegin;
  (void)ts;
  (void)t;
  PetscCall(PetscLogEventBegin(UphillEvents.residual, 0, 0, 0, 0));
  KernelCoefficients(r->app, &k);
  PetscCall(GridGetBox(r->da1, &b));
  PetscCall(GridGetGhostedArrayRead(r->da1, C, &Cl, &cl));
  PetscCall(VecGetArray(r->mu, &mu));
  PotentialC(&b, r->app, &k, cl, mu);
  PetscCall(VecRestoreArray(r->mu, &mu));
  PetscCall(GridGetGhostedArrayRead(r->da1, r->mu, &Ml, &ml));
  PetscCall(VecGetArrayRead(Cdot, &cdot));
  PetscCall(VecGetArray(F, &f));
  ReducedResidualC(&b, r->app, &k, cl, ml, cdot, f);
  PetscCall(VecRestoreArray(F, &f));
  PetscCall(VecRestoreArrayRead(Cdot, &cdot));
  PetscCall(GridRestoreGhostedArrayRead(r->da1, &Ml, &ml));
  PetscCall(GridRestoreGhostedArrayRead(r->da1, &Cl, &cl));
  PetscCall(PetscLogFlops(60.0 * b.info.xm * b.info.ym * b.info.zm));
  PetscCall(PetscLogEventEnd(UphillEvents.residual, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

/* The summary of C (RoswSummary), with its spread if asked. */
static PetscErrorCode RoswSummarise(Rosw *r, Vec C, PetscBool want_std)
{
  RoswSummary *s       = &r->sum;
  PetscBool    current = PETSC_FALSE;

  PetscFunctionBegin;
  PetscCall(RoswStampMatch(&r->sum.of, C, PETSC_FALSE, &current));
  if (!current) {
    PetscCall(ComputeStateSumsC(r->app, r->da1, C, r->app->mob.m0, r->P, &s->ss));
    PetscCall(RoswStampOf(C, &s->of));
    s->have_std = PETSC_FALSE;
  }
  if (want_std && !s->have_std) {
    PetscInt size;
    PetscCall(VecGetSize(C, &size));
    PetscCall(ComputeSpreadC(C, s->ss.mass / (r->app->dV * (PetscReal)size), &s->std));
    s->have_std = PETSC_TRUE;
  }
  PetscFunctionReturn(0);
}

/* The linearisation about C: S = max f''(c) and Mbar = max M(c) over the field. */
static PetscErrorCode RoswLinearisation(Rosw *r, Vec C)
{
  PetscFunctionBegin;
  PetscCall(RoswSummarise(r, C, PETSC_FALSE));
  r->S    = r->app->p.kappa > 0 ? r->sum.ss.d2max : PetscMax(r->sum.ss.d2max, 0);
  r->Mbar = r->sum.ss.mmax;
  r->Smin = r->sum.ss.d2min;
  PetscFunctionReturn(0);
}

/* W's coefficients from the state at the start of the step (TSROSW evaluates W once a step). */
static PetscErrorCode RoswIJacobian(TS ts, PetscReal t, Vec C, Vec Cdot, PetscReal shift, Mat J, Mat P, void *ctx)
{
  Rosw *r = (Rosw *)ctx;

  PetscFunctionBegin;
  (void)ts;
  (void)t;
  (void)Cdot;
  (void)J;
  (void)P;
  PetscCall(RoswLinearisation(r, C));
  r->shift = shift;
  /* S = max f'': for frozen f'' the linearly implicit Euler step with W is stable once
     S >= max f''/2, but the four-stage method needs the full max f'' (measured: with max f''/2
     a 2D spinodal run near equilibrium was rejected 137203 times in 69820 steps, dt stuck at
     ~2; with max f'' 1240 steps and 6 rejections to t = 1e5).  For a uniform state inside
     the spinodal (the linear stage, f'' < 0 everywhere) S = f'' makes W exact; there W must
     stay positive: shift + Mbar L (S + kappa L) has its minimum shift - Mbar S^2/(4 kappa). */
  if (r->app->p.kappa > 0) r->S = PetscMax(r->S, -1.9 * PetscSqrtReal(r->app->p.kappa * shift / r->Mbar));
  PetscFunctionReturn(0);
}

/* For the exponential integrator: G(c) = dc/dt = -F(t, c, 0)/tau, and the linear part
   -(b L + g L^2) with b = Mbar S, g = Mbar kappa: the same linearisation as W (RoswIJacobian). */
static PetscErrorCode EtdRHS(TS ts, Vec C, Vec G, void *ctx)
{
  Rosw *r = (Rosw *)ctx;

  PetscFunctionBegin;
  PetscCall(RoswIFunction(ts, 0, C, r->zero, G, r));
  PetscCall(VecScale(G, -1.0 / r->app->s.tau));
  PetscFunctionReturn(0);
}

static PetscErrorCode EtdLinearise(TS ts, Vec C, PetscReal *Lbar, PetscReal *S, PetscReal excess[2], PetscReal *smin, PetscReal *K, void *ctx)
{
  Rosw *r = (Rosw *)ctx;

  PetscFunctionBegin;
  (void)ts;
  excess[0] = excess[1] = 0;
  PetscCall(RoswLinearisation(r, C));
  *Lbar = r->Mbar;
  *S    = r->S; /* max f'' unbounded: inside the spinodal the growing modes are exact */
  *smin = PetscMin(r->Smin, r->S);
  *K    = r->app->p.kappa;
  PetscFunctionReturn(0);
}

/* N components: the work state of C -- its c, mu(c) at the owned cells, and the face ghosts
   of both -- kept until C changes; with F, also the energy of C from the same pass (the
   acceptance test of a step, whose state is the next step's first right-hand side).  Filled in
   place: C's entries into the ghosted vector Xl (or, for the lattice-fixed ternary, the fields
   cf, whose rows the potential and the rate read contiguous), then face exchanges (one plane a
   face) where a global-to-local scatter of the mixed state before each of the potential and the
   rate copied the whole array twice (14% of problem (e)'s step). */
static PetscErrorCode RoswWorkState(Rosw *r, Vec C, PetscReal *F, PetscReal *Fabs)
{
  PetscBool holds = PETSC_FALSE;

  PetscFunctionBegin;
  if (!F) PetscCall(RoswStampMatch(&r->xl_of, C, PETSC_FALSE, &holds));
  if (holds) PetscFunctionReturn(0);
  if (r->fields) {
    PetscCall(GridSetOwnedFields(r->da1, C, r->cf));
    for (int a = 0; a < 2; a++) PetscCall(GridUpdateGhosts(r->da1, r->cf[a]));
    PetscCall(ComputePotentialFields(r->app, r->cf, r->muf, F, Fabs));
    for (int a = 0; a < 2; a++) PetscCall(GridUpdateGhosts(r->da1, r->muf[a]));
  } else {
    PetscCall(GridSetOwnedEntries(r->app->da, C, r->Xl));
    PetscCall(GridUpdateGhosts(r->app->da, r->Xl));
    PetscCall(ComputePotentialLocal(r->app, r->Xl, F, Fabs));
    PetscCall(GridUpdateGhosts(r->app->da, r->Xl));
  }
  PetscCall(RoswStampMatch(&r->xl_of, C, PETSC_TRUE, NULL));
  PetscFunctionReturn(0);
}

/* N components: G(c) = -F_c(c, mu(c), 0)/tau, the c rows of the mixed residual (residual.c) at
   the work state of c. */
static PetscErrorCode EtdRHSMulti(TS ts, Vec C, Vec G, void *ctx)
{
  Rosw *r = (Rosw *)ctx;

  PetscFunctionBegin;
  (void)ts;
  PetscCall(RoswWorkState(r, C, NULL, NULL));
  if (r->fields) PetscCall(ComputeRateFields(r->app, r->cf, r->muf, r->rate_work, G));
  else PetscCall(ComputeRateGeneral(r->app, r->Xl, r->rate_work, G));
  PetscFunctionReturn(0);
}

/* N components: the statistics of C (SolverComponentStats), one pass pair per state, read by the
   error test's tolerances, the linearisation's mean composition and the monitor's row (four
   passes over c a step before, 10% of problem (e)'s run). */
static PetscErrorCode RoswStatsOf(Rosw *r, Vec C, const ComponentStats **st)
{
  PetscBool same = PETSC_FALSE;

  PetscFunctionBegin;
  PetscCall(RoswStampMatch(&r->stats_of, C, PETSC_FALSE, &same));
  if (!same) {
    PetscCall(SolverComponentStats(C, r->nc, &r->stats));
    PetscCall(RoswStampMatch(&r->stats_of, C, PETSC_TRUE, NULL));
  }
  *st = &r->stats;
  PetscFunctionReturn(0);
}

/* L at the mean composition cbar and its inverse square root, from the step's own state (the
   mean is conserved only to round-off: a restart recomputes the same bits at the same step). */
static PetscErrorCode EtdReferenceMobility(Rosw *r, Vec C, PetscReal *cbar)
{
  const MultiModel     *mm = &r->app->mm;
  const ComponentStats *st;

  PetscFunctionBegin;
  PetscCall(RoswStatsOf(r, C, &st));
  for (PetscInt i = 0; i < r->nc; i++) cbar[i] = st->sum[i] / st->pts;
  MultiL(mm, cbar, r->Lref);
  const PetscReal lam0 = LinalgSymSqrt(r->nc, r->Lref, NULL, r->Lref_ihalf);
  PetscCheck(lam0 > 0, PetscObjectComm((PetscObject)C), PETSC_ERR_SUP, "the etd integrator needs a positive definite mobility matrix at the mean composition (smallest eigenvalue %g)", (double)lam0);
  PetscFunctionReturn(0);
}

/* Constant mobility: G(c) = Lap_h (Mbar f'(c)) - Mbar kappa Lap_h^2 c exactly (the face
   mobilities are all Mbar), so etd's later stages need P = Mbar f'(c) alone (etd.h). */
static PetscErrorCode EtdPointwise(TS ts, Vec C, Vec P0, Vec *Pout, void *ctx)
{
  Rosw              *r = (Rosw *)ctx;
  const PetscScalar *c, *p0 = NULL;
  PetscScalar       *p;
  PetscInt           n;

  PetscFunctionBegin;
  (void)ts;
  if (!P0) { /* the accepted state: its summary has P, lent as it is */
    PetscBool current = PETSC_FALSE;
    PetscCall(RoswStampMatch(&r->sum.of, C, PETSC_FALSE, &current));
    if (current) {
      *Pout = r->P;
      PetscFunctionReturn(0);
    }
  }
  PetscCall(PetscLogEventBegin(UphillEvents.residual, 0, 0, 0, 0));
  PetscCall(VecGetLocalSize(C, &n));
  PetscCall(VecGetArrayRead(C, &c));
  if (P0) PetscCall(VecGetArrayRead(P0, &p0));
  PetscCall(VecGetArray(*Pout, &p));
  ScaledDFC(r->app, c, p0, n, r->Mbar, p);
  PetscCall(VecRestoreArray(*Pout, &p));
  if (P0) PetscCall(VecRestoreArrayRead(P0, &p0));
  PetscCall(VecRestoreArrayRead(C, &c));
  PetscCall(PetscLogEventEnd(UphillEvents.residual, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

/* W^-1 applied to a residual: one forward and one inverse transform. */
static PetscErrorCode RoswApplyW(PC pc, Vec b, Vec y)
{
  Rosw     *r;
  PetscReal tau;

  PetscFunctionBegin;
  PetscCall(PCShellGetContext(pc, &r));
  tau = r->app->s.tau;
  PetscCall(SpectralSolve(r->sp, tau * r->shift, tau * r->Mbar * r->S, tau * r->Mbar * r->app->p.kappa, b, y));
  PetscFunctionReturn(0);
}

/* Over n/nc cells of c: m[0] = max sigma, the largest eigenvalue of the symmetric part of
   Lref^-1 L(c) H(c) - Hbar (a bound on the largest real part of its eigenvalues: Bendixson),
   m[1] = max theta, m[2] = max -(Lref^-1 L H) (nc = 1); nc and the mobility model as
   literals (UPHILL_NCOMP_DISPATCH). */
static inline __attribute__((always_inline)) void EtdLineariseCells(const MultiModel *model, const PetscScalar *c, PetscInt n, const PetscReal *Lref_ihalf, const PetscReal *Li, const PetscReal *Hbar, PetscReal m[3], PetscInt nc, PetscBool atomic)
{
  MultiModel        local = *model;
  const MultiModel *mm    = &local;

  local.nc     = nc;
  local.atomic = atomic;
  for (PetscInt i = 0; i < n; i += nc) {
    PetscReal H[UPHILL_MAX_NC * UPHILL_MAX_NC], L[UPHILL_MAX_NC * UPHILL_MAX_NC], T[UPHILL_MAX_NC * UPHILL_MAX_NC], W[UPHILL_MAX_NC * UPHILL_MAX_NC], LiL[UPHILL_MAX_NC * UPHILL_MAX_NC], A[UPHILL_MAX_NC * UPHILL_MAX_NC];
    MultiD2F(mm, c + i, H);
    MultiL(mm, c + i, L);
    LinalgMul(nc, Lref_ihalf, L, T);
    LinalgMul(nc, T, Lref_ihalf, W);
    LinalgMul(nc, Li, L, LiL);
    LinalgMul(nc, LiL, H, A);
    for (PetscInt a = 0; a < nc; a++)
      for (PetscInt b = 0; b <= a; b++) A[a * nc + b] = A[b * nc + a] = 0.5 * (A[a * nc + b] + A[b * nc + a]) - Hbar[a * nc + b];
    const PetscReal theta = LinalgSymMaxEig(nc, W), sigma = LinalgSymMaxEig(nc, A);
    m[0]                  = PetscMax(m[0], sigma);
    m[1]                  = PetscMax(m[1], theta);
    m[2]                  = PetscMax(m[2], -(sigma + Hbar[0]));
  }
}

/* EtdLineariseCells for the ternary regular solution with lattice-fixed L (nc = 2), the 2 x 2
   algebra written out in scalars so that the cell loop vectorises (GCC kept the generic loop's
   small arrays scalar: 11% of problem (e)'s run, 2% so); the same products in the same order.
   m[2] is for nc = 1 only. */
static void EtdLineariseTernary(const MultiModel *mm, const PetscScalar *c, PetscInt n, const PetscReal *R, const PetscReal *Li, const PetscReal *Hbar, PetscReal m[3])
{
  const PetscReal *om = mm->omega, rt = mm->rt, M[3] = {mm->M[0], mm->M[1], mm->M[2]};
  const PetscReal  k00 = om[0] - om[2] - om[6], k01 = om[1] - om[2] - om[7], k10 = om[3] - om[5] - om[6], k11 = om[4] - om[5] - om[7];
  PetscReal        m0 = m[0], m1 = m[1];

#pragma omp simd reduction(max : m0, m1)
  for (PetscInt i = 0; i < n; i += 2) {
    const PetscReal c0 = c[i], c1 = c[i + 1], cN = 1 - c0 - c1, ip = 1 / (c0 * c1 * cN); /* one division, not three */
    const PetscReal i0 = ip * c1 * cN, i1 = ip * c0 * cN, iN = ip * c0 * c1;
    const PetscReal H00 = k00 + rt * (i0 + iN), H01 = k01 + rt * iN, H10 = k10 + rt * iN, H11 = k11 + rt * (i1 + iN);
    PetscReal       L00, L01, L10, L11;
    MultiLTernary(M, c0, c1, &L00, &L01, &L10, &L11);
    const PetscReal T00 = R[0] * L00 + R[1] * L10, T01 = R[0] * L01 + R[1] * L11, T10 = R[2] * L00 + R[3] * L10, T11 = R[2] * L01 + R[3] * L11;
    const PetscReal W00 = T00 * R[0] + T01 * R[2], W01 = T00 * R[1] + T01 * R[3], W10 = T10 * R[0] + T11 * R[2], W11 = T10 * R[1] + T11 * R[3];
    const PetscReal P00 = Li[0] * L00 + Li[1] * L10, P01 = Li[0] * L01 + Li[1] * L11, P10 = Li[2] * L00 + Li[3] * L10, P11 = Li[2] * L01 + Li[3] * L11;
    const PetscReal A00 = P00 * H00 + P01 * H10, A01 = P00 * H01 + P01 * H11, A10 = P10 * H00 + P11 * H10, A11 = P10 * H01 + P11 * H11;
    const PetscReal B00 = 0.5 * (A00 + A00) - Hbar[0], B01 = 0.5 * (A10 + A01) - Hbar[2], B11 = 0.5 * (A11 + A11) - Hbar[3];
    const PetscReal wm = 0.5 * (W00 + W11), wd = 0.5 * (W00 - W11), bm = 0.5 * (B00 + B11), bd = 0.5 * (B00 - B11);
    m0 = PetscMax(m0, bm + PetscSqrtReal(bd * bd + B01 * B01));
    m1 = PetscMax(m1, wm + PetscSqrtReal(wd * wd + W01 * W10));
  }
  m[0] = m0;
  m[1] = m1;
}

void LinearisationBounds(const MultiModel *mm, const PetscScalar *c, PetscInt n, const PetscReal *Lref_ihalf, const PetscReal *Li, const PetscReal *Hbar, PetscReal m[3], PetscBool generic)
{
  if (!generic && mm->nc == 2 && mm->atomic && mm->type == FE_REGULAR_SOLUTION) EtdLineariseTernary(mm, c, n, Lref_ihalf, Li, Hbar, m);
  else UPHILL_NCOMP_DISPATCH(EtdLineariseCells, mm, mm, c, n, Lref_ihalf, Li, Hbar, m);
}

/* N components, the matrix analogue of the binary linearisation: K = kappa; Lbar = L
   (constant) or theta L(cbar), theta the largest eigenvalue of Lref^-1/2 L(c) Lref^-1/2 over
   the field (Lbar bounds every cell's L(c) as Mbar = max M(c) does for two components); and
   S = (H(cbar) + sigma I)/theta, sigma the largest eigenvalue over the field of (the symmetric
   part of) Lref^-1 L(c) H(c) - H(cbar), H the Hessian of f, so that Lbar S = Lref (H(cbar) +
   sigma I) bounds L(c) H(c).  Where kappa is definite both bounds come back apart from the
   linearisation about the mean: Lbar = L(cbar), S = H(cbar), and the excesses sigma and theta - 1
   (of the gradient term's mobility); the integrator keeps of each, wave by wave, what its step
   needs to stay stable (ts_etd.c, ETDExcessAt), the long waves take none.  About a uniform
   state (the linear stage) sigma = 0 and the linear part is the exact linearisation -lambda L
   (H + lambda kappa): the explicit remainder vanishes with the perturbation, as with the
   binary's S = f''(c0).  (A scalar S = s I, s the largest
   eigenvalue of Lbar^-1 L H, left the explicit part (s - H) lambda L: a coupled mode's growth
   came out 3.6% off with the multistep scheme at the default tolerance.  The plain bound max
   eig H was measured 12% off in F at the default tolerance on the ternary example: in the
   bulk phases H is large where L(c) is small.) */
static PetscErrorCode EtdLineariseMulti(TS ts, Vec C, PetscReal *Lbar, PetscReal *S, PetscReal excess[2], PetscReal *smin, PetscReal *K, void *ctx)
{
  Rosw              *r  = (Rosw *)ctx;
  const MultiModel  *mm = &r->app->mm;
  const PetscInt     nc = r->nc, nn = nc * nc;
  const PetscScalar *c;
  PetscInt           n;
  PetscReal          cbar[UPHILL_MAX_NC], Hbar[UPHILL_MAX_NC * UPHILL_MAX_NC], Li[UPHILL_MAX_NC * UPHILL_MAX_NC];
  PetscReal          m[3] = {PETSC_MIN_REAL, 1, PETSC_MIN_REAL}; /* sigma, theta, -min of Lref^-1 L H (nc = 1) */

  PetscFunctionBegin;
  (void)ts;
  PetscCall(EtdReferenceMobility(r, C, cbar));
  MultiD2F(mm, cbar, Hbar);
  LinalgMul(nc, r->Lref_ihalf, r->Lref_ihalf, Li);
  PetscCall(VecGetLocalSize(C, &n));
  PetscCall(VecGetArrayRead(C, &c));
  LinearisationBounds(mm, c, n, r->Lref_ihalf, Li, Hbar, m, PETSC_FALSE);
  PetscCall(VecRestoreArrayRead(C, &c));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, m, 3, MPIU_REAL, MPIU_MAX, PetscObjectComm((PetscObject)C)));
  if (!mm->atomic) m[1] = 1; /* Lbar = L */
  const PetscBool split = (PetscBool)(nc > 1 && r->kappa_definite);
  excess[0] = split ? m[0] : 0; /* the bounds' shares apart: the integrator keeps of them what the step needs */
  excess[1] = split ? m[1] - 1 : 0;
  for (PetscInt i = 0; i < nn; i++) S[i] = split ? Hbar[i] : (Hbar[i] + (i % (nc + 1) == 0 ? m[0] : 0)) / m[1];
  if (!r->kappa_definite) { /* without gradient energy in some direction, no growth there: S >= 0 */
    PetscReal eig[UPHILL_MAX_NC];
    LinalgSymEig(nc, S, eig, NULL); /* ascending */
    for (PetscInt i = 0; i < nc; i++) S[i * (nc + 1)] += PetscMax(-eig[0], 0);
  }
  *smin = nc == 1 ? PetscMin(-m[2] / m[1], S[0]) : PETSC_MIN_REAL; /* N = 2: the binary's min f'' */
  for (PetscInt i = 0; i < nn; i++) {
    Lbar[i] = (split ? 1 : m[1]) * r->Lref[i];
    K[i]    = mm->kappa[i];
  }
  PetscFunctionReturn(0);
}

/* F of c: on the scalar field (binary), or from the work state's pass (N components). */
static PetscErrorCode RoswFreeEnergy(Rosw *r, Vec C, PetscReal *F, PetscReal *Fabs)
{
  PetscFunctionBegin;
  if (!r->general) {
    PetscCall(RoswSummarise(r, C, PETSC_FALSE));
    *F    = r->sum.ss.F;
    *Fabs = r->sum.ss.Fabs;
    PetscFunctionReturn(0);
  }
  PetscCall(RoswWorkState(r, C, F, Fabs)); /* mu for the next right-hand side */
  PetscFunctionReturn(0);
}

/* c in the energy's domain everywhere and F not above the last accepted state's, in one pass:
   a c outside the domain (log of a non-positive number) or a non-finite entry makes F NaN. */
static PetscErrorCode RoswStateAcceptable(Rosw *r, Vec C, PetscBool *ok, PetscReal *F, PetscReal *Fabs)
{
  PetscFunctionBegin;
  PetscCall(RoswFreeEnergy(r, C, F, Fabs));
  *ok = (PetscBool)(!PetscIsInfOrNanReal(*F) && *F <= r->energy + 1e-12 * r->energy_abs);
  PetscFunctionReturn(0);
}

/* TSROSW asks the adaptor about the candidate in ts->vec_sol; a candidate that passes the
   error test is also checked against the domain and the energy law, and halved if it fails.
   A step the error test rejects is retried at no more than 0.9 wlte^(-1/3) of it (the error
   estimates are third order in h), at least a tenth: the digital filter's soft limit shrank it
   by a quarter a try, and problem (e)'s first two steps took 10 tries (wlte 136 at the first,
   13 at the second).  The other way round, a step whose error is under a tenth of the tolerance
   is followed by one up to 0.9 wlte^(-1/3) of it, at most the clip (4x): the filter's exponents
   (1/18 a factor) and soft limit grew the step by 1.4-1.8x a step from the diffusive first step
   (4e-3 on problem (a)) through the decay of the initial noise and the linear stage, where the
   linear part is exact and the error tiny -- 15 steps to t = 27 on problem (c).  Measured
   (2026-12-03, 48^3, default / -ts_rtol 4e-3): (a) 121 -> 111 / 62 -> 55 steps, F's error
   0.011 -> 0.017% / 1.05 -> 1.04%; (c) 134 -> 125 / 68 -> 59, 0.073 -> 0.073% / 1.16 -> 1.08%;
   (d) 114 -> 109 (0.017 -> 0.019%); the ternary problem (e) unchanged (its error is never that
   small).  Capped at 2x instead, (d) was 0.13% off at the defaults. */
static PetscErrorCode RoswChoose(TSAdapt adapt, TS ts, PetscReal h, PetscInt *next_sc, PetscReal *next_h, PetscBool *accept, PetscReal *wlte, PetscReal *wltea, PetscReal *wlter)
{
  Rosw     *r;
  PetscBool ok = PETSC_FALSE;
  PetscReal F, Fabs;

  PetscFunctionBegin;
  PetscCall(RoswFromTS(ts, &r));
  PetscCall(RoswStateAcceptable(r, ts->vec_sol, &ok, &F, &Fabs));
  if (!ok) {
    if (PetscIsInfOrNanReal(F)) PetscCall(PetscInfo(ts, "step of %g rejected: c outside the energy's domain (F not finite)\n", (double)h));
    else PetscCall(PetscInfo(ts, "step of %g rejected: the free energy rises, %.12g after %.12g\n", (double)h, (double)F, (double)r->energy));
    *accept  = PETSC_FALSE;
    *next_h  = 0.5 * h;
    *next_sc = 0;
    *wlte = *wltea = *wlter = -1;
    PetscFunctionReturn(0);
  }
  PetscCall(r->choose(adapt, ts, h, next_sc, next_h, accept, wlte, wltea, wlter));
  if (!*accept && *wlte > 1) *next_h = PetscMin(*next_h, h * PetscMax(0.1, 0.9 * PetscPowReal(*wlte, -1.0 / 3)));
  if (*accept && *wlte >= 0 && *wlte < 0.1) { /* far inside the tolerance: grow as the elementary controller would */
    PetscReal lo, hi;
    PetscCall(TSAdaptGetClip(adapt, &lo, &hi));
    *next_h = PetscMax(*next_h, h * PetscMin(hi, 0.9 * PetscPowReal(*wlte, -1.0 / 3)));
  }
  if (*accept) {
    r->energy     = F;
    r->energy_abs = Fabs;
    PetscCall(PetscObjectStateGet((PetscObject)ts->vec_sol, &r->energy_state));
  }
  PetscFunctionReturn(0);
}

/* The error test measures c against the size of its fluctuation, not against |c| ~ 0.5:
   atol_c = atol + rtol std(c), rtol_c = 0.  A perturbation of 1e-5 is then resolved as
   well as a grown microstructure (the early, uphill stage is what the run is about). */
static PetscErrorCode RoswUpdateTolerance(TS ts, Rosw *r, Vec C)
{
  PetscFunctionBegin;
  if (r->general) { /* each component against its own fluctuation */
    const PetscInt        nc = r->nc;
    const ComponentStats *st;
    PetscScalar          *v;
    PetscReal             tol[UPHILL_MAX_NC];
    PetscInt              n;
    PetscCall(RoswStatsOf(r, C, &st));
    SolverTolerancesFromStats(st, nc, r->atol, r->rtol, tol);
    PetscCall(VecGetLocalSize(r->vatol, &n));
    PetscCall(VecGetArray(r->vatol, &v));
    if (nc == 2) /* written out: the loop vectorises */
      for (PetscInt p = 0; p < n; p += 2) v[p] = tol[0], v[p + 1] = tol[1];
    else
      for (PetscInt p = 0; p < n; p += nc)
        for (PetscInt i = 0; i < nc; i++) v[p + i] = tol[i];
    PetscCall(VecRestoreArray(r->vatol, &v));
    PetscCall(TSSetTolerances(ts, r->atol, r->vatol, 0.0, NULL));
    PetscFunctionReturn(0);
  }
  PetscCall(RoswSummarise(r, C, PETSC_TRUE));
  PetscCall(TSSetTolerances(ts, r->atol + r->rtol * r->sum.std, NULL, 0.0, NULL));
  PetscFunctionReturn(0);
}

/* After every accepted step: the tolerance from the new fluctuation size. */
static PetscErrorCode RoswPostEvaluate(TS ts)
{
  Rosw *r;
  Vec   C;

  PetscFunctionBegin;
  PetscCall(RoswFromTS(ts, &r));
  PetscCall(TSGetSolution(ts, &C));
  PetscCall(RoswUpdateTolerance(ts, r, C));
  PetscFunctionReturn(0);
}

/* X = (c, mu(c)) from C. */
static PetscErrorCode RoswFillState(Rosw *r, Vec C, Vec X)
{
  PetscFunctionBegin;
  PetscCall(VecStrideSubSetScatter(C, r->nc, RoswComponents, RoswComponents, X, INSERT_VALUES));
  PetscCall(ComputeConsistentPotential(r->app, X));
  PetscFunctionReturn(0);
}

PetscErrorCode SolverGetState(TS ts, Vec *X)
{
  Rosw            *r;
  Vec              C;
  PetscObjectState state;

  PetscFunctionBegin;
  PetscCall(RoswQuery(ts, &r));
  PetscCall(TSGetSolution(ts, r ? &C : X));
  if (!r) PetscFunctionReturn(0);
  PetscCall(PetscObjectStateGet((PetscObject)C, &state));
  if (state != r->synced) PetscCall(RoswFillState(r, C, r->X));
  r->synced = state;
  *X        = r->X;
  PetscFunctionReturn(0);
}

PetscErrorCode SolverObservables(TS ts, const App *app, Observables *obs)
{
  Rosw            *r;
  Vec              C;
  PetscObjectState state;

  PetscFunctionBegin;
  PetscCall(RoswQuery(ts, &r));
  PetscCall(TSGetSolution(ts, &C));
  if (!r) {
    PetscCall(ComputeObservables(app, C, obs));
    PetscFunctionReturn(0);
  }
  PetscCall(PetscObjectStateGet((PetscObject)C, &state));
  if (r->general) { /* the statistics of c, and F from the step's acceptance test */
    const ComponentStats *st;
    PetscCall(RoswStatsOf(r, C, &st));
    if (state == r->energy_state) obs->free_energy = r->energy;
    else { /* the c entries suffice */
      PetscCall(VecStrideSubSetScatter(C, r->nc, RoswComponents, RoswComponents, r->Xs, INSERT_VALUES));
      PetscCall(ComputeFreeEnergy(app, r->Xs, &obs->free_energy, NULL));
    }
    PetscCall(PetscArrayzero(obs->masses, UPHILL_MAX_NC));
    for (PetscInt i = 0; i < r->nc; i++) obs->masses[i] = st->sum[i] * app->dV;
    obs->mass  = obs->masses[0];
    obs->c_min = st->min;
    obs->c_max = st->max;
    obs->c_std = PetscSqrtReal(st->sqdev[0] / st->pts);
    PetscFunctionReturn(0);
  }
  PetscCall(RoswSummarise(r, C, PETSC_TRUE));
  PetscCall(PetscArrayzero(obs->masses, UPHILL_MAX_NC));
  obs->free_energy = r->sum.ss.F;
  obs->mass = obs->masses[0] = r->sum.ss.mass;
  obs->c_min                 = r->sum.ss.cmin;
  obs->c_max                 = r->sum.ss.cmax;
  obs->c_std                 = r->sum.std;
  PetscFunctionReturn(0);
}

PetscErrorCode SolverInterpolate(TS ts, PetscReal t, Vec X)
{
  Rosw *r;

  PetscFunctionBegin;
  PetscCall(RoswQuery(ts, &r));
  if (!r) {
    PetscCall(TSInterpolate(ts, t, X));
    PetscFunctionReturn(0);
  }
  PetscCall(TSInterpolate(ts, t, r->Cw));
  PetscCall(RoswFillState(r, r->Cw, X));
  PetscFunctionReturn(0);
}

PetscErrorCode SolverSolve(TS ts, Vec X)
{
  Rosw *r;
  Vec   S;

  PetscFunctionBegin;
  PetscCall(RoswQuery(ts, &r));
  if (!r) {
    PetscCall(TSSolve(ts, X));
    PetscFunctionReturn(0);
  }
  PetscCheck(X == r->X, PetscObjectComm((PetscObject)ts), PETSC_ERR_ARG_WRONG, "the rosw integrator advances the state it was created with");
  PetscCall(VecStrideSubSetGather(X, r->nc, RoswComponents, RoswComponents, r->C, INSERT_VALUES));
  PetscCall(TSSolve(ts, r->C));
  PetscCall(SolverGetState(ts, &S)); /* X = (c, mu(c)) at the end */
  PetscFunctionReturn(0);
}

static PetscErrorCode RoswDestroyContext(void *ctx)
{
  Rosw *r = (Rosw *)ctx;

  PetscFunctionBegin;
  PetscCall(VecDestroy(&r->C));
  PetscCall(VecDestroy(&r->mu));
  PetscCall(VecDestroy(&r->Cw));
  PetscCall(VecDestroy(&r->zero));
  PetscCall(VecDestroy(&r->P));
  PetscCall(VecDestroy(&r->Xs));
  PetscCall(VecDestroy(&r->Xl));
  for (int a = 0; a < 2; a++) {
    PetscCall(VecDestroy(&r->cf[a]));
    PetscCall(VecDestroy(&r->muf[a]));
  }
  PetscCall(VecDestroy(&r->vatol));
  PetscCall(PetscFree(r->rate_work));
  if (r->dac != r->da1) PetscCall(DMDestroy(&r->dac));
  PetscCall(SpectralDestroy(&r->sp));
  PetscCall(PetscFree(r));
  PetscFunctionReturn(0);
}

static PetscErrorCode RoswAttach(TS ts, Rosw *r)
{
  PetscContainer c;

  PetscFunctionBegin;
  PetscCall(PetscContainerCreate(PetscObjectComm((PetscObject)ts), &c));
  PetscCall(PetscContainerSetPointer(c, r));
  PetscCall(PetscContainerSetUserDestroy(c, RoswDestroyContext));
  PetscCall(PetscObjectCompose((PetscObject)ts, "uphill_rosw", (PetscObject)c));
  PetscCall(PetscContainerDestroy(&c));
  PetscFunctionReturn(0);
}

/* W: a shell that only carries the shift to the preconditioner; the linear solve is one
   application of W^-1 (KSPPREONLY). */
static PetscErrorCode RoswLinearSolver(TS ts, Rosw *r, Vec X)
{
  Mat      W;
  PetscInt n, N;
  SNES     snes;
  KSP      ksp;
  PC       pc;

  PetscFunctionBegin;
  PetscCall(VecGetLocalSize(X, &n));
  PetscCall(VecGetSize(X, &N));
  PetscCall(MatCreateShell(PetscObjectComm((PetscObject)ts), n, n, N, N, r, &W));
  PetscCall(TSSetIJacobian(ts, W, W, RoswIJacobian, r));
  PetscCall(MatDestroy(&W));
  PetscCall(TSGetSNES(ts, &snes)); /* TSROSW solves its stages with the SNES's KSP */
  PetscCall(SNESGetKSP(snes, &ksp));
  PetscCall(KSPSetType(ksp, KSPPREONLY));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCSetType(pc, PCSHELL));
  PetscCall(PCShellSetContext(pc, r));
  PetscCall(PCShellSetApply(pc, RoswApplyW));
  PetscCall(PCShellSetName(pc, "W^-1 by transforms (uphill3d rosw)"));
  PetscFunctionReturn(0);
}

/* Error control relative to the fluctuation of c (RoswUpdateTolerance). */
static PetscErrorCode RoswTolerances(TS ts, Rosw *r)
{
  PetscFunctionBegin;
  PetscCall(TSGetTolerances(ts, &r->atol, NULL, &r->rtol, NULL));
  PetscCall(RoswUpdateTolerance(ts, r, r->C));
  PetscFunctionReturn(0);
}

/* Newton, Krylov and multigrid options would be read by the stage solver's SNES/KSP and do
   nothing, and another -ts_type would run a different method on this W: refuse them (monitors
   and viewers are harmless). */
static PetscErrorCode RoswRefuseSolverOptions(MPI_Comm comm, const char *ts_type, const char *name)
{
  PetscInt    n;
  char      **names, **values;
  const char *prefixes[] = {"snes_", "ksp_", "pc_", "mg_"};
  char        bad[256] = "";

  PetscFunctionBegin;
  PetscCall(PetscOptionsLeftGet(NULL, &n, &names, &values));
  for (PetscInt i = 0; i < n && !bad[0]; i++)
    for (size_t k = 0; k < sizeof prefixes / sizeof prefixes[0]; k++)
      if (!strncmp(names[i], prefixes[k], strlen(prefixes[k])) && !strstr(names[i], "view") && !strstr(names[i], "monitor") && !strstr(names[i], "converged_reason")) {
        PetscCall(PetscSNPrintf(bad, sizeof bad, "%s", names[i]));
        break;
      }
  PetscCall(PetscOptionsLeftRestore(NULL, &n, &names, &values));
  char type[64];
  PetscCall(ParamsUnreadValue("ts_type", type, sizeof type));
  if (type[0] && strcmp(type, ts_type)) UPHILL_USER_ERROR(comm, "option -ts_type %s: the %s integrator is TS type %s; use -integrator bdf for another TS type", type, name, ts_type);
  if (bad[0]) UPHILL_USER_ERROR(comm, "option -%s: the %s integrator has no Newton, Krylov or multigrid solve (its linear operators are inverted exactly by transforms); use -integrator bdf for this option", bad, name);
  PetscFunctionReturn(0);
}

PetscErrorCode SolverCreateRosw(App *app, Vec X, PetscReal dt0, TS *ts)
{
  Rosw   *r;
  TSAdapt adapt;

  PetscFunctionBegin;
  PetscCall(RoswRefuseSolverOptions(PetscObjectComm((PetscObject)app->da), app->p.integrator == INTEGRATOR_ETD ? TSUPHILLETD : TSROSW, IntegratorTypes[app->p.integrator]));
  PetscCall(PetscNew(&r));
  r->app          = app;
  r->X            = X;
  r->energy_state = -1;
  r->xl_of.id     = -1;
  r->sum.of.id    = -1;
  r->stats_of.id  = -1;
  r->nc           = app->p.ncomp;
  r->general      = app->p.general;
  PetscCall(SpectralCreate(app, &r->sp));
  PetscCall(SpectralScalarDM(r->sp, &r->da1));
  r->dac = r->da1;
  if (r->nc > 1) PetscCall(DMDACreateCompatibleDMDA(r->da1, r->nc, &r->dac));
  PetscCall(DMCreateGlobalVector(r->dac, &r->C));
  PetscCall(VecDuplicate(r->C, &r->Cw));
  PetscCall(VecStrideSubSetGather(X, r->nc, RoswComponents, RoswComponents, r->C, INSERT_VALUES));
  if (r->general) {
    PetscReal kev[UPHILL_MAX_NC];
    PetscInt  nl;
    LinalgSymEig(r->nc, app->mm.kappa, kev, NULL);
    r->kappa_definite = (PetscBool)(kev[0] > 0);
    PetscCall(VecDuplicate(X, &r->Xs));
    r->fields = (PetscBool)(r->nc == 2 && app->mm.type == FE_REGULAR_SOLUTION && app->mm.atomic);
    if (r->fields)
      for (int a = 0; a < 2; a++) {
        PetscCall(DMCreateLocalVector(r->da1, &r->cf[a]));
        PetscCall(VecDuplicate(r->cf[a], &r->muf[a]));
        PetscCall(VecZeroEntries(r->cf[a])); /* the corners, which no face exchange fills, read as c = 0 by the rate's per-cell L */
        PetscCall(VecZeroEntries(r->muf[a]));
      }
    else {
      PetscCall(DMCreateLocalVector(app->da, &r->Xl));
      PetscCall(VecZeroEntries(r->Xl));
    }
    if (r->nc == 2 && app->mm.atomic) { /* 3 reals a ghosted cell from the fields, RATE_WORK_PER_CELL from Xl */
      PetscCall(VecGetLocalSize(r->fields ? r->cf[0] : r->Xl, &nl));
      PetscCall(PetscCalloc1(r->fields ? 3 * nl : RATE_WORK_PER_CELL * (nl / 4), &r->rate_work));
    }
    PetscCall(VecDuplicate(r->C, &r->vatol));
  } else PetscCall(DMCreateGlobalVector(r->da1, &r->mu));
  const PetscBool pointwise = (PetscBool)(app->p.integrator == INTEGRATOR_ETD && !r->general && app->mob.model == MOBILITY_CONSTANT);
  if (pointwise) PetscCall(VecDuplicate(r->C, &r->P)); /* before the first summary, so that every summary has P */
  PetscCall(RoswFreeEnergy(r, r->C, &r->energy, &r->energy_abs));

  PetscCall(TSCreate(PetscObjectComm((PetscObject)app->da), ts));
  PetscCall(TSSetApplicationContext(*ts, app));
  app->ts = *ts;
  PetscCall(RoswAttach(*ts, r));
  PetscCall(TSSetDM(*ts, r->dac));
  if (app->p.integrator == INTEGRATOR_ETD) {
    const ETDProblem ep = r->general ? (ETDProblem){r->sp, r->nc, EtdRHSMulti, EtdLineariseMulti, NULL, r} : (ETDProblem){r->sp, 1, EtdRHS, EtdLinearise, pointwise ? EtdPointwise : NULL, r};
    if (!r->general) {
      PetscCall(VecDuplicate(r->C, &r->zero));
      PetscCall(VecZeroEntries(r->zero));
    }
    PetscCall(TSETDRegister());
    PetscCall(TSSetType(*ts, TSUPHILLETD));
    PetscCall(TSETDSetProblem(*ts, &ep));
  } else {
    PetscCall(TSSetType(*ts, TSROSW));
    PetscCall(TSRosWSetType(*ts, TSROSWRA34PW2));
    PetscCall(TSSetEquationType(*ts, TS_EQ_IMPLICIT));
    PetscCall(TSSetIFunction(*ts, NULL, RoswIFunction, r));
    PetscCall(RoswLinearSolver(*ts, r, r->C));
  }
  PetscCall(TSSetPostEvaluate(*ts, RoswPostEvaluate));
  PetscCall(TSSetTime(*ts, 0.0));
  PetscCall(TSSetTimeStep(*ts, dt0));
  PetscCall(TSSetMaxTime(*ts, 100 * app->s.tau));
  PetscCall(TSSetMaxSteps(*ts, PETSC_MAX_INT));
  PetscCall(TSSetExactFinalTime(*ts, TS_EXACTFINALTIME_MATCHSTEP));
  PetscCall(TSSetMaxStepRejections(*ts, 30));
  /* rtol is relative to std(c) (RoswUpdateTolerance); each default puts F within 0.1% on
     benchmarks/time_to_solution.sh: rosw 0.113% on problem (a); etd's multistep scheme at 5e-4
     0.024% (a), 0.004% (b), 0.071% (c), 0.063% (d), 0.090% on the ternary problem (e) with its
     lattice-fixed L -- at 1e-3 0.084%, 0.004%, 0.28%, 0.46%, 0.16%; ETDRK3
     (-ts_etd_multistep false) at 1e-3 0.095% (a); since the linearisation's bound is kept only
     where the step needs it (ts_etd.c), (e) 0.064% at 5e-4.  A constant L with N >= 3 overstates
     the linear part on the interfaces (docs/MODEL.md 3.9): on a ternary run (32^3, t = 40) the
     multistep scheme was 0.58% off at 3e-4, 0.077% at 3e-5 (ETDRK3: 1.2% at 1e-3, 0.076% at
     3e-4, 3.6x the time); with the bound where needed 0.29% at 3e-4, 0.085% at 1e-4 (306
     steps), 0.024% at 3e-5 (462) */
  PetscBool multistep;
  PetscCall(TSETDMultistep(&multistep));
  const PetscBool constant_nc = (PetscBool)(app->p.ncomp > 1 && !app->p.atomic);
  const PetscReal rtol        = app->p.integrator == INTEGRATOR_ROSW ? 3e-4 : constant_nc ? (multistep ? 1e-4 : 3e-4) : multistep ? 5e-4 : 1e-3;
  PetscCall(TSSetTolerances(*ts, 1e-12, NULL, rtol, NULL));
  PetscCall(TSGetAdapt(*ts, &adapt));
  PetscCall(SolverDefaultAdapt(adapt)); /* PETSc's DSP controller, H211PI (step_control.c) */
  PetscCall(TSAdaptSetClip(adapt, 0.1, 4.0));
  PetscCall(TSAdaptSetStepLimits(adapt, 1e-12 * dt0, PETSC_MAX_REAL));

  ErrorsReadingPetscOptions(PETSC_TRUE);
  PetscCall(TSSetFromOptions(*ts));
  ErrorsReadingPetscOptions(PETSC_FALSE);
  PetscCall(RoswTolerances(*ts, r));
  PetscCall(TSGetAdapt(*ts, &adapt)); /* the options may have changed its type */
  r->choose          = adapt->ops->choose;
  adapt->ops->choose = RoswChoose;
  PetscFunctionReturn(0);
}

PetscErrorCode SolverSetUpNowRosw(TS ts, Vec X)
{
  Rosw *r;
  SNES  snes;
  KSP   ksp;

  PetscFunctionBegin;
  PetscCall(RoswFromTS(ts, &r));
  PetscCheck(X == r->X, PetscObjectComm((PetscObject)ts), PETSC_ERR_ARG_WRONG, "the rosw integrator advances the state it was created with");
  PetscCall(TSSetSolution(ts, r->C));
  PetscCall(TSSetUp(ts));
  if (r->app->p.integrator == INTEGRATOR_ETD) PetscFunctionReturn(0); /* no stage solver */
  PetscCall(TSGetSNES(ts, &snes));
  PetscCall(SNESGetKSP(snes, &ksp));
  ErrorsReadingPetscOptions(PETSC_TRUE);
  PetscCall(KSPSetUp(ksp));
  ErrorsReadingPetscOptions(PETSC_FALSE);
  PetscFunctionReturn(0);
}
