/* The discrete operator: residual (IFunction), Jacobian (IJacobian), and the discrete
   free energy and mass that monitor them. */
#ifndef UPHILL_PHYSICS_H
#define UPHILL_PHYSICS_H
#include <uphill/app.h>

/* Per-run constants of the scaled stencil (residual.c documents the scaled equations). */
typedef struct {
  PetscReal a[3]; /* tau E / (2 h_d^2): face-flux factor including the face mean's 1/2 */
  PetscReal b[3]; /* kappa / (E h_d^2) */
  PetscReal tau, iE;
  PetscReal ih2[3];                         /* h_d^-2 */
  PetscReal kE[UPHILL_MAX_NC * UPHILL_MAX_NC]; /* N-component: kappa_ij / E */
} KernelCoef;

/* The constants for grid spacings h (a multigrid level's), and for the run's grid. */
static inline void KernelCoefficientsAt(const App *app, const PetscReal h[3], KernelCoef *k)
{
  const PetscInt nc = app->p.ncomp;
  for (int d = 0; d < 3; d++) {
    const PetscReal ih2 = 1.0 / (h[d] * h[d]);
    k->a[d]             = 0.5 * app->s.tau * app->s.E * ih2;
    k->b[d]             = app->p.kappa / app->s.E * ih2;
    k->ih2[d]           = ih2;
  }
  for (PetscInt i = 0; i < nc * nc; i++) k->kE[i] = app->p.kappa_matrix[i] / app->s.E;
  k->tau = app->s.tau;
  k->iE  = 1.0 / app->s.E;
}
static inline void KernelCoefficients(const App *app, KernelCoef *k) { KernelCoefficientsAt(app, app->h, k); }

PetscErrorCode FormIFunction(TS ts, PetscReal t, Vec X, Vec Xdot, Vec F, void *ctx);
/* J: the Krylov operator (the matrix-free action below, or P itself); P: the assembled Jacobian
   that builds the preconditioner, assembled only when the preconditioner will be rebuilt. */
PetscErrorCode FormIJacobian(TS ts, PetscReal t, Vec X, Vec Xdot, PetscReal shift, Mat J, Mat P, void *ctx);
/* FormIJacobian's work; assembled: whether P was assembled (the preconditioner will be rebuilt). */
PetscErrorCode JacobianEvaluate(const App *app, Vec X, PetscReal shift, Mat J, Mat P, PetscBool *assembled);
/* The matrix P that builds the preconditioner: the full Jacobian (DMDA AIJ), or for binary
   runs with block_diagonal its 2x2 point blocks only (BAIJ; all a point-block Jacobi smoother
   uses).  Records the choice in app->block_diagonal_pmat. */
PetscErrorCode JacobianCreatePreconditioningMatrix(App *app, PetscBool block_diagonal, Mat *P);
/* The Jacobian of the residual at X (a global vector of app->da), assembled into P. */
PetscErrorCode JacobianAssemble(const App *app, Vec X, PetscReal shift, Mat P);
/* Binary: the pointwise coefficients (f''(c), M(c)) of the state X into K (same layout). */
PetscErrorCode JacobianCoefficients(const App *app, Vec X, Vec K);
/* The Jacobian on a coarser grid da with spacings h (a multigrid level) at field K: the averaged
   coefficients of JacobianCoefficients (binary; no M' terms) or the averaged state (N-component). */
PetscErrorCode JacobianAssembleCoarse(const App *app, DM da, const PetscReal h[3], Vec K, PetscReal shift, Mat P);
/* The matrix-free Jacobian (jacobian_action.c): a MatShell that applies the Jacobian of the
   residual at the state and shift of its last JacobianActionSetState. */
PetscErrorCode JacobianActionCreate(App *app, Mat *J);
PetscErrorCode JacobianActionSetState(Mat J, Vec X, PetscReal shift);
PetscErrorCode JacobianIsAction(Mat J, PetscBool *is);
/* mu consistent with c: mu = f'(c) - kappa Lap_h c (scaled by 1/E), so that the DAE starts on its constraint. */
PetscErrorCode ComputeConsistentPotential(const App *app, Vec X);

typedef struct {
  PetscReal free_energy; /* discrete F, docs/MODEL.md section 3 */
  PetscReal mass;        /* integral of c (N-component: of c_1) */
  PetscReal masses[UPHILL_MAX_NC]; /* integral of each c_i */
  PetscReal c_min, c_max, c_std; /* of c (N-component: of c_1) */
} Observables;
PetscErrorCode ComputeObservables(const App *app, Vec X, Observables *obs);
/* The discrete F alone (one pass); Fabs, if asked, sums |cell energies| (a round-off scale). */
PetscErrorCode ComputeFreeEnergy(const App *app, Vec X, PetscReal *F, PetscReal *Fabs);
/* N components, in place on the ghosted local state Xl (app->da's; its c entries and their face
   ghosts filled): mu at the owned cells, with the same bits as ComputeConsistentPotential, into
   Xl's own mu entries (their ghosts are left as they were); with F (not NULL) also F and Fabs as
   ComputeFreeEnergy's from the same pass (the regular solution's logarithms once a cell; the
   ternary's row-vectorised pass sums them in another order: the last bits may differ). */
PetscErrorCode ComputePotentialLocal(const App *app, Vec Xl, PetscReal *F, PetscReal *Fabs);
/* The same for the ternary regular solution on separate fields (ghosted local vectors of a
   scalar DMDA compatible with app->da): mu[0], mu[1] at the owned cells from c[0], c[1], the
   same bits as ComputePotentialLocal's mu entries, and F, Fabs (if F) as its. */
PetscErrorCode ComputePotentialFields(const App *app, Vec c[], Vec mu[], PetscReal *F, PetscReal *Fabs);
/* The ternary's rate with lattice-fixed L from such fields (c and mu, face ghosts current) into
   G (2 per cell); work: 3 reals per ghosted cell.  The same bits as RateGeneral's. */
PetscErrorCode ComputeRateFields(const App *app, Vec c[], Vec mu[], PetscReal *work, Vec G);
/* Every entry of X finite and c in the energy's domain, on every rank (collective). */
PetscErrorCode StateInDomain(const App *app, Vec X, PetscBool *ok);
/* What the transform integrators need of a binary state c alone (a scalar vector of da1), in
   one pass with two logarithms per cell (over its ghosted array; on one rank over c itself, no
   ghost exchange) (collective): F (docs/MODEL.md
   section 3; NaN where c leaves the energy's domain), the sum of |cell energies| (a round-off
   scale), the mass, the range of c and of f''(c), the largest M(c); where P is given,
   P = scale f'(c).  The one definition of F for those integrators. */
typedef struct {
  PetscReal F, Fabs, mass, cmin, cmax, d2min, d2max, mmax;
} StateSums;
PetscErrorCode ComputeStateSumsC(const App *app, DM da1, Vec C, PetscReal scale, Vec P, StateSums *ss);
/* The standard deviation of the scalar field C about its mean (given), in a second pass (a 1e-6 mode about c0 = 0.5 would drown in <c^2> - <c>^2). */
PetscErrorCode ComputeSpreadC(Vec C, PetscReal mean, PetscReal *std);
#endif
