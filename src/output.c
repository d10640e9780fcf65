/* Field files: parallel HDF5 through PetscViewerHDF5, one dataset per field ("c", "mu",
   physical units) in natural order, shape [Nz][Ny][Nx] (x fastest) for 1D, 2D and 3D grids
   alike, with the run's parameters as attributes of the root group, a checksum attribute
   per dataset and a 'complete' marker written last.  Files are written under a temporary
   name and renamed when complete, so a crash never leaves a half-written file under the
   real name.

   The series of field files (-output_interval, -output_steps) is indexed by an XDMF file,
   OUTPUT_DIR/fields.xdmf, that ParaView and VisIt open directly: a temporal collection of
   3DCoRectMesh grids of (N+1)^3 nodes with the fields as cell-centred attributes.  It is
   rewritten (atomically) after each field file.

   Output times with the adaptive integrator: a file due at time t_k inside an accepted step
   (t_prev, t] is the integrator's own dense output there (TSInterpolate: for TSBDF the
   polynomial through the last k+1 states, of the method's order), not a step shortened to
   land on t_k.  So writing fields never changes the trajectory: a run gives the same
   steps, the same stats.csv and the same final state with or without field output, and
   restart equivalence does not depend on the output settings. */
#include <uphill/log_events.h>
#include <uphill/version.h>
#include <uphill/output.h>
#include <uphill/physics.h>
#include <uphill/errors.h>
#include <uphill/solver.h>
#include "hash.h"
#include "h5util.h"
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

static PetscErrorCode MakeDirs(const char *dir, char *err, size_t len)
{
  char   path[PETSC_MAX_PATH_LEN];
  size_t n;

  PetscFunctionBegin;
  err[0] = 0;
  PetscCall(PetscStrncpy(path, dir, sizeof path));
  n = strlen(path);
  for (size_t i = 1; i <= n; i++) {
    if (path[i] == '/' || path[i] == 0) {
      const char save = path[i];
      path[i]         = 0;
      if (mkdir(path, 0777) && errno != EEXIST) {
        snprintf(err, len, "cannot create directory '%s': %s", path, strerror(errno));
        PetscFunctionReturn(0);
      }
      path[i] = save;
    }
  }
  {
    struct stat st;
    if (stat(dir, &st) || !S_ISDIR(st.st_mode)) snprintf(err, len, "'%s' is not a directory", dir);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode OutputMakeDir(MPI_Comm comm, const char *dir)
{
  PetscMPIInt rank;
  char        err[PETSC_MAX_PATH_LEN + 128] = "";

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) PetscCall(MakeDirs(dir, err, sizeof err));
  PetscCallMPI(MPI_Bcast(err, sizeof err, MPI_CHAR, 0, comm));
  if (err[0]) UPHILL_USER_ERROR(comm, "%s", err);
  PetscFunctionReturn(0);
}

PetscErrorCode OutputPrepareDir(const App *app)
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)app->da);
  PetscMPIInt rank;
  char        err[PETSC_MAX_PATH_LEN + 128] = "";

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) {
    char probe[PETSC_MAX_PATH_LEN + 32];
    PetscCall(MakeDirs(app->p.output_dir, err, sizeof err));
    if (!err[0]) {
      FILE *fp;
      snprintf(probe, sizeof probe, "%s/.uphill3d_write_test", app->p.output_dir);
      fp = fopen(probe, "w");
      if (!fp) snprintf(err, sizeof err, "output directory '%s' is not writable: %s", app->p.output_dir, strerror(errno));
      else {
        fclose(fp);
        remove(probe);
      }
    }
  }
  PetscCallMPI(MPI_Bcast(err, sizeof err, MPI_CHAR, 0, comm));
  if (err[0]) UPHILL_USER_ERROR(comm, "option -output_dir: %s", err);
  PetscFunctionReturn(0);
}

int OutputSyncFile(const char *path)
{
  int fd = open(path, O_RDONLY), err = 0;
  if (fd < 0) return errno;
  if (fsync(fd) && errno != EINVAL && errno != EROFS) err = errno; /* some file systems cannot sync directories */
  close(fd);
  return err;
}

/* Why a write into dir failed, as well as can be told after the fact: HDF5 and MPI-IO do
   not pass errno on, so a full file system is recognised by its free space. */
static void WriteFailureReason(const char *path, int saved_errno, char *why, size_t len)
{
  char           dir[PETSC_MAX_PATH_LEN];
  char          *slash;
  struct statvfs fs;

  snprintf(dir, sizeof dir, "%s", path);
  if ((slash = strrchr(dir, '/'))) *slash = 0;
  else snprintf(dir, sizeof dir, ".");
  if (!statvfs(dir, &fs) && fs.f_bavail == 0) snprintf(why, len, "no space left on the file system");
  else if (saved_errno == ENOSPC || saved_errno == EDQUOT || saved_errno == EFBIG || saved_errno == EIO) snprintf(why, len, "%s", strerror(saved_errno));
  else snprintf(why, len, "an HDF5 write error (disk full, quota or file-size limit?)");
}

