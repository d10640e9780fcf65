/* Time integrator and solver defaults.  Every default here can be overridden with PETSc's
   -ts_*, -snes_*, -ksp_*, -pc_*, -mg_* options.

   - TS: variable-step BDF2 (TSBDF caps the step ratio at 2, inside the 4.864 bound for
     its discrete energy law), adaptive (TSADAPTDSP with the H211PI filter, step_control.c)
     with the error measured on c only: mu is the algebraic component of the index-1 DAE.
     With thermal noise: fixed-step Crank-Nicolson instead (SetNoiseIntegrator; docs/MODEL.md
     section 6.3).
   - A failed Newton solve or a stage with c outside (0,1) under the logarithmic energy
     rejects the step; TS retries with a smaller one.
   - SNES: Newton to 1e-3 x -ts_rtol, with a pre-check that makes each step conserve mass
     exactly and shortens a step which would leave (0,1), and a convergence test that also asks
     for the step's mass defect to be at round-off.
   - KSP/PC: the Krylov operator is the matrix-free Jacobian action (jacobian_action.c).
     FGMRES with geometric multigrid on the DMDA hierarchy (multigrid.c; LU on the coarsest
     grid): binary runs with rediscretised coarse operators on matrix-free levels with
     red-black Gauss-Seidel smoothing (mg_level.c); otherwise assembled levels (rediscretised or
     Galerkin) with GMRES + point-block Jacobi smoothing, the assembled Jacobian built only
     when the preconditioner is rebuilt. */
#include <uphill/solver.h>
#include <uphill/model.h>
#include <uphill/mms.h>
#include <uphill/multigrid.h>
#include <uphill/mg_level.h>
#include <uphill/errors.h>
#include <uphill/noise.h>

/* Make the Newton step conserve mass exactly.  The c-rows of the residual sum to tau times the
   rate of change of the mass (the flux divergence telescopes), an affine function of the total
   of each component: their sum after the step X - Y is sum F_c(X) - tau shift sum Y_c, whatever
   the Krylov solve left.  Shifting each component of Y by a constant (which no flux sees) to
   make it zero keeps the mass at round-off from the first iteration on, so Newton's tolerance
   need not be tightened for conservation's sake. */
static PetscErrorCode ProjectMass(SNESLineSearch ls, const App *app, Vec Y)
{
  Vec                F;
  const PetscScalar *f;
  PetscScalar       *y;
  PetscInt           n, N, nc = app->p.ncomp;
  PetscReal          sums[2 * UPHILL_MAX_NC] = {0};

  PetscFunctionBegin;
  if (app->shift <= 0) PetscFunctionReturn(0);
  PetscCall(SNESLineSearchGetVecs(ls, NULL, &F, NULL, NULL, NULL));
  PetscCall(VecGetLocalSize(Y, &n));
  PetscCall(VecGetSize(Y, &N));
  PetscCall(VecGetArrayRead(F, &f));
  PetscCall(VecGetArray(Y, &y));
  for (PetscInt i = 0; i < n; i += 2 * nc)
    for (PetscInt c = 0; c < nc; c++) sums[c] += f[i + c], sums[nc + c] += y[i + c];
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, sums, (PetscMPIInt)(2 * nc), MPIU_REAL, MPIU_SUM, PetscObjectComm((PetscObject)Y)));
  for (PetscInt c = 0; c < nc; c++) sums[c] = (sums[c] / (app->s.tau * app->shift) - sums[nc + c]) / (PetscReal)(N / (2 * nc));
  for (PetscInt i = 0; i < n; i += 2 * nc)
    for (PetscInt c = 0; c < nc; c++) y[i + c] += sums[c];
  PetscCall(VecRestoreArray(Y, &y));
  PetscCall(VecRestoreArrayRead(F, &f));
  PetscFunctionReturn(0);
}

/* Keep each Newton iterate strictly inside (0,1): fraction-to-the-boundary rule on the step
   (after the mass projection above). */
