/* In-situ analysis.  S(k) uses FFTW-MPI directly (PETSc 3.18's FFTW matrix refuses parallel
   3D real transforms): c is taken out of the state, put in natural order, scattered to
   FFTW's slabs (a contiguous range of natural indices per rank) and transformed real-to-
   complex; each rank bins the modes of its slab and one reduction gives the shells.  The r2c
   transform stores only k_x >= 0, so modes 0 < k_x < N_x/2 count twice.  Quasi-1D grids are
   transformed as 1 x N (all on the first rank). */
#include <uphill/analysis.h>
#include <uphill/grid.h>
#include <uphill/thermo.h>
#include <fftw3-mpi.h>

struct _p_Analysis {
  const App *app;
  DM         da1;          /* scalar DMDA compatible with the state's */
  Vec        c, cnat, slab;
  VecScatter toslab;
  fftw_plan  plan;
  double    *rin;          /* this rank's slab, rows padded to 2 (n_last/2 + 1) reals */
  fftw_complex *out;
  ptrdiff_t  local_n0, local_0_start;
  PetscInt   n[3];         /* FFT dimensions, slowest first: (Nz, Ny, Nx) for 3D, (1, Nx) for 1D */
  PetscInt   ndim;         /* FFT dimensions (2 for quasi-1D) */
  PetscReal  kscale[3];    /* 2 pi / L for each FFT dimension */
  PetscReal  dk;
  PetscInt   nbins;
  PetscReal *k, *S, *work; /* nbins each; work holds 2 nbins for the reduction */
};