/* Rank 0: whether about bytes fit on path's file system and under the file-size limit. */
static void CheckRoom(const char *path, double bytes, char *err, size_t len)
{
  char           dir[PETSC_MAX_PATH_LEN], *slash;
  struct statvfs fs;
  struct rlimit  rl;

  snprintf(dir, sizeof dir, "%s", path);
  if ((slash = strrchr(dir, '/'))) *slash = 0;
  else snprintf(dir, sizeof dir, ".");
  if (!statvfs(dir, &fs) && (double)fs.f_bavail * (double)fs.f_frsize < bytes) snprintf(err, len, "no space left on the file system (%.4g MB free, the file needs about %.4g MB)", (double)fs.f_bavail * (double)fs.f_frsize / 1e6, bytes / 1e6);
  else if (!getrlimit(RLIMIT_FSIZE, &rl) && rl.rlim_cur != RLIM_INFINITY && (double)rl.rlim_cur < bytes) snprintf(err, len, "the file would exceed the file-size limit (ulimit -f: %.4g MB, the file needs about %.4g MB)", (double)rl.rlim_cur / 1e6, bytes / 1e6);
}

static int hdf5_left_open = 0; /* a file HDF5 could not close: MPI_Finalize would crash in it */


PetscErrorCode OutputWriteHDF5(MPI_Comm comm, const char *path, double bytes, PetscErrorCode (*body)(PetscViewer, void *), void *ctx, char *err, size_t len)
{
  PetscViewer    v = NULL;
  PetscErrorCode ierr, e2;
  PetscMPIInt    rank;
  H5E_auto2_t    func;
  void          *data;
  int            bad, saved;

  PetscFunctionBegin;
  err[0] = 0;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  /* Checked first: with more than one rank, a write that fails half-way can leave the ranks
     in different collective calls inside HDF5 (a hang, seen with Open MPI's OMPIO).  Test
     hook: UPHILL_TEST_NO_ROOM_CHECK skips it, to exercise a write failing half-way. */
  if (!rank && !getenv("UPHILL_TEST_NO_ROOM_CHECK")) CheckRoom(path, bytes, err, len);
  PetscCallMPI(MPI_Bcast(err, (PetscMPIInt)len, MPI_CHAR, 0, comm));
  if (err[0]) PetscFunctionReturn(0);
  H5Eget_auto2(H5E_DEFAULT, &func, &data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* no HDF5 error stack on stderr: one line says it */
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  errno = 0;
  ierr  = PetscViewerHDF5Open(comm, path, FILE_MODE_WRITE, &v);
  if (!ierr) ierr = body(v, ctx);
  saved = errno;
  bad   = ierr != 0;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &bad, 1, MPI_INT, MPI_MAX, comm));
  /* A failed write leaves HDF5 metadata to flush at the close, and a close that fails leaves
     the file open for MPI_Finalize to crash in (HDF5 1.10).  Emptying the file first gives
     its space back (disk full, quota), so that the close can flush. */
  if (bad && !rank) {
    WriteFailureReason(path, saved, err, len); /* before the space is given back */
    (void)!truncate(path, 0);
  }
  if (bad) PetscCallMPI(MPI_Barrier(comm));
  if (v) {
    e2 = PetscViewerDestroy(&v);
    if (!ierr) ierr = e2;
    if (!saved) saved = errno;
  }
  PetscCall(PetscPopErrorHandler());
  H5Eset_auto2(H5E_DEFAULT, func, data);
  if (H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_FILE) > 0) hdf5_left_open = 1;
  bad = ierr != 0;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &bad, 1, MPI_INT, MPI_MAX, comm));
  if (!bad) PetscFunctionReturn(0);
  if (!rank) {
    if (!err[0]) WriteFailureReason(path, saved, err, len); /* the close failed */
    (void)remove(path);
  }
  PetscCallMPI(MPI_Bcast(err, (PetscMPIInt)len, MPI_CHAR, 0, comm));
  PetscFunctionReturn(0);
}

int OutputHDF5LeftOpen(void) { return hdf5_left_open; }

PetscErrorCode OutputWriteRealAttr(PetscViewer v, const char *name, PetscReal x)
{
  PetscFunctionBegin;
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/", name, PETSC_REAL, &x));
  PetscFunctionReturn(0);
}

PetscErrorCode OutputWriteIntAttr(PetscViewer v, const char *name, PetscInt x)
{
  PetscFunctionBegin;
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/", name, PETSC_INT, &x));
  PetscFunctionReturn(0);
}

/* The dataset name of component comp of the state (0 .. 2 ncomp - 1): c and mu for a binary
   run, c_1 .. c_{N-1} and mu_1 .. mu_{N-1} for N > 2. */
