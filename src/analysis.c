/* In-situ analysis.  S(k) uses FFTW-MPI directly (PETSc 3.18's FFTW matrix refuses parallel
   3D real transforms): c is taken out of the state, put in natural order, scattered to
   FFTW's slabs (a contiguous range of natural indices per rank) and transformed real-to-
   complex; each rank bins the modes of its slab and one reduction gives the shells.  The r2c
   transform stores only k_x >= 0, so modes 0 < k_x < N_x/2 count twice.  Quasi-1D grids are
   transformed as 1 x N (all on the first rank). */
#include <uphill/log_events.h>
#include <uphill/analysis.h>
#include <uphill/grid.h>
#include <uphill/thermo.h>
#include <uphill/monitor.h>
#include <fftw3-mpi.h>
#include <hdf5.h>

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
  /* run output */
  FILE          *csv;      /* rank 0 */
  PetscReal      next_time;
  PetscInt       last_step;
  PetscLogDouble last_wall, last_cost;
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

/* Interface area per volume = int |grad c| dV / (c_beta - c_alpha): across a monotone diffuse
   interface |grad c| integrates to the phase contrast.  grad c by forward differences (the face
   jumps of the cell), so that a plane interface along a grid axis is measured exactly and a
   tilted or curved one to O(h); the sum of |jumps| alone would be the L1 norm, too large by up
   to sqrt(3).  The phase fraction counts cells above c_mid. */
static PetscErrorCode RealSpaceMeasures(Analysis a, Vec X, AnalysisResult *r)
{
  const App         *app = a->app;
  GridBox            b;
  Vec                Xl;
  const PetscScalar *xl;
  PetscReal          sums[2] = {0, 0};

  PetscFunctionBegin;
  PetscCall(GridGetBox(app->da, &b));
  PetscCall(GridGetGhostedArrayRead(app->da, X, &Xl, &xl));
  GRID_FOR_OWNED(&b, i, j, k)
  {
    const BinaryField *u = (const BinaryField *)xl + GridGhosted(&b, i, j, k);
    PetscReal g2 = 0;
    for (int d = 0; d < 3; d++) g2 += PetscSqr((u[b.off[d]].c - u->c) / app->h[d]);
    sums[0] += PetscSqrtReal(g2) * app->dV;
    sums[1] += u->c > r->c_mid ? 1 : 0;
  }
  PetscCall(GridRestoreGhostedArrayRead(app->da, &Xl, &xl));
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
  if (a->csv) fclose(a->csv);
  PetscCall(PetscFree3(a->k, a->S, a->work));
  PetscCall(PetscFree(*an));
  PetscFunctionReturn(0);
}

/* The first multiple of the interval after t: analyses fall on the first step at or past it. */
static PetscReal NextAnalysisTime(PetscReal t, PetscReal interval) { return (PetscFloorReal(t / interval + 1e-9) + 1) * interval; }

static const char AnalysisHeader[] = "step,time,k1,L,area_per_volume,fraction,variance,c_mid,analysis_seconds,step_seconds\n";

PetscErrorCode AnalysisOpenOutput(Analysis a, PetscInt restart_step, PetscReal restart_time)
{
  char        path[PETSC_MAX_PATH_LEN + 32];
  PetscMPIInt rank;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(PetscObjectComm((PetscObject)a->app->da), &rank));
  snprintf(path, sizeof path, "%s/analysis.csv", a->app->p.output_dir);
  if (!rank) PetscCall(MonitorCsvOpen(path, AnalysisHeader, restart_step, &a->csv));
  if (restart_step < 0) { /* a new run analyses its initial state */
    a->next_time = -1;
    a->last_step = -1;
  } else { /* the next analysis an uninterrupted run would have made: the rows up to the
              checkpoint were written before it (RunControl analyses before checkpointing) */
    a->next_time = NextAnalysisTime(restart_time, a->app->p.analysis_interval);
    a->last_step = restart_step;
  }
  PetscCall(PetscTime(&a->last_wall));
  PetscFunctionReturn(0);
}

