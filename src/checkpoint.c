/* Checkpoints: the file format, writing, validation and restart (run_control.c decides when
   one is written).

   File: OUTPUT_DIR/checkpoints/ckpt_SSSSSSSS.h5 (S = the step), HDF5:
     /state   [Nz][Ny][Nx][2(N-1)] doubles: (c_1..c_{N-1}, mu_1/E..mu_{N-1}/E) per point in
              natural order (binary: c, mu/E).  It is the run's DMDA global vector written
              through a 3D DMDA of the same decomposition, so it does not depend on the rank
              count: a run may restart on any number of ranks.
              Attribute 'checksum': a hash of every value with its natural index.
     root attributes: format = "uphill3d-checkpoint", format_version = 2; time, step, dt (the
              step size the integrator takes next); the fingerprint: grid_x/y/z, Lx/Ly/Lz, bc,
              free_energy and all its parameters, kappa, mobility, mobility_model,
              components, mms, mms_rate; ic, ic_seed (the noise seed); options (every option
              in force, PetscOptionsGetAll); ts_type, ranks; monitor_* and output_* (stats.csv
              and field-series bookkeeping); energy_scale (the E of mu/E: a restart with another
              E, kappa or temperature recomputes mu from c); fftw_wisdom (optional: FFTW's
              wisdom with -fft_planning measure, imported before a restart plans, so that it
              makes the same transforms: bitwise on one rank; FFTW-MPI's measured plans on
              several ranks were not always repeated); complete = 1; meta_checksum, written
              last (rank 0, serial HDF5): a hash of every other attribute of / and /state (see
              MetaHash), so an edited time, dt or step is caught.  Version 1 files (no
              meta_checksum) are still read, their metadata unchecked.
   Writing: ckpt_S.h5.tmp is written, closed and fsync'd (rank 0), renamed to ckpt_S.h5, and
   the directory fsync'd; only then are checkpoints beyond the newest -checkpoint_keep
   deleted.  A job killed at any moment leaves the newest complete checkpoint intact.
   Reading validates before trusting: an HDF5 file that opens, the 'complete' marker, the
   fingerprint against this run's options, the dataset's shape, the checksum and finite
   values, the metadata checksum.  The metadata are read in a child process (ReadMetaIsolated):
   HDF5's parser itself crashes on some corrupt object headers.  -restart latest (and auto)
   skips (with a warning) a newest checkpoint that fails, and RunControlCreate renames it
   aside (.invalid); latest is an error when none is valid: it never starts again from t = 0.
   -restart auto starts a new run only when OUTPUT_DIR/checkpoints holds no ckpt_*.h5.
   A write that fails (disk full, quota) closes the file, removes the .tmp and stops the run
   with one error line; the previous checkpoints are untouched.

   Integrator history.  TSBDF keeps its previous solutions in private state that the public
   API cannot set, so a checkpoint does not store them: whenever a checkpoint is written,
   TSRestartStep makes the integrator start its BDF2 history afresh from the checkpointed
   state (TSBDF takes a first-order half step, then continues with BDF2: second order
   throughout).  A restarted run does exactly the same from the same state, time, step number
   and step size, so it is bitwise identical, on the same rank count, to the run that went
   on.  The price is one extra half step per checkpoint, and: checkpoints at moments that
   depend on the wall clock (-checkpoint_walltime, a signal) change the trajectory at the
   level of the time-integration error, while -checkpoint_steps keeps a run reproducible. */
#include <uphill/log_events.h>
#include <uphill/checkpoint.h>
#include <uphill/output.h>
#include <uphill/analysis.h>
#include <uphill/errors.h>
#include <uphill/physics.h>
#include <uphill/spectral.h>
#include <petscviewerhdf5.h>
#include "h5util.h"
#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CKPT_FORMAT "uphill3d-checkpoint"
#define CKPT_VERSION 2 /* 2: meta_checksum; 1 still read */
#define CKPT_WISDOM_MAX 65536 /* longer wisdom is not stored (a restart then measures afresh) */

void CheckpointDir(const App *app, char *dir, size_t len) { snprintf(dir, len, "%s/checkpoints", app->p.output_dir); }

void CheckpointPath(const char *dir, PetscInt step, char *path, size_t len) { snprintf(path, len, "%s/ckpt_%08" PetscInt_FMT ".h5", dir, step); }

