/* The N-component model (docs/MODEL.md section 2): free energy f(c_1..c_{N-1}), its gradient and
   Hessian, the gradient-energy matrix and the Onsager mobility matrix L(c), per unit volume.
   Inline because the N-component stencil kernels call them at every grid point.  Matrices
   are (N-1) x (N-1), row major, except omega (N x N). */
#ifndef UPHILL_MULTICOMP_H
#define UPHILL_MULTICOMP_H
#include <uphill/params.h>

typedef struct {
  PetscInt       nc;    /* N - 1 */
  FreeEnergyType type;  /* FE_REGULAR_SOLUTION or FE_QUADRATIC */
  PetscReal      omega[UPHILL_MAX_COMPONENTS * UPHILL_MAX_COMPONENTS]; /* Omega_ij / V_m (J/m^3) */
  PetscReal      rt;    /* R T / V_m */
  PetscReal      G[UPHILL_MAX_NC * UPHILL_MAX_NC], cref[UPHILL_MAX_NC];
  PetscReal      kappa[UPHILL_MAX_NC * UPHILL_MAX_NC];
  PetscBool      atomic;
  PetscReal      L[UPHILL_MAX_NC * UPHILL_MAX_NC];  /* constant L */
  PetscReal      M[UPHILL_MAX_COMPONENTS];          /* atomic mobilities */
} MultiModel;

PetscErrorCode MultiFromParams(const Params *p, MultiModel *m);
/* Scalars for the scaling and the first step: max |Hessian eigenvalue| at c0, the largest
   diagonal entry of kappa and of L(c0). */
void           MultiScales(const MultiModel *m, const PetscReal *c0, PetscReal *g, PetscReal *kap, PetscReal *mob);
/* The energy density scale E: the largest of RT/V_m and |Omega_ij|/V_m (regular solution), or
   g, the largest Hessian eigenvalue modulus at c0 (quadratic). */
PetscReal      MultiEnergyScale(const MultiModel *m, PetscReal g);

/* The N-component kernels (residual.c, energy.c, the etd linearisation) take the number of
   components and the mobility model as literals from each call site (the model copied with them
   set), as BinaryRows does with the energy: the small loops over components unroll and the
   mobility branch folds away for the common ternary cases.  rows(..., NC, ATOMIC). */
#define UPHILL_NCOMP_DISPATCH(rows, m, ...) \
  do { \
    if ((m)->nc == 2 && (m)->atomic) rows(__VA_ARGS__, 2, PETSC_TRUE); \
    else if ((m)->nc == 2) rows(__VA_ARGS__, 2, PETSC_FALSE); \
    else rows(__VA_ARGS__, (m)->nc, (m)->atomic); \
  } while (0)

static inline PetscReal MultiDependent(const MultiModel *m, const PetscReal *c)
{
  PetscReal s = 1;
  for (PetscInt i = 0; i < m->nc; i++) s -= c[i];
  return s;
}

/* All N fractions positive (where the logarithmic energy is defined). */
static inline PetscBool MultiInDomain(const MultiModel *m, const PetscReal *c)
{
  if (m->type != FE_REGULAR_SOLUTION) return PETSC_TRUE;
  for (PetscInt i = 0; i < m->nc; i++)
    if (!(c[i] > 0)) return PETSC_FALSE;
  return MultiDependent(m, c) > 0 ? PETSC_TRUE : PETSC_FALSE;
}

/* The regular solution's pieces from all N fractions x (x_N = 1 - sum c dependent) and their
   logarithms lx, computed once a cell where both f and f' are wanted (PotentialEnergyGeneral):
   MultiF and MultiDF go through them too, so that every path gives the same bits. */
static inline void MultiLogs(const MultiModel *m, const PetscReal *c, PetscReal *x, PetscReal *lx)
{
  const PetscInt nc = m->nc;
  for (PetscInt i = 0; i < nc; i++) x[i] = c[i];
  x[nc] = MultiDependent(m, c);
  for (PetscInt i = 0; i <= nc; i++) lx[i] = PetscLogReal(x[i]);
}

static inline PetscReal MultiFLogs(const MultiModel *m, const PetscReal *x, const PetscReal *lx)
{
  const PetscInt N = m->nc + 1;
  PetscReal      f = 0;
  for (PetscInt i = 0; i < N; i++) {
    for (PetscInt j = i + 1; j < N; j++) f += m->omega[i * N + j] * x[i] * x[j];
    f += m->rt * x[i] * lx[i];
  }
  return f;
}

