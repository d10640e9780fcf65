/* Conserved thermal noise (docs/MODEL.md section 6).

   The fluctuating flux xi sits on the cell faces with <xi xi> = 2 theta M_face / dt per face
   and step (theta = R T_n / V_m; N components: covariance 2 theta L_face / dt, L_face = the
   face mean of L(c), factored as V sqrt(Lambda) from its eigen-decomposition since L may be
   only semidefinite).  Its discrete divergence enters every c row, so each face's flux leaves
   one cell and enters the next: the increment sums to zero to round-off.  Wall faces carry
   none.  With the mixed discretisation's mu = (1/dV) dF_h/dc this is the discrete
   fluctuation-dissipation pair of the deterministic flux: the dynamics' stationary law is
   exp(-F_h / (theta dV)) (for constant mobility exactly; with a state-dependent mobility the
   face mobility is taken at the start of the step, Ito, without the small spurious-drift
   correction).

   Generator: a face's number is a hash of (seed, step, global index of the face's low cell,
   direction, component) through splitmix64, two of them make a Box-Muller pair.  No state
   beyond the step number: the same on any rank count, and a restarted run (which restores
   the step number from the checkpoint) draws the same numbers as the run that went on. */
#include <uphill/noise.h>
#include <uphill/grid.h>
#include <uphill/linalg.h>
#include "hash.h"

struct _p_Noise {
  const App *app;
  PetscReal  theta;   /* R T_n / V_m (J/m^3) */
  uint64_t   seed;
  Vec        eta;     /* the forcing of (step, dt) */
  PetscInt   step;
  PetscReal  dt;
  PetscReal  Lsqrt[UPHILL_MAX_NC * UPHILL_MAX_NC]; /* constant L: its factor, once */
};

PetscReal NoiseEnergyDensity(const Params *p) { return p->noise_temperature > 0 ? p->gas_constant * p->noise_temperature / p->molar_volume : 0; }

PetscReal NoiseTimeStep(const App *app) { return app->p.noise_dt > 0 ? app->p.noise_dt : app->s.tau; }

static inline PetscReal Uniform53(uint64_t z) { return ((PetscReal)(z >> 11) + 0.5) * 0x1.0p-53; } /* in (0,1) */

PetscReal NoiseNormal(uint64_t seed, uint64_t step, uint64_t index)
{
  const uint64_t key = SplitMix64(SplitMix64(seed ^ 0x5EED5EED5EED5EEDULL) + step);
  const PetscReal u1 = Uniform53(SplitMix64(key + 2 * index)), u2 = Uniform53(SplitMix64(key + 2 * index + 1));
  return PetscSqrtReal(-2 * PetscLogReal(u1)) * PetscCosReal(2 * PETSC_PI * u2);
}

/* B with B B^T = A for symmetric positive semidefinite A (negative round-off eigenvalues as 0). */
static void SqrtFactor(PetscInt n, const PetscReal *A, PetscReal *B)
{
  PetscReal lam[UPHILL_MAX_NC], V[UPHILL_MAX_NC * UPHILL_MAX_NC];
  LinalgSymEig(n, A, lam, V);
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt j = 0; j < n; j++) B[i * n + j] = V[i * n + j] * PetscSqrtReal(PetscMax(lam[j], 0));
}

PetscErrorCode NoiseCreate(const App *app, Noise *nz)
{
  Noise n;

  PetscFunctionBegin;
  PetscCall(PetscNew(&n));
  n->app   = app;
  n->theta = NoiseEnergyDensity(&app->p);
  n->seed  = (uint64_t)app->p.noise_seed;
  n->step  = -1;
  n->dt    = -1;
  PetscCall(DMCreateGlobalVector(app->da, &n->eta));
  if (app->p.general && !app->mm.atomic) SqrtFactor(app->p.ncomp, app->p.mobility_matrix, n->Lsqrt);
  *nz = n;
  PetscFunctionReturn(0);
}

PetscErrorCode NoiseDestroy(Noise *nz)
{
  PetscFunctionBegin;
  if (!*nz) PetscFunctionReturn(0);
  PetscCall(VecDestroy(&(*nz)->eta));
  PetscCall(PetscFree(*nz));
  PetscFunctionReturn(0);
}

/* The flux xi (per component) on the +d face of the cell with ghosted index g (global index
   gidx of that low cell), between the states u and v of its two cells. */
