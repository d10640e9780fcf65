/* The matrix-free Jacobian action (src/jacobian_action.c) against the assembled Jacobian
   (src/jacobian.c) on random vectors, at a random state, for the model given by the options
   (any wall, energy, mobility, component count, rank count):

     1. ||J_mf v - J_asm v|| / ||J_asm v|| <= 1e-12 for 3 random v: both are the same linear
        operator, so they agree to round-off (measured ~1e-16); a missing or wrong term is O(1)
        relative to itself, and so >= 1e-6 here even for the small M' terms.
     2. J_mf v against the central difference of the residual,
        (F(X + e v, Xdot + shift e v) - F(X - e v, Xdot - shift e v)) / 2e, to 1e-6: an
        independent check that the action is the residual's derivative (FD error ~1e-9).
     3. The comparison can fail: the action at another shift differs from J_asm v by more than
        1e-6 (the test would see a wrong coefficient).
   State: -ic noise around c0 with the given amplitude, plus uniform noise of 0.3 E-scaled units
   in every mu, so that the degenerate mobility's M'(c) grad mu terms are not small. */
#include <uphill/physics.h>
#include <uphill/initial.h>
#include <uphill/grid.h>
#include "test_vec_check.h"

/* Central difference of the IFunction along v (with Xdot moving as shift v). */
static PetscErrorCode DirectionalDerivative(App *app, Vec X, Vec Xdot, Vec v, PetscReal shift, PetscReal eps, Vec out)
{
  Vec Xp, Xdp, Fp, Fm;

  PetscFunctionBegin;
  PetscCall(VecDuplicate(X, &Xp));
  PetscCall(VecDuplicate(X, &Xdp));
  PetscCall(VecDuplicate(X, &Fp));
  PetscCall(VecDuplicate(X, &Fm));
  PetscCall(VecWAXPY(Xp, eps, v, X));
  PetscCall(VecWAXPY(Xdp, shift * eps, v, Xdot));
  PetscCall(FormIFunction(NULL, 0.0, Xp, Xdp, Fp, app));
  PetscCall(VecWAXPY(Xp, -eps, v, X));
  PetscCall(VecWAXPY(Xdp, -shift * eps, v, Xdot));
  PetscCall(FormIFunction(NULL, 0.0, Xp, Xdp, Fm, app));
  PetscCall(VecWAXPY(out, -1.0, Fm, Fp));
  PetscCall(VecScale(out, 0.5 / eps));
  PetscCall(VecDestroy(&Xp));
  PetscCall(VecDestroy(&Xdp));
  PetscCall(VecDestroy(&Fp));
  PetscCall(VecDestroy(&Fm));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  App          app;
  Vec          X, Xdot, v, yA, yJ, yF;
  Mat          J, P, J2;
  PetscRandom  rnd;
  PetscReal    shift = 50.0, worst = 0, worst_fd = 0, other = PETSC_MAX_REAL, mu_noise = 0.3;
  PetscScalar *x;
  PetscInt     n, dof;
  MPI_Comm     comm;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  comm = PETSC_COMM_WORLD;
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-test_shift", &shift, NULL));
  PetscCall(PetscMemzero(&app, sizeof app));
  PetscCall(ParamsRead(comm, &app.p));
  PetscCall(AppSetUp(comm, &app));
  dof = 2 * app.p.ncomp;

  PetscCall(DMCreateGlobalVector(app.da, &X));
  PetscCall(VecDuplicate(X, &Xdot));
  PetscCall(VecDuplicate(X, &v));
  PetscCall(VecDuplicate(X, &yA));
  PetscCall(VecDuplicate(X, &yJ));
  PetscCall(VecDuplicate(X, &yF));
  PetscCall(InitialState(&app, X));
  PetscCall(PetscRandomCreate(comm, &rnd));
  PetscCall(PetscRandomSetFromOptions(rnd));
  PetscCall(PetscRandomSetInterval(rnd, -1.0, 1.0));
  PetscCall(VecSetRandom(Xdot, rnd));
  PetscCall(VecSetRandom(v, rnd)); /* used as noise for mu */
  {
    const PetscScalar *noise;
    PetscCall(VecGetLocalSize(X, &n));
    PetscCall(VecGetArray(X, &x));
    PetscCall(VecGetArrayRead(v, &noise));
    for (PetscInt i = 0; i < n; i++)
      if (i % dof >= app.p.ncomp) x[i] += mu_noise * noise[i];
    PetscCall(VecRestoreArrayRead(v, &noise));
    PetscCall(VecRestoreArray(X, &x));
  }

  PetscCall(DMCreateMatrix(app.da, &P));
  PetscCall(JacobianActionCreate(&app, &J));
  PetscCall(JacobianActionCreate(&app, &J2));
  PetscCall(FormIJacobian(NULL, 0.0, X, Xdot, shift, J, P, &app)); /* app.ts is NULL: P is assembled */
  PetscCall(JacobianActionSetState(J2, X, 2 * shift));

  for (int r = 0; r < 3; r++) {
    PetscReal rel, rel_fd, rel_other;
    PetscCall(VecSetRandom(v, rnd));
    PetscCall(MatMult(P, v, yA));
    PetscCall(MatMult(J, v, yJ));
    PetscCall(RelativeDifference(yJ, yA, &rel));
    PetscCall(DirectionalDerivative(&app, X, Xdot, v, shift, 1e-6, yF));
    PetscCall(RelativeDifference(yJ, yF, &rel_fd));
    PetscCall(MatMult(J2, v, yJ));
    PetscCall(RelativeDifference(yJ, yA, &rel_other));
    worst    = PetscMax(worst, rel);
    worst_fd = PetscMax(worst_fd, rel_fd);
    other    = PetscMin(other, rel_other);
  }
  Check(comm, (PetscBool)(worst <= 1e-12), "matrix-free vs assembled: max ||Jv - Av||/||Av||", worst, 1e-12);
  Check(comm, (PetscBool)(worst_fd <= 1e-6), "matrix-free vs central difference of the residual", worst_fd, 1e-6);
  Check(comm, (PetscBool)(other >= 1e-6), "the action at shift x 2 differs from the assembled one (min)", other, 1e-6);

  PetscCall(PetscRandomDestroy(&rnd));
  PetscCall(MatDestroy(&J));
  PetscCall(MatDestroy(&J2));
  PetscCall(MatDestroy(&P));
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&Xdot));
  PetscCall(VecDestroy(&v));
  PetscCall(VecDestroy(&yA));
  PetscCall(VecDestroy(&yJ));
  PetscCall(VecDestroy(&yF));
  PetscCall(AppDestroy(&app));
  PetscCall(PetscFinalize());
  return test_failures ? 1 : 0;
}