PetscErrorCode AnalysisCreate(const App *app, Analysis *an)
{
  Analysis  a;
  PetscInt  dim, M[3], rest = 1;
  PetscReal kmax = 0, Lmax = 0;
  ptrdiff_t nd[3], nc[3], alloc;
  MPI_Comm  comm = PetscObjectComm((PetscObject)app->da);
  IS        is;

  PetscFunctionBegin;
  PetscCall(PetscNew(&a));
  a->app = app;
  PetscCall(DMDAGetInfo(app->da, &dim, &M[0], &M[1], &M[2], NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  a->ndim = PetscMax(dim, 2);
  for (PetscInt d = 0; d < a->ndim; d++) { /* FFT order: slowest (last grid direction) first */
    const PetscInt g = a->ndim - 1 - d;    /* grid direction of FFT dimension d */
    a->n[d]      = g < dim ? M[g] : 1;
    a->kscale[d] = 2 * PETSC_PI / app->p.length[g];
    kmax += PetscSqr(a->kscale[d] * (PetscReal)(a->n[d] / 2));
    if (a->n[d] > 1) Lmax = PetscMax(Lmax, app->p.length[g]);
    nd[d] = nc[d] = a->n[d];
  }
  nc[a->ndim - 1] = a->n[a->ndim - 1] / 2 + 1;
  a->dk    = 2 * PETSC_PI / Lmax;
  a->nbins = (PetscInt)(PetscSqrtReal(kmax) / a->dk) + 2;
  PetscCall(PetscCalloc3(a->nbins, &a->k, a->nbins, &a->S, 2 * a->nbins, &a->work));
  for (PetscInt b = 0; b < a->nbins; b++) a->k[b] = (PetscReal)b * a->dk;

  fftw_mpi_init();
  alloc    = fftw_mpi_local_size(a->ndim, nc, comm, &a->local_n0, &a->local_0_start);
  a->rin   = fftw_alloc_real(2 * alloc);
  a->out   = fftw_alloc_complex(alloc);
  PetscCheck(a->rin && a->out, PETSC_COMM_SELF, PETSC_ERR_MEM, "cannot allocate FFT buffers");
  a->plan = fftw_mpi_plan_dft_r2c(a->ndim, nd, a->rin, a->out, comm, FFTW_ESTIMATE);
  PetscCheck(a->plan, PETSC_COMM_SELF, PETSC_ERR_LIB, "FFTW could not plan the transform");

  PetscCall(DMDACreateCompatibleDMDA(app->da, 1, &a->da1));
  PetscCall(DMCreateGlobalVector(a->da1, &a->c));
  PetscCall(DMDACreateNaturalVector(a->da1, &a->cnat));
  for (PetscInt d = 1; d < a->ndim; d++) rest *= a->n[d];
  PetscCall(VecCreateMPI(comm, (PetscInt)a->local_n0 * rest, PETSC_DETERMINE, &a->slab));
  PetscCall(ISCreateStride(comm, (PetscInt)a->local_n0 * rest, (PetscInt)a->local_0_start * rest, 1, &is));
  PetscCall(VecScatterCreate(a->cnat, is, a->slab, NULL, &a->toslab));
  PetscCall(ISDestroy(&is));
  *an = a;
  PetscFunctionReturn(0);
}

/* Interface area (sum of |c jumps| over faces, which for a monotone diffuse interface adds up
   to the phase contrast exactly) and the phase fraction, from the ghosted state. */
static PetscErrorCode RealSpaceMeasures(Analysis a, Vec X, AnalysisResult *r)
{
  const App         *app = a->app;
  GridBox            b;
  Vec                Xl;
  const PetscScalar *xl;
  PetscReal          sums[2] = {0, 0}, face[3];

  PetscFunctionBegin;
  for (int d = 0; d < 3; d++) face[d] = app->dV / app->h[d];
  PetscCall(GridGetBox(app->da, &b));
  PetscCall(DMGetLocalVector(app->da, &Xl));
  PetscCall(GridGlobalToLocal(app, X, Xl));
  PetscCall(VecGetArrayRead(Xl, &xl));
  GRID_FOR_OWNED(&b, i, j, k)
  {
    const BinaryField *u = (const BinaryField *)xl + GridGhosted(&b, i, j, k);
    for (int d = 0; d < 3; d++) sums[0] += PetscAbsReal(u[b.off[d]].c - u->c) * face[d];
    sums[1] += u->c > r->c_mid ? 1 : 0;
  }
  PetscCall(VecRestoreArrayRead(Xl, &xl));
  PetscCall(DMRestoreLocalVector(app->da, &Xl));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, sums, 2, MPIU_REAL, MPIU_SUM, PetscObjectComm((PetscObject)app->da)));
  const PetscReal volume = app->p.length[0] * app->p.length[1] * app->p.length[2];
  r->area_per_volume = sums[0] / (r->dc * volume);
  r->fraction        = sums[1] * app->dV / volume;
  PetscFunctionReturn(0);
}

