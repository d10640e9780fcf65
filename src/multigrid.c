/* Geometric multigrid transfer for a cell-centred grid.  PETSc's DMDA interpolations are
   vertex-centred (Q1) or piecewise constant (Q0); on a cell-centred grid the first is
   misaligned by half a cell and the second is too weak for this fourth-order operator, and
   neither handles no-flux walls.  Here each fine cell takes weights 3/4 and 1/4 from the
   coarse cell containing it and the next coarse cell towards it, per direction (multilinear
   in 2D/3D).  At a no-flux wall the missing neighbour is the mirror image: the cell itself. */
#include <uphill/multigrid.h>
#include <uphill/grid.h>

static PetscErrorCode CellCentredInterpolation(const App *app, DM dac, DM daf, Mat *P)
{
  GridBox                 bf, bc;
  ISLocalToGlobalMapping  lf, lc;
  const PetscInt         *idxf, *idxc;
  PetscInt                dof, dim, Mc[3] = {1, 1, 1};
  MPI_Comm                comm = PetscObjectComm((PetscObject)daf);
  const PetscBool         periodic = (PetscBool)(app->p.bc == BC_PERIODIC);

  PetscFunctionBegin;
  PetscCall(GridGetBox(daf, &bf));
  PetscCall(GridGetBox(dac, &bc));
  dof = bf.info.dof;
  dim = bf.info.dim;
  Mc[0] = bc.info.mx, Mc[1] = bc.info.my, Mc[2] = bc.info.mz;
  PetscCall(MatCreateAIJ(comm, bf.info.xm * bf.info.ym * bf.info.zm * dof, bc.info.xm * bc.info.ym * bc.info.zm * dof, PETSC_DETERMINE, PETSC_DETERMINE, 8, NULL, 8, NULL, P));
  PetscCall(MatSetBlockSizes(*P, dof, dof));
  PetscCall(DMGetLocalToGlobalMapping(daf, &lf));
  PetscCall(DMGetLocalToGlobalMapping(dac, &lc));
  PetscCall(ISLocalToGlobalMappingGetBlockIndices(lf, &idxf));
  PetscCall(ISLocalToGlobalMappingGetBlockIndices(lc, &idxc));
  GRID_FOR_OWNED(&bf, i, j, k)
  {
    const PetscInt f[3] = {i, j, k};
    PetscInt       cidx[3][2], ncorner = 1;
    PetscReal      w[3][2];
    PetscInt       cols[8], row;
    PetscScalar    vals[8];

    for (PetscInt d = 0; d < 3; d++) {
      const PetscInt ci = f[d] / 2;
      if (d >= dim) {
        cidx[d][0] = cidx[d][1] = ci;
        w[d][0] = 1, w[d][1] = 0;
        continue;
      }
      PetscInt nb = (f[d] % 2) ? ci + 1 : ci - 1;
      if (!periodic && (nb < 0 || nb >= Mc[d])) nb = ci; /* mirror at the wall */
      cidx[d][0] = ci, cidx[d][1] = nb;
      w[d][0] = 0.75, w[d][1] = 0.25;
      ncorner *= 2;
    }
    /* accumulate the 2^dim corners (duplicates at walls are summed by ADD_VALUES) */
    for (PetscInt a = 0; a < ncorner; a++) {
      PetscInt  c[3];
      PetscReal wt = 1;
      for (PetscInt d = 0, bits = a; d < 3; d++) {
        const PetscInt s = d < dim ? (bits & 1) : 0;
        if (d < dim) bits >>= 1;
        c[d] = cidx[d][s];
        wt *= w[d][s];
      }
      PetscCheck(c[0] >= bc.info.gxs && c[0] < bc.info.gxs + bc.info.gxm && c[1] >= bc.info.gys && c[1] < bc.info.gys + bc.info.gym && c[2] >= bc.info.gzs && c[2] < bc.info.gzs + bc.info.gzm, PETSC_COMM_SELF, PETSC_ERR_PLIB, "coarse point (%" PetscInt_FMT ",%" PetscInt_FMT ",%" PetscInt_FMT ") outside this rank's coarse ghost box", c[0], c[1], c[2]);
      cols[a] = idxc[GridGhosted(&bc, c[0], c[1], c[2])];
      vals[a] = wt;
    }
    row = idxf[GridGhosted(&bf, i, j, k)];
    for (PetscInt comp = 0; comp < dof; comp++) {
      PetscInt r = row * dof + comp, cc[8];
      for (PetscInt a = 0; a < ncorner; a++) cc[a] = cols[a] * dof + comp;
      PetscCall(MatSetValues(*P, 1, &r, ncorner, cc, vals, ADD_VALUES));
    }
  }
  PetscCall(ISLocalToGlobalMappingRestoreBlockIndices(lf, &idxf));
  PetscCall(ISLocalToGlobalMappingRestoreBlockIndices(lc, &idxc));
  PetscCall(MatAssemblyBegin(*P, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(*P, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(0);
}

PetscInt MultigridLevels(const App *app)
{
  PetscInt M[3], P[3], levels = 1, dim;

  DMDAGetInfo(app->da, &dim, &M[0], &M[1], &M[2], &P[0], &P[1], &P[2], NULL, NULL, NULL, NULL, NULL, NULL);
  for (;;) {
    PetscBool can = PETSC_TRUE, big = PETSC_FALSE;
    for (PetscInt d = 0; d < dim; d++) {
      if (M[d] % 2 || M[d] / 2 < PetscMax(P[d], 2)) can = PETSC_FALSE;
      if (M[d] > 4) big = PETSC_TRUE;
    }
    if (!can || !big || levels >= 12) break;
    for (PetscInt d = 0; d < dim; d++) M[d] /= 2;
    levels++;
  }
  return levels;
}

PetscErrorCode MultigridSetInterpolations(const App *app, PC pc, PetscInt levels)
{
  DM fine = app->da, coarse;

  PetscFunctionBegin;
  PetscCall(PetscObjectReference((PetscObject)fine));
  for (PetscInt l = levels - 1; l > 0; l--) {
    Mat P;
    PetscCall(DMCoarsen(fine, PetscObjectComm((PetscObject)fine), &coarse));
    PetscCall(CellCentredInterpolation(app, coarse, fine, &P));
    PetscCall(PCMGSetInterpolation(pc, l, P));
    PetscCall(MatDestroy(&P));
    PetscCall(DMDestroy(&fine));
    fine = coarse;
  }
  PetscCall(DMDestroy(&fine));
  PetscFunctionReturn(0);
}
