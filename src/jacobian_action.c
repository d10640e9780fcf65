/* The Jacobian action y = (dF/du + shift dF/du_t) v without a matrix: a MatShell that is the
   Krylov solver's operator, while the assembled Jacobian (jacobian.c) only builds the
   preconditioner.  It linearises residual.c's kernels at the state of the last
   JacobianActionSetState, kept as a ghosted copy:

     dF_c  = tau shift v_c - tau E sum_d h_d^-2 [ (M + M_+)(v_mu+ - v_mu) + (M' v_c + M'_+ v_c+)(mu_+ - mu)
                                               - (M + M_-)(v_mu - v_mu-) - (M' v_c + M'_- v_c-)(mu - mu_-) ]
     dF_mu = v_mu - f''(c)/E v_c + (kappa/E) sum_d h_d^-2 (v_c+ - 2 v_c + v_c-)

   f''(c)/E is computed once per state (a contiguous array, read as 8 bytes per point); per
   application the kernel reads v and writes y, and with degenerate mobility also reads the
   state (c, mu): 40 or 56 bytes per point, against ~340 for the assembled MatMult.  Walls: the
   ghost fill mirrors both the state and v, so a wall face has zero differences and contributes
   nothing, as in the assembled matrix. */
#include <uphill/log_events.h>
#include "kernels.h"

typedef struct {
  App      *app;
  Vec       Ul;    /* linearisation state, ghosted */
  PetscReal *f2;   /* f''(c)/E at each owned point (binary) */
  PetscReal shift; /* d(u_t)/du of the integrator */
  PetscBool set;
} Action;

/* The binary action, row by row like residual.c's BinaryRows: the literal mobility model folds
   the mobility branches away (f'' comes precomputed).  Constant mobility has no M' terms, so
   the state is then not read at all. */
static inline __attribute__((always_inline)) void BinaryActionRows(const GridBox *b, const App *app, const KernelCoef *k, PetscReal shift, const PetscReal *x, const PetscReal *f2, const PetscReal *v, PetscReal *y, MobilityModel model)
{
  Mobility        mob = app->mob;
  const PetscReal ax = k->a[0], ay = k->a[1], az = k->a[2], bx = k->b[0], by = k->b[1], bz = k->b[2], ts = k->tau * shift;
  const PetscInt  n = b->info.xm, oy = 2 * b->off[1], oz = 2 * b->off[2];

  mob.model = model;
  for (PetscInt kk = b->info.zs; kk < b->info.zs + b->info.zm; kk++)
    for (PetscInt j = b->info.ys; j < b->info.ys + b->info.ym; j++) {
      const PetscInt            g = 2 * GridGhosted(b, b->info.xs, j, kk);
      const PetscReal *restrict u = x + g;
      const PetscReal *restrict w = v + g;
      const PetscInt            o = GridOwned(b, b->info.xs, j, kk);
      const PetscReal *restrict fo = f2 + o;
      PetscReal *restrict       yo = y + 2 * o;
#pragma omp simd
      for (PetscInt i = 0; i < n; i++) {
        const PetscInt  p = 2 * i;
        const PetscReal m = MobilityValue(&mob, u[p]), wm = w[p + 1];
        PetscReal       div = ax * ((m + MobilityValue(&mob, u[p + 2])) * (w[p + 3] - wm) - (m + MobilityValue(&mob, u[p - 2])) * (wm - w[p - 1]))
                      + ay * ((m + MobilityValue(&mob, u[p + oy])) * (w[p + oy + 1] - wm) - (m + MobilityValue(&mob, u[p - oy])) * (wm - w[p - oy + 1]))
                      + az * ((m + MobilityValue(&mob, u[p + oz])) * (w[p + oz + 1] - wm) - (m + MobilityValue(&mob, u[p - oz])) * (wm - w[p - oz + 1]));
        if (model == MOBILITY_DEGENERATE) {
          const PetscReal dm = MobilityDerivative(&mob, u[p]) * w[p], mu = u[p + 1];
#define DM(q) (MobilityDerivative(&mob, u[q]) * w[q])
          div += ax * ((dm + DM(p + 2)) * (u[p + 3] - mu) - (dm + DM(p - 2)) * (mu - u[p - 1]))
               + ay * ((dm + DM(p + oy)) * (u[p + oy + 1] - mu) - (dm + DM(p - oy)) * (mu - u[p - oy + 1]))
               + az * ((dm + DM(p + oz)) * (u[p + oz + 1] - mu) - (dm + DM(p - oz)) * (mu - u[p - oz + 1]));
#undef DM
        }
        const PetscReal lap = bx * (w[p + 2] - 2 * w[p] + w[p - 2]) + by * (w[p + oy] - 2 * w[p] + w[p - oy]) + bz * (w[p + oz] - 2 * w[p] + w[p - oz]);
        yo[p]     = ts * w[p] - div;
        yo[p + 1] = wm - fo[i] * w[p] + lap;
      }
    }
}

