/* The model's operations, chosen once in AppSetUp: the binary kernels (the fast instance) or
   the N-component ones (the general instance).  Callers never ask which model runs. */
#ifndef UPHILL_MODEL_H
#define UPHILL_MODEL_H
#include <uphill/grid.h>
#include <uphill/physics.h>

struct ModelOps {
  /* residual rows at the owned points from the ghosted state x; f, xdot owned (residual.c) */
  void (*residual)(const GridBox *b, const App *app, const KernelCoef *k, const PetscScalar *x, const PetscScalar *xdot, PetscScalar *f);
  /* mu consistent with c, from the ghosted x into the owned xg (residual.c) */
  void (*potential)(const GridBox *b, const App *app, const KernelCoef *k, const PetscScalar *x, PetscScalar *xg);
  /* the action's per-state data f''(c)/E from the owned x of n entries, and the action (jacobian_action.c) */
  void (*action_state)(const App *app, const PetscScalar *x, PetscInt n, PetscReal *f2);
  void (*action)(const GridBox *b, const App *app, const KernelCoef *k, PetscReal shift, const PetscScalar *x, const PetscReal *f2, const PetscScalar *v, PetscScalar *y);
  /* the assembled Jacobian at a ghosted state, or coefficient field; ltog: point blocks only (jacobian.c) */
  PetscErrorCode (*jacobian)(const App *app, const GridBox *b, const KernelCoef *k, PetscReal shift, const PetscScalar *x, PetscBool coefficients, const PetscInt *ltog, Mat P);
  /* the pointwise field coarse grids average, or NULL: the state itself (jacobian.c) */
  PetscErrorCode (*coarse_coefficients)(const App *app, Vec X, Vec K);
  PetscBool point_block_pmat; /* P may keep only the 2x2 point blocks */
  /* sums[0] += cell energies, sums[1] += their moduli over the owned box (energy.c) */
  void (*energy)(const App *app, const GridBox *b, const PetscScalar *x, const PetscReal ih2[3], PetscReal sums[2]);
  /* every point of the owned x (n entries) in the energy's domain; and the step fraction
     lambda (<= its input) that keeps x - lambda y there, with margin theta (energy.c) */
  PetscBool (*in_domain)(const App *app, const PetscScalar *x, PetscInt n);
  void (*domain_step)(const App *app, const PetscScalar *x, const PetscScalar *y, PetscInt n, PetscReal theta, PetscReal *lambda);
  /* the generated initial c (mu = 0) and its check against the domain (initial.c) */
  void (*initial)(const App *app, const GridBox *b, PetscScalar *x);
  PetscErrorCode (*check_initial)(const App *app, Vec X);
  /* the stiffness scales at c0: |f''|, kappa, mobility (app.c) */
  void (*stiffness)(const App *app, PetscReal *f2, PetscReal *kappa, PetscReal *mobility);
  /* the start-of-run parameter report (report.c) */
  PetscErrorCode (*report)(const App *app);
};
#endif
