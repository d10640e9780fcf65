/* The stencil kernel: the implicit residual F(t, u, u_t) of the mixed Cahn-Hilliard system
   on a cell-centred grid (docs/MODEL.md section 3), in scaled form (app.h):

     F_c  = tau * dc/dt - tau E sum_d h_d^-2 [ M_{+}(mu_{+} - mu) - M_{-}(mu - mu_{-}) ]
     F_mu = mu - f'(c)/E + (kappa/E) sum_d h_d^-2 (c_{+} - 2c + c_{-})

   with mu the scaled potential and M_{+-} the mean of the neighbours' mobilities at a face.
   Walls are handled by the ghost fill and flat directions by a zero neighbour offset, so the
   loop has no branches.  A state with c outside (0,1) under the logarithmic energy evaluates
   to NaN, which SNES's global norm turns into a failed solve on every rank; TS then retries
   with a smaller step. */
#include <uphill/log_events.h>
#include <uphill/noise.h>
#include "kernels.h"

#if defined(UPHILL_HAVE_LIBMVEC)
/* glibc's vector log (libmvec), declared as glibc's <bits/math-vector.h> does under -ffast-math;
   here without -ffast-math, so NaN and Inf keep their meaning (c outside (0,1) gives NaN). */
extern double log(double) __attribute__((__simd__("notinbranch")));
#endif

/* The two terms of the binary stencil at one cell, shared by the mixed residual and the
   reduced (c only) residual of the rosw integrator.  c and mu point at the cell's entries;
   ox, oy, oz are the neighbour offsets in entries (0 in a flat direction), so one definition
   serves the interleaved (c, mu) layout (offsets x2) and separate scalar fields (x1). */
static inline __attribute__((always_inline)) PetscReal FluxDivergence(const Mobility *mob, const KernelCoef *k, const PetscReal *c, const PetscReal *mu, PetscInt ox, PetscInt oy, PetscInt oz)
{
  const PetscReal m = MobilityValue(mob, c[0]), w = mu[0];
  return k->a[0] * ((m + MobilityValue(mob, c[ox])) * (mu[ox] - w) - (m + MobilityValue(mob, c[-ox])) * (w - mu[-ox]))
       + k->a[1] * ((m + MobilityValue(mob, c[oy])) * (mu[oy] - w) - (m + MobilityValue(mob, c[-oy])) * (w - mu[-oy]))
       + k->a[2] * ((m + MobilityValue(mob, c[oz])) * (mu[oz] - w) - (m + MobilityValue(mob, c[-oz])) * (w - mu[-oz]));
}

/* (kappa/E) Lap_h c */
static inline __attribute__((always_inline)) PetscReal ScaledLaplacian(const KernelCoef *k, const PetscReal *c, PetscInt ox, PetscInt oy, PetscInt oz)
{
  return k->b[0] * (c[ox] - 2 * c[0] + c[-ox]) + k->b[1] * (c[oy] - 2 * c[0] + c[-oy]) + k->b[2] * (c[oz] - 2 * c[0] + c[-oz]);
}

/* The binary residual, row by row: each row a contiguous, branch-free loop that the compiler
   vectorises.  Each call site fixes the energy and mobility model with literals, so that the
   branches inside ThermoDF and MobilityValue fold away once this is inlined.  In a flat
   direction the neighbour offset is 0, so its terms vanish. */