void ActionBinary(const GridBox *b, const App *app, const KernelCoef *k, PetscReal shift, const PetscScalar *x, const PetscReal *f2, const PetscScalar *v, PetscScalar *y)
{
  if (app->mob.model == MOBILITY_DEGENERATE) BinaryActionRows(b, app, k, shift, x, f2, v, y, MOBILITY_DEGENERATE);
  else BinaryActionRows(b, app, k, shift, x, f2, v, y, MOBILITY_CONSTANT);
}

void ActionStateBinary(const App *app, const PetscScalar *x, PetscInt n, PetscReal *f2)
{
  for (PetscInt i = 0; i < n / 2; i++) f2[i] = ThermoD2F(&app->th, x[2 * i]) * (1.0 / app->s.E);
}

void ActionStateGeneral(const App *app, const PetscScalar *x, PetscInt n, PetscReal *f2)
{
  (void)app, (void)x, (void)n, (void)f2; /* ActionGeneral forms f'' itself */
}

/* t += (dL(c)/dc . dc) w: the change of L(c) w along dc (zero for a constant L). */
static inline void MultiDLApplyAdd(const MultiModel *m, const PetscReal *c, const PetscReal *dc, const PetscReal *w, PetscReal *t)
{
  const PetscInt nc = m->nc;
  PetscReal      dL[UPHILL_MAX_NC * UPHILL_MAX_NC * UPHILL_MAX_NC];

  MultiDL(m, c, dL);
  for (PetscInt r = 0; r < nc; r++)
    for (PetscInt i = 0; i < nc; i++)
      for (PetscInt j = 0; j < nc; j++) t[i] += dc[r] * dL[(r * nc + i) * nc + j] * w[j];
}

/* The N-component action, linearising residual.c's ResidualGeneral: with w_f = a_d (mu_n - mu)
   and its change dw_f, the flux divergence sum_f (L + L_n) w_f changes by
   L dw + (dL.dc) w (sums over faces) + sum_f [L_n dw_f + (dL_n.dc_n) w_f]. */
void ActionGeneral(const GridBox *b, const App *app, const KernelCoef *k, PetscReal shift, const PetscScalar *x, const PetscReal *f2, const PetscScalar *v, PetscScalar *y)
{
  const MultiModel *m  = &app->mm;
  const PetscInt    nc = m->nc, dof = 2 * nc, dim = b->info.dim;

  (void)f2; /* f'' is formed point by point */
  GRID_FOR_OWNED(b, i, j, kk)
  {
    const PetscInt   g = GridGhosted(b, i, j, kk) * dof, o = GridOwned(b, i, j, kk) * dof;
    const PetscReal *u = x + g, *w = v + g;
    PetscReal        sum[UPHILL_MAX_NC] = {0}, dsum[UPHILL_MAX_NC] = {0}, lap[UPHILL_MAX_NC] = {0}, div[UPHILL_MAX_NC] = {0};
    PetscReal        wf[UPHILL_MAX_NC], dwf[UPHILL_MAX_NC], t[UPHILL_MAX_NC], H[UPHILL_MAX_NC * UPHILL_MAX_NC];

    for (PetscInt d = 0; d < dim; d++)
      for (int side = 0; side < 2; side++) {
        const PetscInt   s  = (side ? b->off[d] : -b->off[d]) * dof;
        const PetscReal *un = u + s, *wn = w + s;
        for (PetscInt c = 0; c < nc; c++) {
          wf[c]  = k->a[d] * (un[nc + c] - u[nc + c]);
          dwf[c] = k->a[d] * (wn[nc + c] - w[nc + c]);
          sum[c] += wf[c];
          dsum[c] += dwf[c];
          lap[c] += k->ih2[d] * (wn[c] - w[c]);
        }
        if (m->atomic) {
          MultiLApply(m, un, dwf, t);
          MultiDLApplyAdd(m, un, wn, wf, t);
          for (PetscInt c = 0; c < nc; c++) div[c] += t[c];
        }
      }
    MultiLApply(m, u, dsum, t);
    if (m->atomic) MultiDLApplyAdd(m, u, w, sum, t);
    for (PetscInt c = 0; c < nc; c++) div[c] = m->atomic ? div[c] + t[c] : 2 * t[c];
    MultiD2F(m, u, H);
    for (PetscInt r = 0; r < nc; r++) {
      PetscReal gr = 0;
      for (PetscInt c = 0; c < nc; c++) gr += k->kE[r * nc + c] * lap[c] - k->iE * H[r * nc + c] * w[c];
      y[o + r]      = k->tau * shift * w[r] - div[r];
      y[o + nc + r] = w[nc + r] + gr;
    }
  }
}

