/* uphill3d: read options, set up, run, report. */
#include <stdlib.h>
#include <uphill/app.h>
#include <uphill/errors.h>
#include <uphill/report.h>
#include <uphill/initial.h>
#include <uphill/solver.h>
#include <uphill/monitor.h>
#include <uphill/output.h>
#include <uphill/physics.h>
#include <uphill/mms.h>
#include <uphill/run_control.h>
#include <uphill/help.h>
#include <unistd.h>

static const char help[] = "uphill3d: uphill diffusion (Cahn-Hilliard spinodal decomposition) on 3D grids.\n"
                           "Usage: mpirun -n N uphill3d [FILE.opts] [-option value ...]\n"
                           "FILE.opts is a PETSc options file; command-line options override it.\n"
                           "PETSc's -ts_*, -snes_*, -ksp_*, -pc_* options tune the integrator and solvers.\n\n";

static PetscErrorCode Run(void)
{
  MPI_Comm     comm = PETSC_COMM_WORLD;
  App          app;
  Vec          X;
  TS           ts;
  Monitor      mon = NULL;
  RunControl   rc  = NULL;
  RestartState rs;
  PetscBool    help_only, restart, auto_restart, stop;
  char         path[PETSC_MAX_PATH_LEN + 16];
  int          lock   = -1;
  PetscBool    locked = PETSC_FALSE;

  PetscFunctionBegin;
  RunControlCatchSignals(); /* again: PetscInitialize installed PETSc's handlers */
  PetscCall(PetscMemzero(&app, sizeof app));
  PetscCall(HelpResume());
  PetscCall(ParamsRead(comm, &app.p)); /* -help: uphill3d's options first, */
  PetscCall(HelpPrintHeldBack(comm));  /* then PETSc's held back from PetscInitialize */
  PetscCall(PetscOptionsHasHelp(NULL, &help_only));
  restart = (PetscBool)(app.p.restart[0] && !help_only);
  PetscCall(AppSetUp(comm, &app));
  PetscCall(PetscStrcmp(app.p.restart, "auto", &auto_restart));
  if (restart && auto_restart) PetscCall(CheckpointAutoResolve(&app, &restart));
  PetscCall(DMCreateGlobalVector(app.da, &X));
  if (restart) PetscCall(RunControlLock(&app, PETSC_TRUE, &lock, &locked)); /* a live run there deletes checkpoints */
  if (restart) PetscCall(CheckpointRestartLoad(&app, X, &rs));                 /* validated before anything is written */
  else if (app.p.mms) PetscCall(MMSExact(&app, 0.0, X));
  else PetscCall(InitialState(&app, X));
  PetscCall(SolverCreate(&app, X, &ts));
  PetscCall(SolverSetUpNow(&app, ts, X));
  PetscCall(ParamsCheckUnused(comm));
  if (help_only) {
    PetscCall(TSDestroy(&ts));
    PetscCall(VecDestroy(&X));
    PetscCall(AppDestroy(&app));
    PetscFunctionReturn(0);
  }
  if (restart) PetscCall(CheckpointRestartApply(&rs, ts));
  PetscCall(OutputPrepareDir(&app));
  if (!locked) PetscCall(RunControlLock(&app, PETSC_FALSE, &lock, &locked)); /* before anything is written there */
  PetscCall(ReportParameters(&app));
  PetscCall(RunControlCreate(&app, restart ? &rs : NULL, &rc));
  PetscCall(MonitorCreate(&app, restart ? &rs.mon : NULL, &mon));
  PetscCall(MonitorAttach(mon, ts));
  PetscCall(RunControlAttach(rc, ts, mon, X)); /* field output, checkpoints, signals after each step */
  PetscCall(RunControlStartSignal(rc, X, &stop));
  if (!stop) PetscCall(SolverSolve(ts, X));
  PetscCall(MonitorSummary(mon, ts));
  PetscCall(RunControlFinish(rc, X));
  if (app.p.mms) {
    PetscReal t, emax, el2;
    PetscCall(TSGetTime(ts, &t));
    PetscCall(MMSError(&app, t, X, &emax, &el2));
    PetscCall(PetscPrintf(comm, "mms error: max %.10e l2 %.10e h %.10e\n", (double)emax, (double)el2, (double)app.h[0]));
  }
  if (app.p.final_output && !RunControlStoppedBySignal(rc)) {
    PetscReal t;
    PetscInt  steps;
    PetscCall(TSGetTime(ts, &t));
    PetscCall(TSGetStepNumber(ts, &steps));
    snprintf(path, sizeof path, "%s/final.h5", app.p.output_dir);
    PetscCall(OutputWriteFields(&app, X, steps, t, path));
  }
  PetscCall(RunControlDestroy(&rc));
  PetscCall(MonitorDestroy(&mon));
  PetscCall(TSDestroy(&ts));
  PetscCall(VecDestroy(&X));
  PetscCall(AppDestroy(&app));
  RunControlUnlock(&lock);
  PetscFunctionReturn(0);
}

/* A write that failed so badly that HDF5 could not close the file even after OutputWriteHDF5
   gave its space back: HDF5 would crash in MPI_Finalize, so the ranks, the error line
   printed, leave without it. */
static PetscErrorCode RunChecked(void)
{
  PetscErrorCode ierr = Run();
  if (ierr && OutputHDF5LeftOpen()) {
    fflush(stdout);
    fflush(stderr);
    _exit(1);
  }
  return ierr;
}

int main(int argc, char **argv)
{
  /* Open MPI's OMPIO keeps a named POSIX semaphore per open file, named by the file's base name
     only (/dev/shm/sem.OMPIO_<name>): a run killed while a checkpoint is open leaves it locked,
     and every later run on that node that opens a file of that name (the next job of a chain)
     hangs in MPI_File_open (seen in CI: robustness_kill_faults); without that component OMPIO
     leaves lock files beside the data.  Use ROMIO (the usual MPI-IO under HDF5) unless the user
     chose an io component. */
  setenv("OMPI_MCA_io", "^ompio", 0);
  RunControlCatchSignals(); /* a signal during MPI's start-up is kept for the first safe point */
  HelpHoldBackPetsc();
  return ErrorsRunProgram(argc, argv, help, RunChecked);
}