PetscErrorCode CheckpointList(const char *dir, PetscInt **steps, PetscInt *n)
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
  PetscReal    energy_scale; /* E of the stored mu/E (0: not recorded) */
  char         wisdom[CKPT_WISDOM_MAX]; /* FFTW's wisdom of the run that wrote it ("" : none) */
} Meta;

static int EnumIndex(const char *const *list, int n, const char *s)
{
  for (int i = 0; i < n; i++)
    if (!strcmp(list[i], s)) return i;
  return -1;
}

/* ---- the metadata checksum -------------------------------------------------------------- */

/* FNV-1a over "name=value;" for every attribute of / then of /state, in name order, except
   meta_checksum: integers as %lld, reals as the 16 hex digits of their IEEE bits, fixed-length
   strings as text.  tools/uphill3d-files computes the same. */
typedef struct {
  uint64_t    h;
  int         ok;
  const char *prefix;
} MetaHash;

static void HashText(MetaHash *mh, const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    mh->h ^= (unsigned char)s[i];
    mh->h *= 0x100000001b3ULL;
  }
}

static herr_t HashAttr(hid_t loc, const char *name, const H5A_info_t *info, void *ctx)
{
  MetaHash *mh = (MetaHash *)ctx;
  hid_t     a, type = -1, space = -1;
  char      num[64], *str = NULL;
  int       ok = 0;

  (void)info;
  if (!strcmp(name, "meta_checksum")) return 0;
  if ((a = H5Aopen(loc, name, H5P_DEFAULT)) < 0) return mh->ok = 0, -1;
  type  = H5Aget_type(a);
  space = H5Aget_space(a);
  if (type >= 0 && space >= 0 && H5Sget_simple_extent_npoints(space) == 1) {
    const H5T_class_t cls = H5Tget_class(type);
    if (cls == H5T_INTEGER) {
      long long v;
      if ((ok = H5Aread(a, H5T_NATIVE_LLONG, &v) >= 0)) snprintf(num, sizeof num, "%lld", v);
    } else if (cls == H5T_FLOAT) {
      double             v;
      unsigned long long bits;
      if ((ok = H5Aread(a, H5T_NATIVE_DOUBLE, &v) >= 0)) {
        memcpy(&bits, &v, sizeof bits);
        snprintf(num, sizeof num, "%016llx", bits);
      }
    } else if (cls == H5T_STRING && H5Tis_variable_str(type) == 0) {
      const size_t size = H5Tget_size(type);
      hid_t        mem;
      if (size > 0 && size < ((size_t)1 << 30) && (str = (char *)calloc(size + 1, 1)) && (mem = H5Tcopy(H5T_C_S1)) >= 0) {
        ok = H5Tset_size(mem, size) >= 0 && H5Aread(a, mem, str) >= 0;
        H5Tclose(mem);
      }
    }
  }
  if (ok) {
    HashText(mh, mh->prefix, strlen(mh->prefix));
    HashText(mh, name, strlen(name));
    HashText(mh, "=", 1);
    if (str) HashText(mh, str, strlen(str));
    else HashText(mh, num, strlen(num));
    HashText(mh, ";", 1);
  }
  free(str);
  if (space >= 0) H5Sclose(space);
  if (type >= 0) H5Tclose(type);
  H5Aclose(a);
  if (!ok) mh->ok = 0;
  return ok ? 0 : -1;
}

/* The hash of f's metadata as 16 hex digits; 0 if an attribute cannot be read. */
static int MetaChecksum(hid_t f, char str[17])
{
  MetaHash mh   = {0xcbf29ce484222325ULL, 1, ""};
  hsize_t  idx  = 0;
  hid_t    dset;

  if (H5Aiterate2(f, H5_INDEX_NAME, H5_ITER_INC, &idx, HashAttr, &mh) < 0 || !mh.ok) return 0;
  if ((dset = H5Dopen2(f, "state", H5P_DEFAULT)) < 0) return 0;
  mh.prefix = "state/";
  idx       = 0;
  if (H5Aiterate2(dset, H5_INDEX_NAME, H5_ITER_INC, &idx, HashAttr, &mh) < 0) mh.ok = 0;
  H5Dclose(dset);
  if (!mh.ok) return 0;
  snprintf(str, 17, "%016llx", (unsigned long long)mh.h);
  return 1;
}