/* A 1D dataset of doubles (shape sp) named name under loc, checked. */
static PetscErrorCode WriteDataset(hid_t loc, const char *name, hid_t sp, const PetscReal *data)
{
  hid_t ds = H5Dcreate2(loc, name, H5T_NATIVE_DOUBLE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);

  PetscFunctionBegin;
  PetscCheck(ds >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot create dataset %s in structure_factor.h5", name);
  PetscCheck(H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot write dataset %s in structure_factor.h5", name);
  PetscCheck(H5Dclose(ds) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot close dataset %s in structure_factor.h5", name);
  PetscFunctionReturn(0);
}

/* S(k) of one analysis as group /step_NNNNNNNN (datasets S, count; attribute time), with the
   shell centres in /k.  Rank 0 writes with serial HDF5: S(k) is small (one value per shell). */
static PetscErrorCode WriteSpectrum(Analysis a, const AnalysisResult *r, PetscInt step, PetscReal t)
{
  char    path[PETSC_MAX_PATH_LEN + 32], group[64];
  hid_t   f, g, sp, as;
  hsize_t n = (hsize_t)r->nbins, one = 1;

  PetscFunctionBegin;
  snprintf(path, sizeof path, "%s/structure_factor.h5", a->app->p.output_dir);
  H5E_BEGIN_TRY { f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT); }
  H5E_END_TRY;
  if (f < 0) f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  PetscCheck(f >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot write %s", path);
  sp = H5Screate_simple(1, &n, NULL);
  if (H5Lexists(f, "k", H5P_DEFAULT) <= 0) PetscCall(WriteDataset(f, "k", sp, r->k));
  snprintf(group, sizeof group, "step_%08" PetscInt_FMT, step);
  if (H5Lexists(f, group, H5P_DEFAULT) > 0) H5Ldelete(f, group, H5P_DEFAULT); /* rewritten after a restart */
  g = H5Gcreate2(f, group, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  PetscCheck(g >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot create group %s in %s", group, path);
  PetscCall(WriteDataset(g, "S", sp, r->S));
  PetscCall(WriteDataset(g, "count", sp, r->count));
  H5Sclose(sp);
  sp = H5Screate_simple(1, &one, NULL);
  as = H5Acreate2(g, "time", H5T_NATIVE_DOUBLE, sp, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(as, H5T_NATIVE_DOUBLE, &t);
  H5Aclose(as);
  H5Sclose(sp);
  H5Gclose(g);
  PetscCheck(H5Fclose(f) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot close %s", path);
  PetscFunctionReturn(0);
}

PetscBool AnalysisDue(Analysis a, PetscInt step, PetscReal t) { return (PetscBool)(a->app->p.analysis_interval > 0 && step != a->last_step && t >= a->next_time); }

PetscErrorCode AnalysisAfterStep(Analysis a, PetscInt step, PetscReal t, Vec X)
{
  const PetscReal interval = a->app->p.analysis_interval;
  AnalysisResult  r;
  PetscLogDouble  t0, t1;
  PetscMPIInt     rank;

  PetscFunctionBegin;
  if (!AnalysisDue(a, step, t)) PetscFunctionReturn(0);
  PetscCall(PetscLogEventBegin(UphillEvents.analysis, 0, 0, 0, 0));
  PetscCall(PetscTime(&t0));
  PetscCall(AnalysisCompute(a, X, &r));
  PetscCall(PetscTime(&t1));
  /* wall time per step since the last analysis, without the analysis itself */
  const PetscReal steps  = a->last_step >= 0 ? (PetscReal)(step - a->last_step) : 0;
  const PetscReal per    = steps > 0 ? (PetscReal)(t0 - a->last_wall - a->last_cost) / steps : 0;
  PetscCallMPI(MPI_Comm_rank(PetscObjectComm((PetscObject)X), &rank));
  long row_start = -1;
  if (!rank && a->csv) {
    row_start = ftell(a->csv);
    fprintf(a->csv, "%" PetscInt_FMT ",%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.6g,%.6g\n", step, (double)t, (double)r.k1, (double)r.length, (double)r.area_per_volume, (double)r.fraction, (double)r.variance, (double)r.c_mid, (double)(t1 - t0), (double)per);
  }
  {
    char path[PETSC_MAX_PATH_LEN + 32];
    snprintf(path, sizeof path, "%s/analysis.csv", a->app->p.output_dir);
    PetscCall(MonitorCsvCheck(PetscObjectComm((PetscObject)X), rank ? NULL : a->csv, path, row_start, PETSC_FALSE));
  }
  if (!rank && a->csv) PetscCall(WriteSpectrum(a, &r, step, t));
  a->last_step = step;
  a->last_wall = t0;
  a->last_cost = t1 - t0;
  a->next_time = NextAnalysisTime(t, interval);
  PetscCall(PetscLogEventEnd(UphillEvents.analysis, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}
