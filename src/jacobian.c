/* The assembled Jacobian dF/du + shift dF/du_t of the residual in residual.c: it builds the
   preconditioner (and is Newton's operator with -jacobian_matrix_free 0).  Wall faces of no-flux boundaries carry no flux
   and no gradient, so they contribute nothing and are skipped. */
#include <uphill/log_events.h>
#include "kernels.h"
#include <uphill/mg_level.h>

/* The N-component Jacobian (residual.c's ResidualGeneral), one block row of the point's 2 nc
   rows against its own and its neighbours' 2 nc unknowns, inserted as blocks.  The dL/dc terms
   are there only for the concentration-dependent (lattice-fixed) L. */
#define JAC_DOF (2 * UPHILL_MAX_NC)
PetscErrorCode JacobianGeneral(const App *app, const GridBox *b, const KernelCoef *k, PetscReal shift, const PetscScalar *x, PetscBool coefficients, const PetscInt *ltog, Mat P)
{
  const MultiModel *m  = &app->mm;
  const PetscInt    nc = m->nc, dof = 2 * nc, dim = b->info.dim, w = 7 * dof;
  const PetscInt    mx[3] = {b->info.mx, b->info.my, b->info.mz};
  MatStencil        row[1], pts[7]; /* block stencils: the point and its neighbours */
  PetscScalar       v[JAC_DOF * 7 * JAC_DOF];

  PetscFunctionBegin;
  (void)coefficients, (void)ltog; /* coarse grids get the state; P always holds the full Jacobian */
  GRID_FOR_OWNED(b, i, j, kk)
  {
    const PetscInt     idx[3] = {i, j, kk};
    const PetscScalar *u      = x + GridGhosted(b, i, j, kk) * dof;
    PetscReal          Lu[UPHILL_MAX_NC * UPHILL_MAX_NC], Ln[UPHILL_MAX_NC * UPHILL_MAX_NC], H[UPHILL_MAX_NC * UPHILL_MAX_NC];
    PetscReal          dLu[UPHILL_MAX_NC * UPHILL_MAX_NC * UPHILL_MAX_NC], dLn[UPHILL_MAX_NC * UPHILL_MAX_NC * UPHILL_MAX_NC];
    PetscInt           n = 1;

    row[0].i = i, row[0].j = j, row[0].k = kk, row[0].c = 0;
    pts[0] = row[0];
    for (PetscInt r = 0; r < dof * w; r++) v[r] = 0;
#define V(r, pt, c) v[(r) * w + (pt) * dof + (c)]
    MultiL(m, u, Lu);
    if (m->atomic) MultiDL(m, u, dLu);
    MultiD2F(m, u, H);
    for (PetscInt r = 0; r < nc; r++) {
      V(r, 0, r) = k->tau * shift;
      V(nc + r, 0, nc + r) = 1;
      for (PetscInt c = 0; c < nc; c++) V(nc + r, 0, c) = -k->iE * H[r * nc + c];
    }
    for (PetscInt d = 0; d < dim; d++)
      for (int side = 0; side < 2; side++) {
        if (b->wall[d][side] && idx[d] == (side ? mx[d] - 1 : 0)) continue; /* no-flux wall face */
        const PetscScalar *nb = u + (side ? b->off[d] : -b->off[d]) * dof;
        pts[n] = row[0];
        if (d == 0) pts[n].i += side ? 1 : -1;
        else if (d == 1) pts[n].j += side ? 1 : -1;
        else pts[n].k += side ? 1 : -1;
        MultiL(m, nb, Ln);
        if (m->atomic) MultiDL(m, nb, dLn);
        for (PetscInt r = 0; r < nc; r++) {
          for (PetscInt c = 0; c < nc; c++) {
            const PetscReal lf = k->a[d] * (Lu[r * nc + c] + Ln[r * nc + c]);
            PetscReal       su = 0, sn = 0;
            V(r, 0, nc + c) += lf; /* F_c -= a (L + L_n)(mu_n - mu) */
            V(r, n, nc + c) = -lf;
            if (m->atomic) { /* dL/dc_c (mu_n - mu) */
              for (PetscInt q = 0; q < nc; q++) {
                su += dLu[(c * nc + r) * nc + q] * (nb[nc + q] - u[nc + q]);
                sn += dLn[(c * nc + r) * nc + q] * (nb[nc + q] - u[nc + q]);
              }
              V(r, 0, c) -= k->a[d] * su;
              V(r, n, c) = -k->a[d] * sn;
            }
            V(nc + r, 0, c) -= k->kE[r * nc + c] * k->ih2[d]; /* F_mu += kappa/(E h^2) (c_n - c) */
            V(nc + r, n, c) = k->kE[r * nc + c] * k->ih2[d];
          }
        }
        n++;
      }
#undef V
    if (n < 7) /* compact the rows to the n points used */
      for (PetscInt r = 1; r < dof; r++)
        for (PetscInt c = 0; c < n * dof; c++) v[r * n * dof + c] = v[r * w + c];
    PetscCall(MatSetValuesBlockedStencil(P, 1, row, n, pts, v, ADD_VALUES));
  }
  PetscFunctionReturn(0);
}

