/* The fast integrator for binary runs (docs/MODEL.md section 3.8): a linearly implicit
   Rosenbrock-W method (PETSc's TSROSW, adaptive with its embedded error estimate) whose W
   matrix is a constant-coefficient operator inverted exactly by transforms (spectral.c).
   Each stage costs one residual and one forward + inverse transform: no Newton, no Krylov,
   no multigrid.

   The method integrates the reduced equation for c alone,
     tau dc/dt = tau E div(M(c) grad mu(c)),   mu(c) = (f'(c) - kappa Lap_h c)/E,
   the same discrete operator as the mixed (c, mu) residual (residual.c) with mu eliminated.
   The state keeps the mixed layout so that monitors, output, analysis and checkpoints are
   shared with the BDF path: the mu rows are mu - mu(c) = 0, and mu follows c (it is set from
   c after every step and every interpolated output).

   W = tau (shift + Mbar L (S + kappa L)), L = -Lap_h, linearises the c rows about a uniform
   state: Mbar = max M(c) and S = max f''(c) over the field at the start of the step (see
   RoswIJacobian).  A W-method keeps its order for any W; S decides its stability, and the
   stiff kappa L^2 part is exact.  Besides the error test, a step is rejected when c leaves the energy's domain
   or the discrete free energy rises. */
#include <petsc/private/tsimpl.h> /* TSAdapt's choose, wrapped below */
#include <uphill/solver.h>
#include <uphill/physics.h>
#include <uphill/spectral.h>
#include <uphill/grid.h>
#include <uphill/errors.h>
#include <string.h>

typedef struct {
  App      *app;
  Spectral  sp;
  Vec       Xc;         /* a stage with mu replaced by mu(c) */
  Vec       rc;         /* scalar work vector of the transforms */
  Vec       vatol;      /* the error test's absolute tolerance on c, scaled by the fluctuation */
  PetscReal atol, rtol; /* as given (-ts_atol, -ts_rtol) */
  PetscReal shift, S, Mbar;
  PetscReal energy, energy_abs; /* F of the last accepted state, and its round-off scale */
  PetscErrorCode (*choose)(TSAdapt, TS, PetscReal, PetscInt *, PetscReal *, PetscBool *, PetscReal *, PetscReal *, PetscReal *);
} Rosw;

/* The TS's application context is the App; the integrator's own state rides on the TS. */
static PetscErrorCode RoswFromTS(TS ts, Rosw **r)
{
  PetscContainer c;

  PetscFunctionBegin;
  PetscCall(PetscObjectQuery((PetscObject)ts, "uphill_rosw", (PetscObject *)&c));
  PetscCheck(c, PetscObjectComm((PetscObject)ts), PETSC_ERR_PLIB, "the Rosenbrock-W context is missing");
  PetscCall(PetscContainerGetPointer(c, (void **)r));
  PetscFunctionReturn(0);
}

static PetscErrorCode RoswIFunction(TS ts, PetscReal t, Vec X, Vec Xdot, Vec F, void *ctx)
{
  Rosw              *r = (Rosw *)ctx;
  const PetscScalar *x, *xc;
  PetscScalar       *f;
  PetscInt           n;

  PetscFunctionBegin;
  PetscCall(VecCopy(X, r->Xc));
  PetscCall(ComputeConsistentPotential(r->app, r->Xc));
  PetscCall(FormIFunction(ts, t, r->Xc, Xdot, F, r->app));
  PetscCall(VecGetLocalSize(X, &n));
  PetscCall(VecGetArrayRead(X, &x));
  PetscCall(VecGetArrayRead(r->Xc, &xc));
  PetscCall(VecGetArray(F, &f));
  for (PetscInt i = 1; i < n; i += 2) f[i] = x[i] - xc[i];
  PetscCall(VecRestoreArray(F, &f));
  PetscCall(VecRestoreArrayRead(r->Xc, &xc));
  PetscCall(VecRestoreArrayRead(X, &x));
  PetscFunctionReturn(0);
}