static inline __attribute__((always_inline)) void BinaryRows(const GridBox *b, const App *app, const KernelCoef *k, const PetscReal *x, const PetscReal *xdot, PetscReal *f, FreeEnergyType energy, MobilityModel model)
{
  Thermo          th  = app->th;
  Mobility        mob = app->mob;
  const PetscReal tau = k->tau, iE = k->iE;
  const PetscInt  n = b->info.xm, oy = 2 * b->off[1], oz = 2 * b->off[2];

  th.type   = energy;
  mob.model = model;
  for (PetscInt kk = b->info.zs; kk < b->info.zs + b->info.zm; kk++)
    for (PetscInt j = b->info.ys; j < b->info.ys + b->info.ym; j++) {
      const PetscReal *restrict u  = x + 2 * GridGhosted(b, b->info.xs, j, kk);
      const PetscReal *restrict ud = xdot + 2 * GridOwned(b, b->info.xs, j, kk);
      PetscReal *restrict       fo = f + 2 * GridOwned(b, b->info.xs, j, kk);
#pragma omp simd
      for (PetscInt i = 0; i < n; i++) {
        const PetscInt p = 2 * i;
        fo[p]            = tau * ud[p] - FluxDivergence(&mob, k, u + p, u + p + 1, 2, oy, oz);
        fo[p + 1]        = u[p + 1] - iE * ThermoDF(&th, u[p]) + ScaledLaplacian(k, u + p, 2, oy, oz);
      }
    }
}

void ResidualBinary(const GridBox *b, const App *app, const KernelCoef *k, const PetscScalar *x, const PetscScalar *xdot, PetscScalar *f)
{
  const PetscBool regular = (PetscBool)(app->th.type == FE_REGULAR_SOLUTION), degenerate = (PetscBool)(app->mob.model == MOBILITY_DEGENERATE);

  if (regular && !degenerate) BinaryRows(b, app, k, x, xdot, f, FE_REGULAR_SOLUTION, MOBILITY_CONSTANT);
  else if (regular) BinaryRows(b, app, k, x, xdot, f, FE_REGULAR_SOLUTION, MOBILITY_DEGENERATE);
  else if (!degenerate) BinaryRows(b, app, k, x, xdot, f, FE_DOUBLE_WELL, MOBILITY_CONSTANT);
  else BinaryRows(b, app, k, x, xdot, f, FE_DOUBLE_WELL, MOBILITY_DEGENERATE);
}

/* The same equations for N components (docs/MODEL.md section 2), point layout (c_1..c_nc, mu_1..mu_nc):

     F_ci  = tau * dc_i/dt - tau E sum_d h_d^-2 sum_j [ L_ij+ (mu_j+ - mu_j) - L_ij- (mu_j - mu_j-) ]
     F_mui = mu_i - (df/dc_i)/E + sum_j (kappa_ij/E) sum_d h_d^-2 (c_j+ - 2c_j + c_j-)

   with L_ij+- = L_ij(here) + L_ij(neighbour) (the face mean's 1/2 is in KernelCoef.a).  L(here)
   multiplies the sum of the face differences once; L(neighbour) is applied face by face
   without forming it (MultiLApply: O(N) for the lattice-fixed L), and a constant L once. */
/* The flux divergence of the c rows at one cell u (ghosted, layout above), sum_j [...] of F_ci. */
static inline __attribute__((always_inline)) void FluxGeneral(const MultiModel *m, const GridBox *b, const KernelCoef *k, const PetscScalar *u, PetscReal *flux)
{
  const PetscInt nc = m->nc, dof = 2 * nc;
  PetscReal      sum[UPHILL_MAX_NC] = {0}, div[UPHILL_MAX_NC] = {0}, dmu[UPHILL_MAX_NC], y[UPHILL_MAX_NC];

  for (PetscInt d = 0; d < b->info.dim; d++)
    for (int side = 0; side < 2; side++) {
      const PetscScalar *v = u + (side ? b->off[d] : -b->off[d]) * dof;
      for (PetscInt c = 0; c < nc; c++) {
        dmu[c] = k->a[d] * (v[nc + c] - u[nc + c]);
        sum[c] += dmu[c];
      }
      if (m->atomic) {
        MultiLApply(m, v, dmu, y);
        for (PetscInt c = 0; c < nc; c++) div[c] += y[c];
      }
    }
  MultiLApply(m, u, sum, y);
  for (PetscInt r = 0; r < nc; r++) flux[r] = m->atomic ? div[r] + y[r] : 2 * y[r];
}