static void ReadMetaH5(hid_t f, Meta *m)
{
  char     s[256], sum[17];
  PetscInt complete = 0, version = 0;
  hid_t    dset;

#define NEED(x, ...) \
  if (!(x)) { \
    snprintf(m->why, sizeof m->why, __VA_ARGS__); \
    return; \
  }
  NEED(H5UtilAttrString(f, "/", "format", s, sizeof s) && !strcmp(s, CKPT_FORMAT), "it is not an uphill3d checkpoint (no format attribute '" CKPT_FORMAT "')");
  NEED(H5UtilAttrInt(f, "complete", &complete) && complete == 1, "it is incomplete (no 'complete' marker: its writer was stopped)");
  NEED(H5UtilAttrInt(f, "format_version", &version), "its format_version is missing");
  NEED(version == 1 || version == CKPT_VERSION, "it has format_version %" PetscInt_FMT ", this version of uphill3d reads 1 and %d", version, CKPT_VERSION);
  NEED(H5Lexists(f, "state", H5P_DEFAULT) > 0, "it has no dataset 'state'");
  if (version >= 2) { /* first: every later value is then the one written */
    NEED(H5UtilAttrString(f, "/", "meta_checksum", s, sizeof s) && strlen(s) == 16, "its metadata checksum (meta_checksum) is missing");
    NEED(MetaChecksum(f, sum), "an attribute cannot be read (corrupt)");
    NEED(!strcmp(sum, s), "its attributes do not match their checksum (edited or corrupt: %s computed, %s recorded)", sum, s);
  }
  NEED(H5UtilAttrInt(f, "grid_x", &m->grid[0]) && H5UtilAttrInt(f, "grid_y", &m->grid[1]) && H5UtilAttrInt(f, "grid_z", &m->grid[2]), "the grid attributes are missing");
  NEED(H5UtilAttrReal(f, "Lx", &m->length[0]) && H5UtilAttrReal(f, "Ly", &m->length[1]) && H5UtilAttrReal(f, "Lz", &m->length[2]), "the length attributes are missing");
  NEED(H5UtilAttrString(f, "/", "bc", s, sizeof s) && (m->bc = EnumIndex(BoundaryTypes, 2, s)) >= 0, "the bc attribute is missing or unknown");
  NEED(H5UtilAttrString(f, "/", "free_energy", s, sizeof s) && (m->free_energy = EnumIndex(FreeEnergyTypes, 3, s)) >= 0, "the free_energy attribute is missing or unknown");
  NEED(H5UtilAttrString(f, "/", "mobility_model", s, sizeof s) && (m->mobility_model = EnumIndex(MobilityModels, 2, s)) >= 0, "the mobility_model attribute is missing or unknown");
  NEED(H5UtilAttrInt(f, "components", &m->components) && H5UtilAttrInt(f, "mms", &m->mms) && H5UtilAttrReal(f, "mms_rate", &m->mms_rate), "the model attributes are missing");
  NEED(H5UtilAttrReal(f, "omega", &m->omega) && H5UtilAttrReal(f, "temperature", &m->temperature) && H5UtilAttrReal(f, "gas_constant", &m->gas_constant) && H5UtilAttrReal(f, "molar_volume", &m->molar_volume) && H5UtilAttrReal(f, "rho", &m->rho) && H5UtilAttrReal(f, "c_alpha", &m->c_alpha) && H5UtilAttrReal(f, "c_beta", &m->c_beta) && H5UtilAttrReal(f, "kappa", &m->kappa) && H5UtilAttrReal(f, "mobility", &m->mobility), "the model parameters are missing");
  NEED(H5UtilAttrInt(f, "step", &m->step) && H5UtilAttrReal(f, "time", &m->time) && H5UtilAttrReal(f, "dt", &m->dt) && m->dt > 0, "time, step or dt is missing");
  NEED(H5UtilAttrInt(f, "monitor_last_step", &m->mon.last_step) && H5UtilAttrReal(f, "monitor_last_time", &m->mon.last_time) && H5UtilAttrReal(f, "monitor_mass0", &m->mon.mass0) && H5UtilAttrInt(f, "monitor_snes_pending", &m->mon.snes_pending) && H5UtilAttrInt(f, "monitor_ksp_pending", &m->mon.ksp_pending) && H5UtilAttrInt(f, "monitor_rejects_pending", &m->mon.rejects_pending), "the monitor attributes are missing");
  NEED(H5UtilAttrInt(f, "output_count", &m->output_count) && H5UtilAttrInt(f, "output_k_next", &m->output_k_next) && H5UtilAttrReal(f, "output_interval", &m->output_interval), "the output attributes are missing");
  if (!H5UtilAttrString(f, "/", "ncomp_model", m->model, sizeof m->model)) m->model[0] = 0; /* binary checkpoints of earlier versions */
  if (!H5UtilAttrReal(f, "energy_scale", &m->energy_scale)) m->energy_scale = 0;
  if (!H5UtilAttrString(f, "/", "fftw_wisdom", m->wisdom, sizeof m->wisdom)) m->wisdom[0] = 0; /* optional */
  NEED(H5UtilAttrString(f, "/state", "checksum", s, sizeof s) && strlen(s) == 16, "the state's checksum is missing");
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
  if ((f = H5UtilOpenRead(path)) < 0) snprintf(m->why, sizeof m->why, "it is not a readable HDF5 file (truncated or corrupt)");
  else {
    ReadMetaH5(f, m);
    H5Fclose(f);
  }
  H5Eset_auto2(H5E_DEFAULT, func, data);
}