/* W's coefficients from the state at the start of the step (TSROSW evaluates W once a step). */
static PetscErrorCode RoswIJacobian(TS ts, PetscReal t, Vec X, Vec Xdot, PetscReal shift, Mat J, Mat P, void *ctx)
{
  Rosw              *r   = (Rosw *)ctx;
  const App         *app = r->app;
  const PetscScalar *x;
  PetscInt           n;
  PetscReal          m[2] = {PETSC_MIN_REAL, 0}; /* max f'', max M */

  PetscFunctionBegin;
  (void)ts;
  (void)t;
  (void)Xdot;
  (void)J;
  (void)P;
  PetscCall(VecGetLocalSize(X, &n));
  PetscCall(VecGetArrayRead(X, &x));
  for (PetscInt i = 0; i < n; i += 2) {
    m[0] = PetscMax(m[0], ThermoD2F(&app->th, x[i]));
    m[1] = PetscMax(m[1], MobilityValue(&app->mob, x[i]));
  }
  PetscCall(VecRestoreArrayRead(X, &x));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, m, 2, MPIU_REAL, MPIU_MAX, PetscObjectComm((PetscObject)X)));
  r->shift = shift;
  r->Mbar  = m[1];
  /* S = max f'': for frozen f'' the linearly implicit Euler step with W is stable once
     S >= max f''/2, but the four-stage method needs the full max f'' (measured: with max f''/2
     a 2D spinodal run near equilibrium was rejected 137203 times in 69820 steps, dt stuck at
     ~2; with max f'' 1240 steps and 6 rejections to t = 1e5).  For a uniform state inside
     the spinodal (the linear stage, f'' < 0 everywhere) S = f'' makes W exact; there W must
     stay positive: shift + Mbar L (S + kappa L) has its minimum shift - Mbar S^2/(4 kappa). */
  const PetscReal S = m[0];
  r->S = app->p.kappa > 0 ? PetscMax(S, -1.9 * PetscSqrtReal(app->p.kappa * shift / r->Mbar)) : PetscMax(S, 0);
  PetscFunctionReturn(0);
}

/* W^-1 applied to a residual: the c rows by transforms, the mu rows (W = I there, and mu
   does not feed back into c) as they are. */
static PetscErrorCode RoswApplyW(PC pc, Vec b, Vec y)
{
  Rosw     *r;
  PetscReal tau;

  PetscFunctionBegin;
  PetscCall(PCShellGetContext(pc, &r));
  tau = r->app->s.tau;
  if (b != y) PetscCall(VecCopy(b, y));
  PetscCall(SpectralSolveComponent(r->sp, tau * r->shift, tau * r->Mbar * r->S, tau * r->Mbar * r->app->p.kappa, b, y, 2, r->rc));
  PetscFunctionReturn(0);
}

/* c in the energy's domain everywhere and F not above the last accepted state's. */
static PetscErrorCode RoswStateAcceptable(Rosw *r, Vec X, PetscBool *ok, PetscReal *F, PetscReal *Fabs)
{
  PetscFunctionBegin;
  PetscCall(StateInDomain(r->app, X, ok));
  if (!*ok) PetscFunctionReturn(0);
  PetscCall(ComputeFreeEnergy(r->app, X, F, Fabs));
  if (*F > r->energy + 1e-12 * r->energy_abs) *ok = PETSC_FALSE;
  PetscFunctionReturn(0);
}

/* TSROSW asks the adaptor about the candidate in ts->vec_sol; a candidate that passes the
   error test is also checked against the domain and the energy law, and halved if it fails. */
static PetscErrorCode RoswChoose(TSAdapt adapt, TS ts, PetscReal h, PetscInt *next_sc, PetscReal *next_h, PetscBool *accept, PetscReal *wlte, PetscReal *wltea, PetscReal *wlter)
{
  Rosw     *r;
  PetscBool ok;
  PetscReal F, Fabs;

  PetscFunctionBegin;
  PetscCall(RoswFromTS(ts, &r));
  PetscCall(RoswStateAcceptable(r, ts->vec_sol, &ok, &F, &Fabs));
  if (!ok) {
    PetscCall(PetscInfo(ts, "step of %g rejected: c outside the domain or the free energy rises\n", (double)h));
    *accept  = PETSC_FALSE;
    *next_h  = 0.5 * h;
    *next_sc = 0;
    *wlte = *wltea = *wlter = -1;
    PetscFunctionReturn(0);
  }
  PetscCall(r->choose(adapt, ts, h, next_sc, next_h, accept, wlte, wltea, wlter));
  if (*accept) {
    r->energy     = F;
    r->energy_abs = Fabs;
  }
  PetscFunctionReturn(0);
}

/* The error test measures c against the size of its fluctuation, not against |c| ~ 0.5:
   atol_c = atol + rtol std(c), rtol_c = 0.  A perturbation of 1e-5 is then resolved as
   well as a grown microstructure (the early, uphill stage is what the run is about). */
static PetscErrorCode RoswUpdateTolerance(Rosw *r, Vec X)
{
  PetscInt  size;
  PetscReal mean, norm;

  PetscFunctionBegin;
  PetscCall(VecGetSize(X, &size));
  const PetscReal N = (PetscReal)(size / 2);
  PetscCall(VecStrideSum(X, 0, &mean));
  PetscCall(VecStrideNorm(X, 0, NORM_2, &norm));
  mean /= N;
  const PetscReal var = PetscMax(norm * norm / N - mean * mean, 0);
  PetscCall(VecStrideSet(r->vatol, 0, r->atol + r->rtol * PetscSqrtReal(var)));
  PetscFunctionReturn(0);
}

