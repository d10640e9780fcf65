/* Geometric multigrid transfer for a cell-centred grid.  PETSc's DMDA interpolations are
   vertex-centred (Q1) or piecewise constant (Q0); on a cell-centred grid the first is
   misaligned by half a cell and the second is too weak for this fourth-order operator, and
   neither handles no-flux walls.  Here each fine cell takes weights 3/4 and 1/4 from the
   coarse cell containing it and the next coarse cell towards it, per direction (multilinear
   in 2D/3D).  At a no-flux wall the missing neighbour is the mirror image: the cell itself.

   Coarse operators (-coarse_operator):
   - rediscretise (the binary default): the Jacobian assembled on each coarse grid (h doubled per
     level), 7-point stencils with 14 non-zeros per row: cheap to build (1/7 of the fine assembly
     for all levels together) and small.  Binary: from the cell averages (I^T / 2^dim) of the
     pointwise coefficients f''(c) and M(c), without the M' terms.  Averaging the state instead
     puts c ~ 1/2 wherever a coarse cell straddles an interface, a far too negative f'': Krylov
     iterations then tripled late in a spinodal run.  N-component: from the averaged state.
   - galerkin (the N-component default): R A I products of the fine Jacobian (PCMG's
     PC_MG_GALERKIN_PMAT): ~160 non-zeros per coarse row, and the products dominated the set-up
     time (~45% of a run at 64^3).  Fewest Krylov iterations. */
#include <uphill/log_events.h>
#include <uphill/multigrid.h>
#include <uphill/grid.h>