/* The N-component kernels take NC and ATOMIC as literals (UPHILL_NCOMP_DISPATCH, multicomp.h). */
static inline __attribute__((always_inline)) void ResidualRows(const GridBox *b, const App *app, const KernelCoef *k, const PetscScalar *x, const PetscScalar *xdot, PetscScalar *f, PetscInt NC, PetscBool ATOMIC)
{
  MultiModel     mm = app->mm;
  const PetscInt dof = 2 * NC, dim = b->info.dim;

  mm.nc     = NC;
  mm.atomic = ATOMIC;
  GRID_FOR_OWNED(b, i, j, kk)
  {
    const PetscScalar *u = x + GridGhosted(b, i, j, kk) * dof;
    const PetscInt     o = GridOwned(b, i, j, kk) * dof;
    PetscReal          lap[UPHILL_MAX_NC] = {0}, flux[UPHILL_MAX_NC], df[UPHILL_MAX_NC];

    for (PetscInt d = 0; d < dim; d++)
      for (int side = 0; side < 2; side++) {
        const PetscScalar *v = u + (side ? b->off[d] : -b->off[d]) * dof;
        for (PetscInt c = 0; c < NC; c++) lap[c] += k->ih2[d] * (v[c] - u[c]);
      }
    FluxGeneral(&mm, b, k, u, flux);
    MultiDF(&mm, u, df);
    for (PetscInt r = 0; r < NC; r++) {
      PetscReal g = 0;
      for (PetscInt c = 0; c < NC; c++) g += k->kE[r * NC + c] * lap[c];
      f[o + r]      = k->tau * xdot[o + r] - flux[r];
      f[o + NC + r] = u[NC + r] - k->iE * df[r] + g;
    }
  }
}

void ResidualGeneral(const GridBox *b, const App *app, const KernelCoef *k, const PetscScalar *x, const PetscScalar *xdot, PetscScalar *f)
{
  UPHILL_NCOMP_DISPATCH(ResidualRows, &app->mm, b, app, k, x, xdot, f);
}

/* dc/dt of the N-component equations at the mixed state x (ghosted, mu consistent with c) into
   g (nc entries per cell): -F_c/tau of ResidualGeneral with dc/dt = 0, the etd integrator's
   right-hand side. */
static inline __attribute__((always_inline)) void RateRows(const GridBox *b, const App *app, const KernelCoef *k, const PetscScalar *x, PetscScalar *g, PetscInt NC, PetscBool ATOMIC)
{
  MultiModel      mm   = app->mm;
  const PetscReal itau = 1 / k->tau;

  mm.nc     = NC;
  mm.atomic = ATOMIC;
  GRID_FOR_OWNED(b, i, j, kk)
  {
    PetscReal flux[UPHILL_MAX_NC];
    FluxGeneral(&mm, b, k, x + GridGhosted(b, i, j, kk) * 2 * NC, flux);
    for (PetscInt r = 0; r < NC; r++) g[GridOwned(b, i, j, kk) * NC + r] = flux[r] * itau;
  }
}

/* RateRows for the ternary with lattice-fixed L (nc = 2): each ghosted cell's L (MultiL) formed
   once into three arrays (L11, L12, L22 of work) and the face mobilities read from them, where
   the generic rows form it seven times a cell (at the cell and at each neighbour's face); both
   loops vectorise.  Problem (e): the rate's share of the run 19% before. */
