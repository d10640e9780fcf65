/* Checkpoints, restart, and what runs after every accepted step (field output, checkpoints,
   SIGTERM/SIGUSR1).

   File: OUTPUT_DIR/checkpoints/ckpt_SSSSSSSS.h5 (S = the step), HDF5:
     /state   [Nz][Ny][Nx][2] doubles: (c, mu/E) per point in natural order.  It is the run's
              DMDA global vector written through a 3D DMDA of the same decomposition, so it
              does not depend on the rank count: a run may restart on any number of ranks.
              Attribute 'checksum': a hash of every value with its natural index.
     root attributes: format = "uphill3d-checkpoint", format_version = 1; time, step, dt (the
              step size the integrator takes next); the fingerprint: grid_x/y/z, Lx/Ly/Lz, bc,
              free_energy and all its parameters, kappa, mobility, mobility_model,
              components, mms, mms_rate; ic, ic_seed (the noise seed); options (every option
              in force, PetscOptionsGetAll); ts_type, ranks; monitor_* and output_* (stats.csv
              and field-series bookkeeping); complete = 1, written last.
   Writing: ckpt_S.h5.tmp is written, closed and fsync'd (rank 0), renamed to ckpt_S.h5, and
   the directory fsync'd; only then are checkpoints beyond the newest -checkpoint_keep
   deleted.  A job killed at any moment leaves the newest complete checkpoint intact.
   Reading validates before trusting: an HDF5 file that opens, the 'complete' marker, the
   fingerprint against this run's options, the dataset's shape, the checksum and finite
   values.  -restart latest skips (with a warning) a newest checkpoint that fails, and is an
   error when none is valid: it never starts again from t = 0.

   Integrator history.  TSBDF keeps its previous solutions in private state that the public
   API cannot set, so a checkpoint does not store them: whenever a checkpoint is written,
   TSRestartStep makes the integrator start its BDF2 history afresh from the checkpointed
   state (TSBDF takes a first-order half step, then continues with BDF2: second order
   throughout).  A restarted run does exactly the same from the same state, time, step number
   and step size, so it is bitwise identical, on the same rank count, to the run that went
   on.  The price is one extra half step per checkpoint, and: checkpoints at moments that
   depend on the wall clock (-checkpoint_walltime, a signal) change the trajectory at the
   level of the time-integration error, while -checkpoint_steps keeps a run reproducible. */
#include <uphill/checkpoint.h>
#include <uphill/output.h>
#include <uphill/analysis.h>
#include <uphill/errors.h>
#include <petscviewerhdf5.h>
#include <signal.h>
#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <time.h>
#include <unistd.h>

#define CKPT_FORMAT "uphill3d-checkpoint"
#define CKPT_VERSION 1

static volatile sig_atomic_t caught_signal = 0;

static void OnSignal(int sig) { caught_signal = sig; }

static const char *SignalName(int sig) { return sig == SIGTERM ? "SIGTERM" : sig == SIGUSR1 ? "SIGUSR1" : "a signal"; }

static void CheckpointDir(const App *app, char *dir, size_t len) { snprintf(dir, len, "%s/checkpoints", app->p.output_dir); }

static void CheckpointPath(const char *dir, PetscInt step, char *path, size_t len) { snprintf(path, len, "%s/ckpt_%08" PetscInt_FMT ".h5", dir, step); }

/* Rank 0: the steps of the checkpoints ckpt_S.h5 in dir, newest first. */
static PetscErrorCode ListCheckpoints(const char *dir, PetscInt **steps, PetscInt *n)
{
  DIR           *d = opendir(dir);
  struct dirent *e;
  PetscInt       cap = 16;

  PetscFunctionBegin;
  *n = 0;
  PetscCall(PetscMalloc1(cap, steps));
  if (!d) PetscFunctionReturn(0);
  while ((e = readdir(d))) {
    long long s;
    int       len = 0;
    if (sscanf(e->d_name, "ckpt_%lld.h5%n", &s, &len) != 1 || e->d_name[len] || s < 0) continue;
    if (*n == cap) {
      PetscInt *bigger;
      PetscCall(PetscMalloc1(2 * cap, &bigger));
      PetscCall(PetscArraycpy(bigger, *steps, cap));
      PetscCall(PetscFree(*steps));
      *steps = bigger;
      cap *= 2;
    }
    (*steps)[(*n)++] = (PetscInt)s;
  }
  closedir(d);
  PetscCall(PetscSortInt(*n, *steps));
  for (PetscInt i = 0; i < *n / 2; i++) { /* newest first */
    const PetscInt t     = (*steps)[i];
    (*steps)[i]          = (*steps)[*n - 1 - i];
    (*steps)[*n - 1 - i] = t;
  }
  PetscFunctionReturn(0);
}

/* ---- reading a checkpoint's metadata (rank 0, serial HDF5, errors not printed) -------- */

typedef struct {
  int          ok;
  char         why[PETSC_MAX_PATH_LEN + 256];
  PetscInt     grid[3], components, mms;
  PetscReal    length[3];
  int          bc, free_energy, mobility_model;
  PetscReal    omega, temperature, gas_constant, molar_volume, rho, c_alpha, c_beta, kappa, mobility, mms_rate;
  PetscInt     step, output_count, output_k_next;
  PetscReal    time, dt, output_interval;
  MonitorState mon;
  char         checksum[17];
  char         model[4096]; /* the N-component model's matrices (OutputModelString) */
} Meta;