static PetscErrorCode CellCentredInterpolation(PetscBool periodic, DM dac, DM daf, Mat *P)
{
  GridBox                 bf, bc;
  ISLocalToGlobalMapping  lf, lc;
  const PetscInt         *idxf, *idxc;
  PetscInt                dof, dim, Mc[3] = {1, 1, 1};
  MPI_Comm                comm = PetscObjectComm((PetscObject)daf);

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

PetscErrorCode MultigridLevels(const App *app, PetscInt *nlevels)
{
  PetscInt M[3], P[3], levels = 1, dim;

  PetscFunctionBegin;
  PetscCall(DMDAGetInfo(app->da, &dim, &M[0], &M[1], &M[2], &P[0], &P[1], &P[2], NULL, NULL, NULL, NULL, NULL, NULL));
  for (;;) {
    PetscBool can = PETSC_TRUE, big = PETSC_FALSE;
    for (PetscInt d = 0; d < dim; d++) {
      if (M[d] % 2 || M[d] / 2 < PetscMax(P[d], 2)) can = PETSC_FALSE;
      if (M[d] > 4) big = PETSC_TRUE;
    }
    if (!can || !big || levels >= MG_MAX_LEVELS || (app->p.mg_levels > 0 && levels >= app->p.mg_levels)) break;
    for (PetscInt d = 0; d < dim; d++) M[d] /= 2;
    levels++;
  }
  *nlevels = levels;
  PetscFunctionReturn(0);
}

/* Galerkin mode: PCMG builds each coarse preconditioning matrix R P I, but with a matrix-free fine
   operator it leaves the coarse levels' operators (their smoothers' and residuals') to the user.
   They are the Galerkin matrices themselves: this shell forwards every product to its level's. */
static PetscErrorCode ForwardToPmat(Mat A, Vec x, Vec y)
{
  KSP smoother;
  Mat B;

  PetscFunctionBegin;
  PetscCall(MatShellGetContext(A, &smoother));
  PetscCall(KSPGetOperators(smoother, NULL, &B));
  PetscCheck(B != A, PetscObjectComm((PetscObject)A), PETSC_ERR_ORDER, "coarse-level operator applied before its Galerkin matrix was built");
  PetscCall(MatMult(B, x, y));
  PetscFunctionReturn(0);
}

static PetscErrorCode ForwardingOperator(KSP smoother, Vec x, Mat *A)
{
  PetscInt n, N;

  PetscFunctionBegin;
  PetscCall(VecGetLocalSize(x, &n));
  PetscCall(VecGetSize(x, &N));
  PetscCall(MatCreateShell(PetscObjectComm((PetscObject)x), n, n, N, N, smoother, A));
  PetscCall(MatShellSetOperation(*A, MATOP_MULT, (void (*)(void))ForwardToPmat));
  PetscCall(MatSetUp(*A));
  PetscCall(MatAssemblyBegin(*A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(*A, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(0);
}

struct Multigrid {
  PetscInt           levels;
  PetscBool          galerkin;
  PC                 pc;                     /* the PCMG this hierarchy belongs to (borrowed) */
  MultigridOperators ops;                    /* builds the rediscretised coarse operators */
  MultigridLevel     level[MG_MAX_LEVELS];   /* grid and geometry per level, finest last */
  Mat                interp[MG_MAX_LEVELS];  /* interp[l]: level l-1 -> l */
  Mat                A[MG_MAX_LEVELS];       /* coarse operators: rediscretised Jacobians, or forwarding shells */
  Vec                X[MG_MAX_LEVELS];       /* restricted fields: states, or coefficients (ops.fine_field) */
};

/* Level l-1 from level l: the coarsened DMDA, spacings doubled along the grid's directions. */
static PetscErrorCode CoarsenLevel(const App *app, const MultigridLevel *fine, MultigridLevel *coarse)
{
  PetscFunctionBegin;
  PetscCall(DMCoarsen(fine->da, PetscObjectComm((PetscObject)fine->da), &coarse->da));
  for (PetscInt d = 0; d < 3; d++) coarse->h[d] = app->p.grid[d] > 1 ? 2 * fine->h[d] : fine->h[d];
  coarse->dV = coarse->h[0] * coarse->h[1] * coarse->h[2];
  PetscFunctionReturn(0);
}

PetscErrorCode MultigridCreate(const App *app, PC pc, PetscInt levels, PetscBool galerkin, const MultigridOperators *ops, Multigrid *mgp)
{
  Multigrid mg;

  PetscFunctionBegin;
  PetscCheck(levels <= MG_MAX_LEVELS, PETSC_COMM_SELF, PETSC_ERR_PLIB, "too many levels");
  PetscCall(PetscLogEventBegin(UphillEvents.mg_setup, 0, 0, 0, 0));
  PetscCall(PetscNew(&mg));
  mg->levels   = levels;
  mg->galerkin = galerkin;
  mg->pc       = pc;
  mg->ops      = *ops;
  PetscCall(PCMGSetLevels(pc, levels, NULL));
  PetscCall(PCMGSetGalerkin(pc, galerkin ? PC_MG_GALERKIN_PMAT : PC_MG_GALERKIN_NONE));
  mg->level[levels - 1].da = app->da;
  PetscCall(PetscObjectReference((PetscObject)app->da));
  for (PetscInt d = 0; d < 3; d++) mg->level[levels - 1].h[d] = app->h[d];
  mg->level[levels - 1].dV = app->dV;
  for (PetscInt l = levels - 1; l > 0; l--) {
    const MultigridLevel *fine = &mg->level[l], *coarse = &mg->level[l - 1];
    PetscCall(CoarsenLevel(app, fine, &mg->level[l - 1]));
    PetscCall(CellCentredInterpolation((PetscBool)(app->p.bc == BC_PERIODIC), coarse->da, fine->da, &mg->interp[l]));
    PetscCall(PCMGSetInterpolation(pc, l, mg->interp[l]));
    PetscCall(DMCreateGlobalVector(coarse->da, &mg->X[l - 1]));
    if (l == levels - 1 && !galerkin && ops->fine_field) PetscCall(DMCreateGlobalVector(fine->da, &mg->X[l])); /* the fine grid's field */
    { /* PCMG keeps these operators (in Galerkin mode it replaces the second by R P I) */
      KSP smoother;
      PetscCall(PCMGGetSmoother(pc, l - 1, &smoother));
      if (galerkin) PetscCall(ForwardingOperator(smoother, mg->X[l - 1], &mg->A[l - 1]));
      else PetscCall(DMCreateMatrix(coarse->da, &mg->A[l - 1]));
      PetscCall(KSPSetOperators(smoother, mg->A[l - 1], mg->A[l - 1]));
    }
  }
  *mgp = mg;
  PetscCall(PetscLogEventEnd(UphillEvents.mg_setup, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

/* Before the preconditioner is rebuilt at state X: restrict the field level by level and assemble
   each coarse operator (nothing to do for Galerkin operators, or when the PC is no longer this PCMG). */
PetscErrorCode MultigridUpdate(Multigrid mg, Vec X, PetscReal shift)
{
  PetscBool      ismg;
  const PetscInt L = mg ? mg->levels : 0;
  Vec            fine = X;

  PetscFunctionBegin;
  if (!mg || mg->galerkin) PetscFunctionReturn(0);
  PetscCall(PetscObjectTypeCompare((PetscObject)mg->pc, PCMG, &ismg));
  if (!ismg) PetscFunctionReturn(0);
  PetscCall(PetscLogEventBegin(UphillEvents.mg_setup, 0, 0, 0, 0));
  if (mg->ops.fine_field) { /* e.g. binary: average the coefficients, not the state */
    PetscCall(mg->ops.fine_field(mg->ops.ctx, X, mg->X[L - 1]));
    fine = mg->X[L - 1];
  }
  for (PetscInt l = L - 1; l > 0; l--) {
    PetscInt dim;
    PetscCall(DMGetDimension(mg->level[l].da, &dim));
    PetscCall(MatMultTranspose(mg->interp[l], fine, mg->X[l - 1]));
    PetscCall(VecScale(mg->X[l - 1], 1.0 / (PetscReal)(1 << dim))); /* I^T sums 2^dim weights per coarse cell */
    PetscCall(mg->ops.assemble(mg->ops.ctx, &mg->level[l - 1], mg->X[l - 1], shift, mg->A[l - 1]));
    /* PCMG restricts residuals with I^T, which sums 2^dim fine cells: each level's equations are
       2^dim times those of the next finer one, and so must its operator be */
    PetscCall(MatScale(mg->A[l - 1], (PetscReal)(1 << (dim * (L - l)))));
    fine = mg->X[l - 1];
  }
  PetscCall(PetscLogEventEnd(UphillEvents.mg_setup, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

PetscErrorCode MultigridDestroy(Multigrid *mgp)
{
  Multigrid mg = *mgp;

  PetscFunctionBegin;
  if (!mg) PetscFunctionReturn(0);
  for (PetscInt l = 0; l < mg->levels; l++) {
    PetscCall(MatDestroy(&mg->interp[l]));
    PetscCall(MatDestroy(&mg->A[l]));
    PetscCall(VecDestroy(&mg->X[l]));
    PetscCall(DMDestroy(&mg->level[l].da));
  }
  PetscCall(PetscFree(mg));
  *mgp = NULL;
  PetscFunctionReturn(0);
}
