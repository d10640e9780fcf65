/* Matrix-free multigrid levels of the binary model.  A level's operator is the 7-point Jacobian
   that jacobian.c assembles from a coefficient field (f'', M) without the M' terms (the
   rediscretised coarse operator of multigrid.c; on the finest level, the smoother's view of the
   Jacobian at the state), applied as a stencil (MatMult) and relaxed by red-black point-block
   Gauss-Seidel (MatSOR, which PCSOR calls: the default smoother, -mg_levels_pc_type sor).

   Why: with assembled levels a V-cycle spent ~40% of its time in the GMRES(3) smoothers'
   orthogonalisation and ~30% in AIJ products (~340 B per point); a sweep here reads the field,
   the right side and the iterate (~48 B per point).  Two red-black sweeps take ~1.3x the Krylov
   iterations of GMRES(3)/point-block Jacobi at a quarter of the V-cycle's cost (docs/MODEL.md,
   section 3.6; benchmarks/README.md, "Solver").

   The point block at p:  [ tau shift   sm ] [c ]   sm = sum over faces a_d (M_p + M_q)
                          [ -e          1  ] [mu],  e = f''_p / E + sum over faces b_d,
   faces at a no-flux wall excluded (they carry no flux and no gradient). */
#include <uphill/log_events.h>
#include <uphill/mg_level.h>
#include <uphill/grid.h>
#include <uphill/physics.h>

typedef struct {
  DM         da;
  GridBox    b;
  KernelCoef k;
  Vec        Kl; /* the coefficient field (f'', M), ghosted, walls mirrored */
  Vec        xl; /* work: the ghosted input or iterate */
  PetscReal  shift, scale;
} LevelOp;

/* y = scale * A v (v ghosted, y owned). */
static void LevelApply(const LevelOp *L, const PetscReal *K, const PetscReal *v, PetscReal *y)
{
  const GridBox  *b = &L->b;
  const PetscReal ax = L->k.a[0], ay = L->k.a[1], az = L->k.a[2], bx = L->k.b[0], by = L->k.b[1], bz = L->k.b[2];
  const PetscReal ts = L->k.tau * L->shift, iE = L->k.iE, s = L->scale;
  const PetscInt  n = b->info.xm, oy = 2 * b->off[1], oz = 2 * b->off[2];

  for (PetscInt kk = b->info.zs; kk < b->info.zs + b->info.zm; kk++)
    for (PetscInt j = b->info.ys; j < b->info.ys + b->info.ym; j++) {
      const PetscInt            g = 2 * GridGhosted(b, b->info.xs, j, kk);
      const PetscReal *restrict u = K + g, *restrict w = v + g;
      PetscReal *restrict       yo = y + 2 * GridOwned(b, b->info.xs, j, kk);
#pragma omp simd
      for (PetscInt i = 0; i < n; i++) {
        const PetscInt  p = 2 * i;
        const PetscReal m = u[p + 1], wm = w[p + 1];
        const PetscReal div = ax * ((m + u[p + 3]) * (w[p + 3] - wm) - (m + u[p - 1]) * (wm - w[p - 1]))
                            + ay * ((m + u[p + oy + 1]) * (w[p + oy + 1] - wm) - (m + u[p - oy + 1]) * (wm - w[p - oy + 1]))
                            + az * ((m + u[p + oz + 1]) * (w[p + oz + 1] - wm) - (m + u[p - oz + 1]) * (wm - w[p - oz + 1]));
        const PetscReal lap = bx * (w[p + 2] - 2 * w[p] + w[p - 2]) + by * (w[p + oy] - 2 * w[p] + w[p - oy]) + bz * (w[p + oz] - 2 * w[p] + w[p - oz]);
        yo[p]     = s * (ts * w[p] - div);
        yo[p + 1] = s * (wm - iE * u[p] * w[p] + lap);
      }
    }
}

/* One half-sweep: the points of one colour ((i + j + k) % 2) solve their 2x2 block with the
   neighbours' current values; r is the (owned) right side, x the ghosted iterate. */