static int AttrReal(hid_t f, const char *name, PetscReal *v)
{
  double d  = 0;
  hid_t  a  = H5Aopen(f, name, H5P_DEFAULT);
  int    ok = 0;
  if (a < 0) return 0;
  ok = H5Aread(a, H5T_NATIVE_DOUBLE, &d) >= 0;
  H5Aclose(a);
  *v = (PetscReal)d;
  return ok;
}

static int AttrInt(hid_t f, const char *name, PetscInt *v)
{
  long long n  = 0;
  hid_t     a  = H5Aopen(f, name, H5P_DEFAULT);
  int       ok = 0;
  if (a < 0) return 0;
  ok = H5Aread(a, H5T_NATIVE_LLONG, &n) >= 0;
  H5Aclose(a);
  *v = (PetscInt)n;
  return ok;
}

static int AttrString(hid_t f, const char *obj, const char *name, char *s, size_t len)
{
  hid_t  a = H5Aopen_by_name(f, obj, name, H5P_DEFAULT, H5P_DEFAULT), type, mem;
  size_t size;
  int    ok = 0;
  s[0]      = 0;
  if (a < 0) return 0;
  type = H5Aget_type(a);
  if (H5Tget_class(type) == H5T_STRING && !H5Tis_variable_str(type) && (size = H5Tget_size(type)) < len) {
    mem = H5Tcopy(H5T_C_S1);
    H5Tset_size(mem, size);
    ok = H5Aread(a, mem, s) >= 0;
    s[size] = 0;
    H5Tclose(mem);
  }
  H5Tclose(type);
  H5Aclose(a);
  return ok;
}

static int EnumIndex(const char *const *list, int n, const char *s)
{
  for (int i = 0; i < n; i++)
    if (!strcmp(list[i], s)) return i;
  return -1;
}

static void ReadMetaH5(hid_t f, Meta *m)
{
  char     s[256];
  PetscInt complete = 0, version = 0;
  hid_t    dset;

#define NEED(x, what) \
  if (!(x)) { \
    snprintf(m->why, sizeof m->why, "%s", what); \
    return; \
  }
  NEED(AttrString(f, "/", "format", s, sizeof s) && !strcmp(s, CKPT_FORMAT), "it is not an uphill3d checkpoint (no format attribute '" CKPT_FORMAT "')");
  NEED(AttrInt(f, "complete", &complete) && complete == 1, "it is incomplete (no 'complete' marker: its writer was stopped)");
  NEED(AttrInt(f, "format_version", &version) && version == CKPT_VERSION, "it has an unknown format_version");
  NEED(AttrInt(f, "grid_x", &m->grid[0]) && AttrInt(f, "grid_y", &m->grid[1]) && AttrInt(f, "grid_z", &m->grid[2]), "the grid attributes are missing");
  NEED(AttrReal(f, "Lx", &m->length[0]) && AttrReal(f, "Ly", &m->length[1]) && AttrReal(f, "Lz", &m->length[2]), "the length attributes are missing");
  NEED(AttrString(f, "/", "bc", s, sizeof s) && (m->bc = EnumIndex(BoundaryTypes, 2, s)) >= 0, "the bc attribute is missing or unknown");
  NEED(AttrString(f, "/", "free_energy", s, sizeof s) && (m->free_energy = EnumIndex(FreeEnergyTypes, 3, s)) >= 0, "the free_energy attribute is missing or unknown");
  NEED(AttrString(f, "/", "mobility_model", s, sizeof s) && (m->mobility_model = EnumIndex(MobilityModels, 2, s)) >= 0, "the mobility_model attribute is missing or unknown");
  NEED(AttrInt(f, "components", &m->components) && AttrInt(f, "mms", &m->mms) && AttrReal(f, "mms_rate", &m->mms_rate), "the model attributes are missing");
  NEED(AttrReal(f, "omega", &m->omega) && AttrReal(f, "temperature", &m->temperature) && AttrReal(f, "gas_constant", &m->gas_constant) && AttrReal(f, "molar_volume", &m->molar_volume) && AttrReal(f, "rho", &m->rho) && AttrReal(f, "c_alpha", &m->c_alpha) && AttrReal(f, "c_beta", &m->c_beta) && AttrReal(f, "kappa", &m->kappa) && AttrReal(f, "mobility", &m->mobility), "the model parameters are missing");
  NEED(AttrInt(f, "step", &m->step) && AttrReal(f, "time", &m->time) && AttrReal(f, "dt", &m->dt) && m->dt > 0, "time, step or dt is missing");
  NEED(AttrInt(f, "monitor_last_step", &m->mon.last_step) && AttrReal(f, "monitor_last_time", &m->mon.last_time) && AttrReal(f, "monitor_mass0", &m->mon.mass0) && AttrInt(f, "monitor_snes_pending", &m->mon.snes_pending) && AttrInt(f, "monitor_ksp_pending", &m->mon.ksp_pending) && AttrInt(f, "monitor_rejects_pending", &m->mon.rejects_pending), "the monitor attributes are missing");
  NEED(AttrInt(f, "output_count", &m->output_count) && AttrInt(f, "output_k_next", &m->output_k_next) && AttrReal(f, "output_interval", &m->output_interval), "the output attributes are missing");
  if (!AttrString(f, "/", "ncomp_model", m->model, sizeof m->model)) m->model[0] = 0; /* binary checkpoints of earlier versions */
  NEED(AttrString(f, "/state", "checksum", s, sizeof s) && strlen(s) == 16, "the state's checksum is missing");
  memcpy(m->checksum, s, sizeof m->checksum);
  dset = H5Dopen2(f, "state", H5P_DEFAULT);
  NEED(dset >= 0, "it has no dataset 'state'");
  {
    hid_t   space = H5Dget_space(dset);
    hsize_t dims[8];
    int     nd   = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
    int     good = nd == 4 && H5Sget_simple_extent_dims(space, dims, NULL) == 4 && dims[0] == (hsize_t)m->grid[2] && dims[1] == (hsize_t)m->grid[1] && dims[2] == (hsize_t)m->grid[0] && dims[3] == (hsize_t)(2 * (m->components - 1));
    if (space >= 0) H5Sclose(space);
    H5Dclose(dset);
    NEED(good, "its dataset 'state' does not have the shape [grid_z][grid_y][grid_x][2 (components - 1)]");
  }
#undef NEED
  m->ok = 1;
}

