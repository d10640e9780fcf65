/* The discrete free energy of docs/MODEL.md section 3 and the other integrals that monitor a run:
     F = sum_cells f(c) dV + kappa/2 sum_faces ((c+ - c-)/h)^2 dV,   mass = sum_cells c dV.
   Each cell counts its +x, +y, +z faces once; a no-flux wall face has a mirrored ghost
   and so no gradient.  Also the energy's domain: the states where it is defined. */
#include "kernels.h"

#if defined(UPHILL_HAVE_LIBMVEC)
/* glibc's vector log (libmvec), as residual.c declares it */
extern double log(double) __attribute__((__simd__("notinbranch")));
#endif

/* Free-energy density of one cell: f(c) plus the gradient energy of its +x, +y, +z faces.
   u points at the cell's c; s is the distance between neighbouring cells' entries (2 in the
   interleaved (c, mu) layout, 1 for c alone). */
static inline __attribute__((always_inline)) PetscReal CellEnergyBinary(const Thermo *th, PetscReal kappa, const PetscScalar *u, PetscInt s, const PetscInt off[3], const PetscReal ih2[3])
{
  const PetscReal c = u[0], gx = u[s * off[0]] - c, gy = u[s * off[1]] - c, gz = u[s * off[2]] - c;
  return ThermoF(th, c) + 0.5 * kappa * (gx * gx * ih2[0] + gy * gy * ih2[1] + gz * gz * ih2[2]);
}

/* Row by row with the energy fixed by a literal, so that the rows vectorise (as residual.c). */
static inline __attribute__((always_inline)) void EnergyRows(const App *app, const GridBox *b, const PetscScalar *x, PetscInt s, const PetscReal ih2[3], PetscReal sums[2], FreeEnergyType energy)
{
  Thermo          th = app->th;
  const PetscReal kappa = app->p.kappa;
  const PetscInt  n = b->info.xm;

  th.type = energy;
  for (PetscInt k = b->info.zs; k < b->info.zs + b->info.zm; k++)
    for (PetscInt j = b->info.ys; j < b->info.ys + b->info.ym; j++) {
      const PetscScalar *u  = x + s * GridGhosted(b, b->info.xs, j, k);
      PetscReal          e0 = 0, e1 = 0;
#pragma omp simd reduction(+ : e0, e1)
      for (PetscInt i = 0; i < n; i++) {
        const PetscReal e = CellEnergyBinary(&th, kappa, u + s * i, s, b->off, ih2);
        e0 += e;
        e1 += PetscAbsReal(e);
      }
      sums[0] += e0;
      sums[1] += e1;
    }
}

static void EnergyStrided(const App *app, const GridBox *b, const PetscScalar *x, PetscInt s, const PetscReal ih2[3], PetscReal sums[2])
{
  if (app->th.type == FE_REGULAR_SOLUTION) EnergyRows(app, b, x, s, ih2, sums, FE_REGULAR_SOLUTION);
  else EnergyRows(app, b, x, s, ih2, sums, FE_DOUBLE_WELL);
}

static inline __attribute__((always_inline)) PetscReal CellEnergyGeneral(const MultiModel *mm, const PetscScalar *u, const PetscInt off[3], const PetscReal ih2[3])
{
  return MultiF(mm, u) + 0.5 * MultiGradientEnergy(mm, u, 2 * mm->nc, off, ih2);
}

static inline __attribute__((always_inline)) void EnergyGeneralRows(const App *app, const GridBox *b, const PetscScalar *x, const PetscReal ih2[3], PetscReal sums[2], PetscInt NC, PetscBool ATOMIC)
{
  MultiModel mm = app->mm;

  mm.nc     = NC;
  mm.atomic = ATOMIC;
  GRID_FOR_OWNED(b, i, j, k)
  {
    const PetscReal e = CellEnergyGeneral(&mm, x + GridGhosted(b, i, j, k) * 2 * NC, b->off, ih2);
    sums[0] += e;
    sums[1] += PetscAbsReal(e);
  }
}

void EnergyBinary(const App *app, const GridBox *b, const PetscScalar *x, const PetscReal ih2[3], PetscReal sums[2]) { EnergyStrided(app, b, x, 2, ih2, sums); }

void EnergyGeneral(const App *app, const GridBox *b, const PetscScalar *x, const PetscReal ih2[3], PetscReal sums[2])
{
  UPHILL_NCOMP_DISPATCH(EnergyGeneralRows, &app->mm, app, b, x, ih2, sums);
}

