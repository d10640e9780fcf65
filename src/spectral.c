/* Transform-diagonalised constant-coefficient operators (spectral.h).  The field goes to
   natural order and to FFTW's slabs (a contiguous range of the slowest index per rank, as in
   analysis.c), is transformed -- real-to-complex on periodic boxes, DCT-II (REDFT10) under
   no-flux walls -- divided by the operator's eigenvalue and transformed back (complex-to-real,
   DCT-III = REDFT01).  FFTW's transforms are unnormalised: the round trip multiplies by N
   (periodic) or by prod 2 N_d (walls), folded into the stored 1/norm.  On one rank the DMDA's
   global order is the natural order and the slab is the whole grid, so the two scatters are
   skipped, and the cosine transforms go through an r2c of the same size (cosine_fft.c).
   Quasi-1D grids are transformed as 1 x N. */
#include <uphill/log_events.h>
#include <uphill/spectral.h>
#include "cosine_fft.h"
#include <fftw3-mpi.h>
#include <stdlib.h>
#include <string.h>

struct _p_Spectral {
  DM         da1;              /* scalar DMDA compatible with the state's */
  Vec        nat, slab;        /* natural-order field and this rank's slab (parallel only) */
  VecScatter toslab;
  PetscBool  serial;
  PetscBool  r2c;              /* periodic: r2c/c2r; walls: r2r cosine transforms */
  fftw_plan  forward, backward;
  CosineFFT  cosine;           /* one rank, walls: the cosine transforms through an r2c */
  double    *rin;              /* slab in real space (r2c: rows padded to 2 (n_last/2 + 1)); NULL with cosine */
  double    *out;              /* spectral coefficients (complex pairs for r2c) */
  PetscReal *lambda;           /* eigenvalue of -Lap_h of each local spectral coefficient */
  PetscReal *weight;           /* Parseval: sum_x x^2 = sum_k weight_k |xhat_k|^2 */
  ptrdiff_t  nspec;            /* local spectral coefficients */
  PetscInt   nreal;            /* one rank: cells of the grid */
  ptrdiff_t  local_n0, local_0_start;
  PetscInt   n[3], ndim;       /* transform dimensions, slowest first */
  PetscReal  inorm;            /* 1 / (round-trip factor) */
  unsigned   flags;            /* FFTW planner: FFTW_MEASURE or FFTW_ESTIMATE */
};

/* (2/h)^2 sin^2(pi m / period) for m = 0 .. count-1, period = N (periodic) or 2N (walls). */
static void Eigen1D(PetscInt count, PetscReal h, PetscReal period, PetscReal *e)
{
  for (PetscInt m = 0; m < count; m++) e[m] = 4.0 / (h * h) * PetscSqr(PetscSinReal(PETSC_PI * (PetscReal)m / period));
}

/* Parseval's factor of coefficient (i0, i1, l) (slowest first), the round trip's 1/norm aside:
   r2c stores half the spectrum, so a coefficient stands for itself and its conjugate (2) except
   on the planes l = 0 and l = n/2; FFTW's DCT-II is 2 sum x cos(...), whose zero-frequency row
   carries half the weight in each transformed direction (the flat direction of a line is not
   transformed). */
static PetscReal ParsevalFactor(const Spectral s, PetscInt i0, PetscInt i1, PetscInt l)
{
  const PetscInt nl = s->n[s->ndim - 1];
  if (s->r2c) return (l == 0 || 2 * l == nl) ? 1 : 2;
  PetscReal f = l == 0 ? 0.5 : 1;
  if (s->ndim == 3 && i1 == 0) f *= 0.5;
  if (s->n[0] > 1 && i0 == 0) f *= 0.5;
  return f;
}