static void FaceFlux(const Noise n, PetscInt step, PetscReal amp, uint64_t gidx, PetscInt d, const PetscScalar *u, const PetscScalar *v, PetscReal *xi)
{
  const App     *app = n->app;
  const PetscInt nc  = app->p.ncomp;
  PetscReal      z[UPHILL_MAX_NC];

  for (PetscInt c = 0; c < nc; c++) z[c] = NoiseNormal(n->seed, (uint64_t)step, (gidx * 3 + (uint64_t)d) * (uint64_t)nc + (uint64_t)c);
  if (!app->p.general) {
    xi[0] = amp * PetscSqrtReal(0.5 * (MobilityValue(&app->mob, u[0]) + MobilityValue(&app->mob, v[0]))) * z[0];
    return;
  }
  PetscReal B[UPHILL_MAX_NC * UPHILL_MAX_NC];
  if (app->mm.atomic) {
    PetscReal Lu[UPHILL_MAX_NC * UPHILL_MAX_NC], Lv[UPHILL_MAX_NC * UPHILL_MAX_NC];
    MultiL(&app->mm, u, Lu);
    MultiL(&app->mm, v, Lv);
    for (PetscInt i = 0; i < nc * nc; i++) Lu[i] = 0.5 * (Lu[i] + Lv[i]);
    SqrtFactor(nc, Lu, B);
  } else
    for (PetscInt i = 0; i < nc * nc; i++) B[i] = n->Lsqrt[i];
  for (PetscInt r = 0; r < nc; r++) {
    xi[r] = 0;
    for (PetscInt c = 0; c < nc; c++) xi[r] += amp * B[r * nc + c] * z[c];
  }
}

PetscErrorCode NoiseForcing(Noise n, PetscInt step, PetscReal dt, Vec X0, Vec *eta)
{
  const App         *app = n->app;
  const PetscInt     nc = app->p.ncomp, dof = 2 * nc;
  GridBox            b;
  Vec                Xl;
  const PetscScalar *x;
  PetscScalar       *e;
  PetscInt           N[3];

  PetscFunctionBegin;
  *eta = n->eta;
  if (step == n->step && dt == n->dt) PetscFunctionReturn(0);
  const PetscReal amp = PetscSqrtReal(2 * n->theta / dt); /* xi = amp sqrt(M_face) z */
  PetscCall(GridGetBox(app->da, &b));
  N[0] = b.info.mx;
  N[1] = b.info.my;
  N[2] = b.info.mz;
  PetscCall(GridGetGhostedArrayRead(app->da, X0, &Xl, &x));
  PetscCall(VecZeroEntries(n->eta));
  PetscCall(VecGetArray(n->eta, &e));
  GRID_FOR_OWNED(&b, i, j, k)
  {
    const PetscInt     idx[3] = {i, j, k};
    const PetscScalar *u      = x + GridGhosted(&b, i, j, k) * dof;
    PetscScalar       *eo     = e + GridOwned(&b, i, j, k) * dof;
    for (PetscInt d = 0; d < 3; d++) {
      if (app->p.grid[d] < 2) continue; /* a flat direction has no faces */
      for (int side = -1; side <= 1; side += 2) {
        PetscInt lo[3] = {idx[0], idx[1], idx[2]};
        if (side < 0) lo[d]--;
        if (lo[d] < 0 || lo[d] >= N[d] - 1) { /* the face wraps, or is a wall */
          if (app->p.bc != BC_PERIODIC) continue;
          lo[d] = (lo[d] + N[d]) % N[d];
        }
        const uint64_t     gidx = (uint64_t)lo[0] + (uint64_t)N[0] * ((uint64_t)lo[1] + (uint64_t)N[1] * (uint64_t)lo[2]);
        const PetscScalar *v    = u + side * b.off[d] * dof;
        PetscReal          xi[UPHILL_MAX_NC];
        FaceFlux(n, step, amp, gidx, d, side < 0 ? v : u, side < 0 ? u : v, xi);
        /* dc/dt = -(xi_{+} - xi_{-})/h; the c rows are scaled by tau */
        for (PetscInt c = 0; c < nc; c++) eo[c] -= (PetscReal)side * app->s.tau * xi[c] / app->h[d];
      }
    }
  }
  PetscCall(VecRestoreArray(n->eta, &e));
  PetscCall(GridRestoreGhostedArrayRead(app->da, &Xl, &x));
  n->step = step;
  n->dt   = dt;
  PetscFunctionReturn(0);
}