/* Whether SNES will rebuild the preconditioner from P after this evaluation: the same rule as
   SNESComputeJacobian's for -snes_lag_preconditioner (counted from each solve's first
   iteration).  Outside a solve (set-up, benchmarks) it always is. */
static PetscErrorCode PreconditionerWillBeBuilt(const App *app, Mat P, PetscBool *build)
{
  SNES     snes;
  PetscInt it, lag;

  PetscFunctionBegin;
  *build = PETSC_TRUE;
  if (!app->ts) PetscFunctionReturn(0);
  PetscCall(TSGetSNES(app->ts, &snes));
  PetscCall(SNESGetIterationNumber(snes, &it));
  PetscCall(SNESGetLagPreconditioner(snes, &lag));
  if (lag == -1) {
    PetscBool assembled;
    PetscCall(MatAssembled(P, &assembled));
    *build = assembled ? PETSC_FALSE : PETSC_TRUE;
  }
  else if (lag > 1) *build = (it % lag) ? PETSC_FALSE : PETSC_TRUE;
  PetscFunctionReturn(0);
}

PetscErrorCode JacobianCreatePreconditioningMatrix(App *app, PetscBool block_diagonal, Mat *P)
{
  PetscFunctionBegin;
  app->block_diagonal_pmat = (PetscBool)(block_diagonal && app->ops->point_block_pmat);
  if (!app->block_diagonal_pmat) {
    PetscCall(DMCreateMatrix(app->da, P));
    PetscFunctionReturn(0);
  }
  Vec      X;
  PetscInt n, N;
  PetscCall(DMGetGlobalVector(app->da, &X));
  PetscCall(VecGetLocalSize(X, &n));
  PetscCall(VecGetSize(X, &N));
  PetscCall(DMRestoreGlobalVector(app->da, &X));
  PetscCall(MatCreateBAIJ(PetscObjectComm((PetscObject)app->da), 2, n, n, N, N, 1, NULL, 0, NULL, P));
  PetscCall(MatSetOption(*P, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_TRUE));
  PetscFunctionReturn(0);
}

/* What the binary Jacobian needs at a point: from the state (c, mu), or from a coefficient field
   (f'', M) averaged onto a coarse grid (multigrid.c), which has no M' terms. */
typedef struct {
  PetscReal f2, m, dm, mu;
} BinaryPoint;

static inline BinaryPoint BinaryPointOf(const App *app, const PetscScalar *u, PetscBool coefficients)
{
  BinaryPoint q;
  if (coefficients) {
    q.f2 = u[0], q.m = u[1], q.dm = 0, q.mu = 0;
  } else {
    q.f2 = ThermoD2F(&app->th, u[0]), q.m = MobilityValue(&app->mob, u[0]), q.dm = MobilityDerivative(&app->mob, u[0]), q.mu = u[1];
  }
  return q;
}