static PetscErrorCode PreCheckDomain(SNESLineSearch ls, Vec X, Vec Y, PetscBool *changed, void *ctx)
{
  App               *app = (App *)ctx;
  const PetscScalar *x, *y;
  PetscInt           n;
  PetscReal          lambda = 1.0, theta = 0.9;

  PetscFunctionBegin;
  PetscCall(ProjectMass(ls, app, Y));
  *changed = PETSC_TRUE;
  if (app->th.type != FE_REGULAR_SOLUTION) PetscFunctionReturn(0);
  PetscCall(VecGetLocalSize(X, &n));
  PetscCall(VecGetArrayRead(X, &x));
  PetscCall(VecGetArrayRead(Y, &y));
  app->ops->domain_step(app, x, y, n, theta, &lambda);
  PetscCall(VecRestoreArrayRead(Y, &y));
  PetscCall(VecRestoreArrayRead(X, &x));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &lambda, 1, MPIU_REAL, MPIU_MIN, PetscObjectComm((PetscObject)X)));
  if (lambda < 1) {
    PetscCall(VecScale(Y, lambda));
    *changed = PETSC_TRUE;
  }
  PetscFunctionReturn(0);
}

/* Newton's usual test, plus conservation: the c-rows of the residual sum to tau * d(mass)/dt
   error (the flux divergence telescopes), so the step's mass defect is dt/tau * sum F_c.  A
   norm test alone leaves it at ~1e-13 per step on large grids; iterate until it is at
   round-off (a Newton step costs little once converged), within the iteration limit. */
static PetscErrorCode ConvergedConservative(SNES snes, PetscInt it, PetscReal xnorm, PetscReal snorm, PetscReal fnorm, SNESConvergedReason *reason, void *ctx)
{
  App               *app = (App *)ctx;
  Vec                F, X;
  const PetscScalar *f, *x;
  PetscInt           n, maxit, nc = app->p.ncomp;
  PetscReal          sums[1 + UPHILL_MAX_NC] = {0}, dt, defect = 0;

  PetscFunctionBegin;
  PetscCall(SNESConvergedDefault(snes, it, xnorm, snorm, fnorm, reason, NULL));
  if (*reason <= 0) PetscFunctionReturn(0);
  PetscCall(SNESGetTolerances(snes, NULL, NULL, NULL, &maxit, NULL));
  if (it >= maxit - 1) PetscFunctionReturn(0);
  PetscCall(SNESGetFunction(snes, &F, NULL, NULL));
  PetscCall(SNESGetSolution(snes, &X));
  PetscCall(VecGetLocalSize(F, &n));
  PetscCall(VecGetArrayRead(F, &f));
  PetscCall(VecGetArrayRead(X, &x));
  for (PetscInt i = 0; i < n; i += 2 * nc) /* each component's mass defect, and the scale sum |c| */
    for (PetscInt c = 0; c < nc; c++) {
      sums[1 + c] += f[i + c];
      sums[0] += PetscAbsReal(x[i + c]);
    }
  PetscCall(VecRestoreArrayRead(X, &x));
  PetscCall(VecRestoreArrayRead(F, &f));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, sums, (PetscMPIInt)(1 + nc), MPIU_REAL, MPIU_SUM, PetscObjectComm((PetscObject)snes)));
  PetscCall(TSGetTimeStep(app->ts, &dt));
  for (PetscInt c = 0; c < nc; c++) defect = PetscMax(defect, PetscAbsReal(sums[1 + c]));
  if (defect * dt / app->s.tau > 1e-15 * sums[0]) *reason = SNES_CONVERGED_ITERATING;
  PetscFunctionReturn(0);
}

/* What the stage check keeps between calls: F and sum |cell energy| of the last accepted state. */
typedef struct {
  const App *app;
  PetscInt   step; /* step whose accepted state has ... */
  PetscReal  energy, energy_abs;
} StageCheck;

/* TS asks this of every stage before it accepts it: c must stay in the energy's domain, and
   the discrete free energy must not rise above that of the last accepted state (beyond
   round-off).  Variable-step BDF2 only guarantees that a modified energy decreases; F itself
   can rise by ~1e-8 late in a run when the step grows, and a rejected step is retried smaller.
   (The manufactured solution has a source, so there F may rise.) */
