/* Checkpoints and restart (run_control.h: when they are written).  checkpoint.c documents
   the file format and the restart design. */
#ifndef UPHILL_CHECKPOINT_H
#define UPHILL_CHECKPOINT_H
#include <uphill/app.h>
#include <uphill/monitor.h>
#include <uphill/output.h>

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

/* -restart FILE|latest|auto: find, validate (complete marker, fingerprint against the options,
   checksum, finite values) and load a checkpoint's state into X.  Collective. */
PetscErrorCode CheckpointRestartLoad(App *app, Vec X, RestartState *rs);
/* -restart auto: restart (as latest) when OUTPUT_DIR/checkpoints holds a checkpoint, else
   (restart = false) a new run from t = 0.  Collective. */
PetscErrorCode CheckpointAutoResolve(App *app, PetscBool *restart);
/* Set the integrator's time, step number and step size, and restart its history. */
PetscErrorCode CheckpointRestartApply(const RestartState *rs, TS ts);

/* OUTPUT_DIR/checkpoints; the path of step's checkpoint in dir; (rank 0) the steps of the
   checkpoints in dir, newest first. */
void           CheckpointDir(const App *app, char *dir, size_t len);
void           CheckpointPath(const char *dir, PetscInt step, char *path, size_t len);
PetscErrorCode CheckpointList(const char *dir, PetscInt **steps, PetscInt *n);
/* Write X with the integrator's, monitor's and field series' state as a checkpoint in dir
   (atomically: .tmp, fsync, rename), then delete those beyond -checkpoint_keep; path: its name. */
PetscErrorCode CheckpointWrite(const App *app, TS ts, Monitor mon, OutputSeries series, const char *dir, Vec X, char *path, size_t len);
#endif
