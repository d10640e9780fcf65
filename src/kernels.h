/* The two instances of the model's operations (include/uphill/model.h), which AppSetUp puts
   in the tables; private to the library. */
#ifndef UPHILL_KERNELS_H
#define UPHILL_KERNELS_H
#include <uphill/model.h>

void           ResidualBinary(const GridBox *b, const App *app, const KernelCoef *k, const PetscScalar *x, const PetscScalar *xdot, PetscScalar *f);
void           ResidualGeneral(const GridBox *b, const App *app, const KernelCoef *k, const PetscScalar *x, const PetscScalar *xdot, PetscScalar *f);
/* work: RATE_WORK_PER_CELL reals per ghosted cell (the ternary with lattice-fixed L stores c, mu
   and L there), or NULL. */
#define RATE_WORK_PER_CELL 7
void           RateGeneral(const GridBox *b, const App *app, const KernelCoef *k, const PetscScalar *x, PetscScalar *g, PetscReal *work);
/* The same over the ghosted local mixed state Xl (mu consistent with c, the face ghosts of both
   current) into G, nc per cell. */
PetscErrorCode ComputeRateGeneral(const App *app, Vec Xl, PetscReal *work, Vec G);
/* The ternary (nc = 2, regular solution) on separate scalar fields in the ghosted layout of
   da's cells (the etd integrator's work state): mu0, mu1 at the owned cells from c0, c1 (face
   ghosts current), the energy sums added to sums; and, for lattice-fixed L, the rate from c and
   mu (face ghosts of both current; work: 3 reals per ghosted cell).  The same bits as the
   interleaved state's PotentialGeneral / PotentialEnergyGeneral and RateGeneral. */
void           PotentialTernaryFields(const GridBox *b, const App *app, const KernelCoef *k, const PetscReal *c0, const PetscReal *c1, PetscReal *mu0, PetscReal *mu1, const PetscReal ih2[3], PetscReal sums[2]);
void           RateTernaryFields(const GridBox *b, const App *app, const KernelCoef *k, const PetscReal *c0, const PetscReal *c1, const PetscReal *mu0, const PetscReal *mu1, PetscScalar *g, PetscReal *work);
/* The etd linearisation's bounds over n/nc cells of c (nc entries a cell), maxima into m: m[0]
   sigma, the largest eigenvalue of the symmetric part of Lref^-1 L(c) H(c) - Hbar, m[1] theta,
   the largest of Lref^-1/2 L(c) Lref^-1/2, m[2] (nc = 1) -min Lref^-1 L H; Li = Lref^-1.  The
   ternary regular solution with lattice-fixed L runs a vectorised loop unless generic. */
void           LinearisationBounds(const MultiModel *mm, const PetscScalar *c, PetscInt n, const PetscReal *Lref_ihalf, const PetscReal *Li, const PetscReal *Hbar, PetscReal m[3], PetscBool generic);
void           PotentialBinary(const GridBox *b, const App *app, const KernelCoef *k, const PetscScalar *x, PetscScalar *xg);
/* The binary equation reduced to c (mu eliminated) on scalar fields, for the rosw integrator:
   mu at the owned cells from the ghosted c, and the c rows from the ghosted c and mu. */
void           PotentialC(const GridBox *b, const App *app, const KernelCoef *k, const PetscReal *cl, PetscReal *mu);
void           ReducedResidualC(const GridBox *b, const App *app, const KernelCoef *k, const PetscReal *cl, const PetscReal *mul, const PetscReal *cdot, PetscReal *f);
/* p = scale f'(c) - p0 at n cells (p0 may be NULL): the etd integrator's pointwise stages. */
void           ScaledDFC(const App *app, const PetscReal *c, const PetscReal *p0, PetscInt n, PetscReal scale, PetscReal *p);
void           PotentialGeneral(const GridBox *b, const App *app, const KernelCoef *k, const PetscScalar *x, PetscScalar *xg);
void           PotentialEnergyGeneral(const GridBox *b, const App *app, const KernelCoef *k, const PetscScalar *xl, PetscScalar *xg, const PetscReal ih2[3], PetscReal sums[2]);
void           ActionStateBinary(const App *app, const PetscScalar *x, PetscInt n, PetscReal *f2);
void           ActionStateGeneral(const App *app, const PetscScalar *x, PetscInt n, PetscReal *f2);
void           ActionBinary(const GridBox *b, const App *app, const KernelCoef *k, PetscReal shift, const PetscScalar *x, const PetscReal *f2, const PetscScalar *v, PetscScalar *y);
void           ActionGeneral(const GridBox *b, const App *app, const KernelCoef *k, PetscReal shift, const PetscScalar *x, const PetscReal *f2, const PetscScalar *v, PetscScalar *y);
PetscErrorCode JacobianBinary(const App *app, const GridBox *b, const KernelCoef *k, PetscReal shift, const PetscScalar *x, PetscBool coefficients, const PetscInt *ltog, Mat P);
PetscErrorCode JacobianGeneral(const App *app, const GridBox *b, const KernelCoef *k, PetscReal shift, const PetscScalar *x, PetscBool coefficients, const PetscInt *ltog, Mat P);
void           EnergyBinary(const App *app, const GridBox *b, const PetscScalar *x, const PetscReal ih2[3], PetscReal sums[2]);
void           EnergyGeneral(const App *app, const GridBox *b, const PetscScalar *x, const PetscReal ih2[3], PetscReal sums[2]);
PetscBool      InDomainBinary(const App *app, const PetscScalar *x, PetscInt n);
PetscBool      InDomainGeneral(const App *app, const PetscScalar *x, PetscInt n);
void           DomainStepBinary(const App *app, const PetscScalar *x, const PetscScalar *y, PetscInt n, PetscReal theta, PetscReal *lambda);
void           DomainStepGeneral(const App *app, const PetscScalar *x, const PetscScalar *y, PetscInt n, PetscReal theta, PetscReal *lambda);
void           InitialBinary(const App *app, const GridBox *b, PetscScalar *x);
void           InitialGeneral(const App *app, const GridBox *b, PetscScalar *x);
PetscErrorCode CheckInitialBinary(const App *app, Vec X);
PetscErrorCode CheckInitialGeneral(const App *app, Vec X);
PetscErrorCode ReportBinary(const App *app);
PetscErrorCode ReportGeneral(const App *app);
#endif