static PetscErrorCode StageAcceptable(TS ts, PetscReal t, Vec X, PetscBool *accept)
{
  PetscContainer     cont;
  StageCheck        *sc;
  const App         *app;
  PetscInt           step;

  PetscFunctionBegin;
  (void)t;
  PetscCall(PetscObjectQuery((PetscObject)ts, "uphill_stagecheck", (PetscObject *)&cont));
  PetscCall(PetscContainerGetPointer(cont, (void **)&sc));
  app = sc->app;
  PetscCall(StateInDomain(app, X, accept));
  if (!*accept || app->p.mms || app->p.noise_temperature > 0) PetscFunctionReturn(0); /* a source or noise may raise F */

  PetscCall(TSGetStepNumber(ts, &step));
  if (step != sc->step) { /* F of the last accepted state, once per step */
    Vec U;
    PetscCall(TSGetSolution(ts, &U));
    PetscCall(ComputeFreeEnergy(app, U, &sc->energy, &sc->energy_abs));
    sc->step = step;
  }
  {
    PetscReal F;
    PetscCall(ComputeFreeEnergy(app, X, &F, NULL));
    if (F > sc->energy + 1e-12 * sc->energy_abs) {
      PetscCall(PetscInfo(ts, "step %" PetscInt_FMT " rejected: free energy rises by %g\n", step, (double)(F - sc->energy)));
      *accept = PETSC_FALSE;
    }
  }
  PetscFunctionReturn(0);
}

/* The stage check and its cache, composed on the TS (its callback has no context argument). */
static PetscErrorCode SetStageCheck(const App *app, TS ts)
{
  StageCheck    *sc;
  PetscContainer cont;

  PetscFunctionBegin;
  PetscCall(PetscNew(&sc));
  sc->app  = app;
  sc->step = -1;
  PetscCall(PetscContainerCreate(PetscObjectComm((PetscObject)ts), &cont));
  PetscCall(PetscContainerSetPointer(cont, sc));
  PetscCall(PetscContainerSetUserDestroy(cont, PetscContainerUserDestroyDefault));
  PetscCall(PetscObjectCompose((PetscObject)ts, "uphill_stagecheck", (PetscObject)cont));
  PetscCall(PetscContainerDestroy(&cont));
  PetscCall(TSSetFunctionDomainError(ts, StageAcceptable));
  PetscFunctionReturn(0);
}

/* The multigrid hierarchy's rediscretised coarse operators: the model's Jacobian on each level,
   from the averaged coefficient field (binary) or the averaged state (N-component). */
static PetscErrorCode CoarseField(void *ctx, Vec X, Vec K)
{
  const App *app = (const App *)ctx;
  return app->ops->coarse_coefficients(app, X, K);
}

static PetscErrorCode CoarseOperator(void *ctx, const MultigridLevel *level, Vec K, PetscReal shift, Mat A)
{
  PetscBool matrix_free;

  PetscFunctionBegin;
  PetscCall(LevelOperatorIs(A, &matrix_free));
  if (matrix_free) PetscCall(LevelOperatorSetField(A, K, shift));
  else PetscCall(JacobianAssembleCoarse((const App *)ctx, level->da, level->h, K, shift, A));
  PetscFunctionReturn(0);
}

static PetscErrorCode LevelOperator(void *ctx, const MultigridLevel *level, Mat *A) { return LevelOperatorCreate((const App *)ctx, level->da, level->h, A); }

/* Matrix-free levels with Gauss-Seidel smoothing: binary runs with rediscretised coarse
   operators (from the averaged f'' and M), the matrix-free Krylov operator and no request for
   an assembled fine-level matrix. */
static PetscBool MatrixFreeLevels(const App *app)
{
  return (PetscBool)(app->ops->coarse_coefficients && !app->p.mg_galerkin && app->p.mg_gauss_seidel && app->p.pc_matrix_block_diagonal && app->p.matrix_free);
}

/* The Jacobian evaluation, and the coarse operators at the same state whenever P was assembled
   (the preconditioner is then rebuilt). */
static PetscErrorCode SolverIJacobian(TS ts, PetscReal t, Vec X, Vec Xdot, PetscReal shift, Mat J, Mat P, void *ctx)
{
  App      *app = (App *)ctx;
  PetscBool assembled;

  PetscFunctionBegin;
  (void)ts;
  (void)t;
  (void)Xdot;
  app->shift = shift;
  PetscCall(JacobianEvaluate(app, X, shift, J, P, &assembled));
  if (assembled) PetscCall(MultigridUpdate(app->mg, X, shift));
  PetscFunctionReturn(0);
}

