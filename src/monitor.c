/* What a run reports while it runs: OUTPUT_DIR/stats.csv (one row per accepted step, or
   every -stats_interval steps, 17 significant digits, flushed at once so a crash loses
   nothing) and a progress line every -progress_interval seconds of wall time.
   stats.csv starts with a '#' line: the version and the options in force (VersionCommentLine).
   A restarted run appends to stats.csv: it keeps that line and the rows up to the checkpoint's last row,
   drops later ones (and a line cut short by a crash), and carries the iteration counts of
   steps since that row (MonitorState), so the file is the one an uninterrupted run writes.
   The progress line ends with steps per minute and an ETA, from the last few progress lines:
   the run's rate changes (coarsening slows, dt grows), so a whole-run average would mislead. */
#include <uphill/monitor.h>
#include <uphill/solver.h>
#include <uphill/physics.h>
#include <uphill/errors.h>
#include <uphill/version.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#define RATE_SAMPLES 4 /* progress lines the rate is measured over */

typedef struct {
  PetscLogDouble wall;
  PetscReal      t;
  PetscInt       step;
} RateSample;

struct _p_Monitor {
  const App     *app;
  FILE          *csv;      /* rank 0 only */
  char           csv_path[PETSC_MAX_PATH_LEN + 16];
  PetscInt       snes_its, ksp_its, rejects; /* cumulative counts at the last row */
  PetscInt       last_step, first_step;
  PetscReal      mass0, last_time;
  PetscLogDouble wall0, wall_progress;
  Observables    obs;
  PetscBool      have_obs;
  RateSample     rate[RATE_SAMPLES]; /* ring of the last progress lines, oldest at rate_next once full */
  PetscInt       rate_n, rate_next;
  PetscInt       prior_rejects; /* restart: rejections before it, from the kept stats.csv rows (rank 0) */
};

static const char StatsHeader[] = "step,time,dt,free_energy,mass,snes_its,ksp_its,rejected,c_min,c_max,c_std\n";

/* The header: a binary run (N = 2) has one mass column; N > 2 one per independent component,
   mass_1 .. mass_{N-1}, and c_min, c_max, c_std are those of c_1. */
static void StatsHeaderFor(const App *app, char *h, size_t len)
{
  if (app->p.ncomp == 1) {
    snprintf(h, len, "%s", StatsHeader);
    return;
  }
  snprintf(h, len, "step,time,dt,free_energy");
  for (PetscInt r = 0; r < app->p.ncomp; r++) snprintf(h + strlen(h), len - strlen(h), ",mass_%" PetscInt_FMT, r + 1);
  snprintf(h + strlen(h), len - strlen(h), ",snes_its,ksp_its,rejected,c_min,c_max,c_std\n");
}

/* Rank 0: open a CSV file for a new run (written anew with the comment line, if any, and its
   header) or for a run restarted at restart_step >= 0: keep the '#' lines (the original run's
   comment), the header and the rows up to that step, drop later rows (written after the
   checkpoint by the run that was stopped) and a last line cut short by a crash, and append.
   A missing file starts again with the comment and header.  err says what failed. */
