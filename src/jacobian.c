/* The assembled Jacobian dF/du + shift dF/du_t of the residual in residual.c, used by
   Newton and to build the preconditioner.  Wall faces of no-flux boundaries carry no flux
   and no gradient, so they contribute nothing and are skipped. */
#include <uphill/physics.h>
#include <uphill/grid.h>

/* The N-component Jacobian (residual.c's ResidualGeneral), one block row of the point's 2 nc
   rows against its own and its neighbours' 2 nc unknowns, inserted as blocks.  The dL/dc terms
   are there only for the concentration-dependent (lattice-fixed) L. */
#define JAC_DOF (2 * UPHILL_MAX_NC)
static PetscErrorCode JacobianGeneral(const App *app, const GridBox *b, const KernelCoef *k, PetscReal shift, const PetscScalar *x, Mat P)
{
  const MultiModel *m  = &app->mm;
  const PetscInt    nc = m->nc, dof = 2 * nc, dim = b->info.dim, w = 7 * dof;
  const PetscInt    mx[3] = {b->info.mx, b->info.my, b->info.mz};
  MatStencil        row[1], pts[7]; /* block stencils: the point and its neighbours */
  PetscScalar       v[JAC_DOF * 7 * JAC_DOF];

  PetscFunctionBegin;
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

PetscErrorCode FormIJacobian(TS ts, PetscReal t, Vec X, Vec Xdot, PetscReal shift, Mat J, Mat P, void *ctx)
{
  App               *app = (App *)ctx;
  const Mobility    *mob = &app->mob;
  GridBox            b;
  Vec                Xl;
  KernelCoef         k;
  const PetscScalar *xl;

  PetscFunctionBegin;
  (void)ts;
  (void)t;
  (void)Xdot;
  KernelCoefficients(app, &k);
  PetscCall(GridGetBox(app->da, &b));
  PetscCall(DMGetLocalVector(app->da, &Xl));
  PetscCall(GridGlobalToLocal(app, X, Xl));
  PetscCall(VecGetArrayRead(Xl, &xl));
  PetscCall(MatZeroEntries(P));
  if (app->p.general) PetscCall(JacobianGeneral(app, &b, &k, shift, xl, P));
  const BinaryField *x      = (const BinaryField *)xl;
  const PetscInt     dim    = b.info.dim;
  const PetscInt     mx[3]  = {b.info.mx, b.info.my, b.info.mz};
  if (!app->p.general) GRID_FOR_OWNED(&b, i, j, kk)
  {
    const PetscInt     idx[3] = {i, j, kk};
    const BinaryField *u      = x + GridGhosted(&b, i, j, kk);
    const PetscReal    m = MobilityValue(mob, u->c), dm = MobilityDerivative(mob, u->c);
    MatStencil         row[2], colc[7], colm[7];
    PetscScalar        vcc[7], vcm[7], vmc[7], vmm = 1;
    PetscInt           n = 1;

    row[0].i = i, row[0].j = j, row[0].k = kk, row[0].c = 0;
    row[1] = colc[0] = colm[0] = row[0];
    row[1].c = colm[0].c = 1;
    vcc[0] = k.tau * shift;
    vcm[0] = 0;
    vmc[0] = -k.iE * ThermoD2F(&app->th, u->c);
    for (PetscInt d = 0; d < dim; d++)
      for (int side = 0; side < 2; side++) {
        if (b.wall[d][side] && idx[d] == (side ? mx[d] - 1 : 0)) continue; /* no-flux wall face */
        const BinaryField nb = u[side ? b.off[d] : -b.off[d]];
        const PetscReal   mf = m + MobilityValue(mob, nb.c);
        colc[n] = row[0];
        if (d == 0) colc[n].i += side ? 1 : -1;
        else if (d == 1) colc[n].j += side ? 1 : -1;
        else colc[n].k += side ? 1 : -1;
        colm[n]   = colc[n];
        colm[n].c = 1;
        /* F_c -= a (M_i + M_n)(mu_n - mu_i);  F_mu += b (c_n - c_i) */
        vcm[0] += k.a[d] * mf;
        vcc[0] -= k.a[d] * dm * (nb.mu - u->mu);
        vcc[n] = -k.a[d] * MobilityDerivative(mob, nb.c) * (nb.mu - u->mu);
        vcm[n] = -k.a[d] * mf;
        vmc[0] -= k.b[d];
        vmc[n] = k.b[d];
        n++;
      }
    PetscCall(MatSetValuesStencil(P, 1, &row[0], n, colc, vcc, ADD_VALUES));
    PetscCall(MatSetValuesStencil(P, 1, &row[0], n, colm, vcm, ADD_VALUES));
    PetscCall(MatSetValuesStencil(P, 1, &row[1], n, colc, vmc, ADD_VALUES));
    PetscCall(MatSetValuesStencil(P, 1, &row[1], 1, &colm[0], &vmm, ADD_VALUES));
  }
  PetscCall(VecRestoreArrayRead(Xl, &xl));
  PetscCall(DMRestoreLocalVector(app->da, &Xl));
  PetscCall(MatAssemblyBegin(P, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(P, MAT_FINAL_ASSEMBLY));
  if (J != P) {
    PetscCall(MatAssemblyBegin(J, MAT_FINAL_ASSEMBLY));
    PetscCall(MatAssemblyEnd(J, MAT_FINAL_ASSEMBLY));
  }
  PetscFunctionReturn(0);
}