/* ltog: global block indices of the ghosted points when P is block-diagonal, else NULL. */
PetscErrorCode JacobianBinary(const App *app, const GridBox *b, const KernelCoef *k, PetscReal shift, const PetscScalar *x, PetscBool coefficients, const PetscInt *ltog, Mat P)
{
  const PetscInt dim = b->info.dim, mx[3] = {b->info.mx, b->info.my, b->info.mz};

  PetscFunctionBegin;
  GRID_FOR_OWNED(b, i, j, kk)
  {
    const PetscInt     idx[3] = {i, j, kk};
    const PetscScalar *u      = x + 2 * GridGhosted(b, i, j, kk);
    const BinaryPoint  q      = BinaryPointOf(app, u, coefficients);
    MatStencil         row[2], colc[7], colm[7];
    PetscScalar        vcc[7], vcm[7], vmc[7], vmm = 1;
    PetscInt           n = 1;

    row[0].i = i, row[0].j = j, row[0].k = kk, row[0].c = 0;
    row[1] = colc[0] = colm[0] = row[0];
    row[1].c = colm[0].c = 1;
    vcc[0] = k->tau * shift;
    vcm[0] = 0;
    vmc[0] = -k->iE * q.f2;
    for (PetscInt d = 0; d < dim; d++)
      for (int side = 0; side < 2; side++) {
        if (b->wall[d][side] && idx[d] == (side ? mx[d] - 1 : 0)) continue; /* no-flux wall face */
        const BinaryPoint nb = BinaryPointOf(app, u + 2 * (side ? b->off[d] : -b->off[d]), coefficients);
        const PetscReal   mf = q.m + nb.m;
        colc[n] = row[0];
        if (d == 0) colc[n].i += side ? 1 : -1;
        else if (d == 1) colc[n].j += side ? 1 : -1;
        else colc[n].k += side ? 1 : -1;
        colm[n]   = colc[n];
        colm[n].c = 1;
        /* F_c -= a (M_i + M_n)(mu_n - mu_i);  F_mu += b (c_n - c_i) */
        vcm[0] += k->a[d] * mf;
        vcc[0] -= k->a[d] * q.dm * (nb.mu - q.mu);
        vcc[n] = -k->a[d] * nb.dm * (nb.mu - q.mu);
        vcm[n] = -k->a[d] * mf;
        vmc[0] -= k->b[d];
        vmc[n] = k->b[d];
        n++;
      }
    if (ltog) { /* the point's 2x2 diagonal block only (a block-diagonal P) */
      const PetscInt    g = ltog[GridGhosted(b, i, j, kk)];
      const PetscScalar block[4] = {vcc[0], vcm[0], vmc[0], vmm};
      PetscCall(MatSetValuesBlocked(P, 1, &g, 1, &g, block, INSERT_VALUES));
      continue;
    }
    PetscCall(MatSetValuesStencil(P, 1, &row[0], n, colc, vcc, ADD_VALUES));
    PetscCall(MatSetValuesStencil(P, 1, &row[0], n, colm, vcm, ADD_VALUES));
    PetscCall(MatSetValuesStencil(P, 1, &row[1], n, colc, vmc, ADD_VALUES));
    PetscCall(MatSetValuesStencil(P, 1, &row[1], 1, &colm[0], &vmm, ADD_VALUES));
  }
  PetscFunctionReturn(0);
}

