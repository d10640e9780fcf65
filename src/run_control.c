/* What runs after every accepted step: in-situ analysis, field output, checkpoints (every
   -checkpoint_steps, every -checkpoint_walltime seconds, at the end) and SIGTERM/SIGUSR1
   (a checkpoint, then a clean stop); the output directory's lock.  checkpoint.c writes and
   reads the files.

   Signals: the handlers are installed first thing (RunControlCatchSignals, again after
   PetscInitialize, which installs PETSc's own); a signal during start-up is acted on before
   the first step (RunControlStartSignal), one during the run after the step in progress. */
#include <uphill/run_control.h>
#include <uphill/output.h>
#include <uphill/analysis.h>
#include <uphill/errors.h>
#include <uphill/solver.h>
#include <signal.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <string.h>
#include <time.h>
#include <stdlib.h>
#include <unistd.h>

static volatile sig_atomic_t caught_signal = 0;

static void OnSignal(int sig) { caught_signal = sig; }

void RunControlCatchSignals(void)
{
  struct sigaction sa;
  /* SIGTERM (Slurm at the time limit, scancel) and SIGUSR1 (sbatch --signal=USR1@T, the job
     scripts): only a flag here; the ranks act on it together at the next safe point. */
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGUSR1, &sa, NULL);
}

static const char *SignalName(int sig) { return sig == SIGTERM ? "SIGTERM" : sig == SIGUSR1 ? "SIGUSR1" : "a signal"; }

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
  /* the mixed state (c, mu) only where it is used: the transform integrators fill mu from c */
  if (rc->analysis && AnalysisDue(rc->analysis, step, t)) {
    PetscCall(SolverGetState(ts, &X));
    PetscCall(AnalysisAfterStep(rc->analysis, step, t, X));
  }
  PetscCall(OutputSeriesStep(rc->series, ts, step, t));

  /* every rank must take the same decision: a signal may reach some ranks only, and rank 0's
     clock decides the wall-time checkpoints */
  PetscCallMPI(MPI_Comm_rank(PetscObjectComm((PetscObject)ts), &rank));
  PetscCall(PetscTime(&now));
  flags[0] = (int)caught_signal;
  flags[1] = !rank && rc->app->p.checkpoint_walltime > 0 && now - rc->wall_last >= rc->app->p.checkpoint_walltime;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, flags, 2, MPI_INT, MPI_MAX, PetscObjectComm((PetscObject)ts)));

  if (step != rc->last_ckpt_step && (flags[0] || flags[1] || (rc->app->p.checkpoint_steps > 0 && step % rc->app->p.checkpoint_steps == 0) || (reason > 0 && rc->enabled))) {
    PetscCall(MonitorRecord(rc->mon, ts)); /* the row of this step, if due, before the state is saved */
    PetscCall(SolverGetState(ts, &X));
    PetscCall(CheckpointWrite(rc->app, rc->ts, rc->mon, rc->series, rc->dir, X, path, sizeof path));
    PetscCall(PetscTime(&rc->wall_last));
    rc->last_ckpt_step = step;
    if (!reason) PetscCall(TSRestartStep(ts)); /* as a restarted run will (see the top of checkpoint.c) */
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
    PetscCall(CheckpointList((*rc)->dir, &steps, &n));
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
  PetscContainer cont;

  PetscFunctionBegin;
  rc->ts  = ts;
  rc->mon = mon;
  PetscCall(PetscContainerCreate(PetscObjectComm((PetscObject)ts), &cont));
  PetscCall(PetscContainerSetPointer(cont, rc));
  PetscCall(PetscObjectCompose((PetscObject)ts, "uphill_runcontrol", (PetscObject)cont));
  PetscCall(PetscContainerDestroy(&cont));
  PetscCall(TSSetPostStep(ts, PostStep));
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
    PetscCall(CheckpointWrite(rc->app, rc->ts, rc->mon, rc->series, rc->dir, X, path, sizeof path));
    rc->last_ckpt_step = step;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode RunControlStartSignal(RunControl rc, Vec X, PetscBool *stop)
{
  MPI_Comm comm = PetscObjectComm((PetscObject)rc->ts);
  int      sig  = (int)caught_signal;
  PetscInt step;
  char     path[PETSC_MAX_PATH_LEN + 48];

  PetscFunctionBegin;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &sig, 1, MPI_INT, MPI_MAX, comm));
  *stop = sig ? PETSC_TRUE : PETSC_FALSE;
  if (!sig) PetscFunctionReturn(0);
  rc->stopped = sig;
  PetscCall(TSGetStepNumber(rc->ts, &step));
  PetscCall(TSSetConvergedReason(rc->ts, TS_CONVERGED_USER));
  if (rc->restarted) { /* the checkpoint it started from holds this state */
    PetscCall(PetscPrintf(comm, "uphill3d: caught %s during start-up: stopping before the first step (the checkpoint of step %" PetscInt_FMT " holds this state; continue with -restart latest or auto)\n", SignalName(sig), step));
    PetscFunctionReturn(0);
  }
  PetscCall(MonitorRecord(rc->mon, rc->ts)); /* the row of step 0, before the state is saved */
  PetscCall(CheckpointWrite(rc->app, rc->ts, rc->mon, rc->series, rc->dir, X, path, sizeof path));
  rc->last_ckpt_step = step;
  PetscCall(PetscPrintf(comm, "uphill3d: caught %s during start-up: wrote checkpoint %s at step %" PetscInt_FMT "; stopping (continue with -restart latest or auto)\n", SignalName(sig), path, step));
  PetscFunctionReturn(0);
}

