/* What a run reports while it runs: OUTPUT_DIR/stats.csv (one row per accepted step, or
   every -stats_interval steps, 17 significant digits, flushed at once so a crash loses
   nothing) and a progress line every -progress_interval seconds of wall time. */
#include <uphill/monitor.h>
#include <uphill/physics.h>
#include <uphill/errors.h>

struct _p_Monitor {
  App           *app;
  FILE          *csv;      /* rank 0 only */
  PetscInt       snes_its, ksp_its, rejects; /* cumulative counts at the last row */
  PetscInt       last_step;
  PetscReal      mass0, last_time;
  PetscLogDouble wall0, wall_progress;
  Observables    obs;
};

static const char StatsHeader[] = "step,time,dt,free_energy,mass,snes_its,ksp_its,rejected,c_min,c_max,c_std\n";

PetscErrorCode MonitorCreate(App *app, Monitor *mon)
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)app->da);
  PetscMPIInt rank;
  char        path[PETSC_MAX_PATH_LEN + 16];

  PetscFunctionBegin;
  PetscCall(PetscNew(mon));
  (*mon)->app       = app;
  (*mon)->last_step = -1;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) {
    snprintf(path, sizeof path, "%s/stats.csv", app->p.output_dir);
    (*mon)->csv = fopen(path, "w");
    if (!(*mon)->csv) SETERRQ(PETSC_COMM_SELF, UPHILL_ERR_USER, "cannot write %s", path);
    fputs(StatsHeader, (*mon)->csv);
    fflush((*mon)->csv);
  }
  PetscCall(PetscTime(&(*mon)->wall0));
  (*mon)->wall_progress = (*mon)->wall0;
  PetscFunctionReturn(0);
}

static PetscErrorCode ProgressLine(Monitor mon, TS ts, PetscInt step, PetscReal t, PetscReal dt, PetscInt nits, PetscInt lits)
{
  PetscReal      tmax;
  PetscLogDouble now;

  PetscFunctionBegin;
  PetscCall(TSGetMaxTime(ts, &tmax));
  PetscCall(PetscTime(&now));
  PetscCall(PetscPrintf(PetscObjectComm((PetscObject)ts), "step %6" PetscInt_FMT "  t %.4e (%5.1f%%)  dt %.3e  F %.10e  mass drift %+.2e  newton %" PetscInt_FMT " krylov %" PetscInt_FMT "  c in [%.4f, %.4f]  wall %.1f s\n", step, (double)t, (double)(100 * t / tmax), (double)dt, (double)mon->obs.free_energy, (double)((mon->obs.mass - mon->mass0) / PetscAbsReal(mon->mass0)), nits, lits, (double)mon->obs.c_min, (double)mon->obs.c_max, (double)(now - mon->wall0)));
  mon->wall_progress = now;
  PetscFunctionReturn(0);
}

static PetscErrorCode MonitorStep(TS ts, PetscInt step, PetscReal t, Vec X, void *ctx)
{
  Monitor        mon = (Monitor)ctx;
  PetscInt       nits, lits, rej;
  PetscLogDouble now;
  PetscReal      dt = step ? t - mon->last_time : 0;

  PetscFunctionBegin;
  if (step == mon->last_step) PetscFunctionReturn(0);
  {
    TSConvergedReason reason;
    PetscCall(TSGetConvergedReason(ts, &reason));
    if (step % mon->app->p.stats_interval && !reason) PetscFunctionReturn(0);
  }
  PetscCall(ComputeObservables(mon->app, X, &mon->obs));
  if (mon->last_step < 0) mon->mass0 = mon->obs.mass;
  PetscCall(TSGetSNESIterations(ts, &nits));
  PetscCall(TSGetKSPIterations(ts, &lits));
  PetscCall(TSGetStepRejections(ts, &rej));
  if (mon->csv) {
    fprintf(mon->csv, "%" PetscInt_FMT ",%.17g,%.17g,%.17g,%.17g,%" PetscInt_FMT ",%" PetscInt_FMT ",%" PetscInt_FMT ",%.17g,%.17g,%.17g\n", step, (double)t, (double)dt, (double)mon->obs.free_energy, (double)mon->obs.mass, nits - mon->snes_its, lits - mon->ksp_its, rej - mon->rejects, (double)mon->obs.c_min, (double)mon->obs.c_max, (double)mon->obs.c_std);
    fflush(mon->csv);
  }
  PetscCall(PetscTime(&now));
  if (step == 0 || now - mon->wall_progress >= mon->app->p.progress_interval) PetscCall(ProgressLine(mon, ts, step, t, dt, nits - mon->snes_its, lits - mon->ksp_its));
  mon->snes_its  = nits;
  mon->ksp_its   = lits;
  mon->rejects   = rej;
  mon->last_step = step;
  mon->last_time = t;
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
  Vec                X;

  PetscFunctionBegin;
  PetscCall(TSGetStepNumber(ts, &steps));
  PetscCall(TSGetTime(ts, &t));
  PetscCall(TSGetSolution(ts, &X));
  if (steps != mon->last_step) { /* the last step always gets its row */
    PetscInt save = mon->app->p.stats_interval;
    mon->app->p.stats_interval = 1;
    PetscCall(MonitorStep(ts, steps, t, X, mon));
    mon->app->p.stats_interval = save;
  }
  PetscCall(TSGetSNESIterations(ts, &nits));
  PetscCall(TSGetKSPIterations(ts, &lits));
  PetscCall(TSGetStepRejections(ts, &rej));
  PetscCall(TSGetSNESFailures(ts, &fails));
  PetscCall(TSGetConvergedReason(ts, &reason));
  PetscCall(PetscTime(&now));
  PetscCall(PetscPrintf(comm, "uphill3d: %s (%s) at t = %.6e after %" PetscInt_FMT " steps (%" PetscInt_FMT " rejected, %" PetscInt_FMT " failed Newton solves)\n", reason > 0 ? "finished" : "STOPPED", TSConvergedReasons[reason], (double)t, steps, rej, fails));
  PetscCall(PetscPrintf(comm, "  Newton iterations %" PetscInt_FMT " (%.2f per step), Krylov iterations %" PetscInt_FMT " (%.1f per Newton)\n", nits, steps ? (double)nits / steps : 0.0, lits, nits ? (double)lits / nits : 0.0));
  PetscCall(PetscPrintf(comm, "  free energy %.12e, mass drift %.3e (relative), c in [%.6f, %.6f]\n", (double)mon->obs.free_energy, (double)((mon->obs.mass - mon->mass0) / PetscAbsReal(mon->mass0)), (double)mon->obs.c_min, (double)mon->obs.c_max));
  PetscCall(PetscPrintf(comm, "  wall time %.2f s (%.3g s per step)\n", (double)(now - mon->wall0), steps ? (double)(now - mon->wall0) / steps : 0.0));
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