static PetscErrorCode SpectralEigenvalues(Spectral s, const App *app)
{
  PetscReal *e[3];
  PetscInt   count[3];

  PetscFunctionBegin;
  for (PetscInt d = 0; d < s->ndim; d++) { /* FFT dimension d is grid direction ndim-1-d */
    const PetscInt g = s->ndim - 1 - d;
    count[d]         = (s->r2c && d == s->ndim - 1) ? s->n[d] / 2 + 1 : s->n[d];
    PetscCall(PetscMalloc1(count[d], &e[d]));
    Eigen1D(count[d], app->h[g], (PetscReal)(s->r2c ? s->n[d] : 2 * s->n[d]), e[d]);
  }
  const PetscInt nmid = s->ndim == 3 ? count[1] : 1, nlast = count[s->ndim - 1];
  PetscCall(PetscMalloc2(s->nspec, &s->lambda, s->nspec, &s->weight));
  for (PetscInt i0 = 0; i0 < (PetscInt)s->local_n0; i0++)
    for (PetscInt i1 = 0; i1 < nmid; i1++)
      for (PetscInt l = 0; l < nlast; l++) {
        const PetscInt k = (i0 * nmid + i1) * nlast + l, g0 = (PetscInt)s->local_0_start + i0;
        s->lambda[k]     = e[0][g0] + (s->ndim == 3 ? e[1][i1] : 0) + e[s->ndim - 1][l];
        s->weight[k]     = s->inorm * ParsevalFactor(s, g0, i1, l);
      }
  for (PetscInt d = 0; d < s->ndim; d++) PetscCall(PetscFree(e[d]));
  PetscFunctionReturn(0);
}

/* FFTW's wisdom the measured transforms were planned from, the same on every rank: what a restart
   imports (SpectralWisdomImport) to plan the same transforms.  Process-wide, as FFTW's own wisdom
   (and as it, malloc'ed: it outlives PetscFinalize). */
static char *planned_wisdom;

/* Sizes and FFTW buffers of this rank's part: a line, the whole grid (one rank: unpadded, as the
   vectors themselves, so that the transforms can read and write their arrays directly --
   SpectralDirect), or a slab of FFTW-MPI.  A quasi-1D grid is one line: FFTW-MPI would put it all
   on the first rank anyway (its distributed dimension has length 1), so serial 1D transforms go
   there and none elsewhere. */
static PetscErrorCode SpectralLayout(Spectral s, MPI_Comm comm)
{
  PetscMPIInt rank;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  s->inorm = 1;
  for (PetscInt d = 0; d < s->ndim; d++) s->inorm /= (PetscReal)(s->r2c ? s->n[d] : 2 * s->n[d]);
  if (s->n[0] == 1) { /* no transform along the flat direction */
    const int n = (int)s->n[1];
    s->inorm         = 1.0 / (PetscReal)(s->r2c ? n : 2 * n);
    s->local_n0      = rank == 0 ? 1 : 0;
    s->local_0_start = 0;
    s->nspec         = s->local_n0 * (s->r2c ? n / 2 + 1 : n);
    if (!s->local_n0) PetscFunctionReturn(0);
    s->rin = FFTAllocZeroed(2 * (n / 2 + 1));
    s->out = FFTAllocZeroed(2 * (n / 2 + 1));
  } else if (s->serial) {
    ptrdiff_t size = 1, csize = 1;
    for (PetscInt d = 0; d < s->ndim; d++) {
      size *= s->n[d];
      csize *= (s->r2c && d == s->ndim - 1) ? s->n[d] / 2 + 1 : s->n[d];
    }
    s->local_n0      = s->n[0];
    s->local_0_start = 0;
    s->nspec         = csize;
    s->nreal         = (PetscInt)size;
    s->out = FFTAllocZeroed(s->r2c ? 2 * csize : size);
    PetscCheck(s->out, PETSC_COMM_SELF, PETSC_ERR_MEM, "cannot allocate FFT buffers");
    if (!s->r2c) PetscFunctionReturn(0); /* the cosine path keeps its real-space buffer */
    s->rin = FFTAllocZeroed(size);
  } else {
    ptrdiff_t nd[3], alloc;
    for (PetscInt d = 0; d < s->ndim; d++) nd[d] = (s->r2c && d == s->ndim - 1) ? s->n[d] / 2 + 1 : s->n[d];
    alloc    = fftw_mpi_local_size(s->ndim, nd, comm, &s->local_n0, &s->local_0_start);
    s->rin   = FFTAllocZeroed(s->r2c ? 2 * alloc : alloc);
    s->out   = FFTAllocZeroed(s->r2c ? 2 * alloc : alloc);
    s->nspec = s->local_n0 * (s->ndim == 3 ? nd[1] : 1) * nd[s->ndim - 1];
  }
  PetscCheck(s->rin && s->out, PETSC_COMM_SELF, PETSC_ERR_MEM, "cannot allocate FFT buffers");
  PetscFunctionReturn(0);
}

