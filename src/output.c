/* Field files: parallel HDF5 through PetscViewerHDF5, one dataset per field ("c", "mu",
   physical units) in natural order (shape [Nz][Ny][Nx], x fastest), with the run's
   parameters as attributes of the root group.  Files are written under a temporary name
   and renamed when complete, so a crash never leaves a half-written file under the real name. */
#include <uphill/output.h>
#include <uphill/errors.h>
#include <petscviewerhdf5.h>
#include <sys/stat.h>
#include <errno.h>
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

static PetscErrorCode WriteRealAttr(PetscViewer v, const char *name, PetscReal x)
{
  PetscFunctionBegin;
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/", name, PETSC_REAL, &x));
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteIntAttr(PetscViewer v, const char *name, PetscInt x)
{
  PetscFunctionBegin;
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/", name, PETSC_INT, &x));
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteAttributes(const App *app, PetscViewer v, PetscInt step, PetscReal time)
{
  const Params *p = &app->p;

  PetscFunctionBegin;
  PetscCall(WriteRealAttr(v, "time", time));
  PetscCall(WriteIntAttr(v, "step", step));
  PetscCall(WriteIntAttr(v, "grid_x", p->grid[0]));
  PetscCall(WriteIntAttr(v, "grid_y", p->grid[1]));
  PetscCall(WriteIntAttr(v, "grid_z", p->grid[2]));
  PetscCall(WriteRealAttr(v, "Lx", p->length[0]));
  PetscCall(WriteRealAttr(v, "Ly", p->length[1]));
  PetscCall(WriteRealAttr(v, "Lz", p->length[2]));
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/", "bc", PETSC_STRING, BoundaryTypes[p->bc]));
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/", "free_energy", PETSC_STRING, FreeEnergyTypes[p->free_energy]));
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/", "mobility_model", PETSC_STRING, MobilityModels[p->mobility_model]));
  PetscCall(WriteIntAttr(v, "components", p->ncomp + 1));
  PetscCall(WriteRealAttr(v, "omega", p->omega));
  PetscCall(WriteRealAttr(v, "temperature", p->temperature));
  PetscCall(WriteRealAttr(v, "gas_constant", p->gas_constant));
  PetscCall(WriteRealAttr(v, "molar_volume", p->molar_volume));
  PetscCall(WriteRealAttr(v, "rho", p->rho));
  PetscCall(WriteRealAttr(v, "c_alpha", p->c_alpha));
  PetscCall(WriteRealAttr(v, "c_beta", p->c_beta));
  PetscCall(WriteRealAttr(v, "kappa", p->kappa));
  PetscCall(WriteRealAttr(v, "mobility", p->mobility));
  PetscFunctionReturn(0);
}

/* One component of X, as a scalar DMDA vector named for the field. */
static PetscErrorCode ViewComponent(const App *app, DM da1, Vec X, PetscInt comp, const char *name, PetscReal scale, PetscViewer v)
{
  Vec f;

  PetscFunctionBegin;
  (void)app;
  PetscCall(DMGetGlobalVector(da1, &f));
  PetscCall(VecStrideGather(X, comp, f, INSERT_VALUES));
  if (scale != 1.0) PetscCall(VecScale(f, scale));
  PetscCall(PetscObjectSetName((PetscObject)f, name));
  PetscCall(VecView(f, v));
  PetscCall(DMRestoreGlobalVector(da1, &f));
  PetscFunctionReturn(0);
}

PetscErrorCode OutputWriteFields(const App *app, Vec X, PetscInt step, PetscReal time, const char *path)
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)app->da);
  PetscViewer v;
  DM          da1;
  PetscMPIInt rank;
  char        tmp[PETSC_MAX_PATH_LEN + 8];

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  PetscCall(DMDACreateCompatibleDMDA(app->da, 1, &da1));
  PetscCall(PetscViewerHDF5Open(comm, tmp, FILE_MODE_WRITE, &v));
  PetscCall(ViewComponent(app, da1, X, 0, "c", 1.0, v));
  PetscCall(ViewComponent(app, da1, X, 1, "mu", app->s.E, v));
  PetscCall(WriteAttributes(app, v, step, time));
  PetscCall(PetscViewerDestroy(&v));
  PetscCall(DMDestroy(&da1));
  if (!rank && rename(tmp, path)) SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
  PetscCallMPI(MPI_Barrier(comm));
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
  PetscBool   has;
  int         ndims = 0;
  hsize_t     dims[8];
  PetscInt    n, want = app->p.grid[0] * app->p.grid[1] * app->p.grid[2];
  PetscMPIInt rank, readable = 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) readable = access(path, R_OK) == 0;
  PetscCallMPI(MPI_Bcast(&readable, 1, MPI_INT, 0, comm));
  if (!readable) UPHILL_USER_ERROR(comm, "cannot read field file '%s'", path);
  PetscCall(PetscViewerHDF5Open(comm, path, FILE_MODE_READ, &v));
  PetscCall(PetscViewerHDF5HasDataset(v, "/c", &has));
  if (!has) UPHILL_USER_ERROR(comm, "field file '%s' has no dataset 'c'", path);
  PetscCall(DatasetDims(v, "c", &ndims, dims));
  n = 1;
  for (int d = 0; d < ndims; d++) n *= (PetscInt)dims[d];
  if (n != want) UPHILL_USER_ERROR(comm, "field file '%s' holds %" PetscInt_FMT " points of c, but the grid %" PetscInt_FMT "x%" PetscInt_FMT "x%" PetscInt_FMT " has %" PetscInt_FMT, path, n, app->p.grid[0], app->p.grid[1], app->p.grid[2], want);
  PetscCall(DMDACreateCompatibleDMDA(app->da, 1, &da1));
  PetscCall(DMGetGlobalVector(da1, &f));
  PetscCall(PetscObjectSetName((PetscObject)f, "c"));
  PetscCall(VecLoad(f, v));
  PetscCall(VecStrideScatter(f, 0, X, INSERT_VALUES));
  PetscCall(DMRestoreGlobalVector(da1, &f));
  PetscCall(DMDestroy(&da1));
  PetscCall(PetscViewerDestroy(&v));
  PetscFunctionReturn(0);
}