static PetscErrorCode CsvOpen(const char *path, const char *comment, const char *header, PetscInt restart_step, FILE **csv, char *err, size_t len)
{
  FILE   *fp;
  char   *line = NULL; /* getline: a comment line holds every option, of any length */
  size_t  cap  = 0;
  ssize_t got;
  long    off = 0, cut = -1;
  int     lineno = 0;

  PetscFunctionBegin;
  *csv = NULL;
  if (restart_step >= 0 && (fp = fopen(path, "r+"))) {
    while ((got = getline(&line, &cap, fp)) > 0) {
      const size_t n = (size_t)got;
      if (line[0] == '#' && line[n - 1] == '\n') {
        off += (long)n;
        continue;
      }
      if (!lineno) {
        if (strcmp(line, header)) {
          snprintf(err, len, "%s does not start with the header this version writes; move it away to restart", path);
          fclose(fp);
          free(line);
          PetscFunctionReturn(0);
        }
      } else {
        char     *end;
        long long step;
        if (!n || line[n - 1] != '\n') {
          cut = off;
          break;
        }
        step = strtoll(line, &end, 10);
        if (end == line || *end != ',' || step > restart_step) {
          cut = off;
          break;
        }
      }
      off += (long)n;
      lineno++;
    }
    free(line);
    if (!lineno) cut = 0; /* no header: written anew, comment and all */
    if (cut >= 0 && ftruncate(fileno(fp), cut)) snprintf(err, len, "cannot truncate %s: %s", path, strerror(errno));
    fclose(fp);
    if (err[0]) PetscFunctionReturn(0);
  } else if (restart_step >= 0) {
    if (errno != ENOENT) {
      snprintf(err, len, "cannot append to %s: %s", path, strerror(errno));
      PetscFunctionReturn(0);
    }
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "uphill3d: warning: %s is missing; the restarted run starts it again after step %" PetscInt_FMT "\n", path, restart_step));
  }
  *csv = fopen(path, restart_step >= 0 ? "a" : "w");
  if (!*csv) {
    snprintf(err, len, "cannot write %s: %s", path, strerror(errno));
    PetscFunctionReturn(0);
  }
  if (!ftell(*csv)) {
    if (comment) fputs(comment, *csv);
    fputs(header, *csv);
  }
  if (fflush(*csv) || ferror(*csv)) {
    snprintf(err, len, "cannot write %s: %s", path, strerror(errno));
    fclose(*csv);
    *csv = NULL;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode MonitorCsvCheck(MPI_Comm comm, FILE *csv, const char *path, long row_start, PetscBool sync)
{
  char err[PETSC_MAX_PATH_LEN + 160] = "";
  int  bad;

  PetscFunctionBegin;
  if (csv) {
    errno = 0;
    if (fflush(csv) || ferror(csv)) {
      snprintf(err, sizeof err, "cannot write %s: %s", path, errno ? strerror(errno) : "write error");
      if (row_start >= 0) (void)!ftruncate(fileno(csv), row_start); /* no row cut short */
    }
    else if (sync && fsync(fileno(csv)) && errno != EINVAL && errno != EROFS) snprintf(err, sizeof err, "cannot sync %s: %s", path, strerror(errno));
  }
  bad = err[0] != 0;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &bad, 1, MPI_INT, MPI_MAX, comm));
  if (!bad) PetscFunctionReturn(0);
  PetscCallMPI(MPI_Bcast(err, sizeof err, MPI_CHAR, 0, comm)); /* rank 0 holds the file */
  UPHILL_USER_ERROR(comm, "%s; stopping (the rows written so far and the checkpoints are kept)", err);
}

PetscErrorCode MonitorSync(Monitor mon)
{
  PetscFunctionBegin;
  PetscCall(MonitorCsvCheck(PetscObjectComm((PetscObject)mon->app->da), mon->csv, mon->csv_path, -1, PETSC_TRUE));
  PetscFunctionReturn(0);
}

PetscErrorCode MonitorCsvOpen(const char *path, const char *header, PetscInt restart_step, FILE **csv)
{
  char err[PETSC_MAX_PATH_LEN + 128] = "";

  PetscFunctionBegin;
  PetscCall(CsvOpen(path, NULL, header, restart_step, csv, err, sizeof err));
  if (err[0]) SETERRQ(PETSC_COMM_SELF, UPHILL_ERR_USER, "%s", err);
  PetscFunctionReturn(0);
}

/* The rejected steps in the rows stats.csv kept from before a restart (the column named
   rejected): the summary's whole-run total. */