static void OutputFieldName(const App *app, PetscInt comp, char *name, size_t len)
{
  const PetscInt nc = app->p.ncomp, mu = comp >= nc, r = comp % nc;
  if (nc == 1) snprintf(name, len, "%s", mu ? "mu" : "c");
  else snprintf(name, len, "%s_%" PetscInt_FMT, mu ? "mu" : "c", r + 1);
}

static void AppendList(char *s, size_t len, const char *name, PetscInt n, const PetscReal *v)
{
  snprintf(s + strlen(s), len - strlen(s), "%s%s=", s[0] ? ";" : "", name);
  for (PetscInt i = 0; i < n; i++) snprintf(s + strlen(s), len - strlen(s), "%s%.17g", i ? "," : "", (double)v[i]);
}

void OutputModelString(const Params *p, char *s, size_t len)
{
  const PetscInt nc = p->ncomp, N = nc + 1;
  s[0] = 0;
  if (!p->general) return;
  AppendList(s, len, "omega_matrix", N * N, p->omega_matrix);
  AppendList(s, len, "hessian", nc * nc, p->hessian);
  AppendList(s, len, "c_ref", nc, p->c_ref);
  AppendList(s, len, "kappa_matrix", nc * nc, p->kappa_matrix);
  if (p->atomic) AppendList(s, len, "atomic_mobilities", N, p->atomic_mobilities);
  else AppendList(s, len, "mobility_matrix", nc * nc, p->mobility_matrix);
}

PetscErrorCode OutputWriteRunAttributes(const App *app, PetscViewer v, PetscInt step, PetscReal time)
{
  const Params *p = &app->p;
  char          model[4096];

  PetscFunctionBegin;
  OutputModelString(p, model, sizeof model);
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/", "ncomp_model", PETSC_STRING, model));
  PetscCall(VersionWriteAttributes(v)); /* what made the file: version, git hash, options */
  PetscCall(OutputWriteRealAttr(v, "time", time));
  PetscCall(OutputWriteIntAttr(v, "step", step));
  PetscCall(OutputWriteIntAttr(v, "grid_x", p->grid[0]));
  PetscCall(OutputWriteIntAttr(v, "grid_y", p->grid[1]));
  PetscCall(OutputWriteIntAttr(v, "grid_z", p->grid[2]));
  PetscCall(OutputWriteRealAttr(v, "Lx", p->length[0]));
  PetscCall(OutputWriteRealAttr(v, "Ly", p->length[1]));
  PetscCall(OutputWriteRealAttr(v, "Lz", p->length[2]));
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/", "bc", PETSC_STRING, BoundaryTypes[p->bc]));
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/", "free_energy", PETSC_STRING, FreeEnergyTypes[p->free_energy]));
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/", "mobility_model", PETSC_STRING, MobilityModels[p->mobility_model]));
  PetscCall(OutputWriteIntAttr(v, "components", p->ncomp + 1));
  PetscCall(OutputWriteRealAttr(v, "omega", p->omega));
  PetscCall(OutputWriteRealAttr(v, "temperature", p->temperature));
  PetscCall(OutputWriteRealAttr(v, "gas_constant", p->gas_constant));
  PetscCall(OutputWriteRealAttr(v, "molar_volume", p->molar_volume));
  PetscCall(OutputWriteRealAttr(v, "rho", p->rho));
  PetscCall(OutputWriteRealAttr(v, "c_alpha", p->c_alpha));
  PetscCall(OutputWriteRealAttr(v, "c_beta", p->c_beta));
  PetscCall(OutputWriteRealAttr(v, "kappa", p->kappa));
  PetscCall(OutputWriteRealAttr(v, "mobility", p->mobility));
  PetscFunctionReturn(0);
}

PetscErrorCode OutputCreateIODM(const App *app, PetscInt dof, DM *io)
{
  MPI_Comm        comm = PetscObjectComm((PetscObject)app->da);
  PetscInt        dim, m[3] = {1, 1, 1};
  const PetscInt *l[3] = {NULL, NULL, NULL};
  const PetscInt  one[1] = {1};

  PetscFunctionBegin;
  PetscCall(DMDAGetInfo(app->da, &dim, NULL, NULL, NULL, &m[0], &m[1], &m[2], NULL, NULL, NULL, NULL, NULL, NULL));
  PetscCall(DMDAGetOwnershipRanges(app->da, &l[0], &l[1], &l[2]));
  for (PetscInt d = dim; d < 3; d++) { /* flat directions: one point, on one rank */
    m[d] = 1;
    l[d] = one;
  }
  PetscCall(DMDACreate3d(comm, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_BOX, app->p.grid[0], app->p.grid[1], app->p.grid[2], m[0], m[1], m[2], dof, 0, l[0], l[1], l[2], io));
  PetscCall(DMSetUp(*io));
  PetscFunctionReturn(0);
}