/* The forward and backward plans on the buffers of SpectralLayout (collective with several ranks). */
static PetscErrorCode SpectralMakePlans(Spectral s, MPI_Comm comm)
{
  const unsigned fl = s->flags;
  int            n[3];
  ptrdiff_t      nd[3];

  PetscFunctionBegin;
  for (PetscInt d = 0; d < s->ndim; d++) n[d] = (int)(nd[d] = s->n[d]);
  if (s->n[0] == 1) {
    if (!s->local_n0) PetscFunctionReturn(0);
    if (s->r2c) {
      s->forward  = fftw_plan_dft_r2c_1d(n[1], s->rin, (fftw_complex *)s->out, fl);
      s->backward = fftw_plan_dft_c2r_1d(n[1], (fftw_complex *)s->out, s->rin, fl);
    } else {
      s->forward  = fftw_plan_r2r_1d(n[1], s->rin, s->out, FFTW_REDFT10, fl);
      s->backward = fftw_plan_r2r_1d(n[1], s->out, s->rin, FFTW_REDFT01, fl);
    }
  } else if (s->serial && !s->r2c) {
    PetscCall(CosineFFTCreate(s->ndim, s->n, fl, &s->cosine)); /* 2-3x sooner than FFTW's REDFT plans */
    PetscFunctionReturn(0);
  } else if (s->serial) { /* FFTW's serial planner: FFTW-MPI's one-process plans took 1.5x as long at 48^3 */
    int nc[3] = {n[0], n[1], n[2]};
    nc[s->ndim - 1] = n[s->ndim - 1] / 2 + 1;
    s->forward      = fftw_plan_many_dft_r2c((int)s->ndim, n, 1, s->rin, n, 1, 0, (fftw_complex *)s->out, nc, 1, 0, fl | FFTW_PRESERVE_INPUT);
    s->backward     = fftw_plan_many_dft_c2r((int)s->ndim, n, 1, (fftw_complex *)s->out, nc, 1, 0, s->rin, n, 1, 0, fl);
  } else if (s->r2c) {
    s->forward  = fftw_mpi_plan_dft_r2c(s->ndim, nd, s->rin, (fftw_complex *)s->out, comm, fl);
    s->backward = fftw_mpi_plan_dft_c2r(s->ndim, nd, (fftw_complex *)s->out, s->rin, comm, fl);
  } else {
    fftw_r2r_kind fk[3] = {FFTW_REDFT10, FFTW_REDFT10, FFTW_REDFT10}, bk[3] = {FFTW_REDFT01, FFTW_REDFT01, FFTW_REDFT01};
    s->forward  = fftw_mpi_plan_r2r(s->ndim, nd, s->rin, s->out, comm, fk, fl);
    s->backward = fftw_mpi_plan_r2r(s->ndim, nd, s->out, s->rin, comm, bk, fl);
  }
  PetscCheck(s->forward && s->backward, PETSC_COMM_SELF, PETSC_ERR_LIB, "FFTW could not plan the transforms");
  PetscFunctionReturn(0);
}

static PetscErrorCode SpectralFreePlans(Spectral s)
{
  PetscFunctionBegin;
  if (s->forward) fftw_destroy_plan(s->forward);
  if (s->backward) fftw_destroy_plan(s->backward);
  s->forward = s->backward = NULL;
  PetscCall(CosineFFTDestroy(&s->cosine));
  PetscFunctionReturn(0);
}

/* Rank 0's wisdom, merged with every rank's, becomes every rank's only wisdom and planned_wisdom
   (collective).  Importing it over their own would not do: FFTW keeps an entry it has over an
   imported one of the same rigour, and the order of the entries decides between some. */