/* Whether every mode of multigrid level l (of levels; h doubling per level) can grow under the
   spinodal instability: kappa k^2 < max(-f'') up to the grid's largest k^2 = sum 4 / h_d^2
   (with a margin of 2; f'' over c in (0,1)).  There a rediscretised operator with a large time step is indefinite,
   and plain Gauss-Seidel stalls (on a 2D 128^2 run with adaptive steps: 14 Krylov iterations
   per Newton and a failed solve, against 9 with GMRES on those levels); GMRES-accelerated
   sweeps cost little on such coarse grids. */
static PetscBool LevelAllUnstable(const App *app, PetscInt levels, PetscInt l)
{
  PetscReal f2min = 0, k2max = 0;

  for (int i = 1; i < 100; i++) f2min = PetscMin(f2min, ThermoD2F(&app->th, 0.01 * i)); /* the most negative f'' */
  for (int d = 0; d < 3; d++) {
    if (app->p.grid[d] <= 1) continue;
    const PetscReal h = app->h[d] * (PetscReal)(1 << (levels - 1 - l));
    k2max += 4.0 / (h * h);
  }
  return (PetscBool)(k2max > 0 && app->p.kappa * k2max < -2 * f2min);
}

static PetscErrorCode DefaultLinearSolver(App *app, KSP ksp)
{
  PC                       pc;
  PetscInt                 levels;
  PetscMPIInt              size;
  const MultigridOperators coarse = {app->ops->coarse_coefficients ? CoarseField : NULL, CoarseOperator, MatrixFreeLevels(app) ? LevelOperator : NULL, app};

  PetscFunctionBegin;
  PetscCall(MultigridLevels(app, &levels));
  PetscCallMPI(MPI_Comm_size(PetscObjectComm((PetscObject)app->da), &size));
  PetscCall(KSPSetType(ksp, KSPFGMRES));
  PetscCall(KSPSetTolerances(ksp, 1e-6, 1e-50, PETSC_DEFAULT, 200));
  PetscCall(KSPGetPC(ksp, &pc));
  if (levels < 2) {
    PetscCall(PCSetType(pc, PCBJACOBI));
    PetscFunctionReturn(0);
  }
  PetscCall(PCSetType(pc, PCMG));
  PetscCall(MultigridCreate(app, pc, levels, app->p.mg_galerkin, &coarse, &app->mg));
  for (PetscInt l = 1; l < levels; l++) {
    KSP smoother;
    PC  spc;
    PetscCall(PCMGGetSmoother(pc, l, &smoother));
    PetscCall(KSPGetPC(smoother, &spc));
    if (MatrixFreeLevels(app)) {
      /* two red-black sweeps (mg_level.c), accelerated by GMRES on the levels too coarse to
         resolve the spinodal instability */
      PetscCall(KSPSetType(smoother, LevelAllUnstable(app, levels, l) ? KSPGMRES : KSPRICHARDSON));
      PetscCall(KSPSetTolerances(smoother, PETSC_DEFAULT, PETSC_DEFAULT, PETSC_DEFAULT, 2));
      PetscCall(PCSetType(spc, PCSOR));
      PetscCall(PCSORSetSymmetric(spc, SOR_LOCAL_FORWARD_SWEEP));
    } else {
      PetscCall(KSPSetType(smoother, KSPGMRES));
      PetscCall(KSPSetTolerances(smoother, PETSC_DEFAULT, PETSC_DEFAULT, PETSC_DEFAULT, 3));
      PetscCall(PCSetType(spc, PCPBJACOBI));
    }
  }
  {
    KSP coarse;
    PC  cpc;
    PetscCall(PCMGGetCoarseSolve(pc, &coarse));
    PetscCall(KSPSetType(coarse, KSPPREONLY));
    PetscCall(KSPGetPC(coarse, &cpc));
    PetscCall(PCSetType(cpc, size > 1 ? PCREDUNDANT : PCLU));
  }
  PetscFunctionReturn(0);
}