PetscErrorCode OutputViewVec(DM io, Vec X, const char *name, PetscViewer v)
{
  Vec                w;
  const PetscScalar *a;

  PetscFunctionBegin;
  PetscCall(DMGetGlobalVector(io, &w));
  PetscCall(VecGetArrayRead(X, &a));
  PetscCall(VecPlaceArray(w, a));
  PetscCall(PetscObjectSetName((PetscObject)w, name));
  PetscCall(VecView(w, v));
  PetscCall(VecResetArray(w));
  PetscCall(VecRestoreArrayRead(X, &a));
  PetscCall(DMRestoreGlobalVector(io, &w));
  PetscFunctionReturn(0);
}

/* Load the dataset NAME through io into X (the inverse of OutputViewVec). */
static PetscErrorCode OutputLoadVec(DM io, Vec X, const char *name, PetscViewer v)
{
  Vec          w;
  PetscScalar *a;

  PetscFunctionBegin;
  PetscCall(DMGetGlobalVector(io, &w));
  PetscCall(VecGetArray(X, &a));
  PetscCall(VecPlaceArray(w, a));
  PetscCall(PetscObjectSetName((PetscObject)w, name));
  PetscCall(VecLoad(w, v));
  PetscCall(VecResetArray(w));
  PetscCall(VecRestoreArray(X, &a));
  PetscCall(DMRestoreGlobalVector(io, &w));
  PetscFunctionReturn(0);
}

/* splitmix64's finaliser: a bijective 64-bit mix. */
PetscErrorCode OutputChecksum(DM io, Vec X, uint64_t *sum, PetscBool *finite)
{
  PetscInt           xs, ys, zs, xm, ym, zm, M, N, dof, n = 0;
  const PetscScalar *a;
  uint64_t           s = 0;
  int                ok = 1;

  PetscFunctionBegin;
  PetscCall(DMDAGetInfo(io, NULL, &M, &N, NULL, NULL, NULL, NULL, &dof, NULL, NULL, NULL, NULL, NULL));
  PetscCall(DMDAGetCorners(io, &xs, &ys, &zs, &xm, &ym, &zm));
  PetscCall(VecGetArrayRead(X, &a));
  for (PetscInt k = zs; k < zs + zm; k++)
    for (PetscInt j = ys; j < ys + ym; j++)
      for (PetscInt i = xs; i < xs + xm; i++)
        for (PetscInt d = 0; d < dof; d++, n++) {
          const uint64_t idx = (((uint64_t)k * (uint64_t)N + (uint64_t)j) * (uint64_t)M + (uint64_t)i) * (uint64_t)dof + (uint64_t)d;
          const double   x   = (double)PetscRealPart(a[n]);
          uint64_t       bits;
          memcpy(&bits, &x, sizeof bits);
          s += SplitMix64(bits ^ SplitMix64(idx));
          if (!isfinite(x)) ok = 0;
        }
  PetscCall(VecRestoreArrayRead(X, &a));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &s, 1, MPI_UINT64_T, MPI_SUM, PetscObjectComm((PetscObject)io)));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_MIN, PetscObjectComm((PetscObject)io)));
  *sum = s;
  if (finite) *finite = ok ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionReturn(0);
}

void OutputChecksumString(uint64_t sum, char str[17]) { snprintf(str, 17, "%016llx", (unsigned long long)sum); }

/* One component of X, as a scalar field named for it, with its checksum. */
static PetscErrorCode ViewComponent(DM da1, DM io, Vec X, PetscInt comp, const char *name, PetscReal scale, PetscViewer v)
{
  Vec      f;
  uint64_t sum;
  char     str[17], dset[64];

  PetscFunctionBegin;
  PetscCall(DMGetGlobalVector(da1, &f));
  PetscCall(VecStrideGather(X, comp, f, INSERT_VALUES));
  if (scale != 1.0) PetscCall(VecScale(f, scale));
  PetscCall(OutputViewVec(io, f, name, v));
  PetscCall(OutputChecksum(io, f, &sum, NULL));
  OutputChecksumString(sum, str);
  snprintf(dset, sizeof dset, "/%s", name);
  PetscCall(PetscViewerHDF5WriteAttribute(v, dset, "checksum", PETSC_STRING, str));
  PetscCall(DMRestoreGlobalVector(da1, &f));
  PetscFunctionReturn(0);
}

double OutputFileBytes(const App *app, PetscInt values_per_point)
{
  char  *opts = NULL;
  double n    = (double)app->p.grid[0] * (double)app->p.grid[1] * (double)app->p.grid[2];
  double meta = 65536;
  if (!PetscOptionsGetAll(NULL, &opts) && opts) meta += 2.0 * (double)strlen(opts); /* the options attribute(s) */
  PetscFree(opts);
  return 8.0 * n * (double)values_per_point * 1.01 + meta;
}

