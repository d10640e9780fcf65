/* Manufactured solution for verification (-mms):
     c*(x,t) = c0 + a(t) phi(x),  a(t) = A + r t,  phi = prod_d cos(k_d x_d),  k_d = 2 pi / L_d
   over the directions with more than one point.  phi has zero normal derivative at the walls
   and is periodic, so it serves both boundary conditions.  With K = sum k_d^2:
     mu* = f'(c) + kappa a K phi,   grad mu* = a (f''(c) + kappa K) grad phi
     div(M grad mu*) = a [ a g'(c) |grad phi|^2 - g(c) K phi ],   g = M (f'' + kappa K)
   and the source is S = r phi - div(M grad mu*).  a(t) is linear, so BDF integrates c*
   exactly in time and the measured error is the spatial discretisation error alone. */
#include <uphill/mms.h>
#include <uphill/grid.h>

typedef struct {
  PetscReal phi, grad2; /* phi and |grad phi|^2 */
} ModeValues;

static void Mode(const App *app, const PetscReal x[3], PetscReal *K, ModeValues *v)
{
  PetscReal cs[3], sn[3], kk[3];
  *K = 0;
  for (int d = 0; d < 3; d++) {
    kk[d] = app->p.grid[d] > 1 ? 2 * PETSC_PI / app->p.length[d] : 0;
    cs[d] = PetscCosReal(kk[d] * x[d]);
    sn[d] = PetscSinReal(kk[d] * x[d]);
    *K += kk[d] * kk[d];
  }
  v->phi   = cs[0] * cs[1] * cs[2];
  v->grad2 = 0;
  for (int d = 0; d < 3; d++) {
    PetscReal g = kk[d] * sn[d];
    for (int e = 0; e < 3; e++)
      if (e != d) g *= cs[e];
    v->grad2 += g * g;
  }
}

static PetscReal Amplitude(const App *app, PetscReal t) { return app->p.ic_amplitude + app->p.mms_rate * t; }

/* The manufactured state at cell (i,j,k) and time t: c*, and the mode's values. */
typedef struct {
  PetscReal  a, c, K;
  ModeValues v;
} MMSPoint;

static MMSPoint MMSAt(const App *app, PetscReal t, PetscInt i, PetscInt j, PetscInt k)
{
  const PetscReal pos[3] = {GridCoord(app, 0, i), GridCoord(app, 1, j), GridCoord(app, 2, k)};
  MMSPoint        q;
  q.a = Amplitude(app, t);
  Mode(app, pos, &q.K, &q.v);
  q.c = app->p.c0 + q.a * q.v.phi;
  return q;
}

PetscErrorCode MMSExact(const App *app, PetscReal t, Vec X)
{
  GridBox      b;
  PetscScalar *xa;

  PetscFunctionBegin;
  PetscCall(GridGetBox(app->da, &b));
  PetscCall(VecGetArray(X, &xa));
  BinaryField *x = (BinaryField *)xa;
  GRID_FOR_OWNED(&b, i, j, k)
  {
    const MMSPoint q = MMSAt(app, t, i, j, k);
    x[GridOwned(&b, i, j, k)].c  = q.c;
    x[GridOwned(&b, i, j, k)].mu = (ThermoDF(&app->th, q.c) + app->p.kappa * q.a * q.K * q.v.phi) / app->s.E;
  }
  PetscCall(VecRestoreArray(X, &xa));
  PetscFunctionReturn(0);
}

PetscErrorCode MMSSource(TS ts, PetscReal t, Vec X, Vec G, void *ctx)
{
  App         *app = (App *)ctx;
  GridBox      b;
  PetscScalar *ga;

  PetscFunctionBegin;
  (void)ts;
  (void)X;
  PetscCall(GridGetBox(app->da, &b));
  PetscCall(VecGetArray(G, &ga));
  BinaryField *g = (BinaryField *)ga;
  GRID_FOR_OWNED(&b, i, j, k)
  {
    const MMSPoint  q   = MMSAt(app, t, i, j, k);
    const PetscReal f2  = ThermoD2F(&app->th, q.c) + app->p.kappa * q.K;
    const PetscReal gv  = MobilityValue(&app->mob, q.c) * f2;
    const PetscReal gd  = MobilityDerivative(&app->mob, q.c) * f2 + MobilityValue(&app->mob, q.c) * ThermoD3F(&app->th, q.c);
    const PetscReal div = q.a * (q.a * gd * q.v.grad2 - gv * q.K * q.v.phi);
    g[GridOwned(&b, i, j, k)].c  = app->s.tau * (app->p.mms_rate * q.v.phi - div);
    g[GridOwned(&b, i, j, k)].mu = 0;
  }
  PetscCall(VecRestoreArray(G, &ga));
  PetscFunctionReturn(0);
}

PetscErrorCode MMSError(const App *app, PetscReal t, Vec X, PetscReal *err_max, PetscReal *err_l2)
{
  Vec      E;
  PetscInt n;

  PetscFunctionBegin;
  PetscCall(VecDuplicate(X, &E));
  PetscCall(MMSExact(app, t, E));
  PetscCall(VecAXPY(E, -1.0, X));
  PetscCall(VecStrideNorm(E, 0, NORM_INFINITY, err_max));
  PetscCall(VecStrideNorm(E, 0, NORM_2, err_l2));
  PetscCall(VecGetSize(E, &n));
  *err_l2 /= PetscSqrtReal((PetscReal)(n / 2));
  PetscCall(VecDestroy(&E));
  PetscFunctionReturn(0);
}