PetscBool InDomainBinary(const App *app, const PetscScalar *x, PetscInt n)
{
  for (PetscInt i = 0; i < n; i += 2)
    if (!ThermoInDomain(&app->th, x[i])) return PETSC_FALSE;
  return PETSC_TRUE;
}

PetscBool InDomainGeneral(const App *app, const PetscScalar *x, PetscInt n)
{
  for (PetscInt i = 0; i < n; i += 2 * app->mm.nc)
    if (!MultiInDomain(&app->mm, x + i)) return PETSC_FALSE;
  return PETSC_TRUE;
}

/* Fraction to the boundary: new c = c - lambda y stays in (0,1). */
void DomainStepBinary(const App *app, const PetscScalar *x, const PetscScalar *y, PetscInt n, PetscReal theta, PetscReal *lambda)
{
  (void)app;
  for (PetscInt i = 0; i < n; i += 2) {
    const PetscReal c = x[i], dc = y[i];
    if (dc > 0 && c - dc <= 0) *lambda = PetscMin(*lambda, theta * c / dc);
    if (dc < 0 && c - dc >= 1) *lambda = PetscMin(*lambda, theta * (1 - c) / -dc);
  }
}

/* Every c_i and c_N = 1 - sum c_i stay positive. */
void DomainStepGeneral(const App *app, const PetscScalar *x, const PetscScalar *y, PetscInt n, PetscReal theta, PetscReal *lambda)
{
  const PetscInt nc = app->mm.nc;
  for (PetscInt i = 0; i < n; i += 2 * nc) {
    PetscReal cN = 1, dN = 0;
    for (PetscInt r = 0; r < nc; r++) {
      const PetscReal c = x[i + r], dc = y[i + r];
      if (dc > 0 && c - dc <= 0) *lambda = PetscMin(*lambda, theta * c / dc);
      cN -= c;
      dN -= dc;
    }
    if (dN > 0 && cN - dN <= 0) *lambda = PetscMin(*lambda, theta * cN / dN);
  }
}

/* Every entry finite and every point in the energy's domain, on every rank. */
static PetscErrorCode InDomain(const App *app, Vec X, PetscBool (*in_domain)(const App *, const PetscScalar *, PetscInt), PetscBool *ok)
{
  const PetscScalar *x;
  PetscInt           n;
  PetscMPIInt        good = 1;

  PetscFunctionBegin;
  PetscCall(VecGetLocalSize(X, &n));
  PetscCall(VecGetArrayRead(X, &x));
  for (PetscInt i = 0; i < n && good; i++)
    if (PetscIsInfOrNanReal(x[i])) good = 0;
  if (good && !in_domain(app, x, n)) good = 0;
  PetscCall(VecRestoreArrayRead(X, &x));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &good, 1, MPI_INT, MPI_MIN, PetscObjectComm((PetscObject)X)));
  *ok = good ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionReturn(0);
}

PetscErrorCode StateInDomain(const App *app, Vec X, PetscBool *ok) { return InDomain(app, X, app->ops->in_domain, ok); }

/* F (and the sum of |cell energies|) from this rank's sums of the energy density (collective). */
static PetscErrorCode FreeEnergyFromSums(const App *app, DM da, PetscReal sums[2], PetscReal *F, PetscReal *Fabs)
{
  PetscFunctionBegin;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, sums, 2, MPIU_REAL, MPIU_SUM, PetscObjectComm((PetscObject)da)));
  *F = sums[0] * app->dV;
  if (Fabs) *Fabs = sums[1] * app->dV;
  PetscFunctionReturn(0);
}

static PetscErrorCode FreeEnergyOn(const App *app, DM da, Vec X, void (*energy)(const App *, const GridBox *, const PetscScalar *, const PetscReal[3], PetscReal[2]), PetscReal *F, PetscReal *Fabs)
{
  GridBox            b;
  Vec                Xl;
  const PetscScalar *xl;
  PetscReal          ih2[3], sums[2] = {0, 0};

  PetscFunctionBegin;
  for (int d = 0; d < 3; d++) ih2[d] = 1.0 / (app->h[d] * app->h[d]);
  PetscCall(GridGetBox(da, &b));
  PetscCall(GridGetGhostedArrayRead(da, X, &Xl, &xl));
  energy(app, &b, xl, ih2, sums);
  PetscCall(GridRestoreGhostedArrayRead(da, &Xl, &xl));
  PetscCall(FreeEnergyFromSums(app, da, sums, F, Fabs));
  PetscFunctionReturn(0);
}