/* The matrix behind the preconditioner of the matrix-free operator.  With rediscretised
   multigrid the fine-level Jacobian only feeds the point-block Jacobi smoother: keep just its
   2x2 point blocks (48 instead of ~340 bytes per point, and no neighbour entries to assemble).
   Any other preconditioner (-pc_type, Galerkin coarse operators, -preconditioner_matrix full)
   gets the full assembled Jacobian. */
static PetscErrorCode SetPreconditioningMatrix(App *app, TS ts)
{
  SNES      snes;
  KSP       ksp;
  PC        pc;
  PetscBool ismg, action;
  Mat       J, P;

  PetscFunctionBegin;
  PetscCall(TSGetIJacobian(ts, &J, NULL, NULL, NULL));
  PetscCall(JacobianIsAction(J, &action));
  if (!action) PetscFunctionReturn(0); /* -jacobian_matrix_free 0: J is the assembled Jacobian */
  PetscCall(TSGetSNES(ts, &snes));
  PetscCall(SNESGetKSP(snes, &ksp));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PetscObjectTypeCompare((PetscObject)pc, PCMG, &ismg));
  PetscCall(PetscObjectReference((PetscObject)J));
  P = NULL;
  if (ismg) PetscCall(MultigridFineOperator(app->mg, &P));
  if (P) PetscCall(PetscObjectReference((PetscObject)P)); /* matrix-free levels: the fine level's operator */
  else PetscCall(JacobianCreatePreconditioningMatrix(app, (PetscBool)(ismg && app->mg && !app->p.mg_galerkin && app->p.pc_matrix_block_diagonal), &P));
  PetscCall(TSSetIJacobian(ts, J, P, SolverIJacobian, app));
  PetscCall(MatDestroy(&J));
  PetscCall(MatDestroy(&P));
  PetscFunctionReturn(0);
}

/* A first step of the order of the fastest physical or grid time scale: the adaptive
   controller grows it by orders of magnitude as the microstructure coarsens. */
static PetscReal InitialTimeStep(const App *app)
{
  PetscReal hmin = PETSC_MAX_REAL, f2, kappa, mobility;
  app->ops->stiffness(app, &f2, &kappa, &mobility);
  for (int d = 0; d < 3; d++)
    if (app->p.grid[d] > 1) hmin = PetscMin(hmin, app->h[d]);
  if (hmin == PETSC_MAX_REAL) hmin = app->h[0];
  const PetscReal k2 = 4.0 / (hmin * hmin);
  return 1.0 / (mobility * k2 * (f2 + kappa * k2));
}

static PetscErrorCode NoiseContainerDestroy(void *ctx)
{
  Noise nz = (Noise)ctx;
  return NoiseDestroy(&nz);
}

/* With thermal noise: Crank-Nicolson (TSCN, the trapezoidal rule) with a fixed step, the noise
   a forcing constant over the step (residual.c).  For the linearised dynamics the trapezoidal
   rule's stationary variance is exactly that of the continuous-time dynamics, sigma^2/(2 lambda),
   for every mode whatever lambda dt (implicit Euler gives sigma^2/(lambda (2 + lambda dt)), and
   BDF2 neither): the structure factor is the discrete Ornstein-Zernike law at any step.  The
   step is fixed (-noise_dt): an error estimate of a stochastic step measures the noise, not the
   error.  Weak order 1 (2 for additive noise on the linearised dynamics). */
static PetscErrorCode SetNoiseIntegrator(App *app, TS ts)
{
  TSAdapt        adapt;
  Noise          nz;
  PetscContainer cont;

  PetscFunctionBegin;
  PetscCall(TSSetType(ts, TSCN));
  PetscCall(TSGetAdapt(ts, &adapt));
  PetscCall(TSAdaptSetType(adapt, TSADAPTNONE));
  PetscCall(TSSetTimeStep(ts, NoiseTimeStep(app)));
  PetscCall(NoiseCreate(app, &nz));
  PetscCall(PetscContainerCreate(PetscObjectComm((PetscObject)ts), &cont));
  PetscCall(PetscContainerSetPointer(cont, nz));
  PetscCall(PetscContainerSetUserDestroy(cont, NoiseContainerDestroy));
  PetscCall(PetscObjectCompose((PetscObject)ts, "uphill_noise", (PetscObject)cont));
  PetscCall(PetscContainerDestroy(&cont));
  PetscFunctionReturn(0);
}