static void RateTernaryAtomic(const GridBox *b, const App *app, const KernelCoef *k, const PetscScalar *restrict x, PetscScalar *restrict g, PetscReal *restrict work)
{
  const PetscInt   ng = b->info.gxm * b->info.gym * b->info.gzm, dim = b->info.dim;
  const PetscReal  M[3] = {app->mm.M[0], app->mm.M[1], app->mm.M[2]}, itau = 1 / k->tau;
  PetscReal *restrict L00 = work, *restrict L01 = work + ng, *restrict L11 = work + 2 * ng;

#pragma omp simd
  for (PetscInt q = 0; q < ng; q++) {
    PetscReal L10; /* = L01, symmetric */
    MultiLTernary(M, x[4 * q], x[4 * q + 1], &L00[q], &L01[q], &L10, &L11[q]);
  }
  /* all three directions, a flat one with offset 0 (its faces add nothing): no branch in the row */
  const PetscInt  off[6] = {-b->off[0], b->off[0], -b->off[1], b->off[1], -b->off[2], b->off[2]};
  const PetscReal a[6]   = {k->a[0], k->a[0], dim > 1 ? k->a[1] : 0, dim > 1 ? k->a[1] : 0, dim > 2 ? k->a[2] : 0, dim > 2 ? k->a[2] : 0};
  for (PetscInt kk = b->info.zs; kk < b->info.zs + b->info.zm; kk++)
    for (PetscInt j = b->info.ys; j < b->info.ys + b->info.ym; j++) {
      const PetscInt q0 = GridGhosted(b, b->info.xs, j, kk), o0 = GridOwned(b, b->info.xs, j, kk);
#pragma omp simd
      for (PetscInt i = 0; i < b->info.xm; i++) {
        const PetscInt  q = q0 + i;
        const PetscReal m0 = x[4 * q + 2], m1 = x[4 * q + 3];
        PetscReal       f0 = 0, f1 = 0;
#pragma GCC unroll 6
        for (int f = 0; f < 6; f++) {
          const PetscInt  v  = q + off[f];
          const PetscReal d0 = a[f] * (x[4 * v + 2] - m0), d1 = a[f] * (x[4 * v + 3] - m1);
          f0 += (L00[q] + L00[v]) * d0 + (L01[q] + L01[v]) * d1;
          f1 += (L01[q] + L01[v]) * d0 + (L11[q] + L11[v]) * d1;
        }
        g[2 * (o0 + i)]     = f0 * itau;
        g[2 * (o0 + i) + 1] = f1 * itau;
      }
    }
}

void RateGeneral(const GridBox *b, const App *app, const KernelCoef *k, const PetscScalar *x, PetscScalar *g, PetscReal *work)
{
  if (work && app->mm.nc == 2 && app->mm.atomic) RateTernaryAtomic(b, app, k, x, g, work);
  else UPHILL_NCOMP_DISPATCH(RateRows, &app->mm, b, app, k, x, g);
}

/* Thermal noise (noise.c), when the integrator carries it: the step's face-flux divergence,
   constant over the step (drawn once per step and step size, with the face mobilities of the
   step's initial state), subtracted from the c rows.  Both residuals of a Crank-Nicolson step
   (at its start and its end) see the same increment, so it enters the update once, whole. */
static PetscErrorCode AddNoiseForcing(TS ts, Vec F)
{
  PetscContainer cont;
  Noise          nz;
  PetscInt       step;
  PetscReal      dt;
  Vec            X0, eta;

  PetscFunctionBegin;
  PetscCall(PetscObjectQuery((PetscObject)ts, "uphill_noise", (PetscObject *)&cont));
  if (!cont) PetscFunctionReturn(0);
  PetscCall(PetscContainerGetPointer(cont, (void **)&nz));
  PetscCall(TSGetStepNumber(ts, &step));
  PetscCall(TSGetTimeStep(ts, &dt));
  PetscCall(TSGetSolution(ts, &X0));
  PetscCall(NoiseForcing(nz, step, dt, X0, &eta));
  PetscCall(VecAXPY(F, -1.0, eta));
  PetscFunctionReturn(0);
}