PetscErrorCode AnalysisCompute(Analysis a, Vec X, AnalysisResult *r)
{
  PetscReal          mean, moment[2] = {0, 0}, clo, chi;

  PetscFunctionBegin;
  if (ThermoBinodal(&a->app->th, &clo, &chi)) {
    r->c_mid = 0.5 * (clo + chi);
    r->dc    = chi - clo;
  } else { /* no miscibility gap: measure against the mean, contrast undefined */
    PetscCall(VecStrideSum(X, 0, &r->c_mid));
    r->c_mid /= (PetscReal)(a->n[0] * a->n[1] * (a->ndim > 2 ? a->n[2] : 1));
    r->dc = NAN;
  }
  PetscCall(RealSpaceMeasures(a, X, r));

  PetscCall(VecStrideGather(X, 0, a->c, INSERT_VALUES));
  PetscCall(VecSum(a->c, &mean));
  mean /= (PetscReal)(a->n[0] * a->n[1] * (a->ndim > 2 ? a->n[2] : 1));
  PetscCall(VecShift(a->c, -mean));
  PetscCall(DMDAGlobalToNaturalBegin(a->da1, a->c, INSERT_VALUES, a->cnat));
  PetscCall(DMDAGlobalToNaturalEnd(a->da1, a->c, INSERT_VALUES, a->cnat));
  PetscCall(VecScatterBegin(a->toslab, a->cnat, a->slab, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(a->toslab, a->cnat, a->slab, INSERT_VALUES, SCATTER_FORWARD));
  {
    const PetscScalar *sl;
    const PetscInt     nl = a->n[a->ndim - 1], padded = 2 * (nl / 2 + 1);
    const PetscInt     rows = (PetscInt)a->local_n0 * (a->ndim == 3 ? a->n[1] : 1);
    PetscCall(VecGetArrayRead(a->slab, &sl));
    for (PetscInt row = 0; row < rows; row++)
      for (PetscInt i = 0; i < nl; i++) a->rin[row * padded + i] = sl[row * nl + i];
    PetscCall(VecRestoreArrayRead(a->slab, &sl));
  }
  fftw_execute(a->plan);

  for (PetscInt b = 0; b < 2 * a->nbins; b++) a->work[b] = 0;
  {
    const PetscInt nl = a->n[a->ndim - 1], nlast = nl / 2 + 1, nmid = a->ndim == 3 ? a->n[1] : 1;
    for (PetscInt i0 = 0; i0 < (PetscInt)a->local_n0; i0++)
      for (PetscInt i1 = 0; i1 < nmid; i1++)
        for (PetscInt last = 0; last < nlast; last++) {
          const double       *v = (const double *)&a->out[(i0 * nmid + i1) * nlast + last]; /* re, im */
          PetscInt            m[3] = {(PetscInt)a->local_0_start + i0, i1, last};
          if (a->ndim == 2) m[1] = last;
          PetscReal k2 = 0;
          for (PetscInt d = 0; d < a->ndim; d++) {
            PetscInt md = m[d];
            if (d < a->ndim - 1 && md > a->n[d] / 2) md -= a->n[d];
            k2 += PetscSqr(a->kscale[d] * (PetscReal)md);
          }
          const PetscReal w   = (last == 0 || (nl % 2 == 0 && last == nl / 2)) ? 1 : 2;
          const PetscReal s   = w * (v[0] * v[0] + v[1] * v[1]);
          const PetscReal kk  = PetscSqrtReal(k2);
          const PetscInt  bin = (PetscInt)(kk / a->dk + 0.5);
          if (bin < a->nbins) {
            a->work[bin] += s;
            a->work[a->nbins + bin] += w;
          }
          moment[0] += kk * s;
          moment[1] += s;
        }
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, a->work, 2 * a->nbins, MPIU_REAL, MPIU_SUM, PetscObjectComm((PetscObject)X)));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, moment, 2, MPIU_REAL, MPIU_SUM, PetscObjectComm((PetscObject)X)));
  const PetscReal npts = (PetscReal)(a->n[0] * a->n[1] * (a->ndim > 2 ? a->n[2] : 1));
  for (PetscInt b = 0; b < a->nbins; b++) a->S[b] = a->work[a->nbins + b] > 0 ? a->work[b] / (a->work[a->nbins + b] * npts) : 0;
  r->k1     = moment[1] > 0 ? moment[0] / moment[1] : 0;
  r->length = r->k1 > 0 ? 2 * PETSC_PI / r->k1 : NAN;
  r->variance = moment[1] / (npts * npts);
  r->count    = a->work + a->nbins;
  r->nbins    = a->nbins;
  r->k      = a->k;
  r->S      = a->S;
  PetscFunctionReturn(0);
}

PetscErrorCode AnalysisDestroy(Analysis *an)
{
  Analysis a = *an;

  PetscFunctionBegin;
  if (!a) PetscFunctionReturn(0);
  PetscCall(VecDestroy(&a->c));
  PetscCall(VecDestroy(&a->cnat));
  PetscCall(VecDestroy(&a->slab));
  PetscCall(VecScatterDestroy(&a->toslab));
  fftw_destroy_plan(a->plan);
  fftw_free(a->rin);
  fftw_free(a->out);
  PetscCall(DMDestroy(&a->da1));
  PetscCall(PetscFree3(a->k, a->S, a->work));
  PetscCall(PetscFree(*an));
  PetscFunctionReturn(0);
}