static PetscErrorCode ActionMult(Mat J, Vec V, Vec Y)
{
  Action            *a;
  GridBox            b;
  KernelCoef         k;
  Vec                Vl;
  const PetscScalar *u, *v;
  PetscScalar       *y;

  PetscFunctionBegin;
  PetscCall(MatShellGetContext(J, &a));
  PetscCheck(a->set, PetscObjectComm((PetscObject)J), PETSC_ERR_ORDER, "the Jacobian action was applied before its state was set");
  PetscCall(PetscLogEventBegin(UphillEvents.jac_action, 0, 0, 0, 0));
  KernelCoefficients(a->app, &k);
  PetscCall(GridGetBox(a->app->da, &b));
  PetscCall(GridGetGhostedArrayRead(a->app->da, V, &Vl, &v));
  PetscCall(VecGetArrayRead(a->Ul, &u));
  PetscCall(VecGetArray(Y, &y));
  a->app->ops->action(&b, a->app, &k, a->shift, u, a->f2, v, y);
  PetscCall(VecRestoreArray(Y, &y));
  PetscCall(VecRestoreArrayRead(a->Ul, &u));
  PetscCall(GridRestoreGhostedArrayRead(a->app->da, &Vl, &v));
  PetscCall(PetscLogFlops(40.0 * a->app->p.ncomp * a->app->p.ncomp * b.info.xm * b.info.ym * b.info.zm));
  PetscCall(PetscLogEventEnd(UphillEvents.jac_action, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

static PetscErrorCode ActionDestroy(void *ctx)
{
  Action *a = (Action *)ctx;

  PetscFunctionBegin;
  PetscCall(VecDestroy(&a->Ul));
  PetscCall(PetscFree(a->f2));
  PetscCall(PetscFree(a));
  PetscFunctionReturn(0);
}

PetscErrorCode JacobianActionCreate(App *app, Mat *J)
{
  Action  *a;
  PetscInt n, N;
  Vec      X;

  PetscFunctionBegin;
  PetscCall(PetscNew(&a));
  a->app = app;
  PetscCall(DMCreateLocalVector(app->da, &a->Ul));
  PetscCall(DMGetGlobalVector(app->da, &X));
  PetscCall(VecGetLocalSize(X, &n));
  PetscCall(VecGetSize(X, &N));
  PetscCall(DMRestoreGlobalVector(app->da, &X));
  PetscCall(PetscMalloc1(n / (2 * app->p.ncomp), &a->f2));
  PetscCall(MatCreateShell(PetscObjectComm((PetscObject)app->da), n, n, N, N, a, J));
  PetscCall(MatShellSetContextDestroy(*J, ActionDestroy));
  PetscCall(MatShellSetOperation(*J, MATOP_MULT, (void (*)(void))ActionMult));
  PetscCall(MatSetBlockSize(*J, 2 * app->p.ncomp));
  PetscCall(MatSetUp(*J));
  PetscCall(PetscObjectSetName((PetscObject)*J, "JacobianAction"));
  PetscFunctionReturn(0);
}

PetscErrorCode JacobianActionSetState(Mat J, Vec X, PetscReal shift)
{
  Action *a;

  PetscFunctionBegin;
  PetscCall(MatShellGetContext(J, &a));
  PetscCall(GridGlobalToLocal(a->app, X, a->Ul));
  {
    const PetscScalar *x;
    PetscInt           n;
    PetscCall(VecGetLocalSize(X, &n));
    PetscCall(VecGetArrayRead(X, &x));
    a->app->ops->action_state(a->app, x, n, a->f2);
    PetscCall(VecRestoreArrayRead(X, &x));
  }
  a->shift = shift;
  a->set   = PETSC_TRUE;
  PetscFunctionReturn(0);
}

PetscErrorCode JacobianIsAction(Mat J, PetscBool *is)
{
  PetscFunctionBegin;
  PetscCall(PetscObjectTypeCompare((PetscObject)J, MATSHELL, is));
  PetscFunctionReturn(0);
}