static PetscInt PriorRejects(const char *path)
{
  FILE    *fp = fopen(path, "r");
  char     line[4096];
  int      crej = -1;
  PetscInt n = 0;

  if (!fp) return 0;
  while (fgets(line, sizeof line, fp)) {
    if (line[0] == '#') continue;
    int   col = 0;
    char *save = NULL;
    for (char *tok = strtok_r(line, ",\n", &save); tok; tok = strtok_r(NULL, ",\n", &save), col++) {
      if (crej < 0 && !strcmp(tok, "rejected")) crej = col; /* the header */
      else if (crej >= 0 && col == crej) n += (PetscInt)strtol(tok, NULL, 10);
    }
    if (crej < 0) break; /* not the header this version writes */
  }
  fclose(fp);
  return n;
}

PetscErrorCode MonitorCreate(App *app, const MonitorState *restart, Monitor *mon)
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)app->da);
  PetscMPIInt rank;
  char        path[PETSC_MAX_PATH_LEN + 16], err[PETSC_MAX_PATH_LEN + 128] = "";

  PetscFunctionBegin;
  PetscCall(PetscNew(mon));
  (*mon)->app       = app;
  (*mon)->last_step = -1;
  if (restart) {
    (*mon)->last_step  = restart->last_step;
    (*mon)->last_time  = restart->last_time;
    (*mon)->mass0      = restart->mass0;
    (*mon)->first_step = restart->first_step;
    /* the integrator's counters start again at 0: the next row adds what was pending */
    (*mon)->snes_its = -restart->snes_pending;
    (*mon)->ksp_its  = -restart->ksp_pending;
    (*mon)->rejects  = -restart->rejects_pending;
  }
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  snprintf((*mon)->csv_path, sizeof (*mon)->csv_path, "%s/stats.csv", app->p.output_dir);
  if (!rank) {
    snprintf(path, sizeof path, "%s/stats.csv", app->p.output_dir);
    char  header[512], *comment;
    StatsHeaderFor(app, header, sizeof header);
    PetscCall(VersionCommentLine(&comment));
    PetscCall(CsvOpen(path, comment, header, restart ? restart->last_step : -1, &(*mon)->csv, err, sizeof err));
    PetscCall(PetscFree(comment));
    if (restart && !err[0]) {
      (*mon)->prior_rejects = PriorRejects(path) + restart->rejects_pending; /* + those after its last row */
    }
  }
  PetscCallMPI(MPI_Bcast(err, sizeof err, MPI_CHAR, 0, comm));
  if (err[0]) UPHILL_USER_ERROR(comm, "%s", err);
  PetscCall(PetscTime(&(*mon)->wall0));
  (*mon)->wall_progress = (*mon)->wall0;
  PetscFunctionReturn(0);
}

/* A duration as "42s", "7m05s", "3h12m" or "4.5d". */
static void FormatDuration(double s, char *buf, size_t len)
{
  if (s < 59.5) snprintf(buf, len, "%.0fs", s);
  else if (s < 3600) snprintf(buf, len, "%dm%02ds", (int)(s / 60), (int)s % 60);
  else if (s < 100 * 3600) snprintf(buf, len, "%dh%02dm", (int)(s / 3600), (int)(s / 60) % 60);
  else snprintf(buf, len, "%.1fd", s / 86400);
}

/* "S steps/min  ETA D" from the oldest remembered progress line to now; the run ends at
   -ts_max_time or -ts_max_steps, whichever its rates reach first.  "--" while unknown. */