PetscErrorCode ComputeFreeEnergy(const App *app, Vec X, PetscReal *F, PetscReal *Fabs) { return FreeEnergyOn(app, app->da, X, app->ops->energy, F, Fabs); }

PetscErrorCode ComputePotentialLocal(const App *app, Vec Xl, PetscReal *F, PetscReal *Fabs)
{
  GridBox      b;
  KernelCoef   k;
  PetscScalar *xl;
  PetscReal    ih2[3], sums[2] = {0, 0};

  PetscFunctionBegin;
  PetscCheck(app->p.general, PetscObjectComm((PetscObject)Xl), PETSC_ERR_PLIB, "the in-place potential pass is for the N-component model");
  for (int d = 0; d < 3; d++) ih2[d] = 1.0 / (app->h[d] * app->h[d]);
  KernelCoefficients(app, &k);
  PetscCall(GridGetBox(app->da, &b));
  PetscCall(VecGetArray(Xl, &xl));
  if (F && app->mm.type != FE_QUADRATIC) PotentialEnergyGeneral(&b, app, &k, xl, xl, ih2, sums);
  else {
    PotentialGeneral(&b, app, &k, xl, xl);
    if (F) app->ops->energy(app, &b, xl, ih2, sums); /* no logarithms to share */
  }
  PetscCall(VecRestoreArray(Xl, &xl));
  if (F) PetscCall(FreeEnergyFromSums(app, app->da, sums, F, Fabs));
  PetscFunctionReturn(0);
}

PetscErrorCode ComputePotentialFields(const App *app, Vec c[], Vec mu[], PetscReal *F, PetscReal *Fabs)
{
  GridBox            b;
  KernelCoef         k;
  const PetscScalar *c0, *c1;
  PetscScalar       *m0, *m1;
  PetscReal          ih2[3], sums[2] = {0, 0};

  PetscFunctionBegin;
  PetscCheck(app->p.general && app->mm.nc == 2 && app->mm.type == FE_REGULAR_SOLUTION, PetscObjectComm((PetscObject)app->da), PETSC_ERR_PLIB, "the field-wise potential pass is for the ternary regular solution");
  for (int d = 0; d < 3; d++) ih2[d] = 1.0 / (app->h[d] * app->h[d]);
  KernelCoefficients(app, &k);
  PetscCall(GridGetBox(app->da, &b));
  PetscCall(VecGetArrayRead(c[0], &c0));
  PetscCall(VecGetArrayRead(c[1], &c1));
  PetscCall(VecGetArray(mu[0], &m0));
  PetscCall(VecGetArray(mu[1], &m1));
  PotentialTernaryFields(&b, app, &k, c0, c1, m0, m1, F ? ih2 : k.ih2, sums);
  PetscCall(VecRestoreArray(mu[1], &m1));
  PetscCall(VecRestoreArray(mu[0], &m0));
  PetscCall(VecRestoreArrayRead(c[1], &c1));
  PetscCall(VecRestoreArrayRead(c[0], &c0));
  if (F) PetscCall(FreeEnergyFromSums(app, app->da, sums, F, Fabs));
  PetscFunctionReturn(0);
}

/* The integrals of a binary state c alone (ComputeStateSumsC), row by row: the logarithms once
   per cell and side, shared by f, f' and f''; the energy and mobility fixed by literals so that
   the rows vectorise.  x holds c ghosted (the stencil's layout), or, on one rank (owned: the
   whole grid), c alone: then each row's neighbours are found by wrapping (periodic) or are the
   row itself (a no-flux wall's mirrored ghost), the +x neighbours shifted into buf -- no ghost
   exchange, the same numbers. */
