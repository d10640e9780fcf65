/* Nucleation: the classical estimate of the critical radius, and the -ic nucleus state.

   Sharp-interface (Gibbs-Thomson) theory: a nucleus of composition cn in a matrix of c0 gains
   dg per volume, the height of f above its tangent at c0, at the parallel tangent point
   f'(cn) = f'(c0) on the far branch, and pays sigma per area, the Cahn-Hilliard energy of the
   flat equilibrium interface, sigma = int sqrt(2 kappa df(c)) dc between the binodals (df: f
   above the common tangent).  The free energy of a nucleus of radius R, -dg V(R) + sigma A(R),
   peaks at R* = (d - 1) sigma / dg (a circle in 2D, a sphere in 3D). */
#include <uphill/nucleus.h>
#include <uphill/grid.h>
#include <uphill/thermo.h>
#include <uphill/errors.h>
#include "hash.h"

/* f above the common tangent through the binodals. */
static PetscReal AboveTangent(const Thermo *th, PetscReal blo, PetscReal bhi, PetscReal c)
{
  const PetscReal slope = (ThermoF(th, bhi) - ThermoF(th, blo)) / (bhi - blo);
  return ThermoF(th, c) - ThermoF(th, blo) - slope * (c - blo);
}

/* The root of f'(c) = target between a and b (f' - target changes sign there), by bisection. */
static PetscReal SolveSlope(const Thermo *th, PetscReal target, PetscReal a, PetscReal b)
{
  PetscReal ga = ThermoDF(th, a) - target;
  for (int it = 0; it < 200; it++) {
    const PetscReal m = 0.5 * (a + b), gm = ThermoDF(th, m) - target;
    if ((gm < 0) == (ga < 0)) {
      a  = m;
      ga = gm;
    } else b = m;
  }
  return 0.5 * (a + b);
}

void NucleationEstimate(const App *app, Nucleation *nu)
{
  const Thermo   *th = &app->th;
  const Params   *p  = &app->p;
  const PetscReal c0 = p->c0;

  PetscMemzero(nu, sizeof *nu);
  nu->rstar = NAN;
  nu->dg    = NAN;
  for (int d = 0; d < 3; d++) nu->dim += p->grid[d] > 1 ? 1 : 0;
  if (!ThermoSpinodal(th, &nu->slo, &nu->shi) || !ThermoBinodal(th, &nu->blo, &nu->bhi)) {
    nu->regime = NUCLEATION_NO_GAP;
    return;
  }
  { /* sigma by the midpoint rule: sqrt(df) vanishes linearly at the binodals, so it is smooth */
    const PetscInt  n = 4000;
    const PetscReal h = (nu->bhi - nu->blo) / n;
    for (PetscInt i = 0; i < n; i++) nu->sigma += h * PetscSqrtReal(2 * p->kappa * PetscMax(AboveTangent(th, nu->blo, nu->bhi, nu->blo + (i + 0.5) * h), 0));
  }
  /* tanh profile c = mid + (dc/2) tanh(x/delta) with the equilibrium slope at the midpoint,
     dc/dx = sqrt(2 df/kappa) (exact for the double well) */
  {
    const PetscReal dfm = AboveTangent(th, nu->blo, nu->bhi, 0.5 * (nu->blo + nu->bhi));
    nu->width = (nu->bhi - nu->blo) * PetscSqrtReal(p->kappa / (8 * PetscMax(dfm, PETSC_SMALL)));
  }
  const PetscBool low = (PetscBool)(c0 < 0.5 * (nu->slo + nu->shi));
  nu->cn = low ? nu->bhi : nu->blo;
  if (c0 <= nu->blo || c0 >= nu->bhi) nu->regime = NUCLEATION_STABLE;
  else if (c0 > nu->slo && c0 < nu->shi) nu->regime = NUCLEATION_UNSTABLE;
  else {
    nu->regime = NUCLEATION_METASTABLE;
    /* the parallel tangent point on the far branch (low c0): f' rises from its minimum at the
       far spinodal, through the common tangent's slope at the far binodal, to f'(c0) beyond
       it (f'(c0) exceeds that slope in the metastable gap); mirrored for a high c0 */
    const PetscReal target = ThermoDF(th, c0);
    PetscReal       a = low ? nu->shi : nu->slo, b = nu->cn;
    const PetscReal step = nu->bhi - nu->blo;
    for (int it = 0; it < 60 && (ThermoDF(th, b) - target) * (ThermoDF(th, a) - target) > 0; it++) { /* widen past the binodal */
      b = low ? b + step * 0.5 : b - step * 0.5;
      if (th->type == FE_REGULAR_SOLUTION) b = low ? PetscMin(b, 1 - 1e-15) : PetscMax(b, 1e-15);
    }
    nu->cn = SolveSlope(th, target, a, b);
    nu->dg = ThermoF(th, c0) + target * (nu->cn - c0) - ThermoF(th, nu->cn);
    if (nu->dim >= 2 && nu->dg > 0) nu->rstar = (nu->dim - 1) * nu->sigma / nu->dg;
  }
}