static PetscErrorCode RateText(Monitor mon, TS ts, PetscInt step, PetscReal t, PetscLogDouble now, char *buf, size_t len)
{
  const RateSample *old = &mon->rate[mon->rate_n < RATE_SAMPLES ? 0 : mon->rate_next];
  const double      wall = mon->rate_n ? now - old->wall : 0;
  double            eta = -1;
  PetscReal         tmax;
  PetscInt          smax;
  char              spm[32] = "--", when[32] = "--";

  PetscFunctionBegin;
  PetscCall(TSGetMaxTime(ts, &tmax));
  PetscCall(TSGetMaxSteps(ts, &smax));
  if (wall > 0 && step > old->step) {
    const double steps_rate = (step - old->step) / wall, time_rate = (t - old->t) / wall;
    snprintf(spm, sizeof spm, 60 * steps_rate < 1000 ? "%.3g" : "%.0f", 60 * steps_rate);
    if (smax >= 0 && smax < PETSC_MAX_INT) eta = PetscMax(smax - step, 0) / steps_rate;
    if (time_rate > 0 && tmax < PETSC_MAX_REAL) {
      const double e = PetscMax((double)(tmax - t), 0.0) / time_rate;
      eta = eta < 0 ? e : PetscMin(eta, e);
    }
  }
  if (eta >= 0) FormatDuration(eta, when, sizeof when);
  snprintf(buf, len, "%s steps/min  ETA %s", spm, when);
  PetscFunctionReturn(0);
}

static void RateRemember(Monitor mon, PetscInt step, PetscReal t, PetscLogDouble now)
{
  mon->rate[mon->rate_next] = (RateSample){now, t, step};
  mon->rate_next            = (mon->rate_next + 1) % RATE_SAMPLES;
  if (mon->rate_n < RATE_SAMPLES) mon->rate_n++;
}

static PetscErrorCode ProgressLine(Monitor mon, TS ts, PetscInt step, PetscReal t, PetscReal dt, PetscInt nits, PetscInt lits)
{
  PetscReal      tmax;
  PetscLogDouble now;
  char           rate[96];

  PetscFunctionBegin;
  PetscCall(TSGetMaxTime(ts, &tmax));
  PetscCall(PetscTime(&now));
  PetscCall(RateText(mon, ts, step, t, now, rate, sizeof rate));
  RateRemember(mon, step, t, now);
  char its[64];
  if (IntegratorUsesTransforms(mon->app->p.integrator)) snprintf(its, sizeof its, "stages %" PetscInt_FMT, nits);
  else snprintf(its, sizeof its, "newton %" PetscInt_FMT " krylov %" PetscInt_FMT, nits, lits);
  PetscCall(PetscPrintf(PetscObjectComm((PetscObject)ts), "step %6" PetscInt_FMT "  t %.4e (%5.1f%%)  dt %.3e  F %.10e  mass drift %+.2e  %s  c in [%.4f, %.4f]  wall %.1f s  %s\n", step, (double)t, (double)(100 * t / tmax), (double)dt, (double)mon->obs.free_energy, (double)((mon->obs.mass - mon->mass0) / PetscAbsReal(mon->mass0)), its, (double)mon->obs.c_min, (double)mon->obs.c_max, (double)(now - mon->wall0), rate));
  mon->wall_progress = now;
  PetscFunctionReturn(0);
}

/* The stats.csv row and progress line of step (due or not: the last step always gets one). */
static PetscErrorCode MonitorRow(TS ts, PetscInt step, PetscReal t, Monitor mon)
{
  PetscInt       nits, lits, rej;
  PetscLogDouble now;
  PetscReal      dt = step ? t - mon->last_time : 0;
  long           row_start = -1;

  PetscFunctionBegin;
  PetscCall(SolverObservables(ts, mon->app, &mon->obs));
  mon->have_obs = PETSC_TRUE;
  if (mon->last_step < 0) mon->mass0 = mon->obs.mass;
  PetscCall(TSGetSNESIterations(ts, &nits));
  PetscCall(TSGetKSPIterations(ts, &lits));
  PetscCall(TSGetStepRejections(ts, &rej));
  if (mon->csv) {
    row_start = ftell(mon->csv);
    fprintf(mon->csv, "%" PetscInt_FMT ",%.17g,%.17g,%.17g", step, (double)t, (double)dt, (double)mon->obs.free_energy);
    for (PetscInt r = 0; r < mon->app->p.ncomp; r++) fprintf(mon->csv, ",%.17g", (double)mon->obs.masses[r]);
    fprintf(mon->csv, ",%" PetscInt_FMT ",%" PetscInt_FMT ",%" PetscInt_FMT ",%.17g,%.17g,%.17g\n", nits - mon->snes_its, lits - mon->ksp_its, rej - mon->rejects, (double)mon->obs.c_min, (double)mon->obs.c_max, (double)mon->obs.c_std);
  }
  PetscCall(MonitorCsvCheck(PetscObjectComm((PetscObject)ts), mon->csv, mon->csv_path, row_start, PETSC_FALSE)); /* flushed: a crash loses nothing, a full disk stops the run */
  PetscCall(PetscTime(&now));
  if (step == 0 || now - mon->wall_progress >= mon->app->p.progress_interval) PetscCall(ProgressLine(mon, ts, step, t, dt, nits - mon->snes_its, lits - mon->ksp_its));
  mon->snes_its  = nits;
  mon->ksp_its   = lits;
  mon->rejects   = rej;
  mon->last_step = step;
  mon->last_time = t;
  PetscFunctionReturn(0);
}

