#ifndef UPHILL_SOLVER_H
#define UPHILL_SOLVER_H
#include <uphill/app.h>
#include <uphill/physics.h> /* Observables */
/* TS (adaptive BDF2) with SNES Newton and multigrid-preconditioned Krylov, defaults set here. */
PetscErrorCode SolverCreate(App *app, Vec X, TS *ts);
/* Set up every solver component now (reading all their options) so that unknown
   options are found before the run starts. */
PetscErrorCode SolverSetUpNow(App *app, TS ts, Vec X);
/* The Rosenbrock-W integrator with a transform-inverted W (integrator_rosw.c), for binary runs;
   dt0 is the first step. */
PetscErrorCode SolverCreateRosw(App *app, Vec X, PetscReal dt0, TS *ts);
PetscErrorCode SolverSetUpNowRosw(TS ts, Vec X);
/* For either integrator: advance X (the state SolverCreate was given) to the final time; the
   mixed state (c, mu) of the last accepted step; and the dense output at t into X.  The rosw
   integrator advances c alone and fills mu from c here. */
PetscErrorCode SolverSolve(TS ts, Vec X);
PetscErrorCode SolverGetState(TS ts, Vec *X);
PetscErrorCode SolverInterpolate(TS ts, PetscReal t, Vec X);
/* The observables of the last accepted step (the monitor's row), from whichever vector the TS
   advances: the transform integrators' from c alone, with F from the step's acceptance test. */
PetscErrorCode SolverObservables(TS ts, const App *app, Observables *obs);
/* The default step-size controller of both integrators (solver.c): PETSc's TSADAPTDSP with
   the H211PI digital filter (issue 14: no oscillating rejections). */
PetscErrorCode SolverDefaultAdapt(TSAdapt adapt);
/* The first nc fields of the point-blocked X over the grid (step_control.c, collective): each
   one's sum and sum of squared deviations from its mean, min and max of the first; pts cells. */
typedef struct {
  PetscReal sum[UPHILL_MAX_NC], sqdev[UPHILL_MAX_NC], min, max, pts;
} ComponentStats;
PetscErrorCode SolverComponentStats(Vec X, PetscInt nc, ComponentStats *st);
/* tol[i] = atol + rtol std(c_i) from the statistics. */
void           SolverTolerancesFromStats(const ComponentStats *st, PetscInt nc, PetscReal atol, PetscReal rtol, PetscReal tol[]);
/* The same from X (one SolverComponentStats). */
PetscErrorCode SolverComponentTolerances(Vec X, PetscInt nc, PetscReal atol, PetscReal rtol, PetscReal tol[]);
#endif
