/* Checkpoints, restart, and what runs after every accepted step (in-situ analysis, field
   output, checkpoints, SIGTERM/SIGUSR1).  checkpoint.c documents the file format and the
   restart design. */
#ifndef UPHILL_CHECKPOINT_H
#define UPHILL_CHECKPOINT_H
#include <uphill/app.h>
#include <uphill/monitor.h>

/* What a checkpoint restores besides the state vector. */
typedef struct {
  char         path[PETSC_MAX_PATH_LEN]; /* the checkpoint loaded */
  PetscInt     step;
  PetscReal    time, dt;
  MonitorState mon;
  PetscInt     output_count, output_k_next;
  PetscReal    output_interval; /* -output_interval of the run that wrote it */
  PetscInt     skipped_steps[64]; /* -restart latest: newer checkpoints found invalid */
  PetscInt     nskipped;
} RestartState;

/* -restart FILE|latest: find, validate (complete marker, fingerprint against the options,
   checksum, finite values) and load a checkpoint's state into X.  Collective. */
PetscErrorCode CheckpointRestartLoad(App *app, Vec X, RestartState *rs);
/* Set the integrator's time, step number and step size, and restart its history. */
PetscErrorCode CheckpointRestartApply(const RestartState *rs, TS ts);

typedef struct _p_RunControl *RunControl;
/* Before stats.csv is opened: a new run refuses an OUTPUT_DIR holding checkpoints of another
   run; a restarted run tidies up after the run it continues (partial .tmp files, checkpoints
   and field files written after the checkpoint it continues from). */
PetscErrorCode RunControlCreate(App *app, const RestartState *rs, RunControl *rc);
/* Install the post-step hook and the signal handlers; a new run writes its first field file. */
PetscErrorCode RunControlAttach(RunControl rc, TS ts, Monitor mon, Vec X);
/* After TSSolve: with checkpoints on, the end of a run has one (normally written after its
   last step; here for a run that took no step). */
PetscErrorCode RunControlFinish(RunControl rc, Vec X);
/* The signal that stopped the run (after writing a checkpoint), or 0. */
int            RunControlStoppedBySignal(RunControl rc);
PetscErrorCode RunControlDestroy(RunControl *rc);
#endif