static void ReadMeta(const char *path, Meta *m)
{
  H5E_auto2_t func;
  void       *data;
  hid_t       f;

  memset(m, 0, sizeof *m);
  if (access(path, R_OK)) {
    snprintf(m->why, sizeof m->why, "cannot read it: %s", strerror(errno));
    return;
  }
  H5Eget_auto2(H5E_DEFAULT, &func, &data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  if ((f = OutputH5OpenRead(path)) < 0) snprintf(m->why, sizeof m->why, "it is not a readable HDF5 file (truncated or corrupt)");
  else {
    ReadMetaH5(f, m);
    H5Fclose(f);
  }
  H5Eset_auto2(H5E_DEFAULT, func, data);
}

/* ---- fingerprint: the checkpoint's model against this run's options -------------------- */

static void AddDiff(char *msg, size_t len, char *notes, size_t nlen, const char *what, const char *ck, const char *now, int change, const PetscBool allow[])
{
  char item[9000];
  if (change >= 0 && allow[change]) {
    snprintf(item, sizeof item, "%s%s changes from %s (checkpoint) to %s (options)", notes[0] ? "; " : "", what, ck, now);
    strncat(notes, item, nlen - strlen(notes) - 1);
    return;
  }
  snprintf(item, sizeof item, "%s%s %s in checkpoint vs %s in options", msg[0] ? "; " : "", what, ck, now);
  if (change >= 0) snprintf(item + strlen(item), sizeof item - strlen(item), " (to continue with the new value: -restart_allow_change %s)", RestartChangeNames[change]);
  strncat(msg, item, len - strlen(msg) - 1);
}

static void RealDiff(char *msg, size_t len, char *notes, size_t nlen, const char *what, PetscReal ck, PetscReal now, int change, const PetscBool allow[])
{
  char a[64], b[64];
  if (ck == now) return;
  snprintf(a, sizeof a, "%g", (double)ck);
  snprintf(b, sizeof b, "%g", (double)now);
  if (!strcmp(a, b)) {
    snprintf(a, sizeof a, "%.17g", (double)ck);
    snprintf(b, sizeof b, "%.17g", (double)now);
  }
  AddDiff(msg, len, notes, nlen, what, a, b, change, allow);
}

/* The value of entry NAME in a model string "name=v,v,...;name=..." (OutputModelString), or "". */
static void ModelEntry(const char *model, const char *name, char *val, size_t len)
{
  const size_t n = strlen(name);
  val[0]         = 0;
  for (const char *s = model; s && *s; s = strchr(s, ';') ? strchr(s, ';') + 1 : NULL)
    if (!strncmp(s, name, n) && s[n] == '=') {
      const char *e = strchr(s, ';');
      snprintf(val, len, "%.*s", (int)(e ? (size_t)(e - s - n - 1) : strlen(s + n + 1)), s + n + 1);
      return;
    }
}

/* The N-component model's matrices, entry by entry: the energy's never change; the gradient
   matrix may with -restart_allow_change kappa, the Onsager matrix or atomic mobilities with
   mobility (and a switch between the two with mobility_model). */
static void CompareModel(char *msg, size_t len, char *notes, size_t nlen, const Params *p, const Meta *m)
{
  const char *names[] = {"omega_matrix", "hessian", "c_ref", "kappa_matrix", "mobility_matrix", "atomic_mobilities"};
  const int   change[] = {-1, -1, -1, RESTART_CHANGE_KAPPA, RESTART_CHANGE_MOBILITY, RESTART_CHANGE_MOBILITY};
  char        model[4096], a[4096], b[4096];

  OutputModelString(p, model, sizeof model);
  if (!strcmp(model, m->model)) return;
  if (!model[0] || !m->model[0]) {
    AddDiff(msg, len, notes, nlen, "model", m->model[0] ? "N-component" : "binary", model[0] ? "N-component" : "binary", -1, p->allow_change);
    return;
  }
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    ModelEntry(m->model, names[i], a, sizeof a);
    ModelEntry(model, names[i], b, sizeof b);
    if (!strcmp(a, b)) continue;
    if (i >= 4 && (!a[0] || !b[0])) { /* one mobility model for another */
      AddDiff(msg, len, notes, nlen, "N-component mobility", a[0] ? names[i] : names[9 - i], b[0] ? names[i] : names[9 - i], RESTART_CHANGE_MOBILITY_MODEL, p->allow_change);
      i = 5;
      continue;
    }
    AddDiff(msg, len, notes, nlen, names[i], a, b, change[i], p->allow_change);
  }
}

