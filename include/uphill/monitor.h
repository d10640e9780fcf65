#ifndef UPHILL_MONITOR_H
#define UPHILL_MONITOR_H
#include <uphill/app.h>
typedef struct _p_Monitor *Monitor;

/* What a checkpoint records of the monitor, so that a restarted run appends exactly the
   rows an uninterrupted run would have written. */
typedef struct {
  PetscInt  last_step;   /* step of the last stats.csv row (rows after it are dropped on restart) */
  PetscReal last_time;   /* its time (the next row's dt column is measured from it) */
  PetscReal mass0;       /* the initial mass (for the drift report) */
  PetscInt  snes_pending, ksp_pending, rejects_pending; /* counts since the last row */
  PetscInt  first_step;  /* set on restart: the step this run starts from */
} MonitorState;

/* A new run (restart NULL) writes a new stats.csv; a restarted run keeps the rows up to
   restart->last_step, drops any later ones (written after the checkpoint) and appends. */
PetscErrorCode MonitorCreate(App *app, const MonitorState *restart, Monitor *mon);
PetscErrorCode MonitorAttach(Monitor mon, TS ts);
/* Write the current step's row now if -stats_interval makes it due (before a checkpoint
   records the monitor's state); the extra row of a run's last step comes later, and a
   restart drops it. */
PetscErrorCode MonitorRecord(Monitor mon, TS ts);
PetscErrorCode MonitorGetState(Monitor mon, TS ts, MonitorState *st);
PetscErrorCode MonitorSummary(Monitor mon, TS ts);
PetscErrorCode MonitorDestroy(Monitor *mon);
/* Rank 0 only: a CSV file (first column: step) for a new run (restart_step < 0: written anew
   with header) or a restarted one (the header and rows up to restart_step kept, later rows
   and a line cut short dropped; appended to).  stats.csv uses it; so may other per-step files. */
PetscErrorCode MonitorCsvOpen(const char *path, const char *header, PetscInt restart_step, FILE **csv);
/* Collective, after rank 0 wrote rows to csv (NULL on other ranks): flush (and with sync,
   fsync) it; a failed write (disk full) stops the run with one error line naming path,
   after cutting the file back to row_start (>= 0: where the last row began). */
PetscErrorCode MonitorCsvCheck(MPI_Comm comm, FILE *csv, const char *path, long row_start, PetscBool sync);
/* Collective: stats.csv flushed and fsync'd (before a checkpoint that refers to its rows). */
PetscErrorCode MonitorSync(Monitor mon);
#endif
