/* The discrete free energy of docs/MODEL.md section 3 and the other integrals that monitor a run:
     F = sum_cells f(c) dV + kappa/2 sum_faces ((c+ - c-)/h)^2 dV,   mass = sum_cells c dV.
   Each cell counts its +x, +y, +z faces once; a no-flux wall face has a mirrored ghost
   and so no gradient. */
#include <uphill/physics.h>
#include <uphill/grid.h>

/* Free-energy density of one cell: f(c) plus the gradient energy of its +x, +y, +z faces.
   u points at the cell's first entry; the point has 2 ncomp entries. */
static inline PetscReal CellEnergy(const App *app, const PetscScalar *u, const PetscInt off[3], const PetscReal ih2[3])
{
  if (!app->p.general) {
    const BinaryField *b = (const BinaryField *)u;
    const PetscReal    c = b->c, gx = b[off[0]].c - c, gy = b[off[1]].c - c, gz = b[off[2]].c - c;
    return ThermoF(&app->th, c) + 0.5 * app->p.kappa * (gx * gx * ih2[0] + gy * gy * ih2[1] + gz * gz * ih2[2]);
  }
  const PetscInt nc = app->mm.nc, dof = 2 * nc;
  PetscReal      e  = 0;
  for (int d = 0; d < 3; d++) {
    PetscReal g[UPHILL_MAX_NC], s = 0;
    for (PetscInt r = 0; r < nc; r++) g[r] = u[off[d] * dof + r] - u[r];
    for (PetscInt r = 0; r < nc; r++)
      for (PetscInt c = 0; c < nc; c++) s += app->mm.kappa[r * nc + c] * g[r] * g[c];
    e += s * ih2[d];
  }
  return MultiF(&app->mm, u) + 0.5 * e;
}

PetscErrorCode ComputeFreeEnergy(const App *app, Vec X, PetscReal *F, PetscReal *Fabs)
{
  GridBox            b;
  Vec                Xl;
  const PetscScalar *xl;
  PetscReal          ih2[3], sums[2] = {0, 0};

  PetscFunctionBegin;
  for (int d = 0; d < 3; d++) ih2[d] = 1.0 / (app->h[d] * app->h[d]);
  PetscCall(GridGetBox(app->da, &b));
  PetscCall(DMGetLocalVector(app->da, &Xl));
  PetscCall(GridGlobalToLocal(app, X, Xl));
  PetscCall(VecGetArrayRead(Xl, &xl));
  GRID_FOR_OWNED(&b, i, j, k)
  {
    const PetscReal e = CellEnergy(app, xl + GridGhosted(&b, i, j, k) * 2 * app->p.ncomp, b.off, ih2);
    sums[0] += e;
    sums[1] += PetscAbsReal(e);
  }
  PetscCall(VecRestoreArrayRead(Xl, &xl));
  PetscCall(DMRestoreLocalVector(app->da, &Xl));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, sums, 2, MPIU_REAL, MPIU_SUM, PetscObjectComm((PetscObject)app->da)));
  *F = sums[0] * app->dV;
  if (Fabs) *Fabs = sums[1] * app->dV;
  PetscFunctionReturn(0);
}

PetscErrorCode ComputeObservables(const App *app, Vec X, Observables *obs)
{
  GridBox            b;
  Vec                Xl;
  const PetscScalar *xl;
  PetscReal          ih2[3], loc[1 + UPHILL_MAX_NC] = {0}, mm[2] = {PETSC_MAX_REAL, PETSC_MAX_REAL}, var = 0, mean;
  const PetscInt     nc = app->p.ncomp, dof = 2 * nc;
  MPI_Comm           comm = PetscObjectComm((PetscObject)app->da);

  PetscFunctionBegin;
  for (int d = 0; d < 3; d++) ih2[d] = 1.0 / (app->h[d] * app->h[d]);
  PetscCall(GridGetBox(app->da, &b));
  PetscCall(DMGetLocalVector(app->da, &Xl));
  PetscCall(GridGlobalToLocal(app, X, Xl));
  PetscCall(VecGetArrayRead(Xl, &xl));
  GRID_FOR_OWNED(&b, i, j, k)
  {
    const PetscScalar *u = xl + GridGhosted(&b, i, j, k) * dof;
    const PetscReal    c = u[0];
    loc[0] += CellEnergy(app, u, b.off, ih2);
    for (PetscInt r = 0; r < nc; r++) loc[1 + r] += u[r];
    mm[0] = PetscMin(mm[0], c);
    mm[1] = PetscMin(mm[1], -c);
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, loc, (PetscMPIInt)(1 + nc), MPIU_REAL, MPIU_SUM, comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, mm, 2, MPIU_REAL, MPIU_MIN, comm));
  const PetscReal npts = (PetscReal)b.info.mx * b.info.my * b.info.mz;
  mean = loc[1] / npts;
  /* Two passes: the spread of a 1e-6 mode about c0 = 0.5 would drown in <c^2> - <c>^2. */
  GRID_FOR_OWNED(&b, i, j, k)
  {
    const PetscReal dc = xl[GridGhosted(&b, i, j, k) * dof] - mean;
    var += dc * dc;
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &var, 1, MPIU_REAL, MPIU_SUM, comm));
  PetscCall(VecRestoreArrayRead(Xl, &xl));
  PetscCall(DMRestoreLocalVector(app->da, &Xl));
  obs->free_energy = loc[0] * app->dV;
  obs->mass        = loc[1] * app->dV;
  for (PetscInt r = 0; r < nc; r++) obs->masses[r] = loc[1 + r] * app->dV;
  obs->c_min       = mm[0];
  obs->c_max       = -mm[1];
  obs->c_std       = PetscSqrtReal(var / npts);
  PetscFunctionReturn(0);
}