/* The Jacobian on grid da with spacings h at X: a state, or (coefficients) a field (f'', M). */
static PetscErrorCode Assemble(const App *app, DM da, const PetscReal h[3], Vec X, PetscReal shift, PetscBool coefficients, Mat P)
{
  GridBox            b;
  Vec                Xl;
  KernelCoef         k;
  const PetscScalar *xl;

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(UphillEvents.jac_assembly, 0, 0, 0, 0));
  KernelCoefficientsAt(app, h, &k);
  PetscCall(GridGetBox(da, &b));
  PetscCall(GridGetGhostedArrayRead(da, X, &Xl, &xl));
  PetscCall(MatZeroEntries(P));
  if (!app->block_diagonal_pmat || da != app->da) PetscCall(app->ops->jacobian(app, &b, &k, shift, xl, coefficients, NULL, P));
  else {
    ISLocalToGlobalMapping map;
    const PetscInt        *ltog;
    PetscCall(DMGetLocalToGlobalMapping(da, &map));
    PetscCall(ISLocalToGlobalMappingGetBlockIndices(map, &ltog));
    PetscCall(app->ops->jacobian(app, &b, &k, shift, xl, coefficients, ltog, P));
    PetscCall(ISLocalToGlobalMappingRestoreBlockIndices(map, &ltog));
  }
  PetscCall(GridRestoreGhostedArrayRead(da, &Xl, &xl));
  PetscCall(MatAssemblyBegin(P, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(P, MAT_FINAL_ASSEMBLY));
  PetscCall(PetscLogEventEnd(UphillEvents.jac_assembly, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

PetscErrorCode JacobianAssemble(const App *app, Vec X, PetscReal shift, Mat P) { return Assemble(app, app->da, app->h, X, shift, PETSC_FALSE, P); }

PetscErrorCode JacobianAssembleCoarse(const App *app, DM da, const PetscReal h[3], Vec K, PetscReal shift, Mat P) { return Assemble(app, da, h, K, shift, (PetscBool)(app->ops->coarse_coefficients != NULL), P); }

PetscErrorCode JacobianCoefficients(const App *app, Vec X, Vec K)
{
  const PetscScalar *x;
  PetscScalar       *kf;
  PetscInt           n;

  PetscFunctionBegin;
  PetscCall(VecGetLocalSize(X, &n));
  PetscCall(VecGetArrayRead(X, &x));
  PetscCall(VecGetArray(K, &kf));
  for (PetscInt i = 0; i < n; i += 2) {
    const BinaryPoint q = BinaryPointOf(app, x + i, PETSC_FALSE);
    kf[i]               = q.f2;
    kf[i + 1]           = q.m;
  }
  PetscCall(VecRestoreArray(K, &kf));
  PetscCall(VecRestoreArrayRead(X, &x));
  PetscFunctionReturn(0);
}

PetscErrorCode JacobianEvaluate(const App *app, Vec X, PetscReal shift, Mat J, Mat P, PetscBool *assembled)
{
  PetscBool level;

  PetscFunctionBegin;
  *assembled = PETSC_FALSE;
  if (J != P) {
    PetscBool action, build;
    PetscCall(JacobianIsAction(J, &action));
    if (action) PetscCall(JacobianActionSetState(J, X, shift));
    PetscCall(PreconditionerWillBeBuilt(app, P, &build));
    if (!build) PetscFunctionReturn(0); /* the Krylov operator is J; this P would go unused */
  }
  PetscCall(LevelOperatorIs(P, &level));
  if (!level) PetscCall(JacobianAssemble(app, X, shift, P)); /* a matrix-free level: multigrid.c sets its field */
  *assembled = PETSC_TRUE;
  if (J != P) {
    PetscCall(MatAssemblyBegin(J, MAT_FINAL_ASSEMBLY));
    PetscCall(MatAssemblyEnd(J, MAT_FINAL_ASSEMBLY));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FormIJacobian(TS ts, PetscReal t, Vec X, Vec Xdot, PetscReal shift, Mat J, Mat P, void *ctx)
{
  PetscBool assembled;

  PetscFunctionBegin;
  (void)ts;
  (void)t;
  (void)Xdot;
  PetscCall(JacobianEvaluate((const App *)ctx, X, shift, J, P, &assembled));
  PetscFunctionReturn(0);
}