static inline __attribute__((always_inline)) void StateRows(const App *app, const GridBox *b, const PetscReal *x, PetscBool owned, PetscReal *buf, PetscReal scale, PetscReal *p, const PetscReal ih2[3], StateSums *ss, FreeEnergyType energy, MobilityModel model)
{
  Thermo   th  = app->th;
  Mobility mob = app->mob;

  th.type   = energy;
  mob.model = model;
  const PetscReal om = th.omega, rt = th.rt, kappa = app->p.kappa;
  const PetscInt  n = b->info.xm, my = b->info.ym, mz = b->info.zm;
  const PetscBool periodic = (PetscBool)(app->p.bc == BC_PERIODIC);
  PetscReal       fs = 0, fa = 0, cs = 0, cmin = PETSC_MAX_REAL, cmax = -PETSC_MAX_REAL, dmin = PETSC_MAX_REAL, dmax = -PETSC_MAX_REAL, mmax = 0;

  for (PetscInt k = b->info.zs; k < b->info.zs + mz; k++)
    for (PetscInt j = b->info.ys; j < b->info.ys + my; j++) {
      const PetscReal *u, *ux, *uy, *uz;
      if (owned) {
        const PetscInt jn = j + 1 < my ? j + 1 : (periodic ? 0 : j), kn = k + 1 < mz ? k + 1 : (periodic ? 0 : k);
        u  = x + GridOwned(b, 0, j, k);
        uy = x + GridOwned(b, 0, jn, k);
        uz = x + GridOwned(b, 0, j, kn);
        PetscArraycpy(buf, u + 1, n - 1);
        buf[n - 1] = periodic ? u[0] : u[n - 1];
        ux         = buf;
      } else {
        u  = x + GridGhosted(b, b->info.xs, j, k);
        ux = u + b->off[0];
        uy = u + b->off[1];
        uz = u + b->off[2];
      }
      PetscReal *po = p ? p + GridOwned(b, b->info.xs, j, k) : NULL;
#pragma omp simd reduction(+ : fs, fa, cs) reduction(min : cmin, dmin) reduction(max : cmax, dmax, mmax)
      for (PetscInt i = 0; i < n; i++) {
        const PetscReal c = u[i], y = 1 - c, gx = ux[i] - c, gy = uy[i] - c, gz = uz[i] - c;
        /* regular solution: c log c + y log y = c log(c/y) + log y, log(c/y) shared with f' */
        const PetscReal f = energy == FE_REGULAR_SOLUTION ? om * c * y + rt * (c * log(c / y) + log(y)) : ThermoF(&th, c), d2f = ThermoD2F(&th, c);
        if (po) po[i] = scale * ThermoDF(&th, c); /* as the etd stages take it (ScaledDFC), bitwise */
        const PetscReal e = f + 0.5 * kappa * (gx * gx * ih2[0] + gy * gy * ih2[1] + gz * gz * ih2[2]);
        fs += e;
        fa += PetscAbsReal(e);
        cs += c;
        cmin = PetscMin(cmin, c);
        cmax = PetscMax(cmax, c);
        dmin = PetscMin(dmin, d2f);
        dmax = PetscMax(dmax, d2f);
        mmax = PetscMax(mmax, MobilityValue(&mob, c));
      }
    }
  *ss = (StateSums){fs, fa, cs, cmin, cmax, dmin, dmax, mmax};
}

PetscErrorCode ComputeStateSumsC(const App *app, DM da1, Vec C, PetscReal scale, Vec P, StateSums *ss)
{
  GridBox            b;
  Vec                Cl = NULL;
  const PetscScalar *x;
  PetscScalar       *p = NULL, *buf = NULL;
  PetscReal          ih2[3];
  PetscMPIInt        size;
  const PetscBool    rs = (PetscBool)(app->th.type == FE_REGULAR_SOLUTION), deg = (PetscBool)(app->mob.model == MOBILITY_DEGENERATE);
  MPI_Comm           comm = PetscObjectComm((PetscObject)C);

  PetscFunctionBegin;
  for (int d = 0; d < 3; d++) ih2[d] = 1.0 / (app->h[d] * app->h[d]);
  PetscCall(GridGetBox(da1, &b));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  const PetscBool owned = (PetscBool)(size == 1);
  if (owned) {
    PetscCall(VecGetArrayRead(C, &x));
    PetscCall(PetscMalloc1(b.info.xm, &buf));
  } else PetscCall(GridGetGhostedArrayRead(da1, C, &Cl, &x));
  if (P) PetscCall(VecGetArray(P, &p));
  if (rs && deg) StateRows(app, &b, x, owned, buf, scale, p, ih2, ss, FE_REGULAR_SOLUTION, MOBILITY_DEGENERATE);
  else if (rs) StateRows(app, &b, x, owned, buf, scale, p, ih2, ss, FE_REGULAR_SOLUTION, MOBILITY_CONSTANT);
  else if (deg) StateRows(app, &b, x, owned, buf, scale, p, ih2, ss, FE_DOUBLE_WELL, MOBILITY_DEGENERATE);
  else StateRows(app, &b, x, owned, buf, scale, p, ih2, ss, FE_DOUBLE_WELL, MOBILITY_CONSTANT);
  if (P) PetscCall(VecRestoreArray(P, &p));
  if (owned) {
    PetscCall(VecRestoreArrayRead(C, &x));
    PetscCall(PetscFree(buf));
  } else PetscCall(GridRestoreGhostedArrayRead(da1, &Cl, &x));
  PetscReal sum[3] = {ss->F, ss->Fabs, ss->mass}, min[5] = {ss->cmin, -ss->cmax, ss->d2min, -ss->d2max, -ss->mmax};
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, sum, 3, MPIU_REAL, MPIU_SUM, comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, min, 5, MPIU_REAL, MPIU_MIN, comm));
  *ss = (StateSums){sum[0] * app->dV, sum[1] * app->dV, sum[2] * app->dV, min[0], -min[1], min[2], -min[3], -min[4]};
  PetscFunctionReturn(0);
}

