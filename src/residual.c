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
   once into three arrays (L00, L01, L11) and the face mobilities read from them, where the
   generic rows form it seven times a cell (at the cell and at each neighbour's face); mu read
   from separate fields (read four entries apart from the interleaved state the face loop's loads
   were permutes, a third of its samples); both loops vectorise.  Problem (e): the rate's share
   of the run 19% before. */
static void RateTernaryFaces(const GridBox *b, const KernelCoef *k, const PetscReal *restrict L00, const PetscReal *restrict L01, const PetscReal *restrict L11, const PetscReal *restrict mu0, const PetscReal *restrict mu1, PetscScalar *restrict g)
{
  const PetscInt  dim = b->info.dim;
  const PetscReal itau = 1 / k->tau;
  /* all three directions, a flat one with offset 0 (its faces add nothing): no branch in the row */
  const PetscInt  off[6] = {-b->off[0], b->off[0], -b->off[1], b->off[1], -b->off[2], b->off[2]};
  const PetscReal a[6]   = {k->a[0], k->a[0], dim > 1 ? k->a[1] : 0, dim > 1 ? k->a[1] : 0, dim > 2 ? k->a[2] : 0, dim > 2 ? k->a[2] : 0};

  for (PetscInt kk = b->info.zs; kk < b->info.zs + b->info.zm; kk++)
    for (PetscInt j = b->info.ys; j < b->info.ys + b->info.ym; j++) {
      const PetscInt q0 = GridGhosted(b, b->info.xs, j, kk), o0 = GridOwned(b, b->info.xs, j, kk);
#pragma omp simd
      for (PetscInt i = 0; i < b->info.xm; i++) {
        const PetscInt  q = q0 + i;
        const PetscReal m0 = mu0[q], m1 = mu1[q];
        PetscReal       f0 = 0, f1 = 0;
#pragma GCC unroll 6
        for (int f = 0; f < 6; f++) {
          const PetscInt  v  = q + off[f];
          const PetscReal d0 = a[f] * (mu0[v] - m0), d1 = a[f] * (mu1[v] - m1);
          f0 += (L00[q] + L00[v]) * d0 + (L01[q] + L01[v]) * d1;
          f1 += (L01[q] + L01[v]) * d0 + (L11[q] + L11[v]) * d1;
        }
        g[2 * (o0 + i)]     = f0 * itau;
        g[2 * (o0 + i) + 1] = f1 * itau;
      }
    }
}

static PetscInt GhostedCells(const GridBox *b) { return b->info.gxm * b->info.gym * b->info.gzm; }

void RateTernaryFields(const GridBox *b, const App *app, const KernelCoef *k, const PetscReal *restrict c0, const PetscReal *restrict c1, const PetscReal *mu0, const PetscReal *mu1, PetscScalar *g, PetscReal *restrict work)
{
  const PetscInt  ng   = GhostedCells(b);
  const PetscReal M[3] = {app->mm.M[0], app->mm.M[1], app->mm.M[2]};
  PetscReal *restrict L00 = work, *restrict L01 = work + ng, *restrict L11 = work + 2 * ng;

#pragma omp simd
  for (PetscInt q = 0; q < ng; q++) {
    PetscReal L10; /* = L01, symmetric */
    MultiLTernary(M, c0[q], c1[q], &L00[q], &L01[q], &L10, &L11[q]);
  }
  RateTernaryFaces(b, k, L00, L01, L11, mu0, mu1, g);
}

/* The interleaved state: c and mu apart into work (the first four of RATE_WORK_PER_CELL a ghosted
   cell), then as the fields. */
static void RateTernaryAtomic(const GridBox *b, const App *app, const KernelCoef *k, const PetscScalar *restrict x, PetscScalar *restrict g, PetscReal *restrict work)
{
  const PetscInt ng = GhostedCells(b);
  PetscReal *restrict c0 = work, *restrict c1 = work + ng, *restrict mu0 = work + 2 * ng, *restrict mu1 = work + 3 * ng;

#pragma omp simd
  for (PetscInt q = 0; q < ng; q++) c0[q] = x[4 * q], c1[q] = x[4 * q + 1], mu0[q] = x[4 * q + 2], mu1[q] = x[4 * q + 3];
  RateTernaryFields(b, app, k, c0, c1, mu0, mu1, g, work + 4 * ng);
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
   MultiGradientEnergy and CellPotentialGeneral written out for N = 3, over a chunk of a row held
   as separate contiguous fields (read four entries apart from the interleaved state, GCC peeled
   the last vector's worth of every row to scalar code for the gaps: a third of the pass's time).
   One compiled copy (not inlined) serves every caller -- the interleaved state, copied into
   fields a chunk at a time, and the fields themselves (PotentialTernaryFields) -- so mu has the
   same bits whichever computed it; the energy sums are reduced in another order than energy.c's
   (F may differ from its in the last bits). */
#define TERNARY_CHUNK 64
typedef struct {
  PetscReal om[9], K[4], rt, iE, kE[4], il[3], ih2[3];
} TernaryCoef;

static void TernaryCoefficients(const GridBox *b, const App *app, const KernelCoef *k, const PetscReal ih2[3], TernaryCoef *t)
{
  const PetscInt dim = b->info.dim;

  for (int i = 0; i < 9; i++) t->om[i] = app->mm.omega[i];
  for (int i = 0; i < 4; i++) t->K[i] = app->mm.kappa[i], t->kE[i] = k->kE[i];
  t->rt = app->mm.rt;
  t->iE = k->iE;
  for (int d = 0; d < 3; d++) {
    t->il[d]  = d < dim ? k->ih2[d] : 0; /* CellPotentialGeneral's d < dim */
    t->ih2[d] = ih2[d];
  }
}

/* m <= TERNARY_CHUNK cells: c0, c1 at the first, each cell's neighbours at +-1, +-oy, +-oz (0:
   itself); mu0, mu1 written; s[] += the energy density and its modulus. */
static __attribute__((noinline)) void PotentialTernaryChunk(const TernaryCoef *t, PetscInt m, const PetscReal *c0, const PetscReal *c1, PetscInt oy, PetscInt oz, PetscReal *restrict mu0, PetscReal *restrict mu1, PetscReal s[2])
{
  const PetscReal om[9] = {t->om[0], t->om[1], t->om[2], t->om[3], t->om[4], t->om[5], t->om[6], t->om[7], t->om[8]}, K[4] = {t->K[0], t->K[1], t->K[2], t->K[3]};
  const PetscReal rt = t->rt, iE = t->iE, kE00 = t->kE[0], kE01 = t->kE[1], kE10 = t->kE[2], kE11 = t->kE[3];
  const PetscReal il[3] = {t->il[0], t->il[1], t->il[2]}, ih2[3] = {t->ih2[0], t->ih2[1], t->ih2[2]};
  const PetscInt  o[3] = {1, oy, oz};
  PetscReal       lx[3][TERNARY_CHUNK], s0 = s[0], s1 = s[1];

#pragma omp simd
  for (PetscInt i = 0; i < m; i++) {
    lx[0][i] = PetscLogReal(c0[i]);
    lx[1][i] = PetscLogReal(c1[i]);
    lx[2][i] = PetscLogReal(1 - c0[i] - c1[i]);
  }
#pragma omp simd reduction(+ : s0, s1)
  for (PetscInt i = 0; i < m; i++) {
    const PetscReal x0 = c0[i], x1 = c1[i], x2 = 1 - x0 - x1;
    const PetscReal l0 = lx[0][i], l1 = lx[1][i], l2 = lx[2][i];
    const PetscReal gN = om[6] * x0 + om[7] * x1 + om[8] * x2, g0 = om[0] * x0 + om[1] * x1 + om[2] * x2, g1 = om[3] * x0 + om[4] * x1 + om[5] * x2;
    const PetscReal df0 = g0 - gN + rt * (l0 - l2), df1 = g1 - gN + rt * (l1 - l2);
    PetscReal       lap0 = 0, lap1 = 0, grad = 0;
    for (int d = 0; d < 3; d++) {
      const PetscReal e0 = c0[i + o[d]] - x0, e1 = c1[i + o[d]] - x1;
      grad += (K[0] * e0 * e0 + K[1] * e0 * e1 + K[2] * e1 * e0 + K[3] * e1 * e1) * ih2[d];
    }
    const PetscReal f = om[1] * x0 * x1 + om[2] * x0 * x2 + rt * x0 * l0 + om[5] * x1 * x2 + rt * x1 * l1 + rt * x2 * l2;
    const PetscReal e = f + 0.5 * grad;
    s0 += e;
    s1 += PetscAbsReal(e);
    for (int d = 0; d < 3; d++) {
      const PetscReal d0 = il[d] * (c0[i + o[d]] - 2 * x0 + c0[i - o[d]]), d1 = il[d] * (c1[i + o[d]] - 2 * x1 + c1[i - o[d]]);
      lap0 += kE00 * d0 + kE01 * d1;
      lap1 += kE10 * d0 + kE11 * d1;
    }
    mu0[i] = iE * df0 - lap0;
    mu1[i] = iE * df1 - lap1;
  }
  s[0] = s0;
  s[1] = s1;
}

/* The chunks of the interleaved state: each copied with its four neighbour rows into fields
   (rows -z, -y, the chunk, +y, +z, each with a cell either side along x), mu copied back.
   xg == xl: in place (the copies keep the reads apart from the writes). */
static void PotentialTernaryRows(const GridBox *b, const App *app, const KernelCoef *k, const PetscScalar *xl, PetscScalar *xg, const PetscReal *ih2, PetscReal *sums)
{
  enum { W = TERNARY_CHUNK + 2 };
  const PetscInt rn[5] = {-b->off[2], -b->off[1], 0, b->off[1], b->off[2]};
  TernaryCoef    t;

  TernaryCoefficients(b, app, k, ih2, &t);
  for (PetscInt kk = b->info.zs; kk < b->info.zs + b->info.zm; kk++)
    for (PetscInt j = b->info.ys; j < b->info.ys + b->info.ym; j++)
      for (PetscInt i0 = 0; i0 < b->info.xm; i0 += TERNARY_CHUNK) {
        const PetscInt q0 = GridGhosted(b, b->info.xs + i0, j, kk), o0 = xg == xl ? q0 : GridOwned(b, b->info.xs + i0, j, kk), m = PetscMin(TERNARY_CHUNK, b->info.xm - i0);
        PetscReal      cf[2][5 * W], mu[2][TERNARY_CHUNK];
        for (int r = 0; r < 5; r++)
          for (PetscInt i = -1; i <= m; i++) {
            cf[0][r * W + i + 1] = xl[4 * (q0 + rn[r] + i)];
            cf[1][r * W + i + 1] = xl[4 * (q0 + rn[r] + i) + 1];
          }
        PotentialTernaryChunk(&t, m, cf[0] + 2 * W + 1, cf[1] + 2 * W + 1, W, 2 * W, mu[0], mu[1], sums);
        for (PetscInt i = 0; i < m; i++) {
          xg[4 * (o0 + i) + 2] = mu[0][i];
          xg[4 * (o0 + i) + 3] = mu[1][i];
        }
      }
}

void PotentialTernaryFields(const GridBox *b, const App *app, const KernelCoef *k, const PetscReal *c0, const PetscReal *c1, PetscReal *mu0, PetscReal *mu1, const PetscReal ih2[3], PetscReal sums[2])
{
  TernaryCoef t;

  TernaryCoefficients(b, app, k, ih2, &t);
  for (PetscInt kk = b->info.zs; kk < b->info.zs + b->info.zm; kk++)
    for (PetscInt j = b->info.ys; j < b->info.ys + b->info.ym; j++)
      for (PetscInt i0 = 0; i0 < b->info.xm; i0 += TERNARY_CHUNK) {
        const PetscInt q0 = GridGhosted(b, b->info.xs + i0, j, kk), m = PetscMin(TERNARY_CHUNK, b->info.xm - i0);
        PotentialTernaryChunk(&t, m, c0 + q0, c1 + q0, b->off[1], b->off[2], mu0 + q0, mu1 + q0, sums);
      }
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

PetscErrorCode ComputeRateFields(const App *app, Vec c[], Vec mu[], PetscReal *work, Vec G)
{
  GridBox            b;
  KernelCoef         k;
  const PetscScalar *c0, *c1, *m0, *m1;
  PetscScalar       *g;

  PetscFunctionBegin;
  PetscCheck(app->mm.nc == 2 && app->mm.atomic, PetscObjectComm((PetscObject)app->da), PETSC_ERR_PLIB, "the field-wise rate is for the ternary with lattice-fixed L");
  PetscCall(PetscLogEventBegin(UphillEvents.residual, 0, 0, 0, 0));
  KernelCoefficients(app, &k);
  PetscCall(GridGetBox(app->da, &b));
  PetscCall(VecGetArrayRead(c[0], &c0));
  PetscCall(VecGetArrayRead(c[1], &c1));
  PetscCall(VecGetArrayRead(mu[0], &m0));
  PetscCall(VecGetArrayRead(mu[1], &m1));
  PetscCall(VecGetArray(G, &g));
  RateTernaryFields(&b, app, &k, c0, c1, m0, m1, g, work);
  PetscCall(VecRestoreArray(G, &g));
  PetscCall(VecRestoreArrayRead(mu[1], &m1));
  PetscCall(VecRestoreArrayRead(mu[0], &m0));
  PetscCall(VecRestoreArrayRead(c[1], &c1));
  PetscCall(VecRestoreArrayRead(c[0], &c0));
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