static void LevelRelaxColour(const LevelOp *L, const PetscReal *K, const PetscReal *r, PetscReal *x, int colour, PetscReal omega)
{
  const GridBox  *b   = &L->b;
  const PetscInt  dim = b->info.dim, mx[3] = {b->info.mx, b->info.my, b->info.mz};
  const PetscReal ts = L->k.tau * L->shift, iE = L->k.iE, is = 1.0 / L->scale;
  const PetscInt  off[3] = {2, 2 * b->off[1], 2 * b->off[2]};
  PetscReal       fa[3], fb[3];

  for (int d = 0; d < 3; d++) { /* flat directions have no faces */
    fa[d] = d < dim ? L->k.a[d] : 0;
    fb[d] = d < dim ? L->k.b[d] : 0;
  }
  for (PetscInt kk = b->info.zs; kk < b->info.zs + b->info.zm; kk++)
    for (PetscInt j = b->info.ys; j < b->info.ys + b->info.ym; j++) {
      /* the faces' weights along y and z for this row: 0 at a wall */
      const PetscReal wy[2] = {(b->wall[1][0] && j == 0) ? 0 : fa[1], (b->wall[1][1] && j == mx[1] - 1) ? 0 : fa[1]};
      const PetscReal wz[2] = {(b->wall[2][0] && kk == 0) ? 0 : fa[2], (b->wall[2][1] && kk == mx[2] - 1) ? 0 : fa[2]};
      const PetscReal vy[2] = {wy[0] ? fb[1] : 0, wy[1] ? fb[1] : 0}, vz[2] = {wz[0] ? fb[2] : 0, wz[1] ? fb[2] : 0};
      const PetscInt  i0 = b->info.xs + ((b->info.xs + j + kk + colour) & 1);
      const PetscInt  g0 = 2 * GridGhosted(b, b->info.gxs, j, kk), o0 = 2 * GridOwned(b, b->info.xs, j, kk);
      for (PetscInt i = i0; i < b->info.xs + b->info.xm; i += 2) {
        const PetscInt   p  = g0 + 2 * (i - b->info.gxs), o = o0 + 2 * (i - b->info.xs);
        const PetscReal *u  = K + p;
        PetscReal       *xp = x + p;
        const PetscReal  wx[2] = {(b->wall[0][0] && i == 0) ? 0 : fa[0], (b->wall[0][1] && i == mx[0] - 1) ? 0 : fa[0]};
        const PetscReal  vx[2] = {wx[0] ? fb[0] : 0, wx[1] ? fb[0] : 0};
        const PetscReal  m = u[1];
        /* face conductances a_d (M_p + M_q), and the neighbours' sums */
        const PetscReal cxm = wx[0] * (m + u[-off[0] + 1]), cxp = wx[1] * (m + u[off[0] + 1]);
        const PetscReal cym = wy[0] * (m + u[-off[1] + 1]), cyp = wy[1] * (m + u[off[1] + 1]);
        const PetscReal czm = wz[0] * (m + u[-off[2] + 1]), czp = wz[1] * (m + u[off[2] + 1]);
        const PetscReal sm  = cxm + cxp + cym + cyp + czm + czp;
        const PetscReal sb  = vx[0] + vx[1] + vy[0] + vy[1] + vz[0] + vz[1];
        const PetscReal rc  = r[o] * is + cxm * xp[-off[0] + 1] + cxp * xp[off[0] + 1] + cym * xp[-off[1] + 1] + cyp * xp[off[1] + 1] + czm * xp[-off[2] + 1] + czp * xp[off[2] + 1];
        const PetscReal rm  = r[o + 1] * is - (vx[0] * xp[-off[0]] + vx[1] * xp[off[0]] + vy[0] * xp[-off[1]] + vy[1] * xp[off[1]] + vz[0] * xp[-off[2]] + vz[1] * xp[off[2]]);
        const PetscReal e   = iE * u[0] + sb;
        const PetscReal c   = (rc - sm * rm) / (ts + sm * e);
        xp[0] += omega * (c - xp[0]);
        xp[1] += omega * (rm + e * c - xp[1]);
      }
    }
}