static PetscErrorCode CompareFingerprint(MPI_Comm comm, const Params *p, const Meta *m, const char *path)
{
  char msg[10240] = "", notes[2048] = "", a[128], b[128];

  PetscFunctionBegin;
  if (m->grid[0] != p->grid[0] || m->grid[1] != p->grid[1] || m->grid[2] != p->grid[2]) {
    snprintf(a, sizeof a, "%" PetscInt_FMT "x%" PetscInt_FMT "x%" PetscInt_FMT, m->grid[0], m->grid[1], m->grid[2]);
    snprintf(b, sizeof b, "%" PetscInt_FMT "x%" PetscInt_FMT "x%" PetscInt_FMT, p->grid[0], p->grid[1], p->grid[2]);
    AddDiff(msg, sizeof msg, notes, sizeof notes, "grid", a, b, -1, p->allow_change);
  }
  if (m->length[0] != p->length[0] || m->length[1] != p->length[1] || m->length[2] != p->length[2]) {
    snprintf(a, sizeof a, "%gx%gx%g", (double)m->length[0], (double)m->length[1], (double)m->length[2]);
    snprintf(b, sizeof b, "%gx%gx%g", (double)p->length[0], (double)p->length[1], (double)p->length[2]);
    AddDiff(msg, sizeof msg, notes, sizeof notes, "domain lengths", a, b, -1, p->allow_change);
  }
  if (m->bc != (int)p->bc) AddDiff(msg, sizeof msg, notes, sizeof notes, "bc", BoundaryTypes[m->bc], BoundaryTypes[p->bc], -1, p->allow_change);
  if (m->components != p->ncomp + 1) {
    snprintf(a, sizeof a, "%" PetscInt_FMT, m->components);
    snprintf(b, sizeof b, "%" PetscInt_FMT, p->ncomp + 1);
    AddDiff(msg, sizeof msg, notes, sizeof notes, "components", a, b, -1, p->allow_change);
  }
  CompareModel(msg, sizeof msg, notes, sizeof notes, p, m);
  if (m->mms != (PetscInt)p->mms) AddDiff(msg, sizeof msg, notes, sizeof notes, "mms", m->mms ? "true" : "false", p->mms ? "true" : "false", -1, p->allow_change);
  else if (p->mms) RealDiff(msg, sizeof msg, notes, sizeof notes, "mms_rate", m->mms_rate, p->mms_rate, -1, p->allow_change);
  if (m->free_energy != (int)p->free_energy) AddDiff(msg, sizeof msg, notes, sizeof notes, "free_energy", FreeEnergyTypes[m->free_energy], FreeEnergyTypes[p->free_energy], -1, p->allow_change);
  else if (p->free_energy == FE_REGULAR_SOLUTION) {
    RealDiff(msg, sizeof msg, notes, sizeof notes, "omega", m->omega, p->omega, -1, p->allow_change);
    RealDiff(msg, sizeof msg, notes, sizeof notes, "temperature", m->temperature, p->temperature, RESTART_CHANGE_TEMPERATURE, p->allow_change);
    RealDiff(msg, sizeof msg, notes, sizeof notes, "gas_constant", m->gas_constant, p->gas_constant, -1, p->allow_change);
    RealDiff(msg, sizeof msg, notes, sizeof notes, "molar_volume", m->molar_volume, p->molar_volume, -1, p->allow_change);
  } else {
    RealDiff(msg, sizeof msg, notes, sizeof notes, "rho", m->rho, p->rho, -1, p->allow_change);
    RealDiff(msg, sizeof msg, notes, sizeof notes, "c_alpha", m->c_alpha, p->c_alpha, -1, p->allow_change);
    RealDiff(msg, sizeof msg, notes, sizeof notes, "c_beta", m->c_beta, p->c_beta, -1, p->allow_change);
  }
  RealDiff(msg, sizeof msg, notes, sizeof notes, "kappa", m->kappa, p->kappa, RESTART_CHANGE_KAPPA, p->allow_change);
  RealDiff(msg, sizeof msg, notes, sizeof notes, "mobility", m->mobility, p->mobility, RESTART_CHANGE_MOBILITY, p->allow_change);
  if (m->mobility_model != (int)p->mobility_model) AddDiff(msg, sizeof msg, notes, sizeof notes, "mobility_model", MobilityModels[m->mobility_model], MobilityModels[p->mobility_model], RESTART_CHANGE_MOBILITY_MODEL, p->allow_change);
  if (msg[0]) UPHILL_USER_ERROR(comm, "checkpoint '%s' does not match the options: %s", path, msg);
  if (notes[0]) PetscCall(PetscPrintf(comm, "restart: %s (allowed by -restart_allow_change)\n", notes));
  PetscFunctionReturn(0);
}

/* ---- loading ---------------------------------------------------------------------------- */

/* Collective: read /state into X and check it against its checksum.  ok = 0 with a reason
   when the data cannot be read, do not match the checksum, or are not finite. */