/* ReadMeta in a child process (rank 0): a corrupt object header can crash HDF5's parser
   (SIGSEGV in H5Aopen_by_name for one flipped byte), which then costs the child, not the run.
   The child only reads with serial HDF5 and leaves with _exit: no MPI, no PETSc. */
static int ReadMetaChild(const char *path, Meta *m)
{
  int    fds[2], status = 0, timed_out = 0;
  size_t got = 0;
  pid_t  pid;

  fflush(stdout);
  fflush(stderr);
  if (pipe(fds)) {
    ReadMeta(path, m);
    return 0;
  }
  if ((pid = fork()) < 0) {
    close(fds[0]);
    close(fds[1]);
    ReadMeta(path, m);
    return 0;
  }
  if (!pid) {
    const int crash[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
    size_t    put     = 0;
    for (size_t i = 0; i < sizeof crash / sizeof crash[0]; i++) signal(crash[i], SIG_DFL); /* not PETSc's handler: it would abort the MPI job */
    close(fds[0]);
    ReadMeta(path, m);
    while (put < sizeof *m) {
      const ssize_t w = write(fds[1], (char *)m + put, sizeof *m - put);
      if (w <= 0 && errno != EINTR) _exit(3);
      if (w > 0) put += (size_t)w;
    }
    _exit(0);
  }
  close(fds[1]);
  memset(m, 0, sizeof *m);
  while (got < sizeof *m) {
    struct pollfd pf = {fds[0], POLLIN, 0};
    ssize_t       r;
    const int     n = poll(&pf, 1, 30000); /* a parser lost in a corrupt file, or a stuck child */
    if (n == 0) {
      kill(pid, SIGKILL);
      timed_out = 1;
      break;
    }
    if (n < 0 && errno == EINTR) continue;
    r = n > 0 ? read(fds[0], (char *)m + got, sizeof *m - got) : -1;
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += (size_t)r;
  }
  close(fds[0]);
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  if (got != sizeof *m || !WIFEXITED(status) || WEXITSTATUS(status)) {
    memset(m, 0, sizeof *m);
    if (WIFSIGNALED(status)) snprintf(m->why, sizeof m->why, "reading its metadata crashed the HDF5 library (signal %d): the file is corrupt", WTERMSIG(status));
    else snprintf(m->why, sizeof m->why, "its metadata could not be read (corrupt)");
  }
  return timed_out;
}

/* A child that neither answers nor crashes within 30 s may be stuck for a reason of its own (a
   fork of a multithreaded MPI process): try once more before calling the file corrupt. */
static void ReadMetaIsolated(const char *path, Meta *m)
{
  if (ReadMetaChild(path, m) && ReadMetaChild(path, m)) snprintf(m->why, sizeof m->why, "reading its metadata timed out twice (30 s each): the file is corrupt or unreadable");
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
    if (m->components == 2) RealDiff(msg, sizeof msg, notes, sizeof notes, "omega", m->omega, p->omega, -1, p->allow_change); /* N > 2: Omega_ij, in the model string */
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

/* Whether the stored mu/E no longer solves this run's constraint mu = (f'(c) - kappa Lap c)/E:
   an allowed change of temperature or kappa, or another energy scale E. */
static PetscBool PotentialStale(const App *app, const Meta *m)
{
  char now[sizeof m->model], a[2048], b[2048];

  OutputModelString(&app->p, now, sizeof now);
  ModelEntry(m->model, "kappa_matrix", a, sizeof a);
  ModelEntry(now, "kappa_matrix", b, sizeof b);
  return (PetscBool)(m->kappa != app->p.kappa || m->temperature != app->p.temperature || strcmp(a, b) || (m->energy_scale > 0 && m->energy_scale != app->s.E));
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
  good = !ierr;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &good, 1, MPI_INT, MPI_MIN, comm));
  if (v && PetscViewerDestroy(&v)) v = NULL; /* a file that did not open cannot be flushed: a skipped checkpoint, not a crash */
  PetscCall(PetscPopErrorHandler());
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
  PetscCall(PetscLogEventBegin(UphillEvents.ckpt_read, 0, 0, 0, 0));
  PetscCall(PetscMemzero(rs, sizeof *rs));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(PetscStrcmp(app->p.restart, "latest", &latest));
  if (!latest) PetscCall(PetscStrcmp(app->p.restart, "auto", &latest)); /* auto, with a checkpoint: as latest */
  CheckpointDir(app, dir, sizeof dir);
  if (latest) {
    if (!rank) PetscCall(CheckpointList(dir, &steps, &n));
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
    if (!rank) ReadMetaIsolated(path, m);
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
    if (PotentialStale(app, m)) { /* the DAE restarts on its constraint */
      PetscCall(ComputeConsistentPotential(app, X));
      PetscCall(PetscPrintf(comm, "restart: mu recomputed from c for the changed model\n"));
    }
    { /* before the integrator plans: the same plans as the run that wrote it */
      PetscBool wise;
      PetscCall(SpectralWisdomImport(m->wisdom, &wise));
      if (!wise && !rank) fprintf(stderr, "uphill3d: warning: FFTW does not accept the wisdom stored in '%s' (another FFTW?): the transforms are planned afresh, and the run may differ from an uninterrupted one in the last bits\n", path);
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
  if (!rs->path[0]) UPHILL_USER_ERROR(comm, "option -restart %s: no valid checkpoint in '%s' (%" PetscInt_FMT " found); -restart %s never starts a new run from t = 0 over checkpoints: move them away, or run without -restart, to start one", app->p.restart, dir, n, app->p.restart);
  PetscCall(PetscLogEventEnd(UphillEvents.ckpt_read, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

PetscErrorCode CheckpointAutoResolve(App *app, PetscBool *restart)
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)app->da);
  PetscMPIInt rank;
  PetscInt   *steps = NULL, n = 0;
  char        dir[PETSC_MAX_PATH_LEN + 16];

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  CheckpointDir(app, dir, sizeof dir);
  if (!rank) {
    PetscCall(CheckpointList(dir, &steps, &n));
    PetscCall(PetscFree(steps));
  }
  PetscCallMPI(MPI_Bcast(&n, 1, MPIU_INT, 0, comm));
  *restart = n > 0 ? PETSC_TRUE : PETSC_FALSE;
  if (!n) PetscCall(PetscPrintf(comm, "restart auto: no checkpoint in %s: starting a new run at t = 0\n", dir));
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

typedef struct {
  const App   *app;
  Vec          X;
  DM           io;
  PetscInt     step, count, k_next;
  PetscReal    t, dt;
  MonitorState ms;
  TSType       type;
  PetscMPIInt  size;
  const char  *checksum;
  const char  *wisdom; /* FFTW's wisdom (-fft_planning measure), the same on every rank; NULL: none */
} CkptWrite;

/* FFTW's wisdom for the checkpoint, the same on every rank (SpectralWisdom); NULL without
   measured plans or when too long to be read back. */
static const char *CheckpointWisdom(const App *app)
{
  const char *w = app->p.fft_measure ? SpectralWisdom() : NULL;
  return w && w[0] && strlen(w) < CKPT_WISDOM_MAX ? w : NULL;
}

static PetscErrorCode WriteCheckpointBody(PetscViewer v, void *ctx)
{
  const CkptWrite *w   = (const CkptWrite *)ctx;
  const App       *app = w->app;
  char            *opts = NULL;

  PetscFunctionBegin;
  PetscCall(OutputViewVec(w->io, w->X, "state", v));
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/state", "checksum", PETSC_STRING, w->checksum));
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/", "format", PETSC_STRING, CKPT_FORMAT));
  PetscCall(OutputWriteIntAttr(v, "format_version", CKPT_VERSION));
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/", "kind", PETSC_STRING, "checkpoint"));
  PetscCall(OutputWriteRunAttributes(app, v, w->step, w->t));
  PetscCall(OutputWriteRealAttr(v, "dt", w->dt));
  PetscCall(OutputWriteIntAttr(v, "mms", app->p.mms));
  PetscCall(OutputWriteRealAttr(v, "mms_rate", app->p.mms_rate));
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/", "ic", PETSC_STRING, InitialTypes[app->p.ic]));
  PetscCall(OutputWriteIntAttr(v, "ic_seed", app->p.ic_seed));
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/", "state_layout", PETSC_STRING, app->p.ncomp == 1 ? "[grid_z][grid_y][grid_x][c, mu/E], E = energy_scale" : "[grid_z][grid_y][grid_x][c_1..c_{N-1}, mu_1/E..mu_{N-1}/E], E = energy_scale"));
  PetscCall(OutputWriteRealAttr(v, "energy_scale", app->s.E));
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/", "ts_type", PETSC_STRING, w->type));
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/", "integrator_history", PETSC_STRING, "none: the integrator restarts its history at every checkpoint (TSRestartStep)"));
  if (w->wisdom) PetscCall(PetscViewerHDF5WriteAttribute(v, "/", "fftw_wisdom", PETSC_STRING, w->wisdom));
  PetscCall(OutputWriteIntAttr(v, "ranks", w->size));
  PetscCall(PetscOptionsGetAll(NULL, &opts));
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/", "options", PETSC_STRING, opts));
  PetscCall(PetscFree(opts));
  PetscCall(OutputWriteIntAttr(v, "monitor_last_step", w->ms.last_step));
  PetscCall(OutputWriteRealAttr(v, "monitor_last_time", w->ms.last_time));
  PetscCall(OutputWriteRealAttr(v, "monitor_mass0", w->ms.mass0));
  PetscCall(OutputWriteIntAttr(v, "monitor_snes_pending", w->ms.snes_pending));
  PetscCall(OutputWriteIntAttr(v, "monitor_ksp_pending", w->ms.ksp_pending));
  PetscCall(OutputWriteIntAttr(v, "monitor_rejects_pending", w->ms.rejects_pending));
  PetscCall(OutputWriteIntAttr(v, "output_count", w->count));
  PetscCall(OutputWriteIntAttr(v, "output_k_next", w->k_next));
  PetscCall(OutputWriteRealAttr(v, "output_interval", app->p.output_interval));
  PetscCall(OutputWriteIntAttr(v, "complete", 1));
  PetscFunctionReturn(0);
}

/* Rank 0, serial HDF5: the metadata checksum of the closed file tmp, as its last attribute. */
static void WriteMetaChecksum(const char *tmp, char *err, size_t len)
{
  H5E_auto2_t func;
  void       *data;
  hid_t       fapl, f, type = -1, space = -1, a = -1;
  char        sum[17];
  int         ok = 0;

  errno = 0;
  H5Eget_auto2(H5E_DEFAULT, &func, &data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  fapl = H5Pcreate(H5P_FILE_ACCESS);
#if H5_VERSION_GE(1, 10, 7)
  H5Pset_file_locking(fapl, 0, 1);
#endif
  f = H5Fopen(tmp, H5F_ACC_RDWR, fapl);
  H5Pclose(fapl);
  if (f >= 0 && MetaChecksum(f, sum) && (type = H5Tcopy(H5T_C_S1)) >= 0 && H5Tset_size(type, 17) >= 0 && (space = H5Screate(H5S_SCALAR)) >= 0 && (a = H5Acreate2(f, "meta_checksum", type, space, H5P_DEFAULT, H5P_DEFAULT)) >= 0) ok = H5Awrite(a, type, sum) >= 0;
  if (a >= 0 && H5Aclose(a) < 0) ok = 0;
  if (space >= 0) H5Sclose(space);
  if (type >= 0) H5Tclose(type);
  if (f >= 0 && H5Fclose(f) < 0) ok = 0;
  H5Eset_auto2(H5E_DEFAULT, func, data);
  if (!ok) snprintf(err, len, "cannot write its metadata checksum (%s)", errno ? strerror(errno) : "HDF5 error");
}

PetscErrorCode CheckpointWrite(const App *app, TS ts, Monitor mon, OutputSeries series, const char *dir, Vec X, char *path, size_t len)
{
  MPI_Comm       comm = PetscObjectComm((PetscObject)app->da);
  PetscMPIInt    rank;
  CkptWrite      w;
  uint64_t       sum;
  PetscLogDouble t0, t1 = 0;
  char           tmp[PETSC_MAX_PATH_LEN + 64], str[17], err[3 * PETSC_MAX_PATH_LEN + 256] = "";

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(UphillEvents.ckpt_write, 0, 0, 0, 0));
  PetscCall(PetscMemzero(&w, sizeof w));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &w.size));
  w.app = app;
  w.X   = X;
  PetscCall(TSGetStepNumber(ts, &w.step));
  PetscCall(TSGetTime(ts, &w.t));
  PetscCall(TSGetTimeStep(ts, &w.dt));
  PetscCall(TSGetType(ts, &w.type));
  PetscCall(MonitorGetState(mon, ts, &w.ms));
  PetscCall(MonitorSync(mon)); /* stats.csv on disk up to this checkpoint's row */
  OutputSeriesGetState(series, &w.count, &w.k_next);
  PetscCall(OutputMakeDir(comm, dir));
  CheckpointPath(dir, w.step, path, len);
  snprintf(tmp, sizeof tmp, "%s.tmp", path);

  w.wisdom = CheckpointWisdom(app);
  PetscCall(OutputCreateIODM(app, 2 * app->p.ncomp, &w.io));
  PetscCall(OutputChecksum(w.io, X, &sum, NULL));
  OutputChecksumString(sum, str);
  w.checksum = str;
  PetscCall(PetscTime(&t0));
  PetscCall(OutputWriteHDF5(comm, tmp, OutputFileBytes(app, 2 * app->p.ncomp), WriteCheckpointBody, &w, err, sizeof err));
  PetscCall(DMDestroy(&w.io));
  if (err[0]) UPHILL_USER_ERROR(comm, "cannot write checkpoint %s: %s; stopping (the older checkpoints are kept)", path, err);

  PetscCallMPI(MPI_Barrier(comm));
  if (!rank) {
    int         e;
    struct stat st;
    WriteMetaChecksum(tmp, err, sizeof err);
    if (err[0]) {}
    else if ((e = OutputSyncFile(tmp))) snprintf(err, sizeof err, "cannot sync %s: %s", tmp, strerror(e));
    else {
      PetscCall(PetscTime(&t1)); /* written and on disk: the time the checkpoint costs */
      TestDelay();
      if (rename(tmp, path)) snprintf(err, sizeof err, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
      else if ((e = OutputSyncFile(dir))) snprintf(err, sizeof err, "cannot sync directory %s: %s", dir, strerror(e));
    }
    if (err[0]) (void)remove(tmp);
    if (!err[0]) {
      const double mb = stat(path, &st) ? 0.0 : (double)st.st_size / 1e6;
      PetscCall(PetscPrintf(PETSC_COMM_SELF, "checkpoint: wrote %s at step %" PetscInt_FMT ", %.4g MB in %.4g s (%.3f GB/s)\n", path, w.step, mb, (double)(t1 - t0), mb / 1e3 / PetscMax((double)(t1 - t0), 1e-9)));
    }
    if (!err[0]) { /* only now that the new one is safe: delete the oldest beyond -checkpoint_keep */
      PetscInt *steps, n;
      PetscCall(CheckpointList(dir, &steps, &n));
      for (PetscInt i = app->p.checkpoint_keep; i < n; i++) {
        char old[PETSC_MAX_PATH_LEN + 48];
        CheckpointPath(dir, steps[i], old, sizeof old);
        if (steps[i] != w.step) (void)remove(old);
      }
      PetscCall(PetscFree(steps));
    }
  }
  PetscCallMPI(MPI_Bcast(err, sizeof err, MPI_CHAR, 0, comm));
  if (err[0]) UPHILL_USER_ERROR(comm, "checkpoint %s: %s; stopping (the older checkpoints are kept)", path, err);
  PetscCall(PetscLogEventEnd(UphillEvents.ckpt_write, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}
