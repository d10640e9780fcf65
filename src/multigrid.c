/* Geometric multigrid transfer for a cell-centred grid.  PETSc's DMDA interpolations are
   vertex-centred (Q1) or piecewise constant (Q0); on a cell-centred grid the first is
   misaligned by half a cell and the second is too weak for this fourth-order operator, and
   neither handles no-flux walls.  Here each fine cell takes weights 3/4 and 1/4 from the
   coarse cell containing it and the next coarse cell towards it, per direction (multilinear
   in 2D/3D).  At a no-flux wall the missing neighbour is the mirror image: the cell itself.

   Coarse operators (-coarse_operator):
   - rediscretise (the binary default): the Jacobian on each coarse grid (h doubled per level),
     7-point stencils: matrix-free level operators (mg_level.c, through MultigridOperators'
     create_level) on every level but the coarsest, or assembled with 14 non-zeros per row.
     Binary: from the cell averages (I^T / 2^dim) of the pointwise coefficients f''(c) and
     M(c), without the M' terms.  Averaging the state instead puts c ~ 1/2 wherever a coarse
     cell straddles an interface, a far too negative f'': Krylov iterations then tripled late
     in a spinodal run.  N-component: from the averaged state.
   - galerkin (the N-component default): R A I products of the fine Jacobian (PCMG's
     PC_MG_GALERKIN_PMAT): ~160 non-zeros per coarse row, and the products dominated the set-up
     time (~45% of a run at 64^3).  Fewest Krylov iterations. */
#include <uphill/log_events.h>
#include <uphill/multigrid.h>
#include <uphill/grid.h>

/* The coarse cells and weights of fine index f along a direction of nc coarse cells. */
static inline void TransferWeights(PetscInt f, PetscInt nc, PetscBool periodic, PetscInt c[2], PetscReal w[2])
{
  const PetscInt ci = f / 2;
  PetscInt       nb = (f % 2) ? ci + 1 : ci - 1;
  if (!periodic && (nb < 0 || nb >= nc)) nb = ci; /* mirror at the wall */
  c[0] = ci, c[1] = nb, w[0] = 0.75, w[1] = 0.25;
}

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
      if (d >= dim) {
        cidx[d][0] = cidx[d][1] = f[d] / 2;
        w[d][0] = 1, w[d][1] = 0;
        continue;
      }
      TransferWeights(f[d], Mc[d], periodic, cidx[d], w[d]);
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

/* The same interpolation without a matrix (rediscretised hierarchies; PtAP needs the AIJ one):
   at 64^3 the AIJ products (8 entries of 12 bytes per fine row) cost as much as the fine
   operator.  The coarse values are read through a box-stencil twin of the coarse DMDA (the
   corners of the 2^dim cells); the transpose adds into its ghosts and then into their owners. */
typedef struct {
  GridBox   bf, bc; /* fine and coarse boxes (bc: of the box-stencil twin) */
  DM        cbox;
  Vec       cl;
  PetscBool periodic;
  PetscScalar *row; /* one ghosted coarse row */
} Transfer;

/* transpose false: yf += I xc;  true: xc_local += I^T yf.  Separable, row by row: a fine row
   (j, k) takes the weighted sum t of the (up to) four coarse rows around it, then the 3/4, 1/4
   weights along x; the transpose runs the same steps backwards. */
static void TransferApply(const Transfer *T, PetscBool transpose, PetscScalar *f, PetscScalar *c)
{
  const GridBox *bf = &T->bf, *bc = &T->bc;
  const PetscInt dof = bf->info.dof, dim = bf->info.dim, xs = bf->info.xs, nx = bf->info.xm, nt = bc->info.gxm * dof;
  PetscScalar   *t = T->row;

  for (PetscInt k = bf->info.zs; k < bf->info.zs + bf->info.zm; k++)
    for (PetscInt j = bf->info.ys; j < bf->info.ys + bf->info.ym; j++) {
      PetscInt     cy[2] = {0, 0}, cz[2] = {0, 0};
      PetscReal    wy[2] = {1, 0}, wz[2] = {1, 0};
      PetscScalar *fr = f + dof * GridOwned(bf, xs, j, k);
      if (dim > 1) TransferWeights(j, bc->info.my, T->periodic, cy, wy);
      if (dim > 2) TransferWeights(k, bc->info.mz, T->periodic, cz, wz);
      PetscArrayzero(t, nt);
      if (transpose)
        for (PetscInt i = 0; i < nx; i++) {
          PetscInt  ci[2];
          PetscReal w[2];
          TransferWeights(xs + i, bc->info.mx, T->periodic, ci, w);
          for (PetscInt q = 0; q < dof; q++) {
            t[(ci[0] - bc->info.gxs) * dof + q] += w[0] * fr[i * dof + q];
            t[(ci[1] - bc->info.gxs) * dof + q] += w[1] * fr[i * dof + q];
          }
        }
      for (int b = 0; b < 2; b++)
        for (int a = 0; a < 2; a++) {
          const PetscReal wt = wy[a] * wz[b];
          PetscScalar    *cr = c + dof * GridGhosted(bc, bc->info.gxs, cy[a], cz[b]);
          if (wt == 0) continue;
          if (transpose)
            for (PetscInt q = 0; q < nt; q++) cr[q] += wt * t[q];
          else
            for (PetscInt q = 0; q < nt; q++) t[q] += wt * cr[q];
        }
      if (!transpose)
        for (PetscInt i = 0; i < nx; i++) {
          PetscInt  ci[2];
          PetscReal w[2];
          TransferWeights(xs + i, bc->info.mx, T->periodic, ci, w);
          for (PetscInt q = 0; q < dof; q++) fr[i * dof + q] += w[0] * t[(ci[0] - bc->info.gxs) * dof + q] + w[1] * t[(ci[1] - bc->info.gxs) * dof + q];
        }
    }
}