/* After every accepted step: mu from c, and the tolerance from the new fluctuation size. */
static PetscErrorCode RoswPostEvaluate(TS ts)
{
  Rosw *r;
  Vec   X;

  PetscFunctionBegin;
  PetscCall(RoswFromTS(ts, &r));
  PetscCall(TSGetSolution(ts, &X));
  PetscCall(ComputeConsistentPotential(r->app, X));
  PetscCall(RoswUpdateTolerance(r, X));
  PetscFunctionReturn(0);
}

static PetscErrorCode RoswDestroyContext(void *ctx)
{
  Rosw *r = (Rosw *)ctx;

  PetscFunctionBegin;
  PetscCall(SpectralDestroy(&r->sp));
  PetscCall(VecDestroy(&r->Xc));
  PetscCall(VecDestroy(&r->rc));
  PetscCall(VecDestroy(&r->vatol));
  PetscCall(PetscFree(r));
  PetscFunctionReturn(0);
}

static PetscErrorCode RoswAttach(TS ts, Rosw *r)
{
  PetscContainer c;

  PetscFunctionBegin;
  PetscCall(PetscContainerCreate(PetscObjectComm((PetscObject)ts), &c));
  PetscCall(PetscContainerSetPointer(c, r));
  PetscCall(PetscContainerSetUserDestroy(c, RoswDestroyContext));
  PetscCall(PetscObjectCompose((PetscObject)ts, "uphill_rosw", (PetscObject)c));
  PetscCall(PetscContainerDestroy(&c));
  PetscFunctionReturn(0);
}

/* W: a shell that only carries the shift to the preconditioner; the linear solve is one
   application of W^-1 (KSPPREONLY). */
static PetscErrorCode RoswLinearSolver(TS ts, Rosw *r, Vec X)
{
  Mat      W;
  PetscInt n, N;
  SNES     snes;
  KSP      ksp;
  PC       pc;

  PetscFunctionBegin;
  PetscCall(VecGetLocalSize(X, &n));
  PetscCall(VecGetSize(X, &N));
  PetscCall(MatCreateShell(PetscObjectComm((PetscObject)ts), n, n, N, N, r, &W));
  PetscCall(TSSetIJacobian(ts, W, W, RoswIJacobian, r));
  PetscCall(MatDestroy(&W));
  PetscCall(TSGetSNES(ts, &snes)); /* TSROSW solves its stages with the SNES's KSP */
  PetscCall(SNESGetKSP(snes, &ksp));
  PetscCall(KSPSetType(ksp, KSPPREONLY));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCSetType(pc, PCSHELL));
  PetscCall(PCShellSetContext(pc, r));
  PetscCall(PCShellSetApply(pc, RoswApplyW));
  PetscCall(PCShellSetName(pc, "W^-1 by transforms (uphill3d rosw)"));
  PetscFunctionReturn(0);
}

/* Error control on c only, relative to its fluctuation (RoswUpdateTolerance); mu is algebraic. */
static PetscErrorCode RoswTolerances(TS ts, Rosw *r, Vec X)
{
  Vec vrtol;

  PetscFunctionBegin;
  PetscCall(TSGetTolerances(ts, &r->atol, NULL, &r->rtol, NULL));
  PetscCall(VecDuplicate(X, &r->vatol));
  PetscCall(VecDuplicate(X, &vrtol));
  PetscCall(VecZeroEntries(vrtol));
  PetscCall(VecStrideSet(r->vatol, 1, PETSC_MAX_REAL / 4));
  PetscCall(RoswUpdateTolerance(r, X));
  PetscCall(TSSetTolerances(ts, PETSC_DECIDE, r->vatol, PETSC_DECIDE, vrtol));
  PetscCall(VecDestroy(&vrtol));
  PetscFunctionReturn(0);
}

/* Newton, Krylov and multigrid options would be read by the stage solver's SNES/KSP and do
   nothing, and another -ts_type would run a different method on this W: refuse them (monitors
   and viewers are harmless). */