/* df_i = df/dc_i (i < N-1, c_N = 1 - sum c_i dependent). */
static inline void MultiDFLogs(const MultiModel *m, const PetscReal *x, const PetscReal *lx, PetscReal *df)
{
  const PetscInt nc = m->nc, N = nc + 1;
  PetscReal      gN = 0;
  for (PetscInt j = 0; j < N; j++) gN += m->omega[nc * N + j] * x[j];
  for (PetscInt i = 0; i < nc; i++) {
    PetscReal g = 0;
    for (PetscInt j = 0; j < N; j++) g += m->omega[i * N + j] * x[j];
    df[i] = g - gN + m->rt * (lx[i] - lx[nc]);
  }
}

static inline PetscReal MultiF(const MultiModel *m, const PetscReal *c)
{
  const PetscInt nc = m->nc;
  PetscReal      f = 0, x[UPHILL_MAX_COMPONENTS], lx[UPHILL_MAX_COMPONENTS];
  if (m->type == FE_QUADRATIC) {
    for (PetscInt i = 0; i < nc; i++)
      for (PetscInt j = 0; j < nc; j++) f += 0.5 * (c[i] - m->cref[i]) * m->G[i * nc + j] * (c[j] - m->cref[j]);
    return f;
  }
  MultiLogs(m, c, x, lx);
  return MultiFLogs(m, x, lx);
}

static inline void MultiDF(const MultiModel *m, const PetscReal *c, PetscReal *df)
{
  const PetscInt nc = m->nc;
  PetscReal      x[UPHILL_MAX_COMPONENTS], lx[UPHILL_MAX_COMPONENTS];
  if (m->type == FE_QUADRATIC) {
    for (PetscInt i = 0; i < nc; i++) {
      PetscReal s = 0;
      for (PetscInt j = 0; j < nc; j++) s += m->G[i * nc + j] * (c[j] - m->cref[j]);
      df[i] = s;
    }
    return;
  }
  MultiLogs(m, c, x, lx);
  MultiDFLogs(m, x, lx, df);
}

/* The gradient energy of a cell, sum over directions of ih2_d g_d^T kappa g_d with g_d the
   forward difference (u: the cell's entries in a ghosted state of dof entries a cell). */
static inline PetscReal MultiGradientEnergy(const MultiModel *m, const PetscReal *u, PetscInt dof, const PetscInt off[3], const PetscReal ih2[3])
{
  const PetscInt nc = m->nc;
  PetscReal      e  = 0;
  for (int d = 0; d < 3; d++) {
    PetscReal g[UPHILL_MAX_NC], s = 0;
    for (PetscInt r = 0; r < nc; r++) g[r] = u[off[d] * dof + r] - u[r];
    for (PetscInt r = 0; r < nc; r++)
      for (PetscInt c = 0; c < nc; c++) s += m->kappa[r * nc + c] * g[r] * g[c];
    e += s * ih2[d];
  }
  return e;
}

/* H_ij = d^2 f / dc_i dc_j. */
static inline void MultiD2F(const MultiModel *m, const PetscReal *c, PetscReal *H)
{
  const PetscInt nc = m->nc, N = nc + 1;
  if (m->type == FE_QUADRATIC) {
    for (PetscInt i = 0; i < nc * nc; i++) H[i] = m->G[i];
    return;
  }
  const PetscReal iN = 1 / MultiDependent(m, c);
  for (PetscInt i = 0; i < nc; i++)
    for (PetscInt j = 0; j < nc; j++)
      H[i * nc + j] = m->omega[i * N + j] - m->omega[i * N + nc] - m->omega[nc * N + j] + m->rt * ((i == j ? 1 / c[i] : 0) + iN);
}

/* The lattice-fixed form's ingredients: all N fractions x_k (clipped to [0,1]), g_k = x_k M_k and
   S = sum_k g_k. */
static inline PetscReal MultiAtomicWeights(const MultiModel *m, const PetscReal *c, PetscReal *x, PetscReal *g)
{
  const PetscInt nc = m->nc;
  PetscReal      S  = 0;
  for (PetscInt k = 0; k < nc; k++) x[k] = c[k];
  x[nc] = MultiDependent(m, c);
  for (PetscInt k = 0; k <= nc; k++) {
    x[k] = PetscMin(PetscMax(x[k], 0), 1);
    g[k] = x[k] * m->M[k];
    S += g[k];
  }
  return S;
}

