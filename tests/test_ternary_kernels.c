/* The ternary kernels written out over the cells of a row (src/residual.c: PotentialTernaryRows
   behind PotentialGeneral and the fused potential-and-energy pass, RateTernaryAtomic behind
   RateGeneral with a work array) against the generic N-component rows they stand in for, at a
   random state of the model given by the options (walls, mobility, ranks):

     1. mu from PotentialGeneral satisfies the generic residual's mu rows (FormIFunction):
        max |F_mu| <= 1e-12 max |mu| (the same formula; a wrong term is O(1) relative);
     2. the fused pass writes the same mu bits as PotentialGeneral (one compiled loop serves both:
        two inlined copies once gave a restart other bits), and its F equals the generic energy
        rows' (ComputeFreeEnergy) to 1e-13 relative;
     3. the rate with L stored per cell equals the generic rate (L formed at every face) to
        1e-12 relative, and -F_c / tau of the generic residual at dc/dt = 0 likewise;
     4. the comparison can fail: the rate of the state with mu scaled by 1.001 differs from it by
        more than 1e-6;
     5. the integrator's in-place work state holds the scatter's c at every owned and face cell;
     6. the work state as separate fields (the integrator's for the ternary regular solution)
        gives the interleaved state's mu, F and rate bit for bit;
     7. (lattice-fixed L) the etd linearisation's bounds sigma and theta from the vectorised
        ternary loop equal the generic cell loop's (MultiD2F, MultiL) to 1e-12, at this state and
        at the uniform mean, where sigma = 0 and theta = 1 (the ternary loop once read Omega_33
        for Omega_32 in H_22: sigma 0.5 too large at the uniform state of these options). */
#include <uphill/physics.h>
#include <uphill/initial.h>
#include <uphill/grid.h>
#include "kernels.h"
#include "test_vec_check.h"
#include <uphill/linalg.h>