/* The BDF path's residual, stage check and Jacobian are written for TSBDF's implicit form: an
   explicit or other -ts_type would fail inside PETSc or run another method; refuse it. */
static PetscErrorCode RefuseOtherTSType(MPI_Comm comm)
{
  char type[64];

  PetscFunctionBegin;
  PetscCall(ParamsUnreadValue("ts_type", type, sizeof type));
  if (type[0] && strcmp(type, TSBDF)) UPHILL_USER_ERROR(comm, "option -ts_type %s: the bdf integrator is PETSc's TSBDF (choose its order with -ts_bdf_order); use -integrator rosw for the Rosenbrock-W method", type);
  PetscFunctionReturn(0);
}

/* Parameters each in range can still overflow or underflow together (E^2, kappa k^4): the
   energy and time scales, the first step and the cell volume must be positive and far enough
   inside double precision that the products formed from them stay finite. */
static PetscBool InScaleRange(PetscReal v) { return (PetscBool)(v >= 1e-200 && v <= 1e200); }

static PetscErrorCode CheckScales(const App *app, PetscReal dt0)
{
  PetscFunctionBegin;
  if (!(InScaleRange(app->s.E) && InScaleRange(app->s.tau) && InScaleRange(dt0) && InScaleRange(app->dV)))
    UPHILL_USER_ERROR(PetscObjectComm((PetscObject)app->da), "the physical options (-omega or -omega_matrix, -rho, -temperature, -gas_constant, -molar_volume, -kappa, -mobility and their matrices, -Lx/-Ly/-Lz) give energy scale %g, time scale %g, first step %g, cell volume %g: outside 1e-200 .. 1e200 (values too large or too small together)", (double)app->s.E, (double)app->s.tau, (double)dt0, (double)app->dV);
  PetscFunctionReturn(0);
}

/* A -ts_dt below the adaptive controller's smallest step would be raised or rejected for ever. */
static PetscErrorCode CheckFirstStep(TS ts)
{
  TSAdapt   adapt;
  PetscReal dt, hmin, hmax;

  PetscFunctionBegin;
  PetscCall(TSGetTimeStep(ts, &dt));
  PetscCall(TSGetAdapt(ts, &adapt));
  PetscCall(TSAdaptGetStepLimits(adapt, &hmin, &hmax));
  if (dt < hmin) UPHILL_USER_ERROR(PetscObjectComm((PetscObject)ts), "option -ts_dt: %g is below the smallest step %g the adaptive controller takes", (double)dt, (double)hmin);
  PetscFunctionReturn(0);
}

/* Newton stops when the residual has fallen by 1e-3 times the step's relative error tolerance
   (5e-7 with bdf's default -ts_rtol 5e-4): its error then stays three orders below what the
   step control admits, and a user who tightens -ts_rtol tightens Newton with it.  (Mass does
   not need more: ProjectMass.)  -snes_rtol, when given, wins. */
static PetscErrorCode NewtonToleranceFromStep(SNES snes, PetscReal ts_rtol)
{
  PetscBool set;
  PetscReal atol, rtol, stol;
  PetscInt  maxit, maxf;

  PetscFunctionBegin;
  PetscCall(PetscOptionsHasName(NULL, NULL, "-snes_rtol", &set));
  if (set) PetscFunctionReturn(0);
  PetscCall(SNESGetTolerances(snes, &atol, &rtol, &stol, &maxit, &maxf));
  PetscCall(SNESSetTolerances(snes, atol, PetscMax(1e-3 * ts_rtol, 1e-13), stol, maxit, maxf));
  PetscFunctionReturn(0);
}

/* The error test measures each concentration against the size of its fluctuation, as the
   transform integrators do: atol_c = atol + rtol std(c), rtol_c = 0 (SolverComponentTolerances).
   Against atol + rtol |c| with |c| ~ 0.5, a perturbation of 1e-2 or less was invisible and
   BDF2 accepted too large a step at the onset of decomposition (docs/MODEL.md section 3.6). */