static PetscErrorCode RoswRefuseSolverOptions(MPI_Comm comm)
{
  PetscInt    n;
  char      **names, **values;
  const char *prefixes[] = {"snes_", "ksp_", "pc_", "mg_"};
  char        bad[256] = "";

  PetscFunctionBegin;
  PetscCall(PetscOptionsLeftGet(NULL, &n, &names, &values));
  for (PetscInt i = 0; i < n && !bad[0]; i++)
    for (size_t k = 0; k < sizeof prefixes / sizeof prefixes[0]; k++)
      if (!strncmp(names[i], prefixes[k], strlen(prefixes[k])) && !strstr(names[i], "view") && !strstr(names[i], "monitor") && !strstr(names[i], "converged_reason")) {
        PetscCall(PetscSNPrintf(bad, sizeof bad, "%s", names[i]));
        break;
      }
  char type[64] = "";
  for (PetscInt i = 0; i < n; i++)
    if (!strcmp(names[i], "ts_type") && values[i] && strcmp(values[i], TSROSW)) PetscCall(PetscSNPrintf(type, sizeof type, "%s", values[i]));
  PetscCall(PetscOptionsLeftRestore(NULL, &n, &names, &values));
  if (type[0]) UPHILL_USER_ERROR(comm, "option -ts_type %s: the rosw integrator is PETSc's TSROSW (choose its tableau with -ts_rosw_type); use -integrator bdf for another TS type", type);
  if (bad[0]) UPHILL_USER_ERROR(comm, "option -%s: the rosw integrator has no Newton, Krylov or multigrid solve (its linear systems are solved exactly by transforms); use -integrator bdf for this option", bad);
  PetscFunctionReturn(0);
}

PetscErrorCode SolverCreateRosw(App *app, Vec X, PetscReal dt0, TS *ts)
{
  Rosw   *r;
  DM      da1;
  TSAdapt adapt;

  PetscFunctionBegin;
  PetscCall(RoswRefuseSolverOptions(PetscObjectComm((PetscObject)app->da)));
  PetscCall(PetscNew(&r));
  r->app = app;
  PetscCall(SpectralCreate(app, &r->sp));
  PetscCall(SpectralScalarDM(r->sp, &da1));
  PetscCall(DMCreateGlobalVector(da1, &r->rc));
  PetscCall(VecDuplicate(X, &r->Xc));
  PetscCall(ComputeFreeEnergy(app, X, &r->energy, &r->energy_abs));

  PetscCall(TSCreate(PetscObjectComm((PetscObject)app->da), ts));
  PetscCall(TSSetApplicationContext(*ts, app));
  app->ts = *ts;
  PetscCall(RoswAttach(*ts, r));
  PetscCall(TSSetDM(*ts, app->da));
  PetscCall(TSSetType(*ts, TSROSW));
  PetscCall(TSRosWSetType(*ts, TSROSWRA34PW2));
  PetscCall(TSSetEquationType(*ts, TS_EQ_DAE_IMPLICIT_INDEX1));
  PetscCall(TSSetIFunction(*ts, NULL, RoswIFunction, r));
  PetscCall(RoswLinearSolver(*ts, r, X));
  PetscCall(TSSetPostEvaluate(*ts, RoswPostEvaluate));
  PetscCall(TSSetTime(*ts, 0.0));
  PetscCall(TSSetTimeStep(*ts, dt0));
  PetscCall(TSSetMaxTime(*ts, 100 * app->s.tau));
  PetscCall(TSSetMaxSteps(*ts, PETSC_MAX_INT));
  PetscCall(TSSetExactFinalTime(*ts, TS_EXACTFINALTIME_MATCHSTEP));
  PetscCall(TSSetMaxStepRejections(*ts, 30));
  PetscCall(TSSetTolerances(*ts, 1e-12, NULL, 3e-4, NULL)); /* rtol is relative to std(c): RoswUpdateTolerance */
  PetscCall(TSGetAdapt(*ts, &adapt));
  PetscCall(SolverDefaultAdapt(adapt)); /* issue 14 (pfhub helper): the controller, step_control.c */
  PetscCall(TSAdaptSetClip(adapt, 0.1, 4.0));
  PetscCall(TSAdaptSetStepLimits(adapt, 1e-12 * dt0, PETSC_MAX_REAL));

  ErrorsReadingPetscOptions(PETSC_TRUE);
  PetscCall(TSSetFromOptions(*ts));
  ErrorsReadingPetscOptions(PETSC_FALSE);
  PetscCall(RoswTolerances(*ts, r, X));
  PetscCall(TSGetAdapt(*ts, &adapt)); /* the options may have changed its type */
  r->choose          = adapt->ops->choose;
  adapt->ops->choose = RoswChoose;
  PetscFunctionReturn(0);
}

PetscErrorCode SolverSetUpNowRosw(TS ts, Vec X)
{
  SNES snes;
  KSP  ksp;

  PetscFunctionBegin;
  PetscCall(TSSetSolution(ts, X));
  PetscCall(TSSetUp(ts));
  PetscCall(TSGetSNES(ts, &snes));
  PetscCall(SNESGetKSP(snes, &ksp));
  ErrorsReadingPetscOptions(PETSC_TRUE);
  PetscCall(KSPSetUp(ksp));
  ErrorsReadingPetscOptions(PETSC_FALSE);
  PetscFunctionReturn(0);
}