/* ---- one run per output directory --------------------------------------------------------- */

/* Rank 0: OUTPUT_DIR/uphill3d.lock holds "host H pid P started T" of the run that owns the
   directory.  An fcntl lock on it, held while the process lives, is the authority where the
   file system supports it (the kernel drops it when the process dies, however it dies).
   Where it does not (fcntl fails with ENOLCK, ENOSYS, EOPNOTSUPP...), the file's content
   decides: the same host with that pid alive is a live holder; a dead pid is a stale lock
   (a killed run), taken over; another host cannot be checked, so it is refused.  Test hook:
   UPHILL_TEST_NO_FCNTL_LOCK acts as if fcntl locks were not supported. */
static void LockHolder(int fd, char *who, size_t len)
{
  ssize_t n = pread(fd, who, len - 1, 0);
  who[n > 0 ? n : 0] = 0;
  who[strcspn(who, "\n")] = 0;
}

static void LockTake(const App *app, int *fd, char *err, size_t len)
{
  char         path[PETSC_MAX_PATH_LEN + 32], who[512], host[256] = "?", line[512], when[64];
  struct flock fl;
  time_t       now = time(NULL);
  struct tm    tm;

  snprintf(path, sizeof path, "%s/uphill3d.lock", app->p.output_dir);
  if ((*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0) {
    snprintf(err, len, "cannot create the lock file %s: %s", path, strerror(errno));
    return;
  }
  gethostname(host, sizeof host - 1);
  memset(&fl, 0, sizeof fl);
  fl.l_type   = F_WRLCK;
  fl.l_whence = SEEK_SET;
  if (getenv("UPHILL_TEST_NO_FCNTL_LOCK") || fcntl(*fd, F_SETLK, &fl)) { /* test hook: as without fcntl locks */
    const int e = getenv("UPHILL_TEST_NO_FCNTL_LOCK") ? ENOLCK : errno;
    LockHolder(*fd, who, sizeof who);
    if (e == EACCES || e == EAGAIN) {
      snprintf(err, len, "output directory '%s' is in use by another uphill3d run (%s; lock file %s): wait for it to end, or choose another -output_dir", app->p.output_dir, who[0] ? who : "its details not written yet", path);
      close(*fd);
      *fd = -1;
      return;
    }
    if (who[0]) { /* no fcntl locks here: the stale-lock rule */
      char hhost[256] = "";
      long hpid       = 0;
      if (sscanf(who, "host %255s pid %ld", hhost, &hpid) == 2 && (strcmp(hhost, host) || (hpid > 0 && (!kill((pid_t)hpid, 0) || errno == EPERM)))) {
        snprintf(err, len, "output directory '%s' is in use by another uphill3d run (%s; lock file %s, this file system has no fcntl locks): wait for it to end, or, if that run is gone, remove the lock file", app->p.output_dir, who, path);
        close(*fd);
        *fd = -1;
        return;
      }
      PetscInfo(NULL, "taking over the stale lock %s (%s)\n", path, who);
    }
  }
  gmtime_r(&now, &tm);
  strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
  snprintf(line, sizeof line, "host %s pid %ld started %s\n", host, (long)getpid(), when);
  if (ftruncate(*fd, 0) || pwrite(*fd, line, strlen(line), 0) != (ssize_t)strlen(line)) snprintf(err, len, "cannot write the lock file %s: %s", path, strerror(errno));
}

/* Collective.  if_exists: only where OUTPUT_DIR exists already (a restart takes the lock before
   it reads the checkpoints: a live run on the directory deletes its older ones as it goes).
   *held says, on every rank, whether the lock is taken. */
PetscErrorCode RunControlLock(const App *app, PetscBool if_exists, int *fd, PetscBool *held)
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)app->da);
  PetscMPIInt rank;
  struct stat st;
  int         there = 1;
  char        err[2 * PETSC_MAX_PATH_LEN + 768] = "";

  PetscFunctionBegin;
  *fd   = -1;
  *held = PETSC_FALSE;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank && if_exists) there = !stat(app->p.output_dir, &st) && S_ISDIR(st.st_mode);
  PetscCallMPI(MPI_Bcast(&there, 1, MPI_INT, 0, comm));
  if (!there) PetscFunctionReturn(0);
  if (!rank) LockTake(app, fd, err, sizeof err);
  PetscCallMPI(MPI_Bcast(err, sizeof err, MPI_CHAR, 0, comm));
  if (err[0]) UPHILL_USER_ERROR(comm, "%s", err);
  *held = PETSC_TRUE;
  PetscFunctionReturn(0);
}

void RunControlUnlock(int *fd)
{
  if (*fd < 0) return;
  (void)!ftruncate(*fd, 0); /* empty: no holder (the file stays: removing it would race) */
  close(*fd);
  *fd = -1;
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
