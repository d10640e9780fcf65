/* The discrete free energy of MODEL.md section 3 and the other integrals that monitor a run:
     F = sum_cells f(c) dV + kappa/2 sum_faces ((c+ - c-)/h)^2 dV,   mass = sum_cells c dV.
   Each cell counts its +x, +y, +z faces once; a no-flux wall face has a mirrored ghost
   and so no gradient. */
#include <uphill/physics.h>
#include <uphill/grid.h>

/* Free-energy density of one cell: f(c) plus the gradient energy of its +x, +y, +z faces. */
static inline PetscReal CellEnergy(const App *app, const BinaryField *u, const PetscInt off[3], const PetscReal ih2[3])
{
  const PetscReal c = u->c, gx = u[off[0]].c - c, gy = u[off[1]].c - c, gz = u[off[2]].c - c;
  return ThermoF(&app->th, c) + 0.5 * app->p.kappa * (gx * gx * ih2[0] + gy * gy * ih2[1] + gz * gz * ih2[2]);
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
    const PetscReal e = CellEnergy(app, (const BinaryField *)xl + GridGhosted(&b, i, j, k), b.off, ih2);
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
  PetscReal          ih2[3], loc[2] = {0, 0}, mm[2] = {PETSC_MAX_REAL, PETSC_MAX_REAL}, var = 0, mean;
  MPI_Comm           comm = PetscObjectComm((PetscObject)app->da);

  PetscFunctionBegin;
  for (int d = 0; d < 3; d++) ih2[d] = 1.0 / (app->h[d] * app->h[d]);
  PetscCall(GridGetBox(app->da, &b));
  PetscCall(DMGetLocalVector(app->da, &Xl));
  PetscCall(GridGlobalToLocal(app, X, Xl));
  PetscCall(VecGetArrayRead(Xl, &xl));
  const BinaryField *x = (const BinaryField *)xl;
  GRID_FOR_OWNED(&b, i, j, k)
  {
    const BinaryField *u = x + GridGhosted(&b, i, j, k);
    const PetscReal    c = u->c;
    loc[0] += CellEnergy(app, u, b.off, ih2);
    loc[1] += c;
    mm[0] = PetscMin(mm[0], c);
    mm[1] = PetscMin(mm[1], -c);
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, loc, 2, MPIU_REAL, MPIU_SUM, comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, mm, 2, MPIU_REAL, MPIU_MIN, comm));
  const PetscReal npts = (PetscReal)b.info.mx * b.info.my * b.info.mz;
  mean = loc[1] / npts;
  /* Two passes: the spread of a 1e-6 mode about c0 = 0.5 would drown in <c^2> - <c>^2. */
  GRID_FOR_OWNED(&b, i, j, k)
  {
    const PetscReal dc = x[GridGhosted(&b, i, j, k)].c - mean;
    var += dc * dc;
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &var, 1, MPIU_REAL, MPIU_SUM, comm));
  PetscCall(VecRestoreArrayRead(Xl, &xl));
  PetscCall(DMRestoreLocalVector(app->da, &Xl));
  obs->free_energy = loc[0] * app->dV;
  obs->mass        = loc[1] * app->dV;
  obs->c_min       = mm[0];
  obs->c_max       = -mm[1];
  obs->c_std       = PetscSqrtReal(var / npts);
  PetscFunctionReturn(0);
}