/* Distance from x to the centre z along direction d: the nearest image on periodic boxes. */
static PetscReal AxisDistance(const App *app, PetscInt d, PetscReal x, PetscReal z)
{
  PetscReal s = x - z;
  if (app->p.bc == BC_PERIODIC) {
    const PetscReal L = app->p.length[d];
    s -= L * PetscFloorReal(s / L + 0.5);
  }
  return s;
}

/* Centre of nucleus i: given, or uniform in the box from -ic_seed (rank-independent). */
static void NucleusCentre(const App *app, PetscInt i, PetscReal z[3])
{
  const Params *p = &app->p;
  for (int d = 0; d < 3; d++) {
    if (i < p->nucleus_ncenter) z[d] = p->nucleus_center[3 * i + d];
    else if (p->nucleus_count == 1) z[d] = 0.5 * p->length[d];
    else z[d] = p->length[d] * (PetscReal)(SplitMix64((uint64_t)p->ic_seed * 0x9E3779B97F4A7C15ULL + (uint64_t)(3 * i + d) + 0x4E55434CULL) >> 11) * 0x1.0p-53;
    if (p->grid[d] == 1) z[d] = 0.5 * p->length[d];
  }
}

PetscErrorCode InitialNucleus(const App *app, Vec X)
{
  const Params *p = &app->p;
  BinaryField  *x;
  GridBox       gb, *b = &gb;
  Nucleation    nu;
  PetscReal     z[UPHILL_MAX_NUCLEI][3];

  PetscFunctionBegin;
  NucleationEstimate(app, &nu);
  if (nu.regime == NUCLEATION_NO_GAP) UPHILL_USER_ERROR(PetscObjectComm((PetscObject)X), "option -ic nucleus: no miscibility gap at these parameters (above the critical temperature): there is no second phase to nucleate");
  PetscCall(GridGetBox(app->da, b));
  PetscCall(VecGetArray(X, (PetscScalar **)&x));
  for (PetscInt n = 0; n < p->nucleus_count; n++) NucleusCentre(app, n, z[n]);
  GRID_FOR_OWNED(b, i, j, k)
  {
    const PetscReal pos[3] = {GridCoord(app, 0, i), GridCoord(app, 1, j), GridCoord(app, 2, k)};
    PetscReal       phi    = 0; /* the largest nucleus fraction: overlapping nuclei merge */
    for (PetscInt n = 0; n < p->nucleus_count; n++) {
      const PetscReal R = p->nucleus_radius[p->nucleus_nradius > 1 ? n : 0];
      PetscReal       r2 = 0;
      for (PetscInt d = 0; d < 3; d++)
        if (p->grid[d] > 1) r2 += PetscSqr(AxisDistance(app, d, pos[d], z[n][d]));
      phi = PetscMax(phi, 0.5 * (1 - PetscTanhReal((PetscSqrtReal(r2) - R) / nu.width)));
    }
    x[GridOwned(b, i, j, k)].c  = p->c0 + (nu.cn - p->c0) * phi;
    x[GridOwned(b, i, j, k)].mu = 0;
  }
  PetscCall(VecRestoreArray(X, (PetscScalar **)&x));
  PetscFunctionReturn(0);
}