static PetscErrorCode StepTolerancesFromState(TS ts, const App *app, Vec X)
{
  Vec       vatol;
  PetscReal tol[UPHILL_MAX_NC];

  PetscFunctionBegin;
  PetscCall(TSGetTolerances(ts, NULL, &vatol, NULL, NULL));
  PetscCall(SolverComponentTolerances(X, app->p.ncomp, app->step_atol, app->step_rtol, tol));
  for (PetscInt r = 0; r < app->p.ncomp; r++) PetscCall(VecStrideSet(vatol, r, tol[r]));
  PetscFunctionReturn(0);
}

/* After every accepted step: the tolerances from the new state. */
static PetscErrorCode StepTolerancesAfterStep(TS ts)
{
  App *app;
  Vec  X;

  PetscFunctionBegin;
  PetscCall(TSGetApplicationContext(ts, &app));
  PetscCall(TSGetSolution(ts, &X));
  PetscCall(StepTolerancesFromState(ts, app, X));
  PetscFunctionReturn(0);
}

PetscErrorCode SolverCreate(App *app, Vec X, TS *ts)
{
  SNES           snes;
  SNESLineSearch ls;
  KSP            ksp;
  TSAdapt        adapt;
  Mat            J;
  PetscReal      atol, rtol;
  Vec            vatol, vrtol;

  PetscFunctionBegin;
  PetscCall(CheckScales(app, InitialTimeStep(app)));
  if (IntegratorUsesTransforms(app->p.integrator)) {
    PetscCall(SolverCreateRosw(app, X, InitialTimeStep(app), ts));
    PetscCall(CheckFirstStep(*ts));
    PetscFunctionReturn(0);
  }
  PetscCall(RefuseOtherTSType(PetscObjectComm((PetscObject)app->da)));
  PetscCall(TSCreate(PetscObjectComm((PetscObject)app->da), ts));
  app->ts = *ts; /* borrowed: the Newton convergence test needs the current step */
  PetscCall(TSSetDM(*ts, app->da));
  PetscCall(TSSetType(*ts, TSBDF));
  PetscCall(TSBDFSetOrder(*ts, 2));
  PetscCall(TSSetEquationType(*ts, TS_EQ_DAE_IMPLICIT_INDEX1));
  PetscCall(TSSetIFunction(*ts, NULL, FormIFunction, app));
  /* the matrix-free operator now; its preconditioning matrix once the PC type is known */
  if (app->p.matrix_free) PetscCall(JacobianActionCreate(app, &J));
  else PetscCall(JacobianCreatePreconditioningMatrix(app, PETSC_FALSE, &J));
  PetscCall(TSSetIJacobian(*ts, J, J, SolverIJacobian, app));
  PetscCall(MatDestroy(&J));
  if (app->p.mms) PetscCall(TSSetRHSFunction(*ts, NULL, MMSSource, app));
  PetscCall(SetStageCheck(app, *ts));
  PetscCall(TSSetTime(*ts, 0.0));
  PetscCall(TSSetTimeStep(*ts, InitialTimeStep(app)));
  PetscCall(TSSetMaxTime(*ts, 100 * app->s.tau));
  PetscCall(TSSetMaxSteps(*ts, PETSC_MAX_INT));
  PetscCall(TSSetExactFinalTime(*ts, TS_EXACTFINALTIME_MATCHSTEP));
  PetscCall(TSSetMaxSNESFailures(*ts, -1));
  PetscCall(TSSetMaxStepRejections(*ts, 30));
  PetscCall(TSSetTolerances(*ts, 1e-12, NULL, 5e-4, NULL)); /* atol_c = atol + rtol std(c): StepTolerancesFromState */
  PetscCall(TSGetAdapt(*ts, &adapt));
  PetscCall(SolverDefaultAdapt(adapt));
  PetscCall(TSAdaptSetClip(adapt, 0.1, 2.0));
  PetscCall(TSAdaptSetStepLimits(adapt, 1e-12 * InitialTimeStep(app), PETSC_MAX_REAL));

  if (app->p.noise_temperature > 0) PetscCall(SetNoiseIntegrator(app, *ts));

  PetscCall(TSGetSNES(*ts, &snes));
  PetscCall(SNESSetType(snes, SNESNEWTONLS));
  PetscCall(SNESSetTolerances(snes, 1e-11, 1e-9, 1e-12, 20, -1)); /* rtol: NewtonToleranceFromStep */
  PetscCall(SNESGetLineSearch(snes, &ls));
  PetscCall(SNESLineSearchSetType(ls, SNESLINESEARCHBASIC));
  PetscCall(SNESLineSearchSetPreCheck(ls, PreCheckDomain, app));
  PetscCall(SNESSetConvergenceTest(snes, ConvergedConservative, app, NULL));
  /* Newton keeps the exact Jacobian; the multigrid hierarchy (whose Galerkin products cost
     more than the Krylov solve) is rebuilt once per time step, not at every iteration. */
  PetscCall(SNESSetLagPreconditioner(snes, 100));
  PetscCall(SNESGetKSP(snes, &ksp));
  PetscCall(DefaultLinearSolver(app, ksp));

  ErrorsReadingPetscOptions(PETSC_TRUE);
  PetscCall(TSSetFromOptions(*ts));
  ErrorsReadingPetscOptions(PETSC_FALSE);
  PetscCall(CheckFirstStep(*ts));
  PetscCall(SetPreconditioningMatrix(app, *ts));

  /* Error control on c only: mu (algebraic) gets an infinite tolerance.  Built after
     TSSetFromOptions so that -ts_atol/-ts_rtol set the values used for c. */
  PetscCall(TSGetTolerances(*ts, &atol, NULL, &rtol, NULL));
  PetscCall(NewtonToleranceFromStep(snes, rtol));
  app->step_atol = atol;
  app->step_rtol = rtol;
  PetscCall(VecDuplicate(X, &vatol));
  PetscCall(VecDuplicate(X, &vrtol));
  for (PetscInt r = 0; r < app->p.ncomp; r++) {
    PetscCall(VecStrideSet(vatol, app->p.ncomp + r, PETSC_MAX_REAL / 4));
    PetscCall(VecStrideSet(vrtol, r, 0.0));
    PetscCall(VecStrideSet(vrtol, app->p.ncomp + r, 0.0));
  }
  PetscCall(TSSetTolerances(*ts, PETSC_DECIDE, vatol, PETSC_DECIDE, vrtol));
  PetscCall(VecDestroy(&vatol));
  PetscCall(VecDestroy(&vrtol));
  PetscCall(StepTolerancesFromState(*ts, app, X));
  PetscCall(TSSetApplicationContext(*ts, app));
  PetscCall(TSSetPostEvaluate(*ts, StepTolerancesAfterStep));
  PetscFunctionReturn(0);
}