static PetscErrorCode MonitorStep(TS ts, PetscInt step, PetscReal t, Vec X, void *ctx)
{
  Monitor           mon = (Monitor)ctx;
  TSConvergedReason reason;

  PetscFunctionBegin;
  if (step == mon->last_step) PetscFunctionReturn(0);
  PetscCall(TSGetConvergedReason(ts, &reason));
  if (step % mon->app->p.stats_interval && !reason) PetscFunctionReturn(0);
  (void)X; /* the row is of the TS's state, whichever vector it advances (SolverObservables) */
  PetscCall(MonitorRow(ts, step, t, mon));
  PetscFunctionReturn(0);
}

PetscErrorCode MonitorRecord(Monitor mon, TS ts)
{
  PetscInt  step;
  PetscReal t;

  PetscFunctionBegin;
  PetscCall(TSGetStepNumber(ts, &step));
  if (step % mon->app->p.stats_interval) PetscFunctionReturn(0); /* not the last-step row: a continued run would not have it */
  PetscCall(TSGetTime(ts, &t));
  PetscCall(MonitorStep(ts, step, t, NULL, mon));
  PetscFunctionReturn(0);
}

PetscErrorCode MonitorGetState(Monitor mon, TS ts, MonitorState *st)
{
  PetscInt nits, lits, rej;

  PetscFunctionBegin;
  PetscCall(TSGetSNESIterations(ts, &nits));
  PetscCall(TSGetKSPIterations(ts, &lits));
  PetscCall(TSGetStepRejections(ts, &rej));
  st->last_step       = mon->last_step;
  st->last_time       = mon->last_time;
  st->mass0           = mon->mass0;
  st->snes_pending    = nits - mon->snes_its;
  st->ksp_pending     = lits - mon->ksp_its;
  st->rejects_pending = rej - mon->rejects;
  st->first_step      = 0;
  PetscFunctionReturn(0);
}

PetscErrorCode MonitorAttach(Monitor mon, TS ts)
{
  PetscFunctionBegin;
  PetscCall(TSMonitorSet(ts, MonitorStep, mon, NULL));
  PetscFunctionReturn(0);
}

