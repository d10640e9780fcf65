/* The DMDA: a cell-centred grid with h = L/N, dof = 2 ncomp, a width-1 star stencil, of
   dimension equal to the number of directions with more than one point.  Periodic walls use
   PETSc's periodic DMDA; no-flux walls use ghosted boundaries that GridGlobalToLocal fills by
   mirroring the boundary cell (zero normal derivative at the wall face). */
#include <uphill/grid.h>
#include <uphill/errors.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* ---- the memory estimate, before anything is allocated ------------------------------------
   Peak resident memory (max RSS, /usr/bin/time) per grid point: the slope between 32^3 and
   64^3 grids, 3 steps, binary defaults (48^3 for the ternary); the larger of 1 and 2 ranks:
     etd, rosw (transforms)    267 / 254 B/point on 1 rank, 343 / 325 on 2 (the state c
                               alone, 2026-12-02; rosw on the mixed state was 432); etd
                               2026-12-03, the multistep default: 315 on 1 rank, 384-402
                               on 2 -> 400
     etd, 3 components         652 B/point on 1 rank, 717 on 2    -> 720 (64^3 vs 32^3,
                               input/ternary_spinodal.opts, 2026-12-03 with the kept ghosted
                               work state; 625 / 690 before it, 499 / 563 on 12-02):
                               320 more per extra component
     bdf (Newton-multigrid)   1428 B/point on 1 rank, 1517 on 2    -> 1520 (1477 at 128^3,
                                                                      benchmarks/README.md)
     bdf, 3 components        6458 B/point on 1 rank               -> 6500
   and 45 MB per rank at a 4^3 grid (MPI, PETSc, HDF5, FFTW) -> 50 MB.  The N-component path
   keeps full (2 nc)^2 point blocks: its bytes per point are taken to grow as nc^2. */
#define GRID_BYTES_FFT      400.0
#define GRID_BYTES_FFT_NC   320.0
#define GRID_BYTES_BDF      1520.0
#define GRID_BYTES_TERNARY  6500.0
#define GRID_BYTES_PER_RANK 50.0e6

static double GridBytesPerPoint(const Params *p)
{
  const double nc = (double)p->ncomp;
  if (IntegratorUsesTransforms(p->integrator)) return GRID_BYTES_FFT + GRID_BYTES_FFT_NC * (nc - 1);
  if (!p->general) return GRID_BYTES_BDF;
  return GRID_BYTES_TERNARY * PetscMax(1.0, nc * nc / 4.0);
}

/* A byte count from the first line of path ("max": no limit), or -1. */
static double ReadBytes(const char *path)
{
  FILE  *fp = fopen(path, "r");
  double v  = -1;
  char   line[64];
  if (!fp) return -1;
  if (fgets(line, sizeof line, fp) && strncmp(line, "max", 3)) v = strtod(line, NULL);
  fclose(fp);
  return v;
}

/* Bytes this process's node can still give: MemAvailable, capped by a cgroup memory limit
   (batch systems and containers) where one is set; 0 if neither can be read. */
static double NodeAvailableBytes(void)
{
  FILE  *fp = fopen("/proc/meminfo", "r");
  double avail = 0, limit, used;
  char   line[256];
  if (fp) {
    while (fgets(line, sizeof line, fp))
      if (sscanf(line, "MemAvailable: %lf kB", &avail) == 1) {
        avail *= 1024;
        break;
      }
    fclose(fp);
  }
  if (avail <= 0) {
#if defined(_SC_AVPHYS_PAGES)
    avail = (double)sysconf(_SC_AVPHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);
#endif
  }
  limit = ReadBytes("/sys/fs/cgroup/memory.max"); /* cgroup v2, then v1 */
  used  = ReadBytes("/sys/fs/cgroup/memory.current");
  if (limit <= 0) {
    limit = ReadBytes("/sys/fs/cgroup/memory/memory.limit_in_bytes");
    used  = ReadBytes("/sys/fs/cgroup/memory/memory.usage_in_bytes");
  }
  if (limit > 0 && limit < 1e18 && used >= 0 && (avail <= 0 || limit - used < avail)) avail = PetscMax(limit - used, 0.0);
  return avail > 0 ? avail : 0;
}