static PetscErrorCode LoadState(App *app, const char *path, const Meta *m, Vec X, int *ok, char *why, size_t len)
{
  MPI_Comm       comm = PetscObjectComm((PetscObject)app->da);
  PetscViewer    v    = NULL;
  DM             io;
  Vec            w;
  PetscErrorCode ierr;
  int            good;
  uint64_t       sum;
  PetscBool      finite;
  PetscLogDouble t0, t1;
  char           str[17];

  PetscFunctionBegin;
  *ok = 0;
  PetscCall(OutputCreateIODM(app, 2 * app->p.ncomp, &io));
  PetscCall(DMCreateGlobalVector(io, &w));
  PetscCall(PetscObjectSetName((PetscObject)w, "state"));
  PetscCall(PetscTime(&t0));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = PetscViewerHDF5Open(comm, path, FILE_MODE_READ, &v);
  if (!ierr) ierr = VecLoad(w, v);
  PetscCall(PetscPopErrorHandler());
  good = !ierr;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &good, 1, MPI_INT, MPI_MIN, comm));
  if (v) PetscCall(PetscViewerDestroy(&v));
  PetscCall(PetscTime(&t1));
  if (!good) snprintf(why, len, "its dataset 'state' cannot be read (corrupt)");
  else {
    PetscCall(OutputChecksum(io, w, &sum, &finite));
    OutputChecksumString(sum, str);
    if (strcmp(str, m->checksum)) snprintf(why, len, "its state does not match its checksum (corrupt: %s computed, %s recorded)", str, m->checksum);
    else if (!finite) snprintf(why, len, "its state holds NaN or Inf");
    else {
      struct stat  st;
      const double mb = stat(path, &st) ? 0.0 : (double)st.st_size / 1e6;
      PetscCall(VecCopy(w, X)); /* same local layout: io has the run's decomposition */
      *ok = 1;
      PetscCall(PetscPrintf(comm, "restart: read %s, %.4g MB in %.4g s (%.3f GB/s)\n", path, mb, (double)(t1 - t0), mb / 1e3 / PetscMax((double)(t1 - t0), 1e-9)));
    }
  }
  PetscCall(VecDestroy(&w));
  PetscCall(DMDestroy(&io));
  PetscFunctionReturn(0);
}

PetscErrorCode CheckpointRestartLoad(App *app, Vec X, RestartState *rs)
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)app->da);
  PetscMPIInt rank;
  PetscBool   latest;
  PetscInt   *steps = NULL, n = 1;
  char        dir[PETSC_MAX_PATH_LEN + 16], path[PETSC_MAX_PATH_LEN + 48];
  Meta       *m;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(rs, sizeof *rs));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(PetscStrcmp(app->p.restart, "latest", &latest));
  CheckpointDir(app, dir, sizeof dir);
  if (latest) {
    if (!rank) PetscCall(ListCheckpoints(dir, &steps, &n));
    PetscCallMPI(MPI_Bcast(&n, 1, MPIU_INT, 0, comm));
    if (rank) PetscCall(PetscMalloc1(n + 1, &steps));
    PetscCallMPI(MPI_Bcast(steps, (PetscMPIInt)n, MPIU_INT, 0, comm));
  }
  PetscCall(PetscNew(&m));
  for (PetscInt c = 0; c < n; c++) {
    int  ok;
    char why[PETSC_MAX_PATH_LEN + 256];
    if (latest) CheckpointPath(dir, steps[c], path, sizeof path);
    else PetscCall(PetscStrncpy(path, app->p.restart, sizeof path));
    if (!rank) ReadMeta(path, m);
    PetscCallMPI(MPI_Bcast(m, sizeof *m, MPI_BYTE, 0, comm));
    ok = m->ok;
    if (ok) {
      PetscCall(CompareFingerprint(comm, &app->p, m, path)); /* a mismatch is an error, also for 'latest' */
      PetscCall(LoadState(app, path, m, X, &ok, m->why, sizeof m->why));
    }
    if (!ok && !latest) UPHILL_USER_ERROR(comm, "option -restart: cannot restart from '%s': %s", path, m->why);
    if (!ok) {
      snprintf(why, sizeof why, "%s", m->why);
      if (!rank) fprintf(stderr, "uphill3d: warning: skipping checkpoint '%s': %s\n", path, why);
      if (rs->nskipped < (PetscInt)(sizeof rs->skipped_steps / sizeof rs->skipped_steps[0])) rs->skipped_steps[rs->nskipped++] = steps[c];
      continue;
    }
    PetscCall(PetscStrncpy(rs->path, path, sizeof rs->path));
    rs->step           = m->step;
    rs->time           = m->time;
    rs->dt             = m->dt;
    rs->mon            = m->mon;
    rs->mon.first_step = m->step;
    rs->output_count    = m->output_count;
    rs->output_k_next   = m->output_k_next;
    rs->output_interval = m->output_interval;
    break;
  }
  PetscCall(PetscFree(m));
  PetscCall(PetscFree(steps));
  if (!rs->path[0]) UPHILL_USER_ERROR(comm, "option -restart latest: no valid checkpoint in '%s' (%" PetscInt_FMT " found); -restart latest never starts a new run from t = 0: run without -restart to start one", dir, n);
  PetscFunctionReturn(0);
}

PetscErrorCode CheckpointRestartApply(const RestartState *rs, TS ts)
{
  PetscFunctionBegin;
  PetscCall(TSSetTime(ts, rs->time));
  PetscCall(TSSetStepNumber(ts, rs->step));
  PetscCall(TSSetTimeStep(ts, rs->dt));
  PetscCall(TSRestartStep(ts)); /* as the run that wrote the checkpoint did right after it */
  PetscCall(PetscPrintf(PetscObjectComm((PetscObject)ts), "restart: continuing from %s at step %" PetscInt_FMT ", t = %.10e, dt = %.6e\n", rs->path, rs->step, (double)rs->time, (double)rs->dt));
  PetscFunctionReturn(0);
}