PetscErrorCode MonitorSummary(Monitor mon, TS ts)
{
  MPI_Comm           comm = PetscObjectComm((PetscObject)ts);
  PetscInt           steps, nits, lits, rej, fails;
  PetscReal          t;
  PetscLogDouble     now;
  TSConvergedReason  reason;

  PetscFunctionBegin;
  PetscCall(TSGetStepNumber(ts, &steps));
  PetscCall(TSGetTime(ts, &t));
  if (steps != mon->last_step) { /* the last step always gets its row */
    PetscCall(MonitorRow(ts, steps, t, mon));
  }
  if (!mon->have_obs) PetscCall(SolverObservables(ts, mon->app, &mon->obs)); /* restarted at the end */
  PetscCall(TSGetSNESIterations(ts, &nits));
  PetscCall(TSGetKSPIterations(ts, &lits));
  PetscCall(TSGetStepRejections(ts, &rej));
  PetscCall(TSGetSNESFailures(ts, &fails));
  PetscCall(TSGetConvergedReason(ts, &reason));
  PetscCall(PetscTime(&now));
  {
    const PetscInt run = steps - mon->first_step; /* steps taken by this run (after a restart: since it) */
    const PetscBool rosw = IntegratorUsesTransforms(mon->app->p.integrator);
    char            failed[64] = "", counts[256]; /* the transform integrators have no Newton solve to fail */
    if (!rosw) snprintf(failed, sizeof failed, ", %" PetscInt_FMT " failed Newton solves", fails);
    /* after a restart: totals over the whole run (the kept stats.csv rows plus this run), then
       this run's own counts, each labelled; the integrator's counters cover this run only */
    if (mon->first_step) snprintf(counts, sizeof counts, "whole run: %" PetscInt_FMT " steps, %" PetscInt_FMT " rejected; since the restart at step %" PetscInt_FMT ": %" PetscInt_FMT " steps, %" PetscInt_FMT " rejected%s", steps, mon->prior_rejects + rej, mon->first_step, run, rej, failed);
    else snprintf(counts, sizeof counts, "%" PetscInt_FMT " rejected%s", rej, failed);
    PetscCall(PetscPrintf(comm, "uphill3d: %s (%s) at t = %.6e after %" PetscInt_FMT " steps (%s)\n", reason == TS_CONVERGED_USER ? "stopped on a signal" : reason > 0 ? "finished" : "STOPPED", TSConvergedReasons[reason], (double)t, steps, counts));
    const char *since = mon->first_step ? " since the restart" : "";
    if (mon->app->p.integrator == INTEGRATOR_ROSW) PetscCall(PetscPrintf(comm, "  integrator rosw: %" PetscInt_FMT " stages%s (%.2f per step), each one residual and one transform-inverted linear solve\n", nits, since, run ? (double)nits / run : 0.0));
    else if (rosw) PetscCall(PetscPrintf(comm, "  integrator etd: %" PetscInt_FMT " stages%s (%.2f per step), each one residual and two transforms per component\n", nits, since, run ? (double)nits / run : 0.0));
    else PetscCall(PetscPrintf(comm, "  Newton iterations%s %" PetscInt_FMT " (%.2f per step), Krylov iterations %" PetscInt_FMT " (%.1f per Newton)\n", since, nits, run ? (double)nits / run : 0.0, lits, nits ? (double)lits / nits : 0.0));
    PetscCall(PetscPrintf(comm, "  free energy %.12e, mass drift %.3e (relative), c in [%.6f, %.6f]\n", (double)mon->obs.free_energy, (double)((mon->obs.mass - mon->mass0) / PetscAbsReal(mon->mass0)), (double)mon->obs.c_min, (double)mon->obs.c_max));
    PetscCall(PetscPrintf(comm, "  wall time%s %.3f s (%.3g s per step)\n", since, (double)(now - mon->wall0), run ? (double)(now - mon->wall0) / run : 0.0));
  }
  PetscCall(MonitorSync(mon));
  if (reason < 0) SETERRQ(comm, PETSC_ERR_NOT_CONVERGED, "time integration stopped: %s (a step was rejected too often in a row; try a finer grid, a smaller -ts_adapt_dt_min or -ts_max_reject)", TSConvergedReasons[reason]);
  PetscFunctionReturn(0);
}

PetscErrorCode MonitorDestroy(Monitor *mon)
{
  PetscFunctionBegin;
  if (!*mon) PetscFunctionReturn(0);
  if ((*mon)->csv) fclose((*mon)->csv);
  PetscCall(PetscFree(*mon));
  PetscFunctionReturn(0);
}