int main(int argc, char **argv)
{
  App          app;
  Vec          X, X2, Xl, Xdot, F, G1, G2, Gf, M1, M2;
  PetscReal    Fgen, Ffused, Fabs, rel, fmu, mumax, *work;
  GridBox      b;
  PetscBool    same;
  PetscScalar *x;
  PetscInt     n, nc;
  MPI_Comm     comm;
  const PetscInt c_entries[2] = {0, 1}, mu_entries[2] = {2, 3}; /* of a cell of the mixed state */

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  comm = PETSC_COMM_WORLD;
  PetscCall(PetscMemzero(&app, sizeof app));
  PetscCall(ParamsRead(comm, &app.p));
  PetscCall(AppSetUp(comm, &app));
  nc = app.p.ncomp;
  PetscCheck(nc == 2 && app.mm.type == FE_REGULAR_SOLUTION, comm, PETSC_ERR_ARG_WRONG, "the ternary kernels are for -components 3 with the regular solution");

  PetscCall(DMCreateGlobalVector(app.da, &X));
  PetscCall(DMCreateLocalVector(app.da, &Xl));
  PetscCall(VecDuplicate(X, &X2));
  PetscCall(VecDuplicate(X, &Xdot));
  PetscCall(VecDuplicate(X, &F));
  PetscCall(VecGetLocalSize(X, &n));
  PetscCall(VecCreate(comm, &G1));
  PetscCall(VecSetSizes(G1, n / 2, PETSC_DETERMINE));
  PetscCall(VecSetBlockSize(G1, nc));
  PetscCall(VecSetType(G1, VECMPI));
  PetscCall(VecDuplicate(G1, &G2));
  PetscCall(VecDuplicate(G1, &Gf));
  PetscCall(VecDuplicate(G1, &M1));
  PetscCall(VecDuplicate(G1, &M2));
  PetscCall(InitialState(&app, X));
  PetscCall(GridGetBox(app.da, &b));
  PetscCall(PetscMalloc1(RATE_WORK_PER_CELL * b.info.gxm * b.info.gym * b.info.gzm, &work));

  /* 1. mu against the generic residual's mu rows */
  PetscCall(ComputeConsistentPotential(&app, X));
  PetscCall(VecZeroEntries(Xdot));
  PetscCall(FormIFunction(NULL, 0.0, X, Xdot, F, &app));
  PetscCall(VecStrideSubSetGather(F, nc, mu_entries, NULL, Gf, INSERT_VALUES));
  PetscCall(VecStrideSubSetGather(X, nc, mu_entries, NULL, M1, INSERT_VALUES));
  PetscCall(VecNorm(Gf, NORM_INFINITY, &fmu));
  PetscCall(VecNorm(M1, NORM_INFINITY, &mumax));
  Check(comm, (PetscBool)(fmu <= 1e-12 * mumax), "mu rows of the generic residual at PotentialGeneral's mu / max|mu|", fmu / mumax, 1e-12);

  /* 2. the fused pass: the same mu bits, F as the generic energy rows */
  PetscCall(VecCopy(X, X2));
  PetscCall(VecGetArray(X2, &x));
  for (PetscInt i = 0; i < n; i++)
    if (i % (2 * nc) >= nc) x[i] = 0; /* mu recomputed from nothing */
  PetscCall(VecRestoreArray(X2, &x));
  PetscCall(GridGlobalToLocal(&app, X2, Xl));
  PetscCall(ComputePotentialLocal(&app, Xl, &Ffused, &Fabs));
  { /* the owned cells back into X2 (DMLocalToGlobal does not insert on periodic grids) */
    const PetscScalar *l;
    PetscCall(VecGetArrayRead(Xl, &l));
    PetscCall(VecGetArray(X2, &x));
    GRID_FOR_OWNED(&b, i, j, kk)
    for (PetscInt r = 0; r < 2 * nc; r++) x[GridOwned(&b, i, j, kk) * 2 * nc + r] = l[GridGhosted(&b, i, j, kk) * 2 * nc + r];
    PetscCall(VecRestoreArray(X2, &x));
    PetscCall(VecRestoreArrayRead(Xl, &l));
  }
  PetscCall(ComputeFreeEnergy(&app, X, &Fgen, NULL));
  PetscCall(VecEqual(X, X2, &same));
  Check(comm, same, "fused pass: mu bitwise equal to PotentialGeneral's (1 = equal)", (double)same, 1);
  Check(comm, (PetscBool)(PetscAbsReal(Ffused - Fgen) <= 1e-13 * Fabs), "fused pass: |F - F(generic energy rows)| / sum|cell energy|", PetscAbsReal(Ffused - Fgen) / Fabs, 1e-13);

  /* 3. the rate: stored L against L at every face, and against the generic residual's c rows */
  PetscCall(GridGlobalToLocal(&app, X, Xl));
  PetscCall(ComputeRateGeneral(&app, Xl, work, G1));
  PetscCall(ComputeRateGeneral(&app, Xl, NULL, G2));
  PetscCall(RelativeDifference(G1, G2, &rel));
  Check(comm, (PetscBool)(rel <= 1e-12), "rate: stored L vs generic rows, ||g1 - g2|| / ||g2||", rel, 1e-12);
  PetscCall(VecStrideSubSetGather(F, nc, c_entries, NULL, Gf, INSERT_VALUES));
  PetscCall(VecScale(Gf, -1.0 / app.s.tau));
  PetscCall(RelativeDifference(G1, Gf, &rel));
  Check(comm, (PetscBool)(rel <= 1e-12), "rate: stored L vs -F_c/tau of the generic residual", rel, 1e-12);

  /* 4. the comparison sees a change */
  PetscCall(VecCopy(X, X2));
  PetscCall(VecGetArray(X2, &x));
  for (PetscInt i = 0; i < n; i++)
    if (i % (2 * nc) >= nc) x[i] *= 1.001;
  PetscCall(VecRestoreArray(X2, &x));
  PetscCall(GridGlobalToLocal(&app, X2, Xl));
  PetscCall(ComputeRateGeneral(&app, Xl, work, M2));
  PetscCall(RelativeDifference(M2, G2, &rel));
  Check(comm, (PetscBool)(rel >= 1e-6), "rate with mu x 1.001 differs from the generic rate", rel, 1e-6);

  /* 5. the integrator's in-place work state: c set into the owned cells of a ghosted vector and
     its face ghosts exchanged, against the global-to-local scatter (owned and face cells) */
  {
    Vec                Xl2;
    const PetscScalar *a, *z;
    PetscReal          dmax = 0;
    PetscInt           faces = 0;
    PetscCall(DMCreateLocalVector(app.da, &Xl2));
    PetscCall(VecZeroEntries(Xl2));
    PetscCall(VecStrideSubSetGather(X, nc, c_entries, NULL, G1, INSERT_VALUES));
    PetscCall(GridSetOwnedEntries(app.da, G1, Xl2));
    PetscCall(GridUpdateGhosts(app.da, Xl2));
    PetscCall(GridGlobalToLocal(&app, X, Xl));
    PetscCall(VecGetArrayRead(Xl, &a));
    PetscCall(VecGetArrayRead(Xl2, &z));
    for (PetscInt kk = b.info.gzs; kk < b.info.gzs + b.info.gzm; kk++)
      for (PetscInt j = b.info.gys; j < b.info.gys + b.info.gym; j++)
        for (PetscInt i = b.info.gxs; i < b.info.gxs + b.info.gxm; i++) {
          const int out = (i < b.info.xs || i >= b.info.xs + b.info.xm) + (j < b.info.ys || j >= b.info.ys + b.info.ym) + (kk < b.info.zs || kk >= b.info.zs + b.info.zm);
          if (out > 1) continue; /* edges and corners: no star stencil reads them */
          faces += out;
          for (PetscInt r = 0; r < nc; r++) dmax = PetscMax(dmax, PetscAbsReal(a[GridGhosted(&b, i, j, kk) * 2 * nc + r] - z[GridGhosted(&b, i, j, kk) * 2 * nc + r]));
        }
    PetscCall(VecRestoreArrayRead(Xl, &a));
    PetscCall(VecRestoreArrayRead(Xl2, &z));
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &dmax, 1, MPIU_REAL, MPI_MAX, comm));
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &faces, 1, MPIU_INT, MPI_SUM, comm));
    Check(comm, (PetscBool)(dmax == 0 && faces > 0), "work state: c at owned and face cells vs the scatter's, max |diff|", dmax, 0);

    /* 6. the work state as separate fields (the integrator's for the ternary regular solution):
       mu, F and (lattice-fixed L) the rate with the same bits as the interleaved state's */
    DM                 da1;
    Vec                cf[2], muf[2];
    PetscReal          F1, F1abs, F2, F2abs, mdiff = 0;
    const PetscScalar *m0, *m1;
    PetscCall(DMDACreateCompatibleDMDA(app.da, 1, &da1));
    for (int a = 0; a < 2; a++) {
      PetscCall(DMCreateLocalVector(da1, &cf[a]));
      PetscCall(VecDuplicate(cf[a], &muf[a]));
      PetscCall(VecZeroEntries(cf[a]));
      PetscCall(VecZeroEntries(muf[a]));
    }
    PetscCall(ComputePotentialLocal(&app, Xl2, &F1, &F1abs));
    PetscCall(GridUpdateGhosts(app.da, Xl2));
    PetscCall(GridSetOwnedFields(da1, G1, cf));
    for (int a = 0; a < 2; a++) PetscCall(GridUpdateGhosts(da1, cf[a]));
    PetscCall(ComputePotentialFields(&app, cf, muf, &F2, &F2abs));
    for (int a = 0; a < 2; a++) PetscCall(GridUpdateGhosts(da1, muf[a]));
    PetscCall(VecGetArrayRead(Xl2, &z));
    PetscCall(VecGetArrayRead(muf[0], &m0));
    PetscCall(VecGetArrayRead(muf[1], &m1));
    GRID_FOR_OWNED(&b, i, j, kk)
    {
      const PetscInt q = GridGhosted(&b, i, j, kk);
      mdiff            = PetscMax(mdiff, PetscMax(PetscAbsReal(z[4 * q + 2] - m0[q]), PetscAbsReal(z[4 * q + 3] - m1[q])));
    }
    PetscCall(VecRestoreArrayRead(muf[1], &m1));
    PetscCall(VecRestoreArrayRead(muf[0], &m0));
    PetscCall(VecRestoreArrayRead(Xl2, &z));
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &mdiff, 1, MPIU_REAL, MPI_MAX, comm));
    Check(comm, (PetscBool)(mdiff == 0), "fields: mu vs the interleaved state's, max |diff|", mdiff, 0);
    Check(comm, (PetscBool)(F1 == F2 && F1abs == F2abs), "fields: F vs the interleaved state's, |diff|", PetscAbsReal(F1 - F2), 0);
    if (app.mm.atomic) {
      PetscCall(ComputeRateGeneral(&app, Xl2, work, G2));
      PetscCall(ComputeRateFields(&app, cf, muf, work, M2));
      PetscCall(RelativeDifference(M2, G2, &rel));
      Check(comm, (PetscBool)(rel == 0), "fields: the rate vs the interleaved state's, ||diff|| / ||g||", rel, 0);
    }
    for (int a = 0; a < 2; a++) {
      PetscCall(VecDestroy(&cf[a]));
      PetscCall(VecDestroy(&muf[a]));
    }
    PetscCall(DMDestroy(&da1));
    PetscCall(VecDestroy(&Xl2));
  }

  /* 7. the linearisation's bounds: vectorised ternary loop against the generic one */
  if (app.mm.atomic) {
    const PetscScalar *g;
    PetscScalar       *u;
    PetscInt           m2;
    PetscReal          cbar[2], Lref[4], R[4], Ri[4], Li[4], Hbar[4], diff = 0, sig0 = 0, th0 = 0;
    PetscCall(VecStrideSubSetGather(X, nc, c_entries, NULL, G1, INSERT_VALUES));
    PetscCall(VecStrideSum(G1, 0, &cbar[0]));
    PetscCall(VecStrideSum(G1, 1, &cbar[1]));
    PetscCall(VecGetSize(G1, &m2));
    for (int a = 0; a < 2; a++) cbar[a] /= (PetscReal)(m2 / 2);
    MultiL(&app.mm, cbar, Lref);
    LinalgSymSqrt(2, Lref, R, Ri);
    LinalgMul(2, Ri, Ri, Li);
    MultiD2F(&app.mm, cbar, Hbar);
    PetscCall(VecGetLocalSize(G1, &m2));
    PetscCall(PetscMalloc1(m2, &u));
    PetscCall(VecGetArrayRead(G1, &g));
    for (int pass = 0; pass < 2; pass++) { /* this state, then the uniform mean */
      PetscReal mv[3] = {PETSC_MIN_REAL, 1, PETSC_MIN_REAL}, mg[3] = {PETSC_MIN_REAL, 1, PETSC_MIN_REAL};
      for (PetscInt i = 0; i < m2; i++) u[i] = pass ? cbar[i % 2] : g[i];
      LinearisationBounds(&app.mm, u, m2, R, Li, Hbar, mv, PETSC_FALSE);
      LinearisationBounds(&app.mm, u, m2, R, Li, Hbar, mg, PETSC_TRUE);
      PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, mv, 2, MPIU_REAL, MPI_MAX, comm));
      PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, mg, 2, MPIU_REAL, MPI_MAX, comm));
      diff = PetscMax(diff, PetscMax(PetscAbsReal(mv[0] - mg[0]), PetscAbsReal(mv[1] - mg[1])) / PetscMax(1, PetscAbsReal(mg[0])));
      if (pass) sig0 = PetscAbsReal(mv[0]), th0 = PetscAbsReal(mv[1] - 1);
    }
    PetscCall(VecRestoreArrayRead(G1, &g));
    PetscCall(PetscFree(u));
    Check(comm, (PetscBool)(diff <= 1e-12), "linearisation bounds: ternary loop vs generic, max |diff| of sigma, theta", diff, 1e-12);
    Check(comm, (PetscBool)(sig0 <= 1e-12 && th0 <= 1e-12), "linearisation bounds at the uniform mean: |sigma| + |theta - 1|", sig0 + th0, 1e-12);
  }

  PetscCall(PetscFree(work));
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&Xl));
  PetscCall(VecDestroy(&X2));
  PetscCall(VecDestroy(&Xdot));
  PetscCall(VecDestroy(&F));
  PetscCall(VecDestroy(&G1));
  PetscCall(VecDestroy(&G2));
  PetscCall(VecDestroy(&Gf));
  PetscCall(VecDestroy(&M1));
  PetscCall(VecDestroy(&M2));
  PetscCall(AppDestroy(&app));
  PetscCall(PetscFinalize());
  return test_failures ? 1 : 0;
}