PetscErrorCode SolverSetUpNow(App *app, TS ts, Vec X)
{
  SNES      snes;
  KSP       ksp;
  Mat       J, P;
  Vec       Xdot;
  PetscReal dt;

  PetscFunctionBegin;
  if (IntegratorUsesTransforms(app->p.integrator)) {
    PetscCall(SolverSetUpNowRosw(ts, X));
    PetscFunctionReturn(0);
  }
  PetscCall(TSSetSolution(ts, X));
  PetscCall(TSSetUp(ts));
  PetscCall(TSGetSNES(ts, &snes));
  PetscCall(SNESSetUp(snes));
  PetscCall(SNESGetKSP(snes, &ksp));
  PetscCall(TSGetTimeStep(ts, &dt));
  PetscCall(TSGetIJacobian(ts, &J, &P, NULL, NULL));
  PetscCall(VecDuplicate(X, &Xdot));
  PetscCall(VecZeroEntries(Xdot));
  PetscCall(TSComputeIJacobian(ts, 0.0, X, Xdot, 1.5 / dt, J, P, PETSC_FALSE));
  PetscCall(VecDestroy(&Xdot));
  PetscCall(KSPSetOperators(ksp, J, P));
  if (app->mg) { /* the hierarchy is ours (multigrid.c): a DM would make PCMG coarsen it again and
                     restrict the integrator's vectors down its own DM hierarchy */
    PC pc;
    PetscCall(KSPGetPC(ksp, &pc));
    PetscCall(PCSetDM(pc, NULL));
  }
  ErrorsReadingPetscOptions(PETSC_TRUE); /* the PC reads its level options here */
  PetscCall(KSPSetUp(ksp));
  ErrorsReadingPetscOptions(PETSC_FALSE);
  PetscFunctionReturn(0);
}
