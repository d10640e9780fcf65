/* What runs after every accepted step: in-situ analysis, field output, checkpoints and
   SIGTERM/SIGUSR1 (run_control.c). */
#ifndef UPHILL_RUN_CONTROL_H
#define UPHILL_RUN_CONTROL_H
#include <uphill/checkpoint.h>

typedef struct _p_RunControl *RunControl;
/* SIGTERM/SIGUSR1 set a flag from now on (call before and after PetscInitialize). */
void           RunControlCatchSignals(void);
/* Rank 0 takes OUTPUT_DIR/uphill3d.lock for the run's life (fd: -1 on other ranks); a second
   run on the directory is refused, naming the holder.  Unlock at the end (exit also frees it). */
PetscErrorCode RunControlLock(const App *app, PetscBool if_exists, int *fd, PetscBool *held);
void           RunControlUnlock(int *fd);
/* Before stats.csv is opened: a new run refuses an OUTPUT_DIR holding checkpoints of another
   run; a restarted run tidies up after the run it continues (partial .tmp files, checkpoints
   and field files written after the checkpoint it continues from). */
PetscErrorCode RunControlCreate(App *app, const RestartState *rs, RunControl *rc);
/* Install the post-step hook and the signal handlers; a new run writes its first field file. */
PetscErrorCode RunControlAttach(RunControl rc, TS ts, Monitor mon, Vec X);
/* Before TSSolve: a signal caught during start-up stops the run here (stop = true): a new run
   writes a checkpoint of its initial state, a restarted one has one already. */
PetscErrorCode RunControlStartSignal(RunControl rc, Vec X, PetscBool *stop);
/* After TSSolve: with checkpoints on, the end of a run has one (normally written after its
   last step; here for a run that took no step). */
PetscErrorCode RunControlFinish(RunControl rc, Vec X);
/* The signal that stopped the run (after writing a checkpoint), or 0. */
int            RunControlStoppedBySignal(RunControl rc);
PetscErrorCode RunControlDestroy(RunControl *rc);
#endif