PetscErrorCode GridMemoryEstimate(MPI_Comm comm, const Params *p, GridMemory *m)
{
  PetscMPIInt size, noderanks;
  MPI_Comm    node;
  double      avail;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCallMPI(MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node));
  PetscCallMPI(MPI_Comm_size(node, &noderanks));
  PetscCallMPI(MPI_Comm_free(&node));
  m->points          = (double)p->grid[0] * (double)p->grid[1] * (double)p->grid[2];
  m->bytes_per_point = GridBytesPerPoint(p);
  m->per_rank        = GRID_BYTES_PER_RANK + m->bytes_per_point * m->points / size;
  avail              = NodeAvailableBytes() / noderanks; /* the node's memory, shared by its ranks */
  /* the tightest node decides; a node that cannot tell (0) does not */
  if (avail <= 0) avail = PETSC_MAX_REAL;
  PetscCallMPI(MPI_Allreduce(&avail, &m->available, 1, MPI_DOUBLE, MPI_MIN, comm));
  if (m->available == PETSC_MAX_REAL) m->available = 0;
  m->ranks_on_node = noderanks;
  PetscFunctionReturn(0);
}

/* Sizes in 64 bits: the unknowns must fit PETSc's index type, and the estimate the memory. */
static PetscErrorCode GridCheckSize(MPI_Comm comm, const Params *p, PetscMPIInt size)
{
  const double points = (double)p->grid[0] * (double)p->grid[1] * (double)p->grid[2], unknowns = points * 2 * (double)p->ncomp;
  GridMemory   m;

  PetscFunctionBegin;
  if (points < size)
    UPHILL_USER_ERROR(comm, "grid %" PetscInt_FMT "x%" PetscInt_FMT "x%" PetscInt_FMT " is too small for %d ranks: every rank needs at least one grid point", p->grid[0], p->grid[1], p->grid[2], size);
  if (unknowns > (double)PETSC_MAX_INT)
    UPHILL_USER_ERROR(comm, "grid %" PetscInt_FMT "x%" PetscInt_FMT "x%" PetscInt_FMT " has %.4g unknowns, more than the %" PetscInt_FMT " this PETSc's %d-bit indices can count; use a smaller grid or a PETSc configured --with-64-bit-indices", p->grid[0], p->grid[1], p->grid[2], unknowns, PETSC_MAX_INT, (int)(8 * sizeof(PetscInt)));
  if (!p->memory_check) PetscFunctionReturn(0);
  PetscCall(GridMemoryEstimate(comm, p, &m));
  if (m.available > 0 && m.per_rank > m.available)
    UPHILL_USER_ERROR(comm, "grid %" PetscInt_FMT "x%" PetscInt_FMT "x%" PetscInt_FMT " needs about %.3g GB per rank with the %s integrator (%.0f bytes per point, %.4g points over %d ranks), more than the %.3g GB per rank this node has available (%d ranks on it); use more nodes, a smaller grid, or -memory_check 0 to run anyway", p->grid[0], p->grid[1], p->grid[2], m.per_rank / 1e9, IntegratorTypes[p->integrator], m.bytes_per_point, m.points, size, m.available / 1e9, m.ranks_on_node);
  PetscFunctionReturn(0);
}