static PetscErrorCode TransferInterpolateAdd(Mat A, Vec xc, Vec w, Vec yf)
{
  Transfer          *T;
  PetscScalar       *y, *c;

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(UphillEvents.mg_transfer, 0, 0, 0, 0));
  PetscCall(MatShellGetContext(A, &T));
  if (!w) PetscCall(VecZeroEntries(yf));
  else if (w != yf) PetscCall(VecCopy(w, yf));
  PetscCall(DMGlobalToLocal(T->cbox, xc, INSERT_VALUES, T->cl));
  PetscCall(VecGetArray(T->cl, &c));
  PetscCall(VecGetArray(yf, &y));
  TransferApply(T, PETSC_FALSE, y, c);
  PetscCall(VecRestoreArray(yf, &y));
  PetscCall(VecRestoreArray(T->cl, &c));
  PetscCall(PetscLogEventEnd(UphillEvents.mg_transfer, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

static PetscErrorCode TransferInterpolate(Mat A, Vec xc, Vec yf) { return TransferInterpolateAdd(A, xc, NULL, yf); }

static PetscErrorCode TransferRestrict(Mat A, Vec yf, Vec xc)
{
  Transfer    *T;
  PetscScalar *y, *c;

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(UphillEvents.mg_transfer, 0, 0, 0, 0));
  PetscCall(MatShellGetContext(A, &T));
  PetscCall(VecZeroEntries(T->cl));
  PetscCall(VecGetArray(T->cl, &c));
  PetscCall(VecGetArray(yf, &y));
  TransferApply(T, PETSC_TRUE, y, c);
  PetscCall(VecRestoreArray(yf, &y));
  PetscCall(VecRestoreArray(T->cl, &c));
  PetscCall(VecZeroEntries(xc));
  PetscCall(DMLocalToGlobal(T->cbox, T->cl, ADD_VALUES, xc));
  PetscCall(PetscLogEventEnd(UphillEvents.mg_transfer, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

static PetscErrorCode TransferDestroy(Mat A)
{
  Transfer *T;

  PetscFunctionBegin;
  PetscCall(MatShellGetContext(A, &T));
  PetscCall(VecDestroy(&T->cl));
  PetscCall(DMDestroy(&T->cbox));
  PetscCall(PetscFree(T->row));
  PetscCall(PetscFree(T));
  PetscFunctionReturn(0);
}

/* dac's twin with a box stencil: the same layout, corner ghosts included. */
static PetscErrorCode BoxTwin(DM dac, DM *box)
{
  PetscInt        dim, M, N, P, m, n, p, dof, s;
  DMBoundaryType  bt[3];
  const PetscInt *lx, *ly, *lz;
  MPI_Comm        comm = PetscObjectComm((PetscObject)dac);

  PetscFunctionBegin;
  PetscCall(DMDAGetInfo(dac, &dim, &M, &N, &P, &m, &n, &p, &dof, &s, &bt[0], &bt[1], &bt[2], NULL));
  PetscCall(DMDAGetOwnershipRanges(dac, &lx, &ly, &lz));
  if (dim == 1) PetscCall(DMDACreate1d(comm, bt[0], M, dof, s, lx, box));
  else if (dim == 2) PetscCall(DMDACreate2d(comm, bt[0], bt[1], DMDA_STENCIL_BOX, M, N, m, n, dof, s, lx, ly, box));
  else PetscCall(DMDACreate3d(comm, bt[0], bt[1], bt[2], DMDA_STENCIL_BOX, M, N, P, m, n, p, dof, s, lx, ly, lz, box));
  PetscCall(DMSetUp(*box));
  PetscFunctionReturn(0);
}

static PetscErrorCode MatrixFreeInterpolation(PetscBool periodic, DM dac, DM daf, Mat *P)
{
  Transfer *T;
  Vec       xf, xc;
  PetscInt  nf, Nf, nc, Nc;

  PetscFunctionBegin;
  PetscCall(PetscNew(&T));
  T->periodic = periodic;
  PetscCall(BoxTwin(dac, &T->cbox));
  PetscCall(GridGetBox(daf, &T->bf));
  PetscCall(GridGetBox(T->cbox, &T->bc));
  PetscCall(DMCreateLocalVector(T->cbox, &T->cl));
  PetscCall(PetscMalloc1(T->bc.info.gxm * T->bc.info.dof, &T->row));
  PetscCall(DMGetGlobalVector(daf, &xf));
  PetscCall(DMGetGlobalVector(dac, &xc));
  PetscCall(VecGetLocalSize(xf, &nf));
  PetscCall(VecGetSize(xf, &Nf));
  PetscCall(VecGetLocalSize(xc, &nc));
  PetscCall(VecGetSize(xc, &Nc));
  PetscCall(DMRestoreGlobalVector(dac, &xc));
  PetscCall(DMRestoreGlobalVector(daf, &xf));
  GRID_FOR_OWNED(&T->bf, i, j, k) /* every fine cell's coarse corners within this rank's ghosts */
  {
    const PetscInt fi[3] = {i, j, k}, mc[3] = {T->bc.info.mx, T->bc.info.my, T->bc.info.mz};
    const PetscInt lo[3] = {T->bc.info.gxs, T->bc.info.gys, T->bc.info.gzs}, gm[3] = {T->bc.info.gxm, T->bc.info.gym, T->bc.info.gzm};
    for (PetscInt d = 0; d < T->bf.info.dim; d++) {
      PetscInt  c[2];
      PetscReal w[2];
      TransferWeights(fi[d], mc[d], periodic, c, w);
      for (int s = 0; s < 2; s++) PetscCheck(c[s] >= lo[d] && c[s] < lo[d] + gm[d], PETSC_COMM_SELF, PETSC_ERR_PLIB, "coarse cell %" PetscInt_FMT " outside this rank's coarse ghost box", c[s]);
    }
  }
  PetscCall(MatCreateShell(PetscObjectComm((PetscObject)daf), nf, nc, Nf, Nc, T, P));
  PetscCall(MatShellSetOperation(*P, MATOP_MULT, (void (*)(void))TransferInterpolate));
  PetscCall(MatShellSetOperation(*P, MATOP_MULT_ADD, (void (*)(void))TransferInterpolateAdd));
  PetscCall(MatShellSetOperation(*P, MATOP_MULT_TRANSPOSE, (void (*)(void))TransferRestrict));
  PetscCall(MatShellSetOperation(*P, MATOP_DESTROY, (void (*)(void))TransferDestroy));
  PetscCall(MatSetUp(*P));
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
  Mat                fine;                   /* matrix-free levels: the fine smoother's operator, or NULL */
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
    if (galerkin) PetscCall(CellCentredInterpolation((PetscBool)(app->p.bc == BC_PERIODIC), coarse->da, fine->da, &mg->interp[l]));
    else PetscCall(MatrixFreeInterpolation((PetscBool)(app->p.bc == BC_PERIODIC), coarse->da, fine->da, &mg->interp[l]));
    PetscCall(PCMGSetInterpolation(pc, l, mg->interp[l]));
    PetscCall(DMCreateGlobalVector(coarse->da, &mg->X[l - 1]));
    if (l == levels - 1 && !galerkin && ops->fine_field) PetscCall(DMCreateGlobalVector(fine->da, &mg->X[l])); /* the fine grid's field */
    { /* PCMG keeps these operators (in Galerkin mode it replaces the second by R P I) */
      KSP smoother;
      PetscCall(PCMGGetSmoother(pc, l - 1, &smoother));
      if (galerkin) PetscCall(ForwardingOperator(smoother, mg->X[l - 1], &mg->A[l - 1]));
      else if (ops->create_level && l > 1) PetscCall(ops->create_level(ops->ctx, coarse, &mg->A[l - 1]));
      else PetscCall(DMCreateMatrix(coarse->da, &mg->A[l - 1])); /* the coarsest grid's LU needs the matrix */
      PetscCall(KSPSetOperators(smoother, mg->A[l - 1], mg->A[l - 1]));
    }
  }
  if (!galerkin && ops->create_level) PetscCall(ops->create_level(ops->ctx, &mg->level[levels - 1], &mg->fine));
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
  if (mg->fine) PetscCall(mg->ops.assemble(mg->ops.ctx, &mg->level[L - 1], fine, shift, mg->fine));
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

PetscErrorCode MultigridFineOperator(Multigrid mg, Mat *A)
{
  PetscFunctionBegin;
  *A = mg ? mg->fine : NULL;
  PetscFunctionReturn(0);
}

PetscErrorCode MultigridDestroy(Multigrid *mgp)
{
  Multigrid mg = *mgp;

  PetscFunctionBegin;
  if (!mg) PetscFunctionReturn(0);
  PetscCall(MatDestroy(&mg->fine));
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