PetscErrorCode ComputeSpreadC(Vec C, PetscReal mean, PetscReal *std)
{
  const PetscScalar *c;
  PetscReal          var = 0;
  PetscInt           n, size;

  PetscFunctionBegin;
  PetscCall(VecGetLocalSize(C, &n));
  PetscCall(VecGetSize(C, &size));
  PetscCall(VecGetArrayRead(C, &c));
#pragma omp simd reduction(+ : var)
  for (PetscInt i = 0; i < n; i++) var += (c[i] - mean) * (c[i] - mean);
  PetscCall(VecRestoreArrayRead(C, &c));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &var, 1, MPIU_REAL, MPIU_SUM, PetscObjectComm((PetscObject)C)));
  *std = PetscSqrtReal(var / (PetscReal)size);
  PetscFunctionReturn(0);
}

/* F, the masses and the spread of c of a state on da with dof entries per cell (c first). */
static PetscErrorCode ObservablesOn(const App *app, DM da, Vec X, PetscInt nc, PetscInt dof, void (*energy)(const App *, const GridBox *, const PetscScalar *, const PetscReal[3], PetscReal[2]), Observables *obs)
{
  GridBox            b;
  PetscReal          loc[1 + UPHILL_MAX_NC] = {0}, mm[2] = {PETSC_MAX_REAL, PETSC_MAX_REAL}, var = 0, mean;
  MPI_Comm           comm = PetscObjectComm((PetscObject)da);
  const PetscScalar *x;

  PetscFunctionBegin;
  PetscCall(GridGetBox(da, &b));
  PetscCall(FreeEnergyOn(app, da, X, energy, &obs->free_energy, NULL));
  PetscCall(VecGetArrayRead(X, &x)); /* owned cells, in order */
  const PetscInt n = b.info.xm * b.info.ym * b.info.zm;
  for (PetscInt i = 0; i < n; i++) {
    const PetscScalar *u = x + i * dof;
    for (PetscInt r = 0; r < nc; r++) loc[1 + r] += u[r];
    mm[0] = PetscMin(mm[0], u[0]);
    mm[1] = PetscMin(mm[1], -u[0]);
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, loc + 1, (PetscMPIInt)nc, MPIU_REAL, MPIU_SUM, comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, mm, 2, MPIU_REAL, MPIU_MIN, comm));
  const PetscReal npts = (PetscReal)b.info.mx * b.info.my * b.info.mz;
  mean = loc[1] / npts;
  /* Two passes: the spread of a 1e-6 mode about c0 = 0.5 would drown in <c^2> - <c>^2. */
  for (PetscInt i = 0; i < n; i++) {
    const PetscReal dc = x[i * dof] - mean;
    var += dc * dc;
  }
  PetscCall(VecRestoreArrayRead(X, &x));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &var, 1, MPIU_REAL, MPIU_SUM, comm));
  obs->mass = loc[1] * app->dV;
  for (PetscInt r = 0; r < nc; r++) obs->masses[r] = loc[1 + r] * app->dV;
  obs->c_min = mm[0];
  obs->c_max = -mm[1];
  obs->c_std = PetscSqrtReal(var / npts);
  PetscFunctionReturn(0);
}

PetscErrorCode ComputeObservables(const App *app, Vec X, Observables *obs) { return ObservablesOn(app, app->da, X, app->p.ncomp, 2 * app->p.ncomp, app->ops->energy, obs); }