typedef struct {
  const App *app;
  Vec        X;
  PetscInt   step;
  PetscReal  time;
} FieldsWrite;

static PetscErrorCode WriteFieldsBody(PetscViewer v, void *ctx)
{
  const FieldsWrite *w   = (const FieldsWrite *)ctx;
  const App         *app = w->app;
  DM                 da1, io;

  PetscFunctionBegin;
  PetscCall(DMDACreateCompatibleDMDA(app->da, 1, &da1));
  PetscCall(OutputCreateIODM(app, 1, &io));
  for (PetscInt comp = 0; comp < 2 * app->p.ncomp; comp++) {
    char name[32];
    OutputFieldName(app, comp, name, sizeof name);
    PetscCall(ViewComponent(da1, io, w->X, comp, name, comp < app->p.ncomp ? 1.0 : app->s.E, v));
  }
  PetscCall(DMDestroy(&io));
  PetscCall(DMDestroy(&da1));
  PetscCall(OutputWriteRunAttributes(app, v, w->step, w->time));
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/", "kind", PETSC_STRING, "fields"));
  PetscCall(OutputWriteIntAttr(v, "complete", 1)); /* last: a file without it was cut short */
  PetscFunctionReturn(0);
}

PetscErrorCode OutputWriteFields(const App *app, Vec X, PetscInt step, PetscReal time, const char *path)
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)app->da);
  PetscMPIInt rank;
  FieldsWrite w    = {app, X, step, time};
  char        tmp[PETSC_MAX_PATH_LEN + 8], err[PETSC_MAX_PATH_LEN * 2 + 64] = "";

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(UphillEvents.output, 0, 0, 0, 0));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  PetscCall(OutputWriteHDF5(comm, tmp, OutputFileBytes(app, 2 * app->p.ncomp), WriteFieldsBody, &w, err, sizeof err));
  if (err[0]) UPHILL_USER_ERROR(comm, "cannot write %s: %s; stopping", path, err);
  if (!rank && rename(tmp, path)) snprintf(err, sizeof err, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
  PetscCallMPI(MPI_Bcast(err, sizeof err, MPI_CHAR, 0, comm));
  if (err[0]) UPHILL_USER_ERROR(comm, "%s", err);
  PetscCall(PetscLogEventEnd(UphillEvents.output, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

static PetscErrorCode DatasetDims(PetscViewer v, const char *name, int *ndims, hsize_t dims[8])
{
  hid_t file, dset, space;

  PetscFunctionBegin;
  PetscCall(PetscViewerHDF5GetFileId(v, &file));
  dset = H5Dopen2(file, name, H5P_DEFAULT);
  PetscCheck(dset >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "cannot open dataset %s", name);
  space  = H5Dget_space(dset);
  *ndims = H5Sget_simple_extent_ndims(space);
  PetscCheck(*ndims >= 1 && *ndims <= 8, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "dataset %s has %d dimensions", name, *ndims);
  H5Sget_simple_extent_dims(space, dims, NULL);
  H5Sclose(space);
  H5Dclose(dset);
  PetscFunctionReturn(0);
}

PetscErrorCode OutputReadConcentration(const App *app, const char *path, Vec X)
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)app->da);
  PetscViewer v;
  DM          da1;
  Vec         f;
  PetscBool   has, full = PETSC_TRUE, legacy = PETSC_TRUE;
  int         ndims = 0;
  hsize_t     dims[8];
  PetscInt    dim, fgrid[3] = {1, 1, 1};
  PetscMPIInt rank, readable = 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank && !access(path, R_OK)) {
    H5E_auto2_t func;
    void       *data;
    hid_t       f;
    H5Eget_auto2(H5E_DEFAULT, &func, &data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if ((f = H5UtilOpenRead(path)) >= 0) {
      readable = 1;
      H5Fclose(f);
    }
    H5Eset_auto2(H5E_DEFAULT, func, data);
  }
  PetscCallMPI(MPI_Bcast(&readable, 1, MPI_INT, 0, comm));
  if (!readable) UPHILL_USER_ERROR(comm, "cannot read field file '%s' (missing, unreadable or not HDF5)", path);
  char cname[32], dname[40];
  PetscCall(PetscViewerHDF5Open(comm, path, FILE_MODE_READ, &v));
  for (PetscInt comp = 0; comp < app->p.ncomp; comp++) {
    OutputFieldName(app, comp, cname, sizeof cname);
    snprintf(dname, sizeof dname, "/%s", cname);
    PetscCall(PetscViewerHDF5HasDataset(v, dname, &has));
    if (!has) {
      PetscBool state;
      PetscCall(PetscViewerHDF5HasDataset(v, "/state", &state));
      UPHILL_USER_ERROR(comm, "field file '%s' has no dataset '%s'%s", path, cname, state ? " (it is a checkpoint: continue from it with -restart FILE)" : "");
    }
  }
  OutputFieldName(app, 0, cname, sizeof cname);
  PetscCall(DatasetDims(v, cname, &ndims, dims));
  PetscCall(DMDAGetInfo(app->da, &dim, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  /* [Nz][Ny][Nx] (this version), or [Ny][Nx] / [Nx] for a 2D / 1D grid (earlier versions) */
  for (int d = 0; d < ndims && d < 3; d++) fgrid[d] = (PetscInt)dims[ndims - 1 - d];
  for (int d = 0; d < 3; d++) {
    if (ndims != 3 || fgrid[d] != app->p.grid[d]) full = PETSC_FALSE;
    if (ndims != dim || fgrid[d] != app->p.grid[d]) legacy = PETSC_FALSE;
  }
  if (!full && !legacy) {
    if (ndims > 3) UPHILL_USER_ERROR(comm, "field file '%s': dataset 'c' has %d dimensions, expected [Nz][Ny][Nx]", path, ndims);
    UPHILL_USER_ERROR(comm, "field file '%s': grid %" PetscInt_FMT "x%" PetscInt_FMT "x%" PetscInt_FMT " in the file vs %" PetscInt_FMT "x%" PetscInt_FMT "x%" PetscInt_FMT " in the options", path, fgrid[0], fgrid[1], fgrid[2], app->p.grid[0], app->p.grid[1], app->p.grid[2]);
  }
  PetscCall(DMDACreateCompatibleDMDA(app->da, 1, &da1));
  PetscCall(DMGetGlobalVector(da1, &f));
  for (PetscInt comp = 0; comp < app->p.ncomp; comp++) {
    OutputFieldName(app, comp, cname, sizeof cname);
    if (full) {
      DM io;
      PetscCall(OutputCreateIODM(app, 1, &io));
      PetscCall(OutputLoadVec(io, f, cname, v));
      PetscCall(DMDestroy(&io));
    } else {
      PetscCall(PetscObjectSetName((PetscObject)f, cname));
      PetscCall(VecLoad(f, v));
    }
    PetscCall(VecStrideScatter(f, comp, X, INSERT_VALUES));
  }
  PetscCall(DMRestoreGlobalVector(da1, &f));
  PetscCall(DMDestroy(&da1));
  PetscCall(PetscViewerDestroy(&v));
  PetscFunctionReturn(0);
}

/* ---- the field-file series and its XDMF index ----------------------------------------- */

typedef struct {
  PetscInt  index, step;
  PetscReal time;
} SeriesEntry;

struct _p_OutputSeries {
  const App   *app;
  PetscInt     count;  /* files written (the next file's index) */
  PetscInt     k_next; /* the next interval output is at k_next * output_interval */
  SeriesEntry *list;   /* rank 0: the files in fields.xdmf */
  PetscInt     nlist, cap;
  Vec          work;
};

PetscErrorCode OutputSeriesCreate(const App *app, OutputSeries *s)
{
  PetscFunctionBegin;
  PetscCall(PetscNew(s));
  (*s)->app    = app;
  (*s)->k_next = 1;
  PetscFunctionReturn(0);
}

static PetscBool OutputSeriesEnabled(OutputSeries s) { return (PetscBool)(s->app->p.output_interval > 0 || s->app->p.output_steps > 0); }

void OutputSeriesGetState(OutputSeries s, PetscInt *count, PetscInt *k_next)
{
  *count  = s->count;
  *k_next = s->k_next;
}

static PetscErrorCode SeriesAdd(OutputSeries s, PetscInt index, PetscInt step, PetscReal time)
{
  PetscFunctionBegin;
  if (s->nlist == s->cap) {
    SeriesEntry *bigger;
    s->cap = s->cap ? 2 * s->cap : 64;
    PetscCall(PetscMalloc1(s->cap, &bigger));
    if (s->nlist) PetscCall(PetscArraycpy(bigger, s->list, s->nlist));
    PetscCall(PetscFree(s->list));
    s->list = bigger;
  }
  s->list[s->nlist].index = index;
  s->list[s->nlist].step  = step;
  s->list[s->nlist].time  = time;
  s->nlist++;
  PetscFunctionReturn(0);
}

/* Rank 0: OUTPUT_DIR/fields.xdmf, written as .tmp and renamed. */
static PetscErrorCode SeriesWriteXdmf(OutputSeries s, char *err, size_t errlen)
{
  const App *app = s->app;
  const PetscInt *N = app->p.grid;
  char       path[PETSC_MAX_PATH_LEN + 16], tmp[PETSC_MAX_PATH_LEN + 24];
  FILE      *fp;

  PetscFunctionBegin;
  snprintf(path, sizeof path, "%s/fields.xdmf", app->p.output_dir);
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  fp = fopen(tmp, "w");
  if (!fp) {
    snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
    PetscFunctionReturn(0);
  }
  fprintf(fp, "<?xml version=\"1.0\" ?>\n<!DOCTYPE Xdmf SYSTEM \"Xdmf.dtd\" []>\n");
  fprintf(fp, "<!-- uphill3d field files: cell-centred c and mu (N components: c_i, mu_i) (HDF5 datasets [Nz][Ny][Nx]) on a grid of (N+1) nodes per direction -->\n");
  fprintf(fp, "<Xdmf Version=\"2.0\">\n <Domain>\n  <Grid Name=\"uphill3d\" GridType=\"Collection\" CollectionType=\"Temporal\">\n");
  for (PetscInt e = 0; e < s->nlist; e++) {
    char file[64];
    snprintf(file, sizeof file, "fields_%06" PetscInt_FMT ".h5", s->list[e].index);
    fprintf(fp, "   <Grid Name=\"fields_%06" PetscInt_FMT "\" GridType=\"Uniform\">\n", s->list[e].index);
    fprintf(fp, "    <Time Value=\"%.17g\"/>\n", (double)s->list[e].time);
    fprintf(fp, "    <Topology TopologyType=\"3DCoRectMesh\" Dimensions=\"%" PetscInt_FMT " %" PetscInt_FMT " %" PetscInt_FMT "\"/>\n", N[2] + 1, N[1] + 1, N[0] + 1);
    fprintf(fp, "    <Geometry GeometryType=\"ORIGIN_DXDYDZ\">\n");
    fprintf(fp, "     <DataItem Name=\"Origin\" Dimensions=\"3\" NumberType=\"Float\" Precision=\"8\" Format=\"XML\">0 0 0</DataItem>\n");
    fprintf(fp, "     <DataItem Name=\"Spacing\" Dimensions=\"3\" NumberType=\"Float\" Precision=\"8\" Format=\"XML\">%.17g %.17g %.17g</DataItem>\n", (double)app->h[2], (double)app->h[1], (double)app->h[0]);
    fprintf(fp, "    </Geometry>\n");
    for (PetscInt f = 0; f < 2 * app->p.ncomp; f++) {
      char name[32];
      OutputFieldName(app, f, name, sizeof name);
      fprintf(fp, "    <Attribute Name=\"%s\" AttributeType=\"Scalar\" Center=\"Cell\">\n", name);
      fprintf(fp, "     <DataItem Dimensions=\"%" PetscInt_FMT " %" PetscInt_FMT " %" PetscInt_FMT "\" NumberType=\"Float\" Precision=\"8\" Format=\"HDF\">%s:/%s</DataItem>\n", N[2], N[1], N[0], file, name);
      fprintf(fp, "    </Attribute>\n");
    }
    fprintf(fp, "   </Grid>\n");
  }
  fprintf(fp, "  </Grid>\n </Domain>\n</Xdmf>\n");
  if (fflush(fp) || ferror(fp)) {
    snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
    fclose(fp);
    (void)remove(tmp);
  } else if (fclose(fp)) snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
  else if (rename(tmp, path)) snprintf(err, errlen, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
  PetscFunctionReturn(0);
}

static PetscErrorCode SeriesWrite(OutputSeries s, Vec X, PetscInt step, PetscReal time)
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)s->app->da);
  PetscMPIInt rank;
  char        path[PETSC_MAX_PATH_LEN + 32], err[PETSC_MAX_PATH_LEN * 2 + 64] = "";

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  snprintf(path, sizeof path, "%s/fields_%06" PetscInt_FMT ".h5", s->app->p.output_dir, s->count);
  PetscCall(OutputWriteFields(s->app, X, step, time, path));
  if (!rank) {
    PetscCall(SeriesAdd(s, s->count, step, time));
    PetscCall(SeriesWriteXdmf(s, err, sizeof err));
  }
  PetscCallMPI(MPI_Bcast(err, sizeof err, MPI_CHAR, 0, comm));
  if (err[0]) UPHILL_USER_ERROR(comm, "%s; stopping", err);
  s->count++;
  PetscFunctionReturn(0);
}