static PetscErrorCode SpectralShareWisdom(MPI_Comm comm)
{
  PetscMPIInt rank;
  char       *w   = NULL;
  int         len = 0, ok;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  fftw_mpi_gather_wisdom(comm);
  if (!rank) {
    w   = fftw_export_wisdom_to_string();
    len = w ? (int)strlen(w) + 1 : 0;
  }
  PetscCallMPI(MPI_Bcast(&len, 1, MPI_INT, 0, comm));
  PetscCheck(len, comm, PETSC_ERR_LIB, "FFTW exported no wisdom after measuring its plans");
  if (rank) w = (char *)malloc((size_t)len);
  PetscCheck(w, PETSC_COMM_SELF, PETSC_ERR_MEM, "cannot allocate FFTW's wisdom");
  PetscCallMPI(MPI_Bcast(w, len, MPI_CHAR, 0, comm));
  fftw_forget_wisdom();
  ok = fftw_import_wisdom_from_string(w);
  PetscCheck(ok, PETSC_COMM_SELF, PETSC_ERR_LIB, "FFTW does not accept rank 0's wisdom");
  free(planned_wisdom);
  planned_wisdom = w;
  PetscFunctionReturn(0);
}

/* Measured plans (FFTW_MEASURE) depend on timings: two runs may choose differently, and so may two
   ranks for the same local problem.  Where planning measured anything (not all of it came from
   wisdom a restart imported), the wisdom is shared (SpectralShareWisdom) and the transforms are
   planned again from it alone -- the plans a restart that imports it will make (checkpoint.c
   stores planned_wisdom): the restarted run repeats this one bit for bit, on any number of ranks. */
static PetscErrorCode SpectralPlan(Spectral s, MPI_Comm comm)
{
  char  *before, *after;
  int    measured, any;
  double t0, t;

  PetscFunctionBegin;
  PetscCall(SpectralLayout(s, comm));
  if (s->flags & FFTW_ESTIMATE) { /* FFTW_MEASURE is 0 */
    PetscCall(SpectralMakePlans(s, comm));
    PetscFunctionReturn(0);
  }
  t0     = MPI_Wtime();
  before = planned_wisdom ? fftw_export_wisdom_to_string() : NULL; /* wisdom imported: did it suffice? */
  PetscCall(SpectralMakePlans(s, comm));
  after    = before ? fftw_export_wisdom_to_string() : NULL;
  measured = !before || !after || strcmp(before, after);
  free(before);
  free(after);
  PetscCallMPI(MPI_Allreduce(&measured, &any, 1, MPI_INT, MPI_LOR, comm));
  if (!any) {
    PetscCall(PetscInfo(NULL, "FFTW plans from the imported wisdom alone\n"));
    PetscFunctionReturn(0);
  }
  PetscCall(SpectralShareWisdom(comm));
  PetscCall(PetscInfo(NULL, "FFTW plans measured; planned again from rank 0's wisdom, shared\n"));
  PetscCall(SpectralFreePlans(s));
  PetscCall(SpectralMakePlans(s, comm));
  t = MPI_Wtime() - t0; /* a long wait before the first step should not look like a hang */
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &t, 1, MPI_DOUBLE, MPI_MAX, comm));
  if (t > 1) PetscCall(PetscPrintf(comm, "  transforms  FFTW measured its plans in %.1f s (a restart on as many ranks reuses them; -fft_planning estimate: no measuring)\n", t));
  PetscFunctionReturn(0);
}

