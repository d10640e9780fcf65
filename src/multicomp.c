/* The N-component model's constants from the validated parameters (multicomp.h). */
#include <uphill/multicomp.h>
#include <uphill/linalg.h>

PetscErrorCode MultiFromParams(const Params *p, MultiModel *m)
{
  const PetscInt nc = p->ncomp, N = nc + 1;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(m, sizeof *m));
  m->nc   = nc;
  m->type = p->free_energy;
  m->rt   = ParamsRTPerVolume(p);
  for (PetscInt i = 0; i < N * N; i++) m->omega[i] = ParamsPerVolume(p, p->omega_matrix[i]);
  for (PetscInt i = 0; i < nc * nc; i++) {
    m->G[i]     = p->hessian[i];
    m->kappa[i] = p->kappa_matrix[i];
    m->L[i]     = p->mobility_matrix[i];
  }
  for (PetscInt i = 0; i < nc; i++) m->cref[i] = p->c_ref[i];
  m->atomic = p->atomic;
  for (PetscInt i = 0; i < N; i++) m->M[i] = p->atomic_mobilities[i];
  PetscFunctionReturn(0);
}

void MultiScales(const MultiModel *m, const PetscReal *c0, PetscReal *g, PetscReal *kap, PetscReal *mob)
{
  const PetscInt nc = m->nc;
  PetscReal      H[UPHILL_MAX_NC * UPHILL_MAX_NC], L[UPHILL_MAX_NC * UPHILL_MAX_NC], lam[UPHILL_MAX_NC];

  MultiD2F(m, c0, H);
  MultiL(m, c0, L);
  LinalgSymEig(nc, H, lam, NULL);
  *g   = PetscMax(PetscAbsReal(lam[0]), PetscAbsReal(lam[nc - 1]));
  *kap = 0;
  *mob = 0;
  for (PetscInt i = 0; i < nc; i++) {
    *kap = PetscMax(*kap, m->kappa[i * nc + i]);
    *mob = PetscMax(*mob, L[i * nc + i]);
  }
}

PetscReal MultiEnergyScale(const MultiModel *m, PetscReal g)
{
  const PetscInt N = m->nc + 1;
  PetscReal      E = m->rt;

  if (m->type == FE_QUADRATIC) return g > 0 ? g : 1;
  for (PetscInt i = 0; i < N * N; i++) E = PetscMax(E, PetscAbsReal(m->omega[i]));
  return E;
}