/* ---- writing ---------------------------------------------------------------------------- */

struct _p_RunControl {
  App           *app;
  TS             ts;
  Monitor        mon;
  OutputSeries   series;
  Analysis       analysis; /* NULL unless -analysis_interval > 0 */
  PetscBool      restarted, enabled;
  char           dir[PETSC_MAX_PATH_LEN + 16];
  PetscLogDouble wall_last; /* wall time of the last checkpoint (or the start) */
  PetscInt       last_ckpt_step;
  int            stopped;
};

/* Test hook: UPHILL_TEST_CHECKPOINT_DELAY seconds of sleep between the complete .tmp file
   and its rename, so that a test can kill a run in the middle of writing a checkpoint. */
static void TestDelay(void)
{
  const char *s = getenv("UPHILL_TEST_CHECKPOINT_DELAY");
  double      d = s ? atof(s) : 0;
  if (d > 0) {
    struct timespec ts = {(time_t)d, (long)((d - (double)(time_t)d) * 1e9)};
    while (nanosleep(&ts, &ts) && errno == EINTR) {}
  }
}

static PetscErrorCode CheckpointWrite(RunControl rc, Vec X, char *path, size_t len)
{
  App         *app  = rc->app;
  MPI_Comm     comm = PetscObjectComm((PetscObject)app->da);
  PetscMPIInt  rank, size;
  PetscViewer  v;
  DM           io;
  PetscInt     step, count, k_next;
  PetscReal    t, dt;
  MonitorState ms;
  uint64_t       sum;
  PetscLogDouble t0, t1 = 0;
  char           tmp[PETSC_MAX_PATH_LEN + 64], str[17], *opts = NULL, err[3 * PETSC_MAX_PATH_LEN + 256] = "";
  TSType       type;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(TSGetStepNumber(rc->ts, &step));
  PetscCall(TSGetTime(rc->ts, &t));
  PetscCall(TSGetTimeStep(rc->ts, &dt));
  PetscCall(TSGetType(rc->ts, &type));
  PetscCall(MonitorGetState(rc->mon, rc->ts, &ms));
  OutputSeriesGetState(rc->series, &count, &k_next);
  PetscCall(OutputMakeDir(comm, rc->dir));
  CheckpointPath(rc->dir, step, path, len);
  snprintf(tmp, sizeof tmp, "%s.tmp", path);

  PetscCall(OutputCreateIODM(app, 2 * app->p.ncomp, &io));
  PetscCall(OutputChecksum(io, X, &sum, NULL));
  OutputChecksumString(sum, str);
  PetscCall(PetscTime(&t0));
  PetscCall(PetscViewerHDF5Open(comm, tmp, FILE_MODE_WRITE, &v));
  PetscCall(OutputViewVec(io, X, "state", v));
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/state", "checksum", PETSC_STRING, str));
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/", "format", PETSC_STRING, CKPT_FORMAT));
  PetscCall(OutputWriteIntAttr(v, "format_version", CKPT_VERSION));
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/", "kind", PETSC_STRING, "checkpoint"));
  PetscCall(OutputWriteRunAttributes(app, v, step, t));
  PetscCall(OutputWriteRealAttr(v, "dt", dt));
  PetscCall(OutputWriteIntAttr(v, "mms", app->p.mms));
  PetscCall(OutputWriteRealAttr(v, "mms_rate", app->p.mms_rate));
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/", "ic", PETSC_STRING, InitialTypes[app->p.ic]));
  PetscCall(OutputWriteIntAttr(v, "ic_seed", app->p.ic_seed));
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/", "state_layout", PETSC_STRING, app->p.ncomp == 1 ? "[grid_z][grid_y][grid_x][c, mu/E], E = energy_scale" : "[grid_z][grid_y][grid_x][c_1..c_{N-1}, mu_1/E..mu_{N-1}/E], E = energy_scale"));
  PetscCall(OutputWriteRealAttr(v, "energy_scale", app->s.E));
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/", "ts_type", PETSC_STRING, type));
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/", "integrator_history", PETSC_STRING, "none: the integrator restarts its history at every checkpoint (TSRestartStep)"));
  PetscCall(OutputWriteIntAttr(v, "ranks", size));
  PetscCall(PetscOptionsGetAll(NULL, &opts));
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/", "options", PETSC_STRING, opts));
  PetscCall(PetscFree(opts));
  PetscCall(OutputWriteIntAttr(v, "monitor_last_step", ms.last_step));
  PetscCall(OutputWriteRealAttr(v, "monitor_last_time", ms.last_time));
  PetscCall(OutputWriteRealAttr(v, "monitor_mass0", ms.mass0));
  PetscCall(OutputWriteIntAttr(v, "monitor_snes_pending", ms.snes_pending));
  PetscCall(OutputWriteIntAttr(v, "monitor_ksp_pending", ms.ksp_pending));
  PetscCall(OutputWriteIntAttr(v, "monitor_rejects_pending", ms.rejects_pending));
  PetscCall(OutputWriteIntAttr(v, "output_count", count));
  PetscCall(OutputWriteIntAttr(v, "output_k_next", k_next));
  PetscCall(OutputWriteRealAttr(v, "output_interval", app->p.output_interval));
  PetscCall(OutputWriteIntAttr(v, "complete", 1)); /* last */
  PetscCall(PetscViewerDestroy(&v));
  PetscCall(DMDestroy(&io));

  PetscCallMPI(MPI_Barrier(comm));
  if (!rank) {
    int         e;
    struct stat st;
    if ((e = OutputSyncFile(tmp))) snprintf(err, sizeof err, "cannot sync %s: %s", tmp, strerror(e));
    else {
      PetscCall(PetscTime(&t1)); /* written and on disk: the time the checkpoint costs */
      TestDelay();
      if (rename(tmp, path)) snprintf(err, sizeof err, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
      else if ((e = OutputSyncFile(rc->dir))) snprintf(err, sizeof err, "cannot sync directory %s: %s", rc->dir, strerror(e));
    }
    if (!err[0]) {
      const double mb = stat(path, &st) ? 0.0 : (double)st.st_size / 1e6;
      PetscCall(PetscPrintf(PETSC_COMM_SELF, "checkpoint: wrote %s at step %" PetscInt_FMT ", %.4g MB in %.4g s (%.3f GB/s)\n", path, step, mb, (double)(t1 - t0), mb / 1e3 / PetscMax((double)(t1 - t0), 1e-9)));
    }
    if (!err[0]) { /* only now that the new one is safe: delete the oldest beyond -checkpoint_keep */
      PetscInt *steps, n;
      PetscCall(ListCheckpoints(rc->dir, &steps, &n));
      for (PetscInt i = app->p.checkpoint_keep; i < n; i++) {
        char old[PETSC_MAX_PATH_LEN + 48];
        CheckpointPath(rc->dir, steps[i], old, sizeof old);
        if (steps[i] != step) (void)remove(old);
      }
      PetscCall(PetscFree(steps));
    }
  }
  PetscCallMPI(MPI_Bcast(err, sizeof err, MPI_CHAR, 0, comm));
  PetscCheck(!err[0], comm, PETSC_ERR_FILE_WRITE, "%s", err);
  PetscFunctionReturn(0);
}

/* ---- after each accepted step ------------------------------------------------------------ */

static PetscErrorCode PostStep(TS ts)
{
  PetscContainer    cont;
  RunControl        rc;
  PetscInt          step;
  PetscReal         t;
  Vec               X;
  TSConvergedReason reason;
  PetscMPIInt       rank;
  int               flags[2] = {0, 0};
  PetscLogDouble    now;
  char              path[PETSC_MAX_PATH_LEN + 48];

  PetscFunctionBegin;
  PetscCall(PetscObjectQuery((PetscObject)ts, "uphill_runcontrol", (PetscObject *)&cont));
  PetscCall(PetscContainerGetPointer(cont, (void **)&rc));
  PetscCall(TSGetConvergedReason(ts, &reason));
  if (reason < 0) PetscFunctionReturn(0);
  PetscCall(TSGetStepNumber(ts, &step));
  PetscCall(TSGetTime(ts, &t));
  PetscCall(TSGetSolution(ts, &X));
  if (rc->analysis) PetscCall(AnalysisAfterStep(rc->analysis, step, t, X));
  PetscCall(OutputSeriesStep(rc->series, ts, X, step, t));

  /* every rank must take the same decision: a signal may reach some ranks only, and rank 0's
     clock decides the wall-time checkpoints */
  PetscCallMPI(MPI_Comm_rank(PetscObjectComm((PetscObject)ts), &rank));
  PetscCall(PetscTime(&now));
  flags[0] = (int)caught_signal;
  flags[1] = !rank && rc->app->p.checkpoint_walltime > 0 && now - rc->wall_last >= rc->app->p.checkpoint_walltime;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, flags, 2, MPI_INT, MPI_MAX, PetscObjectComm((PetscObject)ts)));

  if (step != rc->last_ckpt_step && (flags[0] || flags[1] || (rc->app->p.checkpoint_steps > 0 && step % rc->app->p.checkpoint_steps == 0) || (reason > 0 && rc->enabled))) {
    PetscCall(MonitorRecord(rc->mon, ts)); /* the row of this step, if due, before the state is saved */
    PetscCall(CheckpointWrite(rc, X, path, sizeof path));
    PetscCall(PetscTime(&rc->wall_last));
    rc->last_ckpt_step = step;
    if (!reason) PetscCall(TSRestartStep(ts)); /* as a restarted run will (see the top of this file) */
  }
  if (flags[0]) {
    rc->stopped = flags[0];
    PetscCall(PetscPrintf(PetscObjectComm((PetscObject)ts), "uphill3d: caught %s: wrote checkpoint %s at step %" PetscInt_FMT ", t = %.10e; stopping (continue with -restart latest)\n", SignalName(flags[0]), path, step, (double)t));
    if (!reason) PetscCall(TSSetConvergedReason(ts, TS_CONVERGED_USER));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode RunControlCreate(App *app, const RestartState *rs, RunControl *rc)
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)app->da);
  PetscMPIInt rank;
  char        err[PETSC_MAX_PATH_LEN + 512] = "";

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(PetscNew(rc));
  (*rc)->app            = app;
  (*rc)->restarted      = rs ? PETSC_TRUE : PETSC_FALSE;
  (*rc)->enabled        = (PetscBool)(app->p.checkpoint_steps > 0 || app->p.checkpoint_walltime > 0);
  (*rc)->last_ckpt_step = rs ? rs->step : -1;
  CheckpointDir(app, (*rc)->dir, sizeof (*rc)->dir);
  PetscCall(OutputSeriesCreate(app, &(*rc)->series));
  if (!rank) {
    PetscInt *steps, n;
    PetscCall(ListCheckpoints((*rc)->dir, &steps, &n));
    if (!rs && n) {
      /* a new run would mix its checkpoints with these, and -restart latest could then pick
         the other run's */
      snprintf(err, sizeof err, "'%s' holds checkpoints of an earlier run (newest: step %" PetscInt_FMT "): continue it with -restart latest, or remove them or choose another -output_dir to start a new run", (*rc)->dir, steps[0]);
    } else if (rs) {
      DIR *d;
      /* checkpoints newer than the one continued from belong to a trajectory this run replaces */
      for (PetscInt i = 0; i < n && steps[i] > rs->step; i++) {
        char      old[PETSC_MAX_PATH_LEN + 48], moved[PETSC_MAX_PATH_LEN + 64];
        PetscBool bad = PETSC_FALSE;
        for (PetscInt s = 0; s < rs->nskipped; s++)
          if (rs->skipped_steps[s] == steps[i]) bad = PETSC_TRUE;
        CheckpointPath((*rc)->dir, steps[i], old, sizeof old);
        snprintf(moved, sizeof moved, "%s.%s", old, bad ? "invalid" : "abandoned");
        if (!rename(old, moved)) PetscCall(PetscPrintf(PETSC_COMM_SELF, "restart: renamed %s to %s (%s)\n", old, moved, bad ? "it failed validation" : "it is newer than the checkpoint this run continues from"));
      }
      if ((d = opendir((*rc)->dir))) { /* partial files of a checkpoint whose writer was stopped */
        struct dirent *e;
        while ((e = readdir(d))) {
          if (!strncmp(e->d_name, "ckpt_", 5) && strstr(e->d_name, ".h5.tmp")) { /* also MPI-IO's .tmp.locktest.N */
            char full[PETSC_MAX_PATH_LEN + 300];
            snprintf(full, sizeof full, "%s/%s", (*rc)->dir, e->d_name);
            if (!remove(full)) PetscCall(PetscPrintf(PETSC_COMM_SELF, "restart: removed the partial checkpoint %s\n", full));
          }
        }
        closedir(d);
      }
    }
    PetscCall(PetscFree(steps));
  }
  PetscCallMPI(MPI_Bcast(err, sizeof err, MPI_CHAR, 0, comm));
  if (err[0]) UPHILL_USER_ERROR(comm, "%s", err);
  if (rs) PetscCall(OutputSeriesRestore((*rc)->series, rs->output_count, rs->output_k_next, rs->output_interval, rs->time));
  if ((*rc)->enabled) PetscCall(OutputMakeDir(comm, (*rc)->dir)); /* fail now, not at the first checkpoint */
  if (app->p.analysis_interval > 0) {
    PetscCall(AnalysisCreate(app, &(*rc)->analysis));
    PetscCall(AnalysisOpenOutput((*rc)->analysis, rs ? rs->step : -1, rs ? rs->time : 0));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode RunControlAttach(RunControl rc, TS ts, Monitor mon, Vec X)
{
  PetscContainer   cont;
  struct sigaction sa;

  PetscFunctionBegin;
  rc->ts  = ts;
  rc->mon = mon;
  PetscCall(PetscContainerCreate(PetscObjectComm((PetscObject)ts), &cont));
  PetscCall(PetscContainerSetPointer(cont, rc));
  PetscCall(PetscObjectCompose((PetscObject)ts, "uphill_runcontrol", (PetscObject)cont));
  PetscCall(PetscContainerDestroy(&cont));
  PetscCall(TSSetPostStep(ts, PostStep));
  /* SIGTERM (Slurm at the time limit, scancel) and SIGUSR1 (sbatch --signal=USR1@T): only a
     flag here; the ranks act on it together after the next accepted step. */
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGUSR1, &sa, NULL);
  PetscCall(PetscTime(&rc->wall_last));
  if (!rc->restarted) {
    PetscInt  step;
    PetscReal t;
    PetscCall(TSGetStepNumber(ts, &step));
    PetscCall(TSGetTime(ts, &t));
    PetscCall(OutputSeriesStart(rc->series, X, step, t));
    if (rc->analysis) PetscCall(AnalysisAfterStep(rc->analysis, step, t, X));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode RunControlFinish(RunControl rc, Vec X)
{
  PetscInt          step;
  TSConvergedReason reason;
  char              path[PETSC_MAX_PATH_LEN + 48];

  PetscFunctionBegin;
  PetscCall(TSGetStepNumber(rc->ts, &step));
  PetscCall(TSGetConvergedReason(rc->ts, &reason));
  /* after a step, PostStep wrote it; here only a new run that took no step (its state 0) */
  if (rc->enabled && !rc->stopped && reason > 0 && step != rc->last_ckpt_step) {
    PetscCall(CheckpointWrite(rc, X, path, sizeof path));
    rc->last_ckpt_step = step;
  }
  PetscFunctionReturn(0);
}

int RunControlStoppedBySignal(RunControl rc) { return rc ? rc->stopped : 0; }

PetscErrorCode RunControlDestroy(RunControl *rc)
{
  PetscFunctionBegin;
  if (!*rc) PetscFunctionReturn(0);
  PetscCall(OutputSeriesDestroy(&(*rc)->series));
  if ((*rc)->analysis) PetscCall(AnalysisDestroy(&(*rc)->analysis));
  PetscCall(PetscFree(*rc));
  PetscFunctionReturn(0);
}