PetscErrorCode GridCreate(MPI_Comm comm, const Params *p, DM *da, PetscReal h[3])
{
  DMBoundaryType bt[3];
  PetscMPIInt    size;
  PetscInt       M[3] = {1, 1, 1}, dim = 3, dof = 2 * p->ncomp;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  while (dim > 1 && p->grid[dim - 1] == 1) dim--;
  for (PetscInt d = 0; d < dim; d++)
    if (p->grid[d] == 1) UPHILL_USER_ERROR(comm, "flat directions must come last: for quasi-2D use -da_grid_z 1, for quasi-1D -da_grid_y 1 -da_grid_z 1 (got %" PetscInt_FMT "x%" PetscInt_FMT "x%" PetscInt_FMT ")", p->grid[0], p->grid[1], p->grid[2]);
  for (int d = 0; d < 3; d++) bt[d] = p->bc == BC_PERIODIC ? DM_BOUNDARY_PERIODIC : DM_BOUNDARY_GHOSTED;
  PetscCall(GridCheckSize(comm, p, size));
  if (dim == 1) PetscCall(DMDACreate1d(comm, bt[0], p->grid[0], dof, 1, NULL, da));
  else if (dim == 2) PetscCall(DMDACreate2d(comm, bt[0], bt[1], DMDA_STENCIL_STAR, p->grid[0], p->grid[1], PETSC_DECIDE, PETSC_DECIDE, dof, 1, NULL, NULL, da));
  else PetscCall(DMDACreate3d(comm, bt[0], bt[1], bt[2], DMDA_STENCIL_STAR, p->grid[0], p->grid[1], p->grid[2], PETSC_DECIDE, PETSC_DECIDE, PETSC_DECIDE, dof, 1, NULL, NULL, NULL, da));
  PetscCall(DMSetFromOptions(*da));
  /* DMDA rejects decompositions it cannot make with its own error; report it as bad input. */
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = DMSetUp(*da);
  PetscCall(PetscPopErrorHandler());
  if (ierr) UPHILL_USER_ERROR(comm, "cannot decompose the %" PetscInt_FMT "x%" PetscInt_FMT "x%" PetscInt_FMT " grid over %d ranks (each rank needs at least one point per direction); use a larger grid or fewer ranks", p->grid[0], p->grid[1], p->grid[2], size);
  PetscCall(DMDAGetInfo(*da, NULL, &M[0], &M[1], &M[2], NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  for (int d = 0; d < 3; d++) h[d] = p->length[d] / (PetscReal)(d < dim ? M[d] : 1);
  if (p->bc == BC_NOFLUX) PetscCall(DMDASetInterpolationType(*da, DMDA_Q0)); /* cell-centred coarsening N -> N/2 */
  PetscCall(DMDASetFieldName(*da, 0, "c"));
  PetscCall(DMDASetFieldName(*da, 1, "mu"));
  PetscFunctionReturn(0);
}

PetscErrorCode GridGetBox(DM da, GridBox *b)
{
  DMBoundaryType bt[3];

  PetscFunctionBegin;
  PetscCall(DMDAGetLocalInfo(da, &b->info));
  PetscCall(DMDAGetInfo(da, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &bt[0], &bt[1], &bt[2], NULL));
  b->off[0] = 1;
  b->off[1] = b->info.dim > 1 ? b->info.gxm : 0;
  b->off[2] = b->info.dim > 2 ? b->info.gxm * b->info.gym : 0;
  const PetscInt s[3] = {b->info.xs, b->info.ys, b->info.zs}, m[3] = {b->info.xm, b->info.ym, b->info.zm}, n[3] = {b->info.mx, b->info.my, b->info.mz};
  for (int d = 0; d < 3; d++) {
    const PetscBool walls = (PetscBool)(d < b->info.dim && bt[d] != DM_BOUNDARY_PERIODIC);
    b->wall[d][0]         = (PetscBool)(walls && s[d] == 0);
    b->wall[d][1]         = (PetscBool)(walls && s[d] + m[d] == n[d]);
  }
  PetscFunctionReturn(0);
}

/* Mirror the owned boundary layer into the outer ghost layer at every no-flux wall of l's box. */
static PetscErrorCode GridFillWalls(DM da, Vec l)
{
  GridBox      b;
  PetscScalar *x;

  PetscFunctionBegin;
  PetscCall(GridGetBox(da, &b));
  PetscCall(VecGetArray(l, &x));
  const PetscInt dof = b.info.dof;
  const PetscInt lo[3] = {b.info.xs, b.info.ys, b.info.zs}, hi[3] = {b.info.xs + b.info.xm - 1, b.info.ys + b.info.ym - 1, b.info.zs + b.info.zm - 1};
  for (int d = 0; d < b.info.dim; d++)
    for (int side = 0; side < 2; side++) {
      if (!b.wall[d][side]) continue;
      const PetscInt face = side ? hi[d] : lo[d], step = side ? b.off[d] : -b.off[d];
      /* the owned boundary layer copies itself into its outer ghost layer */
      PetscInt s[3] = {lo[0], lo[1], lo[2]}, e[3] = {hi[0], hi[1], hi[2]};
      s[d] = e[d] = face;
      for (PetscInt k = s[2]; k <= e[2]; k++)
        for (PetscInt j = s[1]; j <= e[1]; j++)
          for (PetscInt i = s[0]; i <= e[0]; i++) {
            const PetscInt p = GridGhosted(&b, i, j, k) * dof;
            for (PetscInt c = 0; c < dof; c++) x[p + step * dof + c] = x[p + c];
          }
    }
  PetscCall(VecRestoreArray(l, &x));
  PetscFunctionReturn(0);
}

/* The global-to-local scatter, and the wall mirror unless da is periodic. */
static PetscErrorCode GridScatterGhosted(DM da, Vec g, Vec l)
{
  DMBoundaryType bx;

  PetscFunctionBegin;
  PetscCall(DMGlobalToLocal(da, g, INSERT_VALUES, l));
  PetscCall(DMDAGetInfo(da, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &bx, NULL, NULL, NULL));
  if (bx != DM_BOUNDARY_PERIODIC) PetscCall(GridFillWalls(da, l));
  PetscFunctionReturn(0);
}

PetscErrorCode GridFillGhosts(DM da, Vec g, Vec l) { return GridScatterGhosted(da, g, l); }

/* The owned box cut to the plane at index q of direction d: lo <= index < hi. */
static void GridPlaneBox(const GridBox *b, PetscInt d, PetscInt q, PetscInt lo[3], PetscInt hi[3])
{
  const PetscInt s[3] = {b->info.xs, b->info.ys, b->info.zs}, m[3] = {b->info.xm, b->info.ym, b->info.zm};

  for (int e = 0; e < 3; e++) lo[e] = s[e], hi[e] = s[e] + m[e];
  lo[d] = q, hi[d] = q + 1;
}

/* n entries from src to dst (apart): a plane across x has rows of one cell, and a call to memcpy
   for each of its dof entries cost more than the copy (1.3% of problem (e)'s run). */
static inline void GridCopyRow(const PetscScalar *restrict src, PetscInt n, PetscScalar *restrict dst)
{
  if (n > 16) memcpy(dst, src, (size_t)n * sizeof *src);
  else
    for (PetscInt i = 0; i < n; i++) dst[i] = src[i];
}

/* Copy the dof entries of the plane at index q of direction d (other directions: the owned
   range) between the ghosted array x and buf, in one fixed order (a row of cells at a time). */
static PetscInt GridPlane(const GridBox *b, PetscScalar *x, PetscInt d, PetscInt q, PetscScalar *buf, PetscBool pack)
{
  PetscInt lo[3], hi[3], n = 0;

  GridPlaneBox(b, d, q, lo, hi);
  const PetscInt len = b->info.dof * (hi[0] - lo[0]);
  for (PetscInt k = lo[2]; k < hi[2]; k++)
    for (PetscInt j = lo[1]; j < hi[1]; j++, n += len) {
      PetscScalar *p = x + b->info.dof * GridGhosted(b, lo[0], j, k);
      if (pack) GridCopyRow(p, len, buf + n);
      else GridCopyRow(buf + n, len, p);
    }
  return n;
}

/* The plane at index from of direction d onto the plane at index to, both in x: the ghosts of a
   periodic direction that this rank spans alone (no message to itself). */
static void GridPlaneCopy(const GridBox *b, PetscScalar *x, PetscInt d, PetscInt from, PetscInt to)
{
  PetscInt lo[3], hi[3];

  GridPlaneBox(b, d, from, lo, hi);
  const PetscInt len = b->info.dof * (hi[0] - lo[0]), shift = b->info.dof * (to - from) * b->off[d];
  for (PetscInt k = lo[2]; k < hi[2]; k++)
    for (PetscInt j = lo[1]; j < hi[1]; j++) {
      PetscScalar *p = x + b->info.dof * GridGhosted(b, lo[0], j, k);
      GridCopyRow(p, len, p + shift);
    }
}

/* In place: l's face ghosts from the neighbours' owned boundary planes (point-to-point
   messages of one plane per face, against the whole-array copy of DMDA's local-to-local
   scatter), then the wall mirror.  Star stencils only: edges and corners are not filled. */
PetscErrorCode GridUpdateGhosts(DM da, Vec l)
{
  GridBox           b;
  const PetscMPIInt *nb;
  PetscMPIInt       nb1[3];
  PetscScalar      *x, *buf[3][2][2] = {{{NULL}}}; /* [direction][side][send, receive] */
  MPI_Request       req[12];
  PetscInt          nreq = 0;
  MPI_Comm          comm = PetscObjectComm((PetscObject)da);

  PetscFunctionBegin;
  PetscCall(GridGetBox(da, &b));
  if (b.info.dim == 1) { /* DMDAGetNeighbors has no 1D version: the ranks are in x order */
    PetscMPIInt    rank, size;
    DMBoundaryType bx;
    PetscCallMPI(MPI_Comm_rank(comm, &rank));
    PetscCallMPI(MPI_Comm_size(comm, &size));
    PetscCall(DMDAGetInfo(da, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &bx, NULL, NULL, NULL));
    nb1[0] = rank > 0 ? rank - 1 : bx == DM_BOUNDARY_PERIODIC ? size - 1 : -1;
    nb1[1] = rank;
    nb1[2] = rank < size - 1 ? rank + 1 : bx == DM_BOUNDARY_PERIODIC ? 0 : -1;
    nb     = nb1;
  } else PetscCall(DMDAGetNeighbors(da, &nb));
  PetscCall(VecGetArray(l, &x));
  const PetscInt m[3] = {b.info.xm, b.info.ym, b.info.zm}, s[3] = {b.info.xs, b.info.ys, b.info.zs}, dim = b.info.dim;
  const PetscInt centre = dim == 1 ? 1 : dim == 2 ? 4 : 13;
  for (PetscInt d = 0; d < dim; d++)
    for (int side = 0; side < 2; side++) {
      /* the neighbour across this face: DMDAGetNeighbors' index of offset (+-1 along d) */
      const PetscInt    stride = d == 0 ? 1 : d == 1 ? 3 : 9;
      const PetscMPIInt rank   = nb[centre + (side ? stride : -stride)];
      const PetscInt    count  = b.info.dof * (m[0] * m[1] * m[2] / m[d]);
      if (rank < 0) continue; /* a wall */
      if (rank == nb[centre]) { /* periodic, this rank alone along d: its own opposite plane */
        GridPlaneCopy(&b, x, d, side ? s[d] : s[d] + m[d] - 1, side ? s[d] + m[d] : s[d] - 1);
        continue;
      }
      PetscCall(PetscMalloc2(count, &buf[d][side][0], count, &buf[d][side][1]));
      PetscCallMPI(MPI_Irecv(buf[d][side][1], (PetscMPIInt)count, MPIU_SCALAR, rank, (PetscMPIInt)(2 * d + side), comm, &req[nreq++]));
      (void)GridPlane(&b, x, d, side ? s[d] + m[d] - 1 : s[d], buf[d][side][0], PETSC_TRUE);
      /* my low plane is the low neighbour's high ghost: tagged with the receiver's side */
      PetscCallMPI(MPI_Isend(buf[d][side][0], (PetscMPIInt)count, MPIU_SCALAR, rank, (PetscMPIInt)(2 * d + 1 - side), comm, &req[nreq++]));
    }
  PetscCallMPI(MPI_Waitall((PetscMPIInt)nreq, req, MPI_STATUSES_IGNORE));
  for (PetscInt d = 0; d < dim; d++)
    for (int side = 0; side < 2; side++) {
      if (!buf[d][side][1]) continue;
      (void)GridPlane(&b, x, d, side ? s[d] + m[d] : s[d] - 1, buf[d][side][1], PETSC_FALSE);
      PetscCall(PetscFree2(buf[d][side][0], buf[d][side][1]));
    }
  PetscCall(VecRestoreArray(l, &x));
  if (b.wall[0][0] || b.wall[0][1] || b.wall[1][0] || b.wall[1][1] || b.wall[2][0] || b.wall[2][1]) PetscCall(GridFillWalls(da, l));
  PetscFunctionReturn(0);
}

/* A row of n cells: the nc entries of each from src into the first nc of each of dst's dof. */
static inline __attribute__((always_inline)) void RowEntries(const PetscScalar *restrict src, PetscInt n, PetscInt nc, PetscInt dof, PetscScalar *restrict dst)
{
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt r = 0; r < nc; r++) dst[dof * i + r] = src[nc * i + r];
}

PetscErrorCode GridSetOwnedEntries(DM da, Vec C, Vec l)
{
  GridBox            b;
  const PetscScalar *c;
  PetscScalar       *x;
  PetscInt           nc, n;

  PetscFunctionBegin;
  PetscCall(GridGetBox(da, &b));
  PetscCall(VecGetBlockSize(C, &nc));
  PetscCall(VecGetLocalSize(C, &n));
  const PetscInt dof = b.info.dof;
  PetscCheck(nc <= dof && n == nc * b.info.xm * b.info.ym * b.info.zm, PetscObjectComm((PetscObject)da), PETSC_ERR_ARG_SIZ, "a vector of %" PetscInt_FMT " entries in blocks of %" PetscInt_FMT " is not a field of this grid's cells", n, nc);
  PetscCall(VecGetArrayRead(C, &c));
  PetscCall(VecGetArray(l, &x));
  for (PetscInt k = b.info.zs; k < b.info.zs + b.info.zm; k++)
    for (PetscInt j = b.info.ys; j < b.info.ys + b.info.ym; j++) {
      const PetscScalar *src = c + nc * GridOwned(&b, b.info.xs, j, k);
      PetscScalar       *dst = x + dof * GridGhosted(&b, b.info.xs, j, k);
      if (nc == 2 && dof == 4) RowEntries(src, b.info.xm, 2, 4, dst); /* the ternary's, written out */
      else RowEntries(src, b.info.xm, nc, dof, dst);
    }
  PetscCall(VecRestoreArray(l, &x));
  PetscCall(VecRestoreArrayRead(C, &c));
  PetscFunctionReturn(0);
}

/* A row of n cells: entry r of each of src's cells (nc a cell) into field r's row. */
static inline __attribute__((always_inline)) void RowFields(const PetscScalar *restrict src, PetscInt n, PetscInt nc, PetscScalar *const *dst)
{
  for (PetscInt r = 0; r < nc; r++) {
    PetscScalar *restrict d = dst[r];
    for (PetscInt i = 0; i < n; i++) d[i] = src[nc * i + r];
  }
}

PetscErrorCode GridSetOwnedFields(DM da1, Vec C, Vec l[])
{
  GridBox            b;
  const PetscScalar *c;
  PetscScalar       *x[UPHILL_MAX_NC];
  PetscInt           nc, n;

  PetscFunctionBegin;
  PetscCall(GridGetBox(da1, &b));
  PetscCall(VecGetBlockSize(C, &nc));
  PetscCall(VecGetLocalSize(C, &n));
  PetscCheck(b.info.dof == 1 && nc <= UPHILL_MAX_NC && n == nc * b.info.xm * b.info.ym * b.info.zm, PetscObjectComm((PetscObject)da1), PETSC_ERR_ARG_SIZ, "a vector of %" PetscInt_FMT " entries in blocks of %" PetscInt_FMT " is not a set of fields of this scalar grid's cells", n, nc);
  PetscCall(VecGetArrayRead(C, &c));
  for (PetscInt r = 0; r < nc; r++) PetscCall(VecGetArray(l[r], &x[r]));
  for (PetscInt k = b.info.zs; k < b.info.zs + b.info.zm; k++)
    for (PetscInt j = b.info.ys; j < b.info.ys + b.info.ym; j++) {
      const PetscInt q = GridGhosted(&b, b.info.xs, j, k);
      PetscScalar   *dst[UPHILL_MAX_NC];
      for (PetscInt r = 0; r < nc; r++) dst[r] = x[r] + q;
      if (nc == 2) RowFields(c + 2 * GridOwned(&b, b.info.xs, j, k), b.info.xm, 2, dst); /* the ternary's, written out */
      else RowFields(c + nc * GridOwned(&b, b.info.xs, j, k), b.info.xm, nc, dst);
    }
  for (PetscInt r = 0; r < nc; r++) PetscCall(VecRestoreArray(l[r], &x[r]));
  PetscCall(VecRestoreArrayRead(C, &c));
  PetscFunctionReturn(0);
}

PetscErrorCode GridGlobalToLocal(const App *app, Vec g, Vec l)
{
  PetscFunctionBegin;
  PetscCall(GridScatterGhosted(app->da, g, l));
  PetscFunctionReturn(0);
}

PetscErrorCode GridGetGhostedArrayRead(DM da, Vec g, Vec *l, const PetscScalar **x)
{
  PetscFunctionBegin;
  PetscCall(DMGetLocalVector(da, l));
  PetscCall(GridScatterGhosted(da, g, *l));
  PetscCall(VecGetArrayRead(*l, x));
  PetscFunctionReturn(0);
}

PetscErrorCode GridRestoreGhostedArrayRead(DM da, Vec *l, const PetscScalar **x)
{
  PetscFunctionBegin;
  PetscCall(VecRestoreArrayRead(*l, x));
  PetscCall(DMRestoreLocalVector(da, l));
  PetscFunctionReturn(0);
}