PetscErrorCode FormIFunction(TS ts, PetscReal t, Vec X, Vec Xdot, Vec F, void *ctx)
{
  App               *app = (App *)ctx;
  GridBox            b;
  Vec                Xl;
  KernelCoef         k;
  const PetscScalar *x, *xdot;
  PetscScalar       *f;

  PetscFunctionBegin;
  (void)ts;
  (void)t;
  PetscCall(PetscLogEventBegin(UphillEvents.residual, 0, 0, 0, 0));
  KernelCoefficients(app, &k);
  PetscCall(GridGetBox(app->da, &b));
  PetscCall(GridGetGhostedArrayRead(app->da, X, &Xl, &x));
  PetscCall(VecGetArrayRead(Xdot, &xdot));
  PetscCall(VecGetArray(F, &f));
  app->ops->residual(&b, app, &k, x, xdot, f);
  PetscCall(VecRestoreArray(F, &f));
  PetscCall(VecRestoreArrayRead(Xdot, &xdot));
  PetscCall(GridRestoreGhostedArrayRead(app->da, &Xl, &x));
  if (ts) PetscCall(AddNoiseForcing(ts, F));
  PetscCall(PetscLogFlops(60.0 * app->p.ncomp * app->p.ncomp * b.info.xm * b.info.ym * b.info.zm));
  PetscCall(PetscLogEventEnd(UphillEvents.residual, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

/* mu = (f'(c) - kappa Lap_h c)/E at one cell from f' (df): the algebraic constraint F_mu = 0
   solved for mu. */
static inline __attribute__((always_inline)) void CellPotentialGeneral(const GridBox *b, const KernelCoef *k, const PetscScalar *u, const PetscReal *df, PetscInt NC, PetscScalar *mu)
{
  const PetscInt dof = 2 * NC;
  for (PetscInt r = 0; r < NC; r++) {
    PetscReal lap = 0;
    for (PetscInt d = 0; d < b->info.dim; d++)
      for (PetscInt c = 0; c < NC; c++) lap += k->kE[r * NC + c] * k->ih2[d] * (u[b->off[d] * dof + c] - 2 * u[c] + u[-b->off[d] * dof + c]);
    mu[r] = k->iE * df[r] - lap;
  }
}

/* mu at the owned cells; with ENERGY (the regular solution only) also the sums of the energy
   density (energy.c's CellEnergyGeneral: bulk + gradient; and of its modulus), the logarithms
   once a cell: the same bits as PotentialGeneral and EnergyGeneral in one pass instead of two.
   xg == xl: mu into the ghosted array itself (its mu entries, which the pass does not read). */
static inline __attribute__((always_inline)) void PotentialGeneralRows(const GridBox *b, const App *app, const KernelCoef *k, const PetscScalar *xl, PetscScalar *xg, const PetscReal *ih2, PetscReal *sums, PetscBool ENERGY, PetscInt NC, PetscBool ATOMIC)
{
  MultiModel     mm  = app->mm;
  const PetscInt  dof     = 2 * NC;
  const PetscBool inplace = (PetscBool)(xg == xl);

  mm.nc     = NC;
  mm.atomic = ATOMIC;
  GRID_FOR_OWNED(b, i, j, kk)
  {
    const PetscScalar *u = xl + GridGhosted(b, i, j, kk) * dof;
    PetscReal          df[UPHILL_MAX_NC];
    if (ENERGY) {
      PetscReal x[UPHILL_MAX_COMPONENTS], lx[UPHILL_MAX_COMPONENTS];
      MultiLogs(&mm, u, x, lx);
      MultiDFLogs(&mm, x, lx, df);
      const PetscReal e = MultiFLogs(&mm, x, lx) + 0.5 * MultiGradientEnergy(&mm, u, dof, b->off, ih2);
      sums[0] += e;
      sums[1] += PetscAbsReal(e);
    } else MultiDF(&mm, u, df);
    CellPotentialGeneral(b, k, u, df, NC, xg + (inplace ? GridGhosted(b, i, j, kk) : GridOwned(b, i, j, kk)) * dof + NC);
  }
}

/* PotentialGeneralRows for the ternary regular solution (nc = 2) with the cells of a row as the
   vector lanes (the generic rows vectorise across a cell's three fractions at most: two-wide
   logarithms, 20% of problem (e)'s run): MultiLogs, MultiDFLogs, MultiFLogs,
   MultiGradientEnergy and CellPotentialGeneral written out for N = 3.  One compiled copy (not
   inlined) serves both uses (PotentialGeneral drops the sums), so mu has the same bits whichever
   computed it; the energy sums are reduced in another order than energy.c's (F may differ from
   its in the last bits).  The logarithms are taken over contiguous copies of a chunk of a row:
   read from the interleaved state, GCC ran the last vector's worth of cells of every row through
   the scalar log (as much time as the vector calls).  xg == xl: in place, as PotentialGeneralRows
   (no restrict on the two; the loops are vectorised by their simd pragmas). */
#define TERNARY_CHUNK 64
static __attribute__((noinline)) void PotentialTernaryRows(const GridBox *b, const App *app, const KernelCoef *k, const PetscScalar *xl, PetscScalar *xg, const PetscReal *ih2, PetscReal *sums)
{
  const PetscReal *w = app->mm.omega, *kap = app->mm.kappa, rt = app->mm.rt, iE = k->iE;
  const PetscReal  om[9] = {w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], w[8]}, K[4] = {kap[0], kap[1], kap[2], kap[3]};
  const PetscReal  kE00 = k->kE[0], kE01 = k->kE[1], kE10 = k->kE[2], kE11 = k->kE[3];
  const PetscInt   dim = b->info.dim, o[3] = {4 * b->off[0], 4 * b->off[1], 4 * b->off[2]};
  const PetscReal  il[3] = {k->ih2[0], dim > 1 ? k->ih2[1] : 0, dim > 2 ? k->ih2[2] : 0}; /* CellPotentialGeneral's d < dim */
  PetscReal        s0 = 0, s1 = 0;

  for (PetscInt kk = b->info.zs; kk < b->info.zs + b->info.zm; kk++)
    for (PetscInt j = b->info.ys; j < b->info.ys + b->info.ym; j++)
      for (PetscInt i0 = 0; i0 < b->info.xm; i0 += TERNARY_CHUNK) {
        const PetscInt q0 = GridGhosted(b, b->info.xs + i0, j, kk), o0 = xg == xl ? q0 : GridOwned(b, b->info.xs + i0, j, kk), m = PetscMin(TERNARY_CHUNK, b->info.xm - i0);
        PetscReal      lx[3][TERNARY_CHUNK], cx[2][TERNARY_CHUNK];
        for (PetscInt i = 0; i < m; i++) {
          cx[0][i] = xl[4 * (q0 + i)];
          cx[1][i] = xl[4 * (q0 + i) + 1];
        }
#pragma omp simd
        for (PetscInt i = 0; i < m; i++) {
          lx[0][i] = PetscLogReal(cx[0][i]);
          lx[1][i] = PetscLogReal(cx[1][i]);
          lx[2][i] = PetscLogReal(1 - cx[0][i] - cx[1][i]);
        }
#pragma omp simd reduction(+ : s0, s1)
        for (PetscInt i = 0; i < m; i++) {
          const PetscScalar *u  = xl + 4 * (q0 + i);
          const PetscReal    x0 = u[0], x1 = u[1], x2 = 1 - x0 - x1;
          const PetscReal    l0 = lx[0][i], l1 = lx[1][i], l2 = lx[2][i];
          const PetscReal    gN = om[6] * x0 + om[7] * x1 + om[8] * x2, g0 = om[0] * x0 + om[1] * x1 + om[2] * x2, g1 = om[3] * x0 + om[4] * x1 + om[5] * x2;
          const PetscReal    df0 = g0 - gN + rt * (l0 - l2), df1 = g1 - gN + rt * (l1 - l2);
          PetscReal          lap0 = 0, lap1 = 0, grad = 0;
          for (int d = 0; d < 3; d++) {
            const PetscReal e0 = u[o[d]] - x0, e1 = u[o[d] + 1] - x1;
            grad += (K[0] * e0 * e0 + K[1] * e0 * e1 + K[2] * e1 * e0 + K[3] * e1 * e1) * ih2[d];
          }
          const PetscReal f = om[1] * x0 * x1 + om[2] * x0 * x2 + rt * x0 * l0 + om[5] * x1 * x2 + rt * x1 * l1 + rt * x2 * l2;
          const PetscReal e = f + 0.5 * grad;
          s0 += e;
          s1 += PetscAbsReal(e);
          for (int d = 0; d < 3; d++) {
            const PetscReal d0 = il[d] * (u[o[d]] - 2 * x0 + u[-o[d]]), d1 = il[d] * (u[o[d] + 1] - 2 * x1 + u[-o[d] + 1]);
            lap0 += kE00 * d0 + kE01 * d1;
            lap1 += kE10 * d0 + kE11 * d1;
          }
          xg[4 * (o0 + i) + 2] = iE * df0 - lap0;
          xg[4 * (o0 + i) + 3] = iE * df1 - lap1;
        }
      }
  sums[0] += s0;
  sums[1] += s1;
}

static PetscBool TernaryRegular(const App *app) { return (PetscBool)(app->mm.nc == 2 && app->mm.type == FE_REGULAR_SOLUTION); }

void PotentialEnergyGeneral(const GridBox *b, const App *app, const KernelCoef *k, const PetscScalar *xl, PetscScalar *xg, const PetscReal ih2[3], PetscReal sums[2])
{
  if (TernaryRegular(app)) PotentialTernaryRows(b, app, k, xl, xg, ih2, sums);
  else UPHILL_NCOMP_DISPATCH(PotentialGeneralRows, &app->mm, b, app, k, xl, xg, ih2, sums, PETSC_TRUE);
}

void PotentialGeneral(const GridBox *b, const App *app, const KernelCoef *k, const PetscScalar *xl, PetscScalar *xg)
{
  PetscReal unused[2] = {0, 0};
  if (TernaryRegular(app)) PotentialTernaryRows(b, app, k, xl, xg, k->ih2, unused); /* the one compiled loop: two copies may split a row into vector and scalar logarithms differently, and mu must have the same bits */
  else UPHILL_NCOMP_DISPATCH(PotentialGeneralRows, &app->mm, b, app, k, xl, xg, NULL, NULL, PETSC_FALSE);
}

/* mu = (f'(c) - kappa Lap_h c)/E at the owned cells from the ghosted c, row by row; s is the
   distance between cells' entries in both arrays (2: the interleaved (c, mu) state, writing its
   mu entries; 1: separate scalar fields, the transform integrators' reduced equation). */
static inline __attribute__((always_inline)) void PotentialRows(const GridBox *b, const App *app, const KernelCoef *k, const PetscReal *cl, PetscReal *mu, PetscInt s, FreeEnergyType energy)
{
  Thermo         th = app->th;
  const PetscInt n = b->info.xm, oy = s * b->off[1], oz = s * b->off[2];

  th.type = energy;
  for (PetscInt kk = b->info.zs; kk < b->info.zs + b->info.zm; kk++)
    for (PetscInt j = b->info.ys; j < b->info.ys + b->info.ym; j++) {
      const PetscReal *restrict u = cl + s * GridGhosted(b, b->info.xs, j, kk);
      PetscReal *restrict       w = mu + s * GridOwned(b, b->info.xs, j, kk);
#pragma omp simd
      for (PetscInt i = 0; i < n; i++) w[s * i] = k->iE * ThermoDF(&th, u[s * i]) - ScaledLaplacian(k, u + s * i, s, oy, oz);
    }
}

void PotentialBinary(const GridBox *b, const App *app, const KernelCoef *k, const PetscScalar *xl, PetscScalar *xg)
{
  if (app->th.type == FE_REGULAR_SOLUTION) PotentialRows(b, app, k, xl, xg + 1, 2, FE_REGULAR_SOLUTION);
  else PotentialRows(b, app, k, xl, xg + 1, 2, FE_DOUBLE_WELL);
}

/* The reduced binary equation on scalar fields (the transform integrators' state is c alone):
   mu from c (PotentialRows), then F = tau dc/dt - tau E div(M grad mu) from the ghosted c and
   mu -- the rows of BinaryRows. */
static inline __attribute__((always_inline)) void ReducedRowsC(const GridBox *b, const App *app, const KernelCoef *k, const PetscReal *cl, const PetscReal *mul, const PetscReal *cdot, PetscReal *f, MobilityModel model)
{
  Mobility       mob = app->mob;
  const PetscInt n = b->info.xm, oy = b->off[1], oz = b->off[2];

  mob.model = model;
  for (PetscInt kk = b->info.zs; kk < b->info.zs + b->info.zm; kk++)
    for (PetscInt j = b->info.ys; j < b->info.ys + b->info.ym; j++) {
      const PetscInt            g = GridGhosted(b, b->info.xs, j, kk), o = GridOwned(b, b->info.xs, j, kk);
      const PetscReal *restrict u = cl + g, *restrict w = mul + g, *restrict ud = cdot + o;
      PetscReal *restrict       fo = f + o;
#pragma omp simd
      for (PetscInt i = 0; i < n; i++) fo[i] = k->tau * ud[i] - FluxDivergence(&mob, k, u + i, w + i, 1, oy, oz);
    }
}

void PotentialC(const GridBox *b, const App *app, const KernelCoef *k, const PetscReal *cl, PetscReal *mu)
{
  if (app->th.type == FE_REGULAR_SOLUTION) PotentialRows(b, app, k, cl, mu, 1, FE_REGULAR_SOLUTION);
  else PotentialRows(b, app, k, cl, mu, 1, FE_DOUBLE_WELL);
}

/* p = scale f'(c) - p0 (p0 NULL: 0) at n cells: the pointwise part of the constant-mobility
   right-hand side (the etd integrator's later stages, etd.h). */
static inline __attribute__((always_inline)) void ScaledDFRows(const App *app, const PetscReal *restrict c, const PetscReal *restrict p0, PetscInt n, PetscReal scale, PetscReal *restrict p, FreeEnergyType energy)
{
  Thermo th = app->th;

  th.type = energy;
  if (p0) {
#pragma omp simd
    for (PetscInt i = 0; i < n; i++) p[i] = scale * ThermoDF(&th, c[i]) - p0[i];
  } else {
#pragma omp simd
    for (PetscInt i = 0; i < n; i++) p[i] = scale * ThermoDF(&th, c[i]);
  }
}

void ScaledDFC(const App *app, const PetscReal *c, const PetscReal *p0, PetscInt n, PetscReal scale, PetscReal *p)
{
  if (app->th.type == FE_REGULAR_SOLUTION) ScaledDFRows(app, c, p0, n, scale, p, FE_REGULAR_SOLUTION);
  else ScaledDFRows(app, c, p0, n, scale, p, FE_DOUBLE_WELL);
}

void ReducedResidualC(const GridBox *b, const App *app, const KernelCoef *k, const PetscReal *cl, const PetscReal *mul, const PetscReal *cdot, PetscReal *f)
{
  if (app->mob.model == MOBILITY_DEGENERATE) ReducedRowsC(b, app, k, cl, mul, cdot, f, MOBILITY_DEGENERATE);
  else ReducedRowsC(b, app, k, cl, mul, cdot, f, MOBILITY_CONSTANT);
}

PetscErrorCode ComputeRateGeneral(const App *app, Vec Xl, PetscReal *work, Vec G)
{
  GridBox            b;
  KernelCoef         k;
  const PetscScalar *x;
  PetscScalar       *g;

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(UphillEvents.residual, 0, 0, 0, 0));
  KernelCoefficients(app, &k);
  PetscCall(GridGetBox(app->da, &b));
  PetscCall(VecGetArrayRead(Xl, &x));
  PetscCall(VecGetArray(G, &g));
  RateGeneral(&b, app, &k, x, g, work);
  PetscCall(VecRestoreArray(G, &g));
  PetscCall(VecRestoreArrayRead(Xl, &x));
  PetscCall(PetscLogEventEnd(UphillEvents.residual, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

PetscErrorCode ComputeConsistentPotential(const App *app, Vec X)
{
  GridBox            b;
  Vec                Xl;
  KernelCoef         k;
  const PetscScalar *xl;
  PetscScalar       *xg;

  PetscFunctionBegin;
  KernelCoefficients(app, &k);
  PetscCall(GridGetBox(app->da, &b));
  PetscCall(GridGetGhostedArrayRead(app->da, X, &Xl, &xl));
  PetscCall(VecGetArray(X, &xg));
  app->ops->potential(&b, app, &k, xl, xg);
  PetscCall(VecRestoreArray(X, &xg));
  PetscCall(GridRestoreGhostedArrayRead(app->da, &Xl, &xl));
  PetscFunctionReturn(0);
}