PetscErrorCode OutputSeriesStart(OutputSeries s, Vec X, PetscInt step, PetscReal time)
{
  PetscFunctionBegin;
  if (!OutputSeriesEnabled(s)) PetscFunctionReturn(0);
  PetscCall(SeriesWrite(s, X, step, time));
  s->k_next = 1;
  PetscFunctionReturn(0);
}

PetscErrorCode OutputSeriesStep(OutputSeries s, TS ts, PetscInt step, PetscReal time)
{
  const Params *p         = &s->app->p;
  PetscBool     wrote_now = PETSC_FALSE;
  Vec           X;

  PetscFunctionBegin;
  if (p->output_interval > 0) {
    const PetscReal T = p->output_interval, tol = 1e-12 * PetscMax(PetscAbsReal(time), T);
    PetscReal tprev;
    PetscCall(TSGetPrevTime(ts, &tprev));
    while (s->k_next * T <= time + tol) {
      const PetscReal tk = s->k_next * T;
      if (tk < tprev - tol) { /* before this step: cannot happen unless the options changed */
        s->k_next++;
        continue;
      }
      if (tk >= time - tol) { /* at this step's state (also the last one of a run ending at a multiple of T) */
        if (!wrote_now) {
          PetscCall(SolverGetState(ts, &X));
          PetscCall(SeriesWrite(s, X, step, time));
        }
        wrote_now = PETSC_TRUE;
      } else {
        if (!s->work) {
          PetscCall(SolverGetState(ts, &X));
          PetscCall(VecDuplicate(X, &s->work));
        }
        PetscCall(SolverInterpolate(ts, tk, s->work));
        PetscCall(SeriesWrite(s, s->work, step, tk));
      }
      s->k_next++;
    }
  }
  if (p->output_steps > 0 && step % p->output_steps == 0 && !wrote_now) {
    PetscCall(SolverGetState(ts, &X));
    PetscCall(SeriesWrite(s, X, step, time));
  }
  PetscFunctionReturn(0);
}