/* Onsager matrix L(c): constant, or the lattice-fixed form
   L_ij = sum_k (d_ik - c_i)(d_jk - c_j) c_k M_k = d_ij g_i - c_i g_j - c_j g_i + c_i c_j S,
   g_k = c_k M_k, S = sum_k g_k (k = 1..N).  Fractions outside [0,1] are clipped so that L stays
   positive semidefinite. */
static inline void MultiL(const MultiModel *m, const PetscReal *c, PetscReal *L)
{
  const PetscInt nc = m->nc;
  if (!m->atomic) {
    for (PetscInt i = 0; i < nc * nc; i++) L[i] = m->L[i];
    return;
  }
  PetscReal       g[UPHILL_MAX_COMPONENTS], x[UPHILL_MAX_COMPONENTS];
  const PetscReal S = MultiAtomicWeights(m, c, x, g);
  for (PetscInt i = 0; i < nc; i++)
    for (PetscInt j = 0; j < nc; j++) L[i * nc + j] = (i == j ? g[i] : 0) - x[i] * g[j] - x[j] * g[i] + x[i] * x[j] * S;
}

/* MultiL for N = 3 (lattice-fixed) in scalars, for the ternary kernels that vectorise over
   cells (residual.c's rate, the etd linearisation): c0, c1 and the atomic mobilities M. */
static inline void MultiLTernary(const PetscReal M[3], PetscReal c0, PetscReal c1, PetscReal *L00, PetscReal *L01, PetscReal *L10, PetscReal *L11)
{
  const PetscReal x0 = PetscMin(PetscMax(c0, 0), 1), x1 = PetscMin(PetscMax(c1, 0), 1), x2 = PetscMin(PetscMax(1 - c0 - c1, 0), 1);
  const PetscReal g0 = x0 * M[0], g1 = x1 * M[1], S = g0 + g1 + x2 * M[2];
  *L00 = g0 - x0 * g0 - x0 * g0 + x0 * x0 * S;
  *L01 = -x0 * g1 - x1 * g0 + x0 * x1 * S;
  *L10 = -x1 * g0 - x0 * g1 + x1 * x0 * S;
  *L11 = g1 - x1 * g1 - x1 * g1 + x1 * x1 * S;
}

/* y = L(c) v without forming L: O(N) for the lattice-fixed form,
   (L v)_i = g_i v_i - x_i (g.v) - g_i (x.v) + x_i (x.v) S (sums over j < N). */
static inline void MultiLApply(const MultiModel *m, const PetscReal *c, const PetscReal *v, PetscReal *y)
{
  const PetscInt nc = m->nc;
  if (!m->atomic) {
    for (PetscInt i = 0; i < nc; i++) {
      PetscReal s = 0;
      for (PetscInt j = 0; j < nc; j++) s += m->L[i * nc + j] * v[j];
      y[i] = s;
    }
    return;
  }
  PetscReal       g[UPHILL_MAX_COMPONENTS], x[UPHILL_MAX_COMPONENTS], gv = 0, xv = 0;
  const PetscReal S = MultiAtomicWeights(m, c, x, g);
  for (PetscInt k = 0; k < nc; k++) {
    gv += g[k] * v[k];
    xv += x[k] * v[k];
  }
  for (PetscInt i = 0; i < nc; i++) y[i] = g[i] * v[i] - x[i] * gv - g[i] * xv + x[i] * xv * S;
}

/* dL[(r * nc + i) * nc + j] = dL_ij / dc_r (zero for a constant L; inside the simplex, where no
   fraction is clipped). */
static inline void MultiDL(const MultiModel *m, const PetscReal *c, PetscReal *dL)
{
  const PetscInt nc = m->nc;
  if (!m->atomic) {
    for (PetscInt i = 0; i < nc * nc * nc; i++) dL[i] = 0;
    return;
  }
  PetscReal       g[UPHILL_MAX_COMPONENTS], x[UPHILL_MAX_COMPONENTS];
  const PetscReal S = MultiAtomicWeights(m, c, x, g);
  for (PetscInt r = 0; r < nc; r++) {
    const PetscReal dS = m->M[r] - m->M[nc];
    for (PetscInt i = 0; i < nc; i++)
      for (PetscInt j = 0; j < nc; j++) {
        const PetscReal dgi = i == r ? m->M[i] : 0, dgj = j == r ? m->M[j] : 0;
        dL[(r * nc + i) * nc + j] = (i == j ? dgi : 0) - (i == r ? g[j] : 0) - x[i] * dgj - (j == r ? g[i] : 0) - x[j] * dgi + ((i == r ? x[j] : 0) + (j == r ? x[i] : 0)) * S + x[i] * x[j] * dS;
      }
  }
}
#endif