PetscErrorCode SpectralCreate(const App *app, Spectral *sp)
{
  Spectral    s;
  PetscInt    dim, M[3], rest = 1;
  PetscMPIInt size;
  MPI_Comm    comm = PetscObjectComm((PetscObject)app->da);

  PetscFunctionBegin;
  PetscCall(PetscNew(&s));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  s->serial = (PetscBool)(size == 1);
  s->r2c    = (PetscBool)(app->p.bc == BC_PERIODIC);
  s->flags  = app->p.fft_measure ? FFTW_MEASURE : FFTW_ESTIMATE;
  fftw_mpi_init(); /* also on one rank: FFTW's wisdom carries a hash of the registered solvers,
                      and a restart (SpectralWisdomImport) must see the same set */
  PetscCall(DMDAGetInfo(app->da, &dim, &M[0], &M[1], &M[2], NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  s->ndim = PetscMax(dim, 2);
  for (PetscInt d = 0; d < s->ndim; d++) {
    const PetscInt g = s->ndim - 1 - d;
    s->n[d]          = g < dim ? M[g] : 1;
  }
  PetscCall(SpectralPlan(s, comm));
  PetscCall(SpectralEigenvalues(s, app));
  PetscCall(DMDACreateCompatibleDMDA(app->da, 1, &s->da1));
  if (!s->serial) {
    IS is;
    for (PetscInt d = 1; d < s->ndim; d++) rest *= s->n[d];
    PetscCall(DMDACreateNaturalVector(s->da1, &s->nat));
    PetscCall(VecCreateMPI(comm, (PetscInt)s->local_n0 * rest, PETSC_DETERMINE, &s->slab));
    PetscCall(ISCreateStride(comm, (PetscInt)s->local_n0 * rest, (PetscInt)s->local_0_start * rest, 1, &is));
    PetscCall(VecScatterCreate(s->nat, is, s->slab, NULL, &s->toslab));
    PetscCall(ISDestroy(&is));
  }
  *sp = s;
  PetscFunctionReturn(0);
}

PetscErrorCode SpectralScalarDM(Spectral sp, DM *da1)
{
  PetscFunctionBegin;
  *da1 = sp->da1;
  PetscFunctionReturn(0);
}

/* Rows of the slab between a vector (natural order, unpadded) and FFTW's input (padded for r2c). */
static void SlabCopy(Spectral s, const PetscScalar *from, PetscScalar *to, PetscBool topadded)
{
  const PetscInt nl = s->n[s->ndim - 1], stride = s->r2c && !s->serial ? 2 * (nl / 2 + 1) : nl;
  const PetscInt rows = (PetscInt)s->local_n0 * (s->ndim == 3 ? s->n[1] : 1);
  for (PetscInt r = 0; r < rows; r++) {
    if (topadded) memcpy(to + r * stride, from + r * nl, (size_t)nl * sizeof *to);
    else memcpy(to + r * nl, from + r * stride, (size_t)nl * sizeof *to);
  }
}

static PetscErrorCode ToSlab(Spectral s, Vec x)
{
  const PetscScalar *a;

  PetscFunctionBegin;
  if (s->serial) {
    PetscCall(VecGetArrayRead(x, &a));
    SlabCopy(s, a, s->rin, PETSC_TRUE);
    PetscCall(VecRestoreArrayRead(x, &a));
    PetscFunctionReturn(0);
  }
  PetscCall(DMDAGlobalToNaturalBegin(s->da1, x, INSERT_VALUES, s->nat));
  PetscCall(DMDAGlobalToNaturalEnd(s->da1, x, INSERT_VALUES, s->nat));
  PetscCall(VecScatterBegin(s->toslab, s->nat, s->slab, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(s->toslab, s->nat, s->slab, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecGetArrayRead(s->slab, &a));
  SlabCopy(s, a, s->rin, PETSC_TRUE);
  PetscCall(VecRestoreArrayRead(s->slab, &a));
  PetscFunctionReturn(0);
}

static PetscErrorCode FromSlab(Spectral s, Vec y)
{
  PetscScalar *a;

  PetscFunctionBegin;
  PetscCall(VecGetArray(s->serial ? y : s->slab, &a));
  SlabCopy(s, s->rin, a, PETSC_FALSE);
  PetscCall(VecRestoreArray(s->serial ? y : s->slab, &a));
  if (s->serial) PetscFunctionReturn(0);
  PetscCall(VecScatterBegin(s->toslab, s->slab, s->nat, INSERT_VALUES, SCATTER_REVERSE));
  PetscCall(VecScatterEnd(s->toslab, s->slab, s->nat, INSERT_VALUES, SCATTER_REVERSE));
  PetscCall(DMDANaturalToGlobalBegin(s->da1, s->nat, INSERT_VALUES, y));
  PetscCall(DMDANaturalToGlobalEnd(s->da1, s->nat, INSERT_VALUES, y));
  PetscFunctionReturn(0);
}

/* One rank, and the arrays aligned as the planning buffers: the plans run on them directly. */
static PetscBool SpectralDirect(Spectral s, const double *real, const double *coef)
{
  if (s->cosine) return PETSC_TRUE; /* FFTW sees only its own buffers */
  return (PetscBool)(s->serial && s->n[0] > 1 && fftw_alignment_of((double *)real) == fftw_alignment_of(s->rin) && (!coef || fftw_alignment_of((double *)coef) == fftw_alignment_of(s->out)));
}

static void ExecuteForward(Spectral s, const double *in, double *out)
{
  if (s->r2c) fftw_execute_dft_r2c(s->forward, (double *)in, (fftw_complex *)out);
  else if (s->cosine) CosineFFTForward(s->cosine, in, out);
  else fftw_execute_r2r(s->forward, (double *)in, out);
}

static void ExecuteBackward(Spectral s, double *in, double *out)
{
  if (s->r2c) fftw_execute_dft_c2r(s->backward, (fftw_complex *)in, out);
  else if (s->cosine) CosineFFTInverse(s->cosine, in, out);
  else fftw_execute_r2r(s->backward, in, out);
}

/* Divide the transformed field by the operator's eigenvalues (and the transforms' round trip). */
static void SpectralDivide(Spectral s, PetscReal alpha, PetscReal beta, PetscReal gamma)
{
  const PetscReal *lam = s->lambda, inorm = s->inorm;
  double *restrict out = s->out;

  if (s->r2c)
    for (ptrdiff_t i = 0; i < s->nspec; i++) {
      const double g = inorm / (alpha + lam[i] * (beta + gamma * lam[i]));
      out[2 * i] *= g;
      out[2 * i + 1] *= g;
    }
  else
    for (ptrdiff_t i = 0; i < s->nspec; i++) out[i] *= inorm / (alpha + lam[i] * (beta + gamma * lam[i]));
}

/* x -> its coefficients in coef (s->out or the caller's array). One rank: from x's own array
   where its alignment allows (no copies). */
static PetscErrorCode TransformForward(Spectral s, Vec x, double *coef)
{
  const ptrdiff_t ncoef = (s->r2c ? 2 : 1) * s->nspec;

  PetscFunctionBegin;
  if (s->serial && s->n[0] > 1) {
    const PetscScalar *xa;
    PetscCall(VecGetArrayRead(x, &xa));
    if (SpectralDirect(s, xa, coef)) ExecuteForward(s, xa, coef);
    else {
      PetscCall(PetscArraycpy(s->rin, xa, s->nreal));
      fftw_execute(s->forward);
      if (coef != s->out) PetscCall(PetscArraycpy(coef, s->out, ncoef));
    }
    PetscCall(VecRestoreArrayRead(x, &xa));
    PetscFunctionReturn(0);
  }
  PetscCall(ToSlab(s, x));
  if (s->forward) fftw_execute(s->forward);
  if (coef != s->out) PetscCall(PetscArraycpy(coef, s->out, ncoef));
  PetscFunctionReturn(0);
}

/* The coefficients in s->out (destroyed) -> y. */
static PetscErrorCode TransformBackward(Spectral s, Vec y)
{
  PetscFunctionBegin;
  if (s->serial && s->n[0] > 1) {
    PetscScalar *ya;
    PetscCall(VecGetArray(y, &ya));
    if (SpectralDirect(s, ya, NULL)) ExecuteBackward(s, s->out, ya);
    else {
      fftw_execute(s->backward);
      PetscCall(PetscArraycpy(ya, s->rin, s->nreal));
    }
    PetscCall(VecRestoreArray(y, &ya));
    PetscFunctionReturn(0);
  }
  if (s->backward) fftw_execute(s->backward);
  PetscCall(FromSlab(s, y));
  PetscFunctionReturn(0);
}

PetscErrorCode SpectralSolve(Spectral s, PetscReal alpha, PetscReal beta, PetscReal gamma, Vec x, Vec y)
{
  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(UphillEvents.spectral, 0, 0, 0, 0));
  PetscCall(TransformForward(s, x, s->out));
  SpectralDivide(s, alpha, beta, gamma);
  PetscCall(TransformBackward(s, y));
  PetscCall(PetscLogFlops(10.0 * (PetscLogDouble)s->nspec));
  PetscCall(PetscLogEventEnd(UphillEvents.spectral, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

PetscErrorCode SpectralSymbol(Spectral s, PetscInt *n, PetscInt *per, const PetscReal **lambda)
{
  PetscFunctionBegin;
  *n      = (PetscInt)s->nspec;
  *per    = s->r2c ? 2 : 1;
  *lambda = s->lambda;
  PetscFunctionReturn(0);
}

PetscErrorCode SpectralSumSquares(Spectral s, const PetscScalar *xhat, PetscReal *sum)
{
  const PetscReal *w = s->weight;
  const ptrdiff_t  n = s->nspec;
  PetscReal        local = 0;

  PetscFunctionBegin;
#pragma omp simd reduction(+ : local)
  for (ptrdiff_t k = 0; k < n; k++) local += w[k] * (s->r2c ? xhat[2 * k] * xhat[2 * k] + xhat[2 * k + 1] * xhat[2 * k + 1] : xhat[k] * xhat[k]);
  PetscCall(MPIU_Allreduce(&local, sum, 1, MPIU_REAL, MPIU_SUM, PetscObjectComm((PetscObject)s->da1)));
  PetscFunctionReturn(0);
}

PetscErrorCode SpectralParsevalWeights(Spectral s, const PetscReal **weight)
{
  PetscFunctionBegin;
  *weight = s->weight;
  PetscFunctionReturn(0);
}

PetscErrorCode SpectralForward(Spectral s, Vec x, PetscScalar *xhat)
{
  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(UphillEvents.spectral, 0, 0, 0, 0));
  PetscCall(TransformForward(s, x, xhat));
  PetscCall(PetscLogEventEnd(UphillEvents.spectral, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

PetscErrorCode SpectralInverse(Spectral s, const PetscScalar *xhat, Vec y)
{
  const ptrdiff_t n = (s->r2c ? 2 : 1) * s->nspec;

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(UphillEvents.spectral, 0, 0, 0, 0));
  for (ptrdiff_t i = 0; i < n; i++) s->out[i] = s->inorm * xhat[i]; /* the inverse destroys its input */
  PetscCall(TransformBackward(s, y));
  PetscCall(PetscLogEventEnd(UphillEvents.spectral, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

PetscErrorCode SpectralInverseBuffer(Spectral s, PetscScalar **xhat, PetscReal *scale)
{
  PetscFunctionBegin;
  *xhat  = s->out;
  *scale = s->inorm;
  PetscFunctionReturn(0);
}

PetscErrorCode SpectralInverseFromBuffer(Spectral s, Vec y)
{
  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(UphillEvents.spectral, 0, 0, 0, 0));
  PetscCall(TransformBackward(s, y));
  PetscCall(PetscLogEventEnd(UphillEvents.spectral, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

/* The wisdom the measured transforms were planned from (SpectralPlan), the same on every rank;
   NULL: none.  Imported before planning, it gives the same plans without measuring: the bits of
   a restarted run then match. */
const char *SpectralWisdom(void)
{
  return planned_wisdom;
}

PetscErrorCode SpectralWisdomImport(const char *wisdom, PetscBool *ok)
{
  PetscFunctionBegin;
  *ok = PETSC_TRUE;
  if (!wisdom || !wisdom[0]) PetscFunctionReturn(0);
  fftw_mpi_init(); /* wisdom may name FFTW-MPI's solvers: registered only by this */
  *ok = fftw_import_wisdom_from_string(wisdom) ? PETSC_TRUE : PETSC_FALSE;
  free(planned_wisdom);
  planned_wisdom = *ok ? strdup(wisdom) : NULL;
  PetscFunctionReturn(0);
}

PetscErrorCode SpectralDestroy(Spectral *sp)
{
  Spectral s = *sp;

  PetscFunctionBegin;
  if (!s) PetscFunctionReturn(0);
  PetscCall(SpectralFreePlans(s));
  fftw_free(s->rin);
  fftw_free(s->out);
  PetscCall(PetscFree2(s->lambda, s->weight));
  PetscCall(VecScatterDestroy(&s->toslab));
  PetscCall(VecDestroy(&s->slab));
  PetscCall(VecDestroy(&s->nat));
  PetscCall(DMDestroy(&s->da1));
  PetscCall(PetscFree(s));
  *sp = NULL;
  PetscFunctionReturn(0);
}