static PetscErrorCode LevelMult(Mat A, Vec v, Vec y)
{
  LevelOp           *L;
  const PetscScalar *K, *vl;
  PetscScalar       *ya;

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(UphillEvents.mg_level, 0, 0, 0, 0));
  PetscCall(MatShellGetContext(A, &L));
  PetscCall(GridFillGhosts(L->da, v, L->xl));
  PetscCall(VecGetArrayRead(L->Kl, &K));
  PetscCall(VecGetArrayRead(L->xl, &vl));
  PetscCall(VecGetArray(y, &ya));
  LevelApply(L, K, vl, ya);
  PetscCall(VecRestoreArray(y, &ya));
  PetscCall(VecRestoreArrayRead(L->xl, &vl));
  PetscCall(VecRestoreArrayRead(L->Kl, &K));
  PetscCall(PetscLogFlops(40.0 * L->b.info.xm * L->b.info.ym * L->b.info.zm));
  PetscCall(PetscLogEventEnd(UphillEvents.mg_level, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

/* MatSOR for PCSOR: its * lits red-black sweeps (forward: red then black; backward: black
   then red; symmetric: red, black, red).  The colouring is global, so the sweep is the same on
   any number of ranks; the ghosts are refreshed after each colour.  fshift is not supported. */
static PetscErrorCode LevelSOR(Mat A, Vec bb, PetscReal omega, MatSORType flag, PetscReal fshift, PetscInt its, PetscInt lits, Vec xx)
{
  LevelOp           *L;
  const PetscScalar *K, *r;
  PetscScalar       *x, *xo;
  int                order[3], ncolours;

  PetscFunctionBegin;
  PetscCheck(fshift == 0, PetscObjectComm((PetscObject)A), PETSC_ERR_SUP, "the matrix-free multigrid level supports no SOR diagonal shift");
  PetscCall(PetscLogEventBegin(UphillEvents.mg_level, 0, 0, 0, 0));
  PetscCall(MatShellGetContext(A, &L));
  if ((flag & SOR_LOCAL_SYMMETRIC_SWEEP) == SOR_LOCAL_SYMMETRIC_SWEEP || (flag & SOR_SYMMETRIC_SWEEP) == SOR_SYMMETRIC_SWEEP) order[0] = 0, order[1] = 1, order[2] = 0, ncolours = 3;
  else if (flag & (SOR_BACKWARD_SWEEP | SOR_LOCAL_BACKWARD_SWEEP)) order[0] = 1, order[1] = 0, ncolours = 2;
  else order[0] = 0, order[1] = 1, ncolours = 2;
  if (flag & SOR_ZERO_INITIAL_GUESS) PetscCall(VecZeroEntries(L->xl));
  else PetscCall(GridFillGhosts(L->da, xx, L->xl));
  PetscCall(VecGetArrayRead(L->Kl, &K));
  PetscCall(VecGetArrayRead(bb, &r));
  for (PetscInt s = 0; s < its * lits; s++)
    for (int c = 0; c < ncolours; c++) {
      PetscCall(VecGetArray(L->xl, &x));
      LevelRelaxColour(L, K, r, x, order[c], omega);
      PetscCall(VecRestoreArray(L->xl, &x));
      if (s < its * lits - 1 || c < ncolours - 1) PetscCall(GridUpdateGhosts(L->da, L->xl));
    }
  PetscCall(VecRestoreArrayRead(bb, &r));
  PetscCall(VecRestoreArrayRead(L->Kl, &K));
  /* the owned part of the iterate back into xx */
  PetscCall(VecGetArrayRead(L->xl, (const PetscScalar **)&x));
  PetscCall(VecGetArray(xx, &xo));
  for (PetscInt kk = L->b.info.zs; kk < L->b.info.zs + L->b.info.zm; kk++) /* row by row */
    for (PetscInt j = L->b.info.ys; j < L->b.info.ys + L->b.info.ym; j++) PetscCall(PetscArraycpy(xo + 2 * GridOwned(&L->b, L->b.info.xs, j, kk), x + 2 * GridGhosted(&L->b, L->b.info.xs, j, kk), 2 * L->b.info.xm));
  PetscCall(VecRestoreArray(xx, &xo));
  PetscCall(VecRestoreArrayRead(L->xl, (const PetscScalar **)&x));
  PetscCall(PetscLogFlops(50.0 * its * lits * ncolours / 2.0 * L->b.info.xm * L->b.info.ym * L->b.info.zm));
  PetscCall(PetscLogEventEnd(UphillEvents.mg_level, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

/* PCMG and MultigridUpdate scale the coarse operators by 2^dim per level. */
static PetscErrorCode LevelScale(Mat A, PetscScalar a)
{
  LevelOp *L;

  PetscFunctionBegin;
  PetscCall(MatShellGetContext(A, &L));
  L->scale *= a;
  PetscFunctionReturn(0);
}

static PetscErrorCode LevelCreateVecs(Mat A, Vec *right, Vec *left)
{
  LevelOp *L;

  PetscFunctionBegin;
  PetscCall(MatShellGetContext(A, &L));
  if (right) PetscCall(DMCreateGlobalVector(L->da, right));
  if (left) PetscCall(DMCreateGlobalVector(L->da, left));
  PetscFunctionReturn(0);
}

static PetscErrorCode LevelDestroy(Mat A)
{
  LevelOp *L;

  PetscFunctionBegin;
  PetscCall(MatShellGetContext(A, &L));
  PetscCall(VecDestroy(&L->Kl));
  PetscCall(VecDestroy(&L->xl));
  PetscCall(DMDestroy(&L->da));
  PetscCall(PetscFree(L));
  PetscFunctionReturn(0);
}

PetscErrorCode LevelOperatorCreate(const App *app, DM da, const PetscReal h[3], Mat *A)
{
  LevelOp *L;
  PetscInt n, N;
  Vec      X;

  PetscFunctionBegin;
  PetscCall(PetscNew(&L));
  L->da = da;
  PetscCall(PetscObjectReference((PetscObject)da));
  PetscCall(GridGetBox(da, &L->b));
  KernelCoefficientsAt(app, h, &L->k);
  L->scale = 1;
  PetscCall(DMCreateLocalVector(da, &L->Kl));
  PetscCall(DMCreateLocalVector(da, &L->xl));
  PetscCall(DMGetGlobalVector(da, &X));
  PetscCall(VecGetLocalSize(X, &n));
  PetscCall(VecGetSize(X, &N));
  PetscCall(DMRestoreGlobalVector(da, &X));
  PetscCall(MatCreateShell(PetscObjectComm((PetscObject)da), n, n, N, N, L, A));
  PetscCall(MatShellSetOperation(*A, MATOP_MULT, (void (*)(void))LevelMult));
  PetscCall(MatShellSetOperation(*A, MATOP_SOR, (void (*)(void))LevelSOR));
  PetscCall(MatShellSetManageScalingShifts(*A)); /* LevelScale keeps the scale, which MatSOR needs too */
  PetscCall(MatShellSetOperation(*A, MATOP_SCALE, (void (*)(void))LevelScale));
  PetscCall(MatShellSetOperation(*A, MATOP_CREATE_VECS, (void (*)(void))LevelCreateVecs));
  PetscCall(MatShellSetOperation(*A, MATOP_DESTROY, (void (*)(void))LevelDestroy));
  PetscCall(MatSetUp(*A));
  PetscFunctionReturn(0);
}

PetscErrorCode LevelOperatorIs(Mat A, PetscBool *is)
{
  void (*op)(void);

  PetscFunctionBegin;
  PetscCall(PetscObjectTypeCompare((PetscObject)A, MATSHELL, is));
  if (!*is) PetscFunctionReturn(0);
  PetscCall(MatShellGetOperation(A, MATOP_SOR, &op));
  *is = (PetscBool)(op == (void (*)(void))LevelSOR);
  PetscFunctionReturn(0);
}

PetscErrorCode LevelOperatorSetField(Mat A, Vec K, PetscReal shift)
{
  LevelOp *L;

  PetscFunctionBegin;
  PetscCall(MatShellGetContext(A, &L));
  PetscCall(GridFillGhosts(L->da, K, L->Kl));
  L->shift = shift;
  L->scale = 1;
  PetscCall(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(0);
}