/* Rank 0, HDF5 without error printing: the time and step attributes of a field file. */
static int ReadTimeStep(const char *path, PetscReal *time, PetscInt *step)
{
  H5E_auto2_t func;
  void       *data;
  hid_t       f;
  int         ok = 0;

  H5Eget_auto2(H5E_DEFAULT, &func, &data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  if ((f = H5UtilOpenRead(path)) >= 0) {
    ok = H5UtilAttrReal(f, "time", time) && H5UtilAttrInt(f, "step", step);
    H5Fclose(f);
  }
  H5Eset_auto2(H5E_DEFAULT, func, data);
  return ok;
}

PetscErrorCode OutputSeriesRestore(OutputSeries s, PetscInt count, PetscInt k_next, PetscReal interval, PetscReal time)
{
  MPI_Comm        comm = PetscObjectComm((PetscObject)s->app->da);
  const PetscReal T    = s->app->p.output_interval;
  PetscMPIInt     rank;
  char            err[PETSC_MAX_PATH_LEN * 2 + 64] = "";

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  s->count  = count;
  s->k_next = k_next;
  if (T > 0 && interval != T) s->k_next = (PetscInt)PetscFloorReal(time / T * (1 + 1e-12)) + 1; /* -output_interval changed: the first multiple after now */
  if (!OutputSeriesEnabled(s) && !count) PetscFunctionReturn(0);
  if (!rank) {
    const char *dir = s->app->p.output_dir;
    char        path[PETSC_MAX_PATH_LEN + 32];
    PetscInt    removed = 0, missing = 0;
    DIR        *d;
    s->nlist = 0;
    for (PetscInt i = 0; i < count; i++) {
      PetscReal t;
      PetscInt  step;
      snprintf(path, sizeof path, "%s/fields_%06" PetscInt_FMT ".h5", dir, i);
      if (ReadTimeStep(path, &t, &step)) PetscCall(SeriesAdd(s, i, step, t));
      else missing++;
    }
    /* files of the run that went on past the checkpoint: this run writes them again */
    if ((d = opendir(dir))) {
      struct dirent *e;
      while ((e = readdir(d))) {
        int  index, len = 0;
        char full[PETSC_MAX_PATH_LEN + 300];
        if (sscanf(e->d_name, "fields_%d.h5%n", &index, &len) == 1 && (e->d_name[len] == 0 || !strncmp(e->d_name + len, ".tmp", 4)) && index >= count) {
          snprintf(full, sizeof full, "%s/%s", dir, e->d_name);
          if (!remove(full)) removed++;
        }
      }
      closedir(d);
    }
    if (missing) PetscCall(PetscPrintf(PETSC_COMM_SELF, "uphill3d: warning: %" PetscInt_FMT " field file(s) written before the checkpoint are missing or unreadable in %s; fields.xdmf leaves them out\n", missing, dir));
    if (removed) PetscCall(PetscPrintf(PETSC_COMM_SELF, "restart: removed %" PetscInt_FMT " field file(s) written after the checkpoint (this run writes them again)\n", removed));
    PetscCall(SeriesWriteXdmf(s, err, sizeof err));
  }
  PetscCallMPI(MPI_Bcast(err, sizeof err, MPI_CHAR, 0, comm));
  if (err[0]) UPHILL_USER_ERROR(comm, "%s", err);
  PetscFunctionReturn(0);
}

PetscErrorCode OutputSeriesDestroy(OutputSeries *s)
{
  PetscFunctionBegin;
  if (!*s) PetscFunctionReturn(0);
  PetscCall(VecDestroy(&(*s)->work));
  PetscCall(PetscFree((*s)->list));
  PetscCall(PetscFree(*s));
  PetscFunctionReturn(0);
}
