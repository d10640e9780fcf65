/* The exponential integrator (etd.h, docs/MODEL.md section 3.9) as a PETSc TS type, so that
   TSSolve, TSAdapt, monitors, post-step hooks and TSInterpolate work as for PETSc's own types.

   du/dt = G(u) = l u + N(u), l = -(b L + g L^2) diagonal in the transforms' basis with
   eigenvalue l_k = -(b lambda_k + g lambda_k^2), z = h l, phi1(z) = (e^z - 1)/z,
   phi2 = (e^z - 1 - z)/z^2, phi3 = (e^z - 1 - z - z^2/2)/z^3.  Order 3 (the default) is
   Cox and Matthews' ETDRK3 with its second-order stage b as the embedded solution
   (ETDStages3); order 2 is ETDRK2 with exponential Euler embedded:
     a   = u0 + h phi1(z) G(u0)                                  (order 1)
     u1  = a  + h phi2(z) [G(a) - G(u0) - l (a - u0)]            (order 2)
   The linear part is integrated exactly, so a state near a uniform one (the linear, "uphill"
   stage) is limited only by the size of N, and decaying grid-scale noise costs nothing.  The
   difference of the two solutions is the error estimate; the step size follows it (TSAdapt).
   G has zero mean (a discrete divergence) and l_0 = 0, so the mean of u is kept to round-off.
   A rejected step is retried from u0 with G(u0) and its transform kept.  Dense output at t in
   (t_prev, t_n] is the same step taken with h = t - t_prev.

   N components (nc entries per cell): l_k = -lambda_k Lbar (S + lambda_k K) is an nc x nc
   matrix, similar to the symmetric B_k = -lambda_k R (S + lambda_k K) R with R = Lbar^1/2, so
   phi_j(h l_k) = R Q phi_j(h D) Q^T R^-1 from B_k = Q D Q^T (ETDPhiMatrix); l_k depends on k only
   through lambda_k, so the matrices are made once per distinct eigenvalue.  Each component is
   transformed on its own. */
#include <petsc/private/tsimpl.h>
#include <uphill/etd.h>
#include <uphill/linalg.h>
#include <math.h>
#include <string.h>

#if defined(UPHILL_HAVE_LIBMVEC)
/* glibc's vector exp (libmvec), as residual.c declares log */
extern double exp(double) __attribute__((__simd__("notinbranch")));
#endif

#define ETD_NN (UPHILL_MAX_NC * UPHILL_MAX_NC)

/* The linearisation of a step: l_k = -lambda_k Lbar (S + lambda_k K). */
typedef struct {
  PetscReal Lbar[ETD_NN], K[ETD_NN], S[ETD_NN], excess[2];
} ETDLinear;

typedef struct {
  ETDProblem       p;
  Vec              U0;              /* the state at the start of the step */
  Vec              A;               /* the exponential Euler solution of the last attempt */
  Vec              Aw, G;           /* work: dense output's A, G(u) */
  Vec              P0;              /* P(u0), with the pointwise form of G */
  PetscInt         n, per;          /* spectral coefficients, reals each */
  const PetscReal *lambda;          /* eigenvalue of L of each coefficient */
  PetscScalar     *g0, *ahat, *w;   /* transforms of G(u0), a - u0, and work */
  PetscScalar     *bhat, *da;       /* order 3: transforms of b - u0, N(a) - N(u0) */
  PetscReal       *ell, *phi1, *phi2, *phi3, *half; /* half: phi1(z/2) */
  PetscInt         order;           /* 2: ETDRK2; 3: ETDRK3 */
  PetscReal        b, g;            /* nc = 1: l_k = -(b lambda_k + g lambda_k^2) */
  PetscReal        phi_h, phi_b, phi_g; /* what phi1, phi2 were computed for */
  PetscReal        tab_h, tab_b, tab_g; /* nc = 1: what the tables (mphi1..3) were computed for */
  PetscBool        have_g0;         /* g0 is the transform of G(U0) */
  /* nc > 1: coefficient arrays hold the components' transforms one after another (nper apart),
     and the multipliers are nc x nc matrices per distinct eigenvalue (lidx: each coefficient's) */
  PetscInt         nc, nper, nlam, nlam_pad; /* nlam_pad: rounded up to 8 (the tables' vector loops) */
  ETDLinear        lin, phi_lin;    /* this step's linearisation, and what the matrices are of */
  PetscInt        *lidx;
  PetscReal       *ulam;            /* the distinct eigenvalues */
  PetscReal       *phiwork;         /* nc = 2: ETDPhiTernary's, 12 arrays over the distinct eigenvalues */
  PetscReal       *mell, *mphi1, *mphi2, *mphi3, *mhalf;
  Vec              w1[UPHILL_MAX_NC]; /* the components apart, for their transforms */
  /* multistep (ETD-AB2, nc = 1): the transforms of G and of u at the last accepted step starts,
     newest first, the transform of the last step's solution, and the state of the vector it is
     the transform of */
  PetscBool        multistep, ab3;  /* ab3: the option; ab3_now: this step's solution is AB3's */
  PetscBool        ab3_now;
  PetscReal        smin, lambda_max; /* the linearisation's smallest curvature; the largest eigenvalue of L */
  PetscInt         nhist;
  PetscReal        thist[3];
  PetscScalar     *hg[3], *hu[3], *unext, *corr; /* hg: of P, not G, with the pointwise form (nc = 1) */
  const PetscReal *weight;          /* Parseval's weights of the coefficients */
  PetscReal       *abtab;           /* the combination's multipliers of h per distinct eigenvalue: nc = 1 three, nc = 2 four matrices */
  PetscReal        ab_h;            /* the last combination's step */
  PetscReal        ab_ss[UPHILL_MAX_NC]; /* ... and each component's sum of w |est|^2 on this rank */
  PetscObjectState unext_state;
  PetscBool        last_ab;         /* the last step taken was a multistep one */
  PetscBool        have_a;          /* multistep: A holds the solution minus the estimate */
} TS_ETD;

/* phi_1..3 of z by their series sum_i z^i/(i+j)! (|z| <= 1: 16 terms reach round-off).  Not
   inlined: inlined, GCC if-converted PhiNearZero's branch and summed the series (48 divisions)
   for every eigenvalue of ETDPhiMatrix, masked -- most of its time. */
static __attribute__((noinline)) void PhiSeries(PetscReal z, PetscReal phi[4])
{
  static const PetscReal inv[20] = {1, 1, 1. / 2, 1. / 3, 1. / 4, 1. / 5, 1. / 6, 1. / 7, 1. / 8, 1. / 9, 1. / 10, 1. / 11, 1. / 12, 1. / 13, 1. / 14, 1. / 15, 1. / 16, 1. / 17, 1. / 18, 1. / 19};

  for (int j = 1; j <= 3; j++) {
    PetscReal sum = 0;
    for (int i = 15; i >= 0; i--) sum = 1 + sum * (z * inv[i + j + 1]); /* Horner: j! phi_j */
    phi[j] = sum * inv[j == 1 ? 1 : j == 2 ? 2 : 6];
  }
}

/* The scalar linear part's eigenvalue at the Laplacian's eigenvalue lam: l = -(b lam + g lam^2). */
static inline PetscReal ScalarRate(PetscReal b, PetscReal g, PetscReal lam)
{
  return -(b * lam + g * lam * lam);
}

/* z/2 floored at z = -600, the argument of e^{z/2} for PhiClosed: below, e^z is under round-off
   against 1 and the closed forms give the same bits, where glibc's exp (scalar, and libmvec's for
   each lane) takes a slow path for every result that underflows -- on problem (c) (48^3, walls)
   the phi table's exponentials took ~10% of a step. */
static inline PetscReal HalfFloored(PetscReal z)
{
  return 0.5 * (z < -600 ? -600 : z);
}

static inline PetscReal ExpHalf(PetscReal z)
{
  return exp(HalfFloored(z));
}

/* a[i] = ExpHalf(a[i]) over an array, the floor and the exp in loops of their own: within one,
   GCC computed exp(0.5 z) for every lane and selected e^{-300} after it, the slow path again. */
static __attribute__((noinline)) void ExpHalfArray(PetscInt n, PetscReal *restrict a)
{
#pragma omp simd
  for (PetscInt i = 0; i < n; i++) a[i] = HalfFloored(a[i]);
#pragma omp simd
  for (PetscInt i = 0; i < n; i++) a[i] = exp(a[i]);
}

/* phi1..3(z) and phi1(z/2) in closed form from eh = e^{z/2} (cancel for small |z|: PhiSeries). */
static inline void PhiClosed(PetscReal z, PetscReal eh, PetscReal *p1, PetscReal *p2, PetscReal *p3, PetscReal *half)
{
  const PetscReal em1 = eh * eh - 1, iz = 1 / z;
  *p1   = em1 * iz;
  *p2   = (em1 - z) * iz * iz;
  *p3   = (em1 - z - 0.5 * z * z) * iz * iz * iz;
  *half = 2 * (eh - 1) * iz;
}

/* The same by series where the closed forms cancel: phi1..3 for |z| < 1/2, phi1(z/2) for |z| < 1. */
static inline void PhiNearZero(PetscReal z, PetscReal *p1, PetscReal *p2, PetscReal *p3, PetscReal *half)
{
  PetscReal phi[4];
  if (PetscAbsReal(z) < 1) {
    PhiSeries(0.5 * z, phi);
    *half = phi[1];
  }
  if (PetscAbsReal(z) < 0.5) {
    PhiSeries(z, phi);
    *p1 = phi[1];
    *p2 = phi[2];
    *p3 = phi[3];
  }
}

/* The multipliers of step h for the current linearisation: one vectorised exp per
   coefficient and the closed forms phi1 = (e^z - 1)/z, phi2 = (e^z - 1 - z)/z^2,
   phi3 = (e^z - 1 - z - z^2/2)/z^3; where they cancel (|z| < 1/2, the few longest waves) the
   series instead.  For order 3 also phi1(z/2), from e^{z/2}. */
static void ETDPhi(TS_ETD *e, PetscReal h)
{
  const PetscInt   n = e->n;
  const PetscReal  b = e->b, g = e->g;
  const PetscReal *lam = e->lambda;
  PetscReal *restrict ell = e->ell, *restrict p1 = e->phi1, *restrict p2 = e->phi2, *restrict p3 = e->phi3, *restrict half = e->half;

  if (h == e->phi_h && b == e->phi_b && g == e->phi_g) return;
#pragma omp simd
  for (PetscInt k = 0; k < n; k++) {
    ell[k]  = ScalarRate(b, g, lam[k]);
    half[k] = h * ell[k];
  }
  ExpHalfArray(n, half);
#pragma omp simd
  for (PetscInt k = 0; k < n; k++) PhiClosed(h * ell[k], half[k], &p1[k], &p2[k], &p3[k], &half[k]);
  for (PetscInt k = 0; k < n; k++) PhiNearZero(h * ell[k], &p1[k], &p2[k], &p3[k], &half[k]);
  e->phi_h = h;
  e->phi_b = b;
  e->phi_g = g;
}

/* nc = 1, the multistep scheme: phi1..3 of step h once per distinct eigenvalue (~20x fewer than
   coefficients on a cube), into the tables the coefficients index with lidx (l itself the
   combination forms from each coefficient's eigenvalue).  Vectorised over the padded count
   (ETDSetUpTables), so that every eigenvalue's exp is a vector lane's, whatever its position
   (a scalar remainder would round differently on another decomposition). */
static void ETDPhiTable(TS_ETD *e, PetscReal h)
{
  const PetscInt   n = e->nlam_pad;
  const PetscReal  b = e->b, g = e->g;
  const PetscReal *restrict lam = e->ulam;
  PetscReal *restrict p1 = e->mphi1, *restrict p2 = e->mphi2, *restrict p3 = e->mphi3;

  if (h == e->tab_h && b == e->tab_b && g == e->tab_g) return;
#pragma omp simd
  for (PetscInt u = 0; u < n; u++) p2[u] = h * ScalarRate(b, g, lam[u]);
  ExpHalfArray(n, p2);
#pragma omp simd
  for (PetscInt u = 0; u < n; u++) {
    PetscReal half;
    PhiClosed(h * ScalarRate(b, g, lam[u]), p2[u], &p1[u], &p2[u], &p3[u], &half);
  }
  for (PetscInt u = 0; u < n; u++) {
    const PetscReal z = h * ScalarRate(b, g, lam[u]);
    PetscReal       half;
    if (PetscAbsReal(z) < 0.5) PhiNearZero(z, &p1[u], &p2[u], &p3[u], &half);
  }
  e->tab_h = h;
  e->tab_b = b;
  e->tab_g = g;
}

/* X = R diag(f) R^-1 for the similarity R = T (from the left) and Ui (= its inverse, from the right). */
static void ETDMatrixFunction(PetscInt nc, const PetscReal *T, const PetscReal *f, const PetscReal *Ui, PetscReal *X)
{
  for (PetscInt i = 0; i < nc; i++)
    for (PetscInt j = 0; j < nc; j++) {
      PetscReal sum = 0;
      for (PetscInt m = 0; m < nc; m++) sum += T[i * nc + m] * f[m] * Ui[m * nc + j];
      X[i * nc + j] = sum;
    }
}

/* The share of the linearisation's excess (etd.h) kept at eigenvalue lambda for step h, with
   lmax the largest eigenvalue of Lbar.  Left out, the excess makes an explicit decay rate of at
   most lambda lmax x (the worst cell's, in its direction), which the multistep scheme integrates
   stably while h times it stays within AB2's real interval, 1: so the long waves of a step (the
   coarsening) get the linearisation about the mean, and only where h lambda lmax x > 1 is the
   rest of the bound kept, x_k = x - 1/(h lambda lmax).  Problem (e) (32^3 ternary to t = 100,
   default tolerance): with the whole bound at every wave 317 steps, F 0.33% off at worst over
   the run, 0.09% at its end; so 274 steps, 0.063% and 0.064%; to t = 1000, 1063 steps against
   1034.  (Leaving out more -- 2/(h lambda lmax) -- was 3x more accurate to t = 100 and took 22%
   more steps to t = 1000, stability-limited; a rule from AB2's stiff limit, the explicit part
   below half the exact one at every wave, 57% more.)  The gradient term's mobility excess y
   (theta - 1: L(c) above L(cbar)) follows the same rule with its rate lambda^2 kmax y, kmax the
   largest eigenvalue of Lbar K: (e) 260 steps, 0.060% (it was in Lbar at every wave: the noise's
   decay in the first steps was over-damped by 14%); the ternary example 492 steps against 515.
   (Measured with sigma overstated by Omega_23 in the ternary kernel; with it right, (e) 244 steps,
   and the factor 2 again: 232 steps to t = 100, 1503 against 1030 to t = 1000.) */
static inline PetscReal ETDExcessAt(PetscReal x, PetscReal lambda, PetscReal h, PetscReal lmax)
{
  if (!(x > 0) || lambda <= 0) return 0;
  return PetscMax(x - 1 / (h * lambda * lmax), 0);
}

/* ETDPhiMatrix for nc = 2 with the distinct eigenvalues as the vector lanes (the generic loop
   and its small matrices ran scalar): B's eigenvalues and rotation (c, s) in closed form (one
   Jacobi rotation), the phi of both eigenvalues by the closed forms and one
   vector exp each, then the series where they cancel (a scalar pass over the few |z| < 1), then
   F = T diag(f) Ui, T = R Q, Ui = Q^T R^-1, Q = [c s; -s c]. */
static void ETDPhiTernary(TS_ETD *e, PetscReal h, const PetscReal *R, const PetscReal *Ri, const PetscReal *RSR, const PetscReal *RKR, const PetscReal *LS, const PetscReal *LK, PetscReal lmax, PetscReal kmax)
{
  const ETDLinear *lin = &e->lin;
  const PetscInt   n   = e->nlam_pad;
  const PetscReal  x0 = lin->excess[0], y0 = lin->excess[1], L00 = lin->Lbar[0], L01 = lin->Lbar[1], L11 = lin->Lbar[3];
  const PetscReal *restrict ulam = e->ulam;
  PetscReal *restrict w = e->phiwork, *restrict mell = e->mell;

#pragma omp simd
  for (PetscInt u = 0; u < n; u++) {
    const PetscReal lam = ulam[u], x = ETDExcessAt(x0, lam, h, lmax), y = ETDExcessAt(y0, lam, h, lam * kmax), gk = (1 + y) * lam;
    const PetscReal b00 = -lam * (RSR[0] + x * L00 + gk * RKR[0]), b01 = -lam * (RSR[1] + x * L01 + gk * RKR[1]), b11 = -lam * (RSR[3] + x * L11 + gk * RKR[3]);
    mell[4 * u]     = -lam * (LS[0] + x * L00 + gk * LK[0]);
    mell[4 * u + 1] = -lam * (LS[1] + x * L01 + gk * LK[1]);
    mell[4 * u + 2] = -lam * (LS[2] + x * L01 + gk * LK[2]);
    mell[4 * u + 3] = -lam * (LS[3] + x * L11 + gk * LK[3]);
    PetscReal       c, s;
    LinalgJacobiRotation(b00, b11, b01, &c, &s);
    const PetscReal z0 = h * (c * c * b00 - 2 * c * s * b01 + s * s * b11), z1 = h * (s * s * b00 + 2 * c * s * b01 + c * c * b11);
    w[u] = c, w[n + u] = s, w[2 * n + u] = z0, w[3 * n + u] = z1, w[10 * n + u] = z0, w[11 * n + u] = z1;
  }
  ExpHalfArray(2 * n, w + 10 * n); /* e^{z/2} of both eigenvalues, where phi1(z/2) goes */
#pragma omp simd
  for (PetscInt u = 0; u < n; u++) {
    const PetscReal z0 = w[2 * n + u], z1 = w[3 * n + u];
    PetscReal       p[8];
    PhiClosed(z0, w[10 * n + u], &p[0], &p[2], &p[4], &p[6]);
    PhiClosed(z1, w[11 * n + u], &p[1], &p[3], &p[5], &p[7]);
    for (int q = 0; q < 8; q++) w[(4 + q) * n + u] = p[q];
  }
  for (PetscInt u = 0; u < n; u++) /* w[(4 + 2 j + m) n + u]: phi_{j+1} (j < 3) or phi1(z/2) (j = 3) of eigenvalue m */
    for (PetscInt m = 0; m < 2; m++)
      if (PetscAbsReal(w[(2 + m) * n + u]) < 1) PhiNearZero(w[(2 + m) * n + u], &w[(4 + m) * n + u], &w[(6 + m) * n + u], &w[(8 + m) * n + u], &w[(10 + m) * n + u]);
  PetscReal *restrict out[4] = {e->mphi1, e->mphi2, e->mphi3, e->mhalf};
  for (PetscInt j = 0; j < 4; j++) {
    PetscReal *restrict F = out[j];
#pragma omp simd
    for (PetscInt u = 0; u < n; u++) {
      const PetscReal c = w[u], s = w[n + u], f0 = w[(4 + 2 * j) * n + u], f1 = w[(5 + 2 * j) * n + u];
      const PetscReal  T00 = R[0] * c - R[1] * s, T01 = R[0] * s + R[1] * c, T10 = R[2] * c - R[3] * s, T11 = R[2] * s + R[3] * c;
      const PetscReal  U00 = c * Ri[0] - s * Ri[2], U01 = c * Ri[1] - s * Ri[3], U10 = s * Ri[0] + c * Ri[2], U11 = s * Ri[1] + c * Ri[3];
      F[4 * u]     = T00 * f0 * U00 + T01 * f1 * U10;
      F[4 * u + 1] = T00 * f0 * U01 + T01 * f1 * U11;
      F[4 * u + 2] = T10 * f0 * U00 + T11 * f1 * U10;
      F[4 * u + 3] = T10 * f0 * U01 + T11 * f1 * U11;
    }
  }
}

/* nc > 1: the multiplier matrices of step h for every distinct eigenvalue lambda:
   B = -lambda R (S_k + (1 + y_k) lambda K) R = Q D Q^T (symmetric), phi(h l) = (R Q) phi(h D)
   (Q^T R^-1), S_k = S + x_k I (x_k, y_k: ETDExcessAt). */
static void ETDPhiMatrix(TS_ETD *e, PetscReal h)
{
  const PetscInt  nc = e->nc, nn = nc * nc;
  const ETDLinear *lin = &e->lin;
  PetscReal       R[ETD_NN], Ri[ETD_NN], RK[ETD_NN], RKR[ETD_NN], LK[ETD_NN], RS[ETD_NN], RSR[ETD_NN], LS[ETD_NN];

  if (h == e->phi_h && !memcmp(&e->lin, &e->phi_lin, sizeof e->lin)) return;
  const PetscReal lmax = LinalgSymMaxEig(nc, lin->Lbar);
  LinalgSymSqrt(nc, lin->Lbar, R, Ri);
  LinalgMul(nc, R, lin->K, RK);
  LinalgMul(nc, RK, R, RKR);
  const PetscReal kmax = LinalgSymMaxEig(nc, RKR);
  LinalgMul(nc, lin->Lbar, lin->K, LK);
  LinalgMul(nc, R, lin->S, RS);
  LinalgMul(nc, RS, R, RSR);
  LinalgMul(nc, lin->Lbar, lin->S, LS);
  if (nc == 2) ETDPhiTernary(e, h, R, Ri, RSR, RKR, LS, LK, lmax, kmax);
  else
    for (PetscInt u = 0; u < e->nlam; u++) {
      const PetscReal lam = e->ulam[u], x = ETDExcessAt(lin->excess[0], lam, h, lmax), y = ETDExcessAt(lin->excess[1], lam, h, lam * kmax);
      PetscReal       B[ETD_NN], Q[ETD_NN], T[ETD_NN], Ui[ETD_NN], d[UPHILL_MAX_NC], f[4][UPHILL_MAX_NC];
      for (PetscInt i = 0; i < nn; i++) { /* R R = Lbar */
        B[i]                = -lam * (RSR[i] + x * lin->Lbar[i] + (1 + y) * lam * RKR[i]);
        e->mell[u * nn + i] = -lam * (LS[i] + x * lin->Lbar[i] + (1 + y) * lam * LK[i]);
      }
      LinalgSymEig(nc, B, d, Q);
      LinalgMul(nc, R, Q, T);
      for (PetscInt i = 0; i < nc; i++)
        for (PetscInt j = 0; j < nc; j++) {
          PetscReal sum = 0;
          for (PetscInt m = 0; m < nc; m++) sum += Q[m * nc + i] * Ri[m * nc + j];
          Ui[i * nc + j] = sum;
        }
      for (PetscInt m = 0; m < nc; m++) {
        const PetscReal z = h * d[m];
        PhiClosed(z, ExpHalf(z), &f[0][m], &f[1][m], &f[2][m], &f[3][m]);
        PhiNearZero(z, &f[0][m], &f[1][m], &f[2][m], &f[3][m]);
      }
      ETDMatrixFunction(nc, T, f[0], Ui, e->mphi1 + u * nn);
      ETDMatrixFunction(nc, T, f[1], Ui, e->mphi2 + u * nn);
      ETDMatrixFunction(nc, T, f[2], Ui, e->mphi3 + u * nn);
      ETDMatrixFunction(nc, T, f[3], Ui, e->mhalf + u * nn);
    }
  e->phi_h   = h;
  e->phi_lin = e->lin;
}

/* One term of a combination: c F x, F a multiplier table (nc x nc per distinct eigenvalue;
   NULL: the identity), x a coefficient array. */
typedef struct {
  PetscReal          c;
  const PetscReal   *F;
  const PetscScalar *x;
} ETDTerm;

/* dst = sum of the terms, coefficient by coefficient (dst may be one of the x). */
static void ETDCombine(const TS_ETD *e, PetscInt nt, const ETDTerm *t, PetscScalar *dst)
{
  const PetscInt nc = e->nc, nn = nc * nc, per = e->per, nper = e->nper;

  for (PetscInt k = 0; k < e->n; k++)
    for (PetscInt q = 0; q < per; q++) {
      const PetscInt i0 = k * per + q;
      PetscScalar    acc[UPHILL_MAX_NC] = {0};
      for (PetscInt a = 0; a < nt; a++) {
        const PetscReal *F = t[a].F ? t[a].F + e->lidx[k] * nn : NULL;
        for (PetscInt i = 0; i < nc; i++) {
          PetscScalar y = 0;
          if (F)
            for (PetscInt j = 0; j < nc; j++) y += F[i * nc + j] * t[a].x[j * nper + i0];
          else y = t[a].x[i * nper + i0];
          acc[i] += t[a].c * y;
        }
      }
      for (PetscInt i = 0; i < nc; i++) dst[i * nper + i0] = acc[i];
    }
}

/* U's components apart into w1 (split) or back (one pass over U; PETSc's strided copies took
   one a component, element by element). */
static PetscErrorCode ETDComponents(TS_ETD *e, Vec U, PetscBool split)
{
  const PetscInt nc = e->nc;
  PetscScalar   *u, *w[UPHILL_MAX_NC];
  PetscInt       n;

  PetscFunctionBegin;
  PetscCall(VecGetLocalSize(e->w1[0], &n));
  PetscCall(VecGetArray(U, &u));
  for (PetscInt i = 0; i < nc; i++) PetscCall(VecGetArray(e->w1[i], &w[i]));
  if (nc == 2 && split)
    for (PetscInt p = 0; p < n; p++) w[0][p] = u[2 * p], w[1][p] = u[2 * p + 1];
  else if (nc == 2)
    for (PetscInt p = 0; p < n; p++) u[2 * p] = w[0][p], u[2 * p + 1] = w[1][p];
  else
    for (PetscInt p = 0; p < n; p++)
      for (PetscInt i = 0; i < nc; i++) {
        if (split) w[i][p] = u[nc * p + i];
        else u[nc * p + i] = w[i][p];
      }
  for (PetscInt i = 0; i < nc; i++) PetscCall(VecRestoreArray(e->w1[i], &w[i]));
  PetscCall(VecRestoreArray(U, &u));
  PetscFunctionReturn(0);
}

/* The transforms of U's components, one after another. */
static PetscErrorCode ETDForward(TS_ETD *e, Vec U, PetscScalar *uhat)
{
  PetscFunctionBegin;
  if (e->nc == 1) {
    PetscCall(SpectralForward(e->p.sp, U, uhat));
    PetscFunctionReturn(0);
  }
  PetscCall(ETDComponents(e, U, PETSC_TRUE));
  for (PetscInt i = 0; i < e->nc; i++) PetscCall(SpectralForward(e->p.sp, e->w1[i], uhat + i * e->nper));
  PetscFunctionReturn(0);
}

static PetscErrorCode ETDInverse(TS_ETD *e, const PetscScalar *uhat, Vec U)
{
  PetscFunctionBegin;
  if (e->nc == 1) {
    PetscCall(SpectralInverse(e->p.sp, uhat, U));
    PetscFunctionReturn(0);
  }
  for (PetscInt i = 0; i < e->nc; i++) PetscCall(SpectralInverse(e->p.sp, uhat + i * e->nper, e->w1[i]));
  PetscCall(ETDComponents(e, U, PETSC_FALSE));
  PetscFunctionReturn(0);
}

/* The transform of G(u0), once a step. */
static PetscErrorCode ETDFirstStage(TS ts, TS_ETD *e)
{
  PetscFunctionBegin;
  if (e->have_g0) PetscFunctionReturn(0);
  PetscCall(e->p.rhs(ts, e->U0, e->G, e->p.ctx));
  PetscCall(ETDForward(e, e->G, e->g0));
  if (e->p.pointwise) { /* of the solution, still u0 at a step's first attempt: the callback may have P already */
    Vec P = e->P0;
    PetscCall(e->p.pointwise(ts, ts->vec_sol, NULL, &P, e->p.ctx));
    if (P != e->P0) PetscCall(VecCopy(P, e->P0));
  }
  e->have_g0 = PETSC_TRUE;
  ts->snes_its++;
  PetscFunctionReturn(0);
}

/* dst = transform of N(x) - N(u0) = G(x) - G(u0) - l (x - u0), xhat the transform of x - u0:
   from G's stencil, or, where G has the pointwise form (etd.h), from P(x) - P(u0) alone. */
static PetscErrorCode ETDNonlinearDifference(TS ts, TS_ETD *e, Vec X, const PetscScalar *xhat, PetscScalar *dst)
{
  PetscFunctionBegin;
  ts->snes_its++;
  if (e->p.pointwise) {
    Vec P = e->G;
    PetscCall(e->p.pointwise(ts, X, e->P0, &P, e->p.ctx));
    PetscCall(SpectralForward(e->p.sp, P, dst));
    for (PetscInt k = 0; k < e->n; k++)
      for (PetscInt q = 0; q < e->per; q++) {
        const PetscInt i = k * e->per + q;
        dst[i]           = e->lambda[k] * (e->b * xhat[i] - dst[i]);
      }
    PetscFunctionReturn(0);
  }
  PetscCall(e->p.rhs(ts, X, e->G, e->p.ctx));
  PetscCall(ETDForward(e, e->G, dst));
  if (e->nc > 1) {
    const ETDTerm t[3] = {{1, NULL, dst}, {-1, NULL, e->g0}, {-1, e->mell, xhat}};
    ETDCombine(e, 3, t, dst);
    PetscFunctionReturn(0);
  }
  for (PetscInt k = 0; k < e->n; k++)
    for (PetscInt q = 0; q < e->per; q++) {
      const PetscInt i = k * e->per + q;
      dst[i]           = dst[i] - e->g0[i] - e->ell[k] * xhat[i];
    }
  PetscFunctionReturn(0);
}

/* ETDRK3 (Cox and Matthews 2002), written with differences of N so that every term is small:
     a  = u0 + h/2 phi1(z/2) G(u0)
     b  = u0 + h phi1(z) [G(u0) + 2 (N(a) - N(u0))]                       (order 2: the estimate's partner)
     u1 = u0 + h phi1 G(u0) + h (4 phi2 - 8 phi3) (N(a) - N(u0)) + h (4 phi3 - phi2) (N(b) - N(u0)).
   Three residuals and six transforms a step. */
static PetscErrorCode ETDStages3(TS ts, TS_ETD *e, PetscReal h, Vec B, Vec U)
{
  const PetscInt n = e->n, per = e->per;

  PetscFunctionBegin;
  PetscCall(ETDFirstStage(ts, e));
  ETDPhi(e, h);
  for (PetscInt k = 0; k < n; k++)
    for (PetscInt q = 0; q < per; q++) e->ahat[k * per + q] = 0.5 * h * e->half[k] * e->g0[k * per + q];
  PetscCall(SpectralInverse(e->p.sp, e->ahat, U)); /* U holds a for now */
  PetscCall(VecAXPY(U, 1.0, e->U0));
  PetscCall(ETDNonlinearDifference(ts, e, U, e->ahat, e->da));
  for (PetscInt k = 0; k < n; k++)
    for (PetscInt q = 0; q < per; q++) {
      const PetscInt i = k * per + q;
      e->bhat[i]       = h * e->phi1[k] * (e->g0[i] + 2 * e->da[i]);
    }
  PetscCall(SpectralInverse(e->p.sp, e->bhat, B));
  PetscCall(VecAXPY(B, 1.0, e->U0));
  PetscCall(ETDNonlinearDifference(ts, e, B, e->bhat, e->w));
  for (PetscInt k = 0; k < n; k++)
    for (PetscInt q = 0; q < per; q++) {
      const PetscInt i = k * per + q; /* u1 - b */
      e->w[i]          = h * (e->phi1[k] * e->g0[i] + (4 * e->phi2[k] - 8 * e->phi3[k]) * e->da[i] + (4 * e->phi3[k] - e->phi2[k]) * e->w[i]) - e->bhat[i];
    }
  PetscCall(SpectralInverse(e->p.sp, e->w, U));
  PetscCall(VecAXPY(U, 1.0, B));
  PetscFunctionReturn(0);
}

/* nc > 1: ETDStages3 and ETDRK2 with the multipliers as matrices (the same formulas). */
static PetscErrorCode ETDStagesMatrix(TS ts, TS_ETD *e, PetscReal h, Vec A, Vec U)
{
  PetscFunctionBegin;
  PetscCall(ETDFirstStage(ts, e));
  ETDPhiMatrix(e, h);
  if (e->order == 3) {
    const ETDTerm ta[1] = {{0.5 * h, e->mhalf, e->g0}};
    ETDCombine(e, 1, ta, e->ahat);
    PetscCall(ETDInverse(e, e->ahat, U));
    PetscCall(VecAXPY(U, 1.0, e->U0));
    PetscCall(ETDNonlinearDifference(ts, e, U, e->ahat, e->da));
    const ETDTerm tb[2] = {{h, e->mphi1, e->g0}, {2 * h, e->mphi1, e->da}};
    ETDCombine(e, 2, tb, e->bhat);
    PetscCall(ETDInverse(e, e->bhat, A));
    PetscCall(VecAXPY(A, 1.0, e->U0));
    PetscCall(ETDNonlinearDifference(ts, e, A, e->bhat, e->w));
    const ETDTerm tu[6] = {{h, e->mphi1, e->g0}, {4 * h, e->mphi2, e->da}, {-8 * h, e->mphi3, e->da}, {4 * h, e->mphi3, e->w}, {-h, e->mphi2, e->w}, {-1, NULL, e->bhat}};
    ETDCombine(e, 6, tu, e->w);
    PetscCall(ETDInverse(e, e->w, U));
    PetscCall(VecAXPY(U, 1.0, A));
    PetscFunctionReturn(0);
  }
  const ETDTerm ta[1] = {{h, e->mphi1, e->g0}};
  ETDCombine(e, 1, ta, e->ahat);
  PetscCall(ETDInverse(e, e->ahat, A));
  PetscCall(VecAXPY(A, 1.0, e->U0));
  PetscCall(ETDNonlinearDifference(ts, e, A, e->ahat, e->w));
  const ETDTerm tu[1] = {{h, e->mphi2, e->w}};
  ETDCombine(e, 1, tu, e->w);
  PetscCall(ETDInverse(e, e->w, U));
  PetscCall(VecAXPY(U, 1.0, A));
  PetscFunctionReturn(0);
}

/* From U0: the embedded lower-order solution into A and the solution into U. */
static PetscErrorCode ETDStages(TS ts, TS_ETD *e, PetscReal h, Vec A, Vec U)
{
  const PetscInt n = e->n, per = e->per;

  PetscFunctionBegin;
  if (e->nc > 1) {
    PetscCall(ETDStagesMatrix(ts, e, h, A, U));
    PetscFunctionReturn(0);
  }
  if (e->order == 3) {
    PetscCall(ETDStages3(ts, e, h, A, U));
    PetscFunctionReturn(0);
  }
  PetscCall(ETDFirstStage(ts, e));
  ETDPhi(e, h);
  for (PetscInt k = 0; k < n; k++)
    for (PetscInt q = 0; q < per; q++) e->ahat[k * per + q] = h * e->phi1[k] * e->g0[k * per + q];
  PetscCall(SpectralInverse(e->p.sp, e->ahat, A));
  PetscCall(VecAXPY(A, 1.0, e->U0));
  PetscCall(ETDNonlinearDifference(ts, e, A, e->ahat, e->w));
  for (PetscInt k = 0; k < n; k++)
    for (PetscInt q = 0; q < per; q++) e->w[k * per + q] = h * e->phi2[k] * e->w[k * per + q];
  PetscCall(SpectralInverse(e->p.sp, e->w, U));
  PetscCall(VecAXPY(U, 1.0, A));
  PetscFunctionReturn(0);
}

/* Multistep: ETD-AB2 with variable steps (Cox and Matthews 2002's ETD2 with the step ratio),
   for nc = 1.  N is extrapolated from the last two step starts, N(t_n + tau) = N_n + tau D1 with
   D1 = (N_n - N_{n-1})/h1, and integrated exactly against e^{(h - tau) l}:
     u1 = u0 + h phi1 G_n + h^2 phi2 D1
   -- one right-hand side and two transforms a step (the nonlinear term's forward, u1's inverse),
   as a fixed-step semi-implicit spectral code.  The error estimate is the next term of the
   extrapolation, tau (tau + h1) D2, D2 the second divided difference of N over the last three
   step starts: est = (2 h^3 phi3 + h1 h^2 phi2) D2.  N_j = G_j - l u_j is formed with this step's
   l, so the linearisation may change from step to step; the history is kept as transforms of G
   (of P, with the pointwise form: N_j = lambda (b u_j - P_j)) and of u at the accepted step
   starts.  A restart (TSRestartStep: the start, every checkpoint) drops it and takes one-step
   ETDRK steps until three step starts are known.  A multistep step needs no copy of u0 (hu[0]
   is its transform) and never inverts its estimate (its norm is measured in the combination). */

/* At a step's first attempt (the TS's solution still u0): the transforms of u0 (the last step's,
   where the vector is still what it was inverted into; else transformed afresh) and of G(u0) --
   of P(u0) with the pointwise form, which the combination turns into N itself -- become the
   newest history.  A one-step step (fewer than three step starts known) gets G(u0)'s transform
   as its first stage. */
static PetscErrorCode ETDPushHistory(TS ts, TS_ETD *e)
{
  PetscScalar     *g = e->hg[2], *u = e->hu[2];
  PetscObjectState state;

  PetscFunctionBegin;
  if (ts->steprestart) e->nhist = 0; /* TSStep clears the flag after the step (TSAdapt reads it too) */
  for (PetscInt j = 2; j > 0; j--) {
    e->hg[j]    = e->hg[j - 1];
    e->hu[j]    = e->hu[j - 1];
    e->thist[j] = e->thist[j - 1];
  }
  e->hg[0]    = g;
  e->thist[0] = ts->ptime;
  PetscCall(PetscObjectStateGet((PetscObject)ts->vec_sol, &state));
  if (e->nhist && state == e->unext_state) {
    e->hu[0] = e->unext;
    e->unext = u;
  } else {
    e->hu[0] = u;
    PetscCall(ETDForward(e, ts->vec_sol, u));
  }
  e->unext_state = -1;
  u              = e->hu[0];
  if (e->p.pointwise) { /* G = Lap_h P(u) - g Lap_h^2 u: no stencil */
    Vec P = e->P0;
    PetscCall(e->p.pointwise(ts, ts->vec_sol, NULL, &P, e->p.ctx));
    PetscCall(SpectralForward(e->p.sp, P, g));
    if (P != e->P0 && e->nhist < 2) PetscCall(VecCopy(P, e->P0)); /* a one-step step follows: its stages need P(u0) */
  } else {
    PetscCall(e->p.rhs(ts, ts->vec_sol, e->G, e->p.ctx));
    PetscCall(ETDForward(e, e->G, g));
  }
  ts->snes_its++;
  e->nhist = PetscMin(e->nhist + 1, 3);
  if (e->nhist == 3) PetscFunctionReturn(0);
  if (e->p.pointwise)
    for (PetscInt k = 0; k < e->n; k++)
      for (PetscInt q = 0; q < e->per; q++) {
        const PetscInt i = k * e->per + q;
        e->g0[i]         = -e->lambda[k] * (g[i] + e->g * e->lambda[k] * u[i]);
      }
  else PetscCall(PetscArraycpy(e->g0, g, e->nc * e->nper));
  e->have_g0 = PETSC_TRUE;
  PetscFunctionReturn(0);
}

/* N components: the nc x nc multipliers of each coefficient's eigenvalue, applied to vectors
   (nc = 2: ABSweepTernary); est may be NULL, ss gets each component's sum of w |est|^2. */
static inline __attribute__((always_inline)) void ABMatrixSweep(TS_ETD *e, PetscInt nc, PetscReal h, PetscScalar *unew, PetscScalar *est, PetscReal *ss)
{
  const PetscInt     per = e->per, nper = e->nper, nn = nc * nc;
  const PetscReal    h1 = e->thist[0] - e->thist[1], h2 = e->thist[1] - e->thist[2], i1 = 1 / h1, i2 = 1 / h2, i12 = 1 / (h1 + h2), a3 = e->ab3_now ? 1 : 0;
  const PetscScalar *g0 = e->hg[0], *g1 = e->hg[1], *g2 = e->hg[2], *u0 = e->hu[0], *u1 = e->hu[1], *u2 = e->hu[2];

  for (PetscInt a = 0; a < nc; a++) ss[a] = 0;
  for (PetscInt k = 0; k < e->n; k++) {
    const PetscReal *L = e->mell + e->lidx[k] * nn, *P1 = e->mphi1 + e->lidx[k] * nn, *P2 = e->mphi2 + e->lidx[k] * nn, *P3 = e->mphi3 + e->lidx[k] * nn;
    for (PetscInt q = 0; q < per; q++) {
      const PetscInt i0 = k * per + q;
      PetscScalar    d1[UPHILL_MAX_NC], d2[UPHILL_MAX_NC];
      for (PetscInt a = 0; a < nc; a++) { /* N_j = G_j - l u_j, and its divided differences */
        PetscScalar n0 = g0[a * nper + i0], n1 = g1[a * nper + i0], n2 = g2[a * nper + i0];
        for (PetscInt b = 0; b < nc; b++) {
          n0 -= L[a * nc + b] * u0[b * nper + i0];
          n1 -= L[a * nc + b] * u1[b * nper + i0];
          n2 -= L[a * nc + b] * u2[b * nper + i0];
        }
        d1[a] = (n0 - n1) * i1;
        d2[a] = (d1[a] - (n1 - n2) * i2) * i12;
      }
      for (PetscInt a = 0; a < nc; a++) {
        PetscScalar y = u0[a * nper + i0], c = 0;
        for (PetscInt b = 0; b < nc; b++) {
          y += h * P1[a * nc + b] * g0[b * nper + i0] + h * h * P2[a * nc + b] * d1[b];
          c += (2 * h * h * h * P3[a * nc + b] + h1 * h * h * P2[a * nc + b]) * d2[b];
        }
        unew[a * nper + i0] = y + a3 * c;
        if (est) est[a * nper + i0] = c;
        ss[a] += e->weight[k] * c * c;
      }
    }
  }
}

/* The multistep combination's multipliers of h at one distinct eigenvalue (scalars, or the
   entries of its matrices): c1 = h phi1, c2 = h^2 phi2 and the estimate's c3 = 2 h^3 phi3 + h1
   c2, h1 the last step. */
static inline void ABMultipliers(PetscReal h, PetscReal h1, PetscReal p1, PetscReal p2, PetscReal p3, PetscReal *c1, PetscReal *c2, PetscReal *c3)
{
  *c1 = h * p1;
  *c2 = h * h * p2;
  *c3 = 2 * h * h * h * p3 + h1 * *c2;
}

/* ABMatrixSweep for nc = 2 (the ternary) over n coefficients of PER reals, written out so that
   the loop over coefficients vectorises (the generic one ran scalar: 14% of problem (e)'s run).
   The table t holds per distinct eigenvalue four 2 x 2 matrices: l, h phi1, h^2 phi2 and the
   estimate's 2 h^3 phi3 + h1 h^2 phi2.  The estimate is written only WITH_EST: the error test
   reads its norms, summed here with Parseval's weights w. */
static inline __attribute__((always_inline)) void ABSweepTernary(PetscInt n, PetscInt PER, PetscInt nper, const PetscInt *restrict lidx, const PetscReal *restrict t, const PetscReal *restrict w, const PetscScalar *restrict g0, const PetscScalar *restrict g1, const PetscScalar *restrict g2, const PetscScalar *restrict u0, const PetscScalar *restrict u1, const PetscScalar *restrict u2, PetscReal i1, PetscReal i2, PetscReal i12, PetscReal a3, PetscScalar *restrict unew, PetscScalar *restrict est, PetscReal *ss, PetscBool WITH_EST)
{
  PetscReal s0 = 0, s1 = 0;

#pragma omp simd reduction(+ : s0, s1)
  for (PetscInt k = 0; k < n; k++) {
    PetscReal sa = 0, sb = 0;
    const PetscInt  j = 16 * lidx[k];
    const PetscReal L00 = t[j], L01 = t[j + 1], L10 = t[j + 2], L11 = t[j + 3], A00 = t[j + 4], A01 = t[j + 5], A10 = t[j + 6], A11 = t[j + 7];
    const PetscReal B00 = t[j + 8], B01 = t[j + 9], B10 = t[j + 10], B11 = t[j + 11], C00 = t[j + 12], C01 = t[j + 13], C10 = t[j + 14], C11 = t[j + 15];
    for (PetscInt q = 0; q < PER; q++) {
      const PetscInt    a = k * PER + q, b = a + nper;
      const PetscScalar n0a = g0[a] - (L00 * u0[a] + L01 * u0[b]), n0b = g0[b] - (L10 * u0[a] + L11 * u0[b]);
      const PetscScalar n1a = g1[a] - (L00 * u1[a] + L01 * u1[b]), n1b = g1[b] - (L10 * u1[a] + L11 * u1[b]);
      const PetscScalar n2a = g2[a] - (L00 * u2[a] + L01 * u2[b]), n2b = g2[b] - (L10 * u2[a] + L11 * u2[b]);
      const PetscScalar d1a = (n0a - n1a) * i1, d1b = (n0b - n1b) * i1;
      const PetscScalar d2a = (d1a - (n1a - n2a) * i2) * i12, d2b = (d1b - (n1b - n2b) * i2) * i12;
      const PetscScalar ca = C00 * d2a + C01 * d2b, cb = C10 * d2a + C11 * d2b;
      unew[a] = u0[a] + A00 * g0[a] + A01 * g0[b] + B00 * d1a + B01 * d1b + a3 * ca;
      unew[b] = u0[b] + A10 * g0[a] + A11 * g0[b] + B10 * d1a + B11 * d1b + a3 * cb;
      if (WITH_EST) {
        est[a] = ca;
        est[b] = cb;
      }
      sa += ca * ca;
      sb += cb * cb;
    }
    s0 += w[k] * sa;
    s1 += w[k] * sb;
  }
  ss[0] = s0;
  ss[1] = s1;
}

static void ETDCombineABMatrix(TS_ETD *e, PetscReal h, PetscScalar *unew, PetscScalar *est)
{
  if (e->nc != 2) {
    ABMatrixSweep(e, e->nc, h, unew, est, e->ab_ss);
    return;
  }
  const PetscReal    h1 = e->thist[0] - e->thist[1], h2 = e->thist[1] - e->thist[2], a3 = e->ab3_now ? 1 : 0;
  const PetscScalar *g0 = e->hg[0], *g1 = e->hg[1], *g2 = e->hg[2], *u0 = e->hu[0], *u1 = e->hu[1], *u2 = e->hu[2];
  PetscReal         *t = e->abtab;

  for (PetscInt u = 0; u < e->nlam; u++)
    for (PetscInt m = 0; m < 4; m++) {
      t[16 * u + m] = e->mell[4 * u + m];
      ABMultipliers(h, h1, e->mphi1[4 * u + m], e->mphi2[4 * u + m], e->mphi3[4 * u + m], &t[16 * u + 4 + m], &t[16 * u + 8 + m], &t[16 * u + 12 + m]);
    }
  const PetscReal i1 = 1 / h1, i2 = 1 / h2, i12 = 1 / (h1 + h2);
  if (e->per == 2 && est) ABSweepTernary(e->n, 2, e->nper, e->lidx, t, e->weight, g0, g1, g2, u0, u1, u2, i1, i2, i12, a3, unew, est, e->ab_ss, PETSC_TRUE);
  else if (e->per == 2) ABSweepTernary(e->n, 2, e->nper, e->lidx, t, e->weight, g0, g1, g2, u0, u1, u2, i1, i2, i12, a3, unew, NULL, e->ab_ss, PETSC_FALSE);
  else if (est) ABSweepTernary(e->n, 1, e->nper, e->lidx, t, e->weight, g0, g1, g2, u0, u1, u2, i1, i2, i12, a3, unew, est, e->ab_ss, PETSC_TRUE);
  else ABSweepTernary(e->n, 1, e->nper, e->lidx, t, e->weight, g0, g1, g2, u0, u1, u2, i1, i2, i12, a3, unew, NULL, e->ab_ss, PETSC_FALSE);
}

/* The sweep of ETDCombineAB over n coefficients of per reals each (2: complex, 1: cosine), with
   per and whether est and inv are written fixed by literals so that the loop over coefficients
   vectorises (with inv a run-time pointer GCC ran a scalar fallback); returns the sum of
   w |est|^2.  Of the six multipliers of a coefficient the three that depend on h through the phi
   functions come from the table t of the distinct eigenvalues; the others are formed from the
   coefficient's own eigenvalue lam: e^z = 1 + h phi1 l with l = -(b lam + g lam^2), and
   N = alpha Y + beta u with alpha = a1 lam + a0, beta = b1 lam + bl l (the pointwise form: -lam
   and b lam; else 1 and -l).  The table's gathers are slow instructions: with six of them from a
   table of 17,515 entries (96^3) the sweep took 5.2 ms with cold caches, with three 4.4 ms, a
   plain sweep over the same eight arrays 2.8 ms; in problem (a) at 96^3 (perf) the sweep's share
   of the run fell from 18.5% to 14.5%, the run's samples by 7%. */
static inline __attribute__((always_inline)) PetscReal ABSweep(PetscInt n, PetscInt per, const PetscInt *restrict lidx, const PetscReal *restrict lam, const PetscReal *restrict t, const PetscReal *restrict w, const PetscReal *restrict lin, const PetscScalar *restrict y0, const PetscScalar *restrict y1, const PetscScalar *restrict y2, const PetscScalar *restrict u0, const PetscScalar *restrict u1, const PetscScalar *restrict u2, PetscReal i1, PetscReal i2, PetscReal i12, PetscReal a3, PetscScalar *restrict unew, PetscScalar *restrict est, PetscScalar *restrict inv, PetscReal inorm, PetscBool with_est, PetscBool with_inv)
{
  const PetscReal b = lin[0], g = lin[1], a1 = lin[2], a0 = lin[3], b1 = lin[4], bl = lin[5];
  PetscReal       ss = 0;

#pragma omp simd reduction(+ : ss)
  for (PetscInt k = 0; k < n; k++) {
    const PetscInt  j  = 3 * lidx[k]; /* indexed, not a pointer: GCC gathers t[j + m] */
    const PetscReal la = lam[k], l = ScalarRate(b, g, la);
    const PetscReal c1 = t[j], c2 = t[j + 1], c3 = t[j + 2], c0 = 1 + c1 * l, c4 = a1 * la + a0, c5 = b1 * la + bl * l;
    PetscReal       sk = 0;
    for (PetscInt q = 0; q < per; q++) {
      const PetscInt    i  = k * per + q;
      const PetscScalar n0 = c4 * y0[i] + c5 * u0[i], n1 = c4 * y1[i] + c5 * u1[i], n2 = c4 * y2[i] + c5 * u2[i];
      const PetscScalar d1 = (n0 - n1) * i1, d2 = (d1 - (n1 - n2) * i2) * i12, r = c3 * d2;
      const PetscScalar v = c0 * u0[i] + c1 * n0 + c2 * d1 + a3 * r;
      unew[i]             = v;
      if (with_inv) inv[i] = inorm * v;
      if (with_est) est[i] = r;
      sk += r * r;
    }
    ss += w[k] * sk;
  }
  return ss;
}

/* The multistep solution of step h into unew and the error estimate into est (transforms; est
   may be NULL), with ab_ss = sum of w |est|^2 over this rank's coefficients (Parseval: the
   estimate's norm without its inverse transform).  nc = 1 is ETDCombineABMatrix with 1 x 1
   matrices, written out -- the step's one sweep over the coefficients besides the transforms --
   with N_j = alpha Y_j + beta u_j from the history Y (G, or P with the pointwise form: N = lambda
   (b u - P)) and u0 + h phi1 G0 = e^z u0 + h phi1 N0; est and inv are not asked for together. */
static void ETDCombineAB(TS_ETD *e, PetscReal h, PetscScalar *restrict unew, PetscScalar *restrict est, PetscScalar *restrict inv, PetscReal inorm)
{
  e->ab_h = h;
  if (e->nc > 1) {
    ETDPhiMatrix(e, h);
    ETDCombineABMatrix(e, h, unew, est);
    return;
  }
  ETDPhiTable(e, h);
  const PetscInt     per = e->per, n = e->n;
  const PetscReal    h1 = e->thist[0] - e->thist[1], h2 = e->thist[1] - e->thist[2], i1 = 1 / h1, i2 = 1 / h2, i12 = 1 / (h1 + h2), a3 = e->ab3_now ? 1 : 0;
  const PetscReal    pw = e->p.pointwise ? 1 : 0, lin[6] = {e->b, e->g, -pw, 1 - pw, pw * e->b, pw - 1};
  const PetscScalar *restrict y0 = e->hg[0], *restrict y1 = e->hg[1], *restrict y2 = e->hg[2], *restrict u0 = e->hu[0], *restrict u1 = e->hu[1], *restrict u2 = e->hu[2];
  const PetscInt    *lidx = e->lidx;
  const PetscReal   *w = e->weight, *lam = e->lambda;
  PetscReal         *t = e->abtab, ss;

  for (PetscInt u = 0; u < e->nlam; u++) ABMultipliers(h, h1, e->mphi1[u], e->mphi2[u], e->mphi3[u], &t[3 * u], &t[3 * u + 1], &t[3 * u + 2]);
  if (per == 2 && est) ss = ABSweep(n, 2, lidx, lam, t, w, lin, y0, y1, y2, u0, u1, u2, i1, i2, i12, a3, unew, est, NULL, 0, PETSC_TRUE, PETSC_FALSE);
  else if (per == 2 && inv) ss = ABSweep(n, 2, lidx, lam, t, w, lin, y0, y1, y2, u0, u1, u2, i1, i2, i12, a3, unew, NULL, inv, inorm, PETSC_FALSE, PETSC_TRUE);
  else if (per == 2) ss = ABSweep(n, 2, lidx, lam, t, w, lin, y0, y1, y2, u0, u1, u2, i1, i2, i12, a3, unew, NULL, NULL, 0, PETSC_FALSE, PETSC_FALSE);
  else if (est) ss = ABSweep(n, 1, lidx, lam, t, w, lin, y0, y1, y2, u0, u1, u2, i1, i2, i12, a3, unew, est, NULL, 0, PETSC_TRUE, PETSC_FALSE);
  else if (inv) ss = ABSweep(n, 1, lidx, lam, t, w, lin, y0, y1, y2, u0, u1, u2, i1, i2, i12, a3, unew, NULL, inv, inorm, PETSC_FALSE, PETSC_TRUE);
  else ss = ABSweep(n, 1, lidx, lam, t, w, lin, y0, y1, y2, u0, u1, u2, i1, i2, i12, a3, unew, NULL, NULL, 0, PETSC_FALSE, PETSC_FALSE);
  e->ab_ss[0] = ss;
}

/* Largest modulus of the roots of x^3 = p2 x^2 + p1 x + p0 (Durand-Kerner). */
static PetscReal CubicMaxRoot(PetscReal p2, PetscReal p1, PetscReal p0)
{
  PetscComplex x[3] = {0.4 + 0.9 * PETSC_i, PetscPowComplex(0.4 + 0.9 * PETSC_i, 2), PetscPowComplex(0.4 + 0.9 * PETSC_i, 3)};
  PetscReal    m    = 0;

  for (PetscInt it = 0; it < 100; it++) {
    PetscReal change = 0;
    for (PetscInt i = 0; i < 3; i++) {
      PetscComplex den = 1;
      for (PetscInt j = 0; j < 3; j++)
        if (j != i) den *= x[i] - x[j];
      const PetscComplex dx = (((x[i] - p2) * x[i] - p1) * x[i] - p0) / den;
      x[i] -= dx;
      change = PetscMax(change, PetscAbsComplex(dx));
    }
    if (change < 1e-13) break;
  }
  for (PetscInt i = 0; i < 3; i++) m = PetscMax(m, PetscAbsComplex(x[i]));
  return m;
}

/* Whether AB3 (the AB2 solution plus the estimate: local extrapolation, third order) is stable
   for step h.  Its extrapolation of N is unstable where the explicit part is more than half the
   exact one and the step is stiff for that wave (stiff limit: x^3 = r (3 x^2 - 3 x + 1), stable
   for r < 1/2; AB2's x^2 = r (2 x - 1) is stable for -1/3 < r < 1, and r = (s - f'')/(s +
   kappa lambda) lies in [0, 1) outside the spinodal with s = max f''): late in coarsening, with
   steps of tens.  The test: the recurrence of constant steps h for u' = (l + a) u, l = -(b lambda
   + g lambda^2) exact and a = Lbar lambda (s - f0) explicit, on 24 wave numbers from
   1e-4 lambda_max to lambda_max, every root within max(1, e^{h (l + a)}) (1 + 1e-9).  f0 is the
   smallest curvature outside the spinodal, max(min f'', 0) (where f'' < 0 the growth is
   physical): so measured, the step where AB3 stops being stable matched the one where its step
   control stalled late in coarsening (2.7 at s = 6.1 on the quick-start alloy), and the linear
   stage (s < 0) is AB3 throughout.  It is asked at 1.25 h: right at the limit the parasitic
   root, though inside the unit circle, decays so slowly that the step control cycled around
   it (48^3, late coarsening, rtol 5e-4: 606 steps against AB2's 345; 1.25 h: 348).  Keeping
   AB3 on while stable at h (a hysteresis) let F rise by 1.1e-12 |F| near equilibrium
   (energy_decrease_periodic): not adopted. */
static PetscBool ETDThirdOrderStable(const TS_ETD *e, PetscReal h)
{
  const PetscReal Lbar = e->lin.Lbar[0];

  if (!e->ab3 || e->smin == PETSC_MIN_REAL) return PETSC_FALSE;
  const PetscReal f0   = PetscMin(PetscMax(e->smin, 0), e->lin.S[0]);
  for (PetscInt j = 0; j < 24; j++) {
    const PetscReal lam = e->lambda_max * PetscPowReal(10.0, -4.0 + 4.0 * j / 23.0);
    const PetscReal z = h * ScalarRate(e->b, e->g, lam), w = h * Lbar * lam * (e->lin.S[0] - f0);
    PetscReal       phi[4];
    if (PetscAbsReal(z) < 0.5) PhiSeries(z, phi);
    else PhiClosed(z, ExpHalf(z), &phi[1], &phi[2], &phi[3], &phi[0]);
    const PetscReal c3 = phi[3] + 0.5 * phi[2]; /* constant steps: c3 D2 = h (phi3 + phi2/2) (N_n - 2 N_{n-1} + N_{n-2}) */
    const PetscReal p2 = PetscExpReal(z) + w * (phi[1] + phi[2] + c3), p1 = -w * (phi[2] + 2 * c3), p0 = w * c3;
    if (CubicMaxRoot(p2, p1, p0) > PetscMax(1, PetscExpReal(z + w)) * (1 + 1e-9)) return PETSC_FALSE;
  }
  return PETSC_TRUE;
}

/* The multistep step: the solution into U (its transform kept in unext) and the estimate's
   norms (the estimate itself, and A = U - est, only when asked for: ETDEstimatePartner). */
static PetscErrorCode ETDStagesAB(TS_ETD *e, PetscReal h, Vec U)
{
  PetscFunctionBegin;
  e->ab3_now = ETDThirdOrderStable(e, 1.25 * h);
  if (e->nc == 1) { /* the inverse's input written in the same sweep */
    PetscScalar *inv;
    PetscReal    inorm;
    PetscCall(SpectralInverseBuffer(e->p.sp, &inv, &inorm));
    ETDCombineAB(e, h, e->unext, NULL, inv, inorm);
    PetscCall(SpectralInverseFromBuffer(e->p.sp, U));
  } else {
    ETDCombineAB(e, h, e->unext, NULL, NULL, 0);
    PetscCall(ETDInverse(e, e->unext, U));
  }
  PetscCall(PetscObjectStateGet((PetscObject)U, &e->unext_state));
  e->have_a = PETSC_FALSE;
  PetscFunctionReturn(0);
}

static PetscErrorCode ETDEstimatePartner(TS ts, TS_ETD *e)
{
  PetscFunctionBegin;
  if (!e->last_ab || e->have_a) PetscFunctionReturn(0);
  ETDCombineAB(e, e->ab_h, e->w, e->corr, NULL, 0); /* the estimate was not kept */
  PetscCall(ETDInverse(e, e->corr, e->A));
  PetscCall(VecAYPX(e->A, -1.0, ts->vec_sol));
  e->have_a = PETSC_TRUE;
  PetscFunctionReturn(0);
}

static PetscErrorCode TSStep_ETD(TS ts)
{
  TS_ETD   *e = (TS_ETD *)ts->data;
  TSAdapt   adapt;
  PetscInt  rejections = 0;
  PetscBool accept     = PETSC_TRUE;
  PetscReal next_h;

  PetscFunctionBegin;
  e->have_g0 = PETSC_FALSE;
  PetscCall(e->p.linearise(ts, ts->vec_sol, e->lin.Lbar, e->lin.S, e->lin.excess, &e->smin, e->lin.K, e->p.ctx));
  e->b = e->lin.Lbar[0] * e->lin.S[0]; /* nc = 1 */
  e->g = e->lin.Lbar[0] * e->lin.K[0];
  if (e->multistep) PetscCall(ETDPushHistory(ts, e));
  e->last_ab = (PetscBool)(e->multistep && e->nhist == 3);
  if (!e->last_ab) PetscCall(VecCopy(ts->vec_sol, e->U0)); /* the stages' base; a multistep step has it as hu[0] */
  PetscCall(TSGetAdapt(ts, &adapt));
  while (!ts->reason) {
    const PetscReal h = ts->time_step;
    if (e->last_ab) PetscCall(ETDStagesAB(e, h, ts->vec_sol));
    else PetscCall(ETDStages(ts, e, h, e->A, ts->vec_sol));
    PetscCall(TSAdaptCandidatesClear(adapt));
    if (e->last_ab) PetscCall(TSAdaptCandidateAdd(adapt, "etdab2", 2, 1, 1.0, 2.0, PETSC_TRUE));
    else PetscCall(TSAdaptCandidateAdd(adapt, e->order == 3 ? "etdrk3" : "etdrk2", e->order, 1, 1.0, (PetscReal)e->order, PETSC_TRUE));
    PetscCall(TSAdaptChoose(adapt, ts, h, NULL, &next_h, &accept));
    if (accept) {
      ts->ptime += h;
      ts->time_step = next_h;
      break;
    }
    if (!e->last_ab) PetscCall(VecCopy(e->U0, ts->vec_sol));
    ts->time_step = next_h;
    ts->reject++;
    if (++rejections > ts->max_reject && ts->max_reject >= 0) {
      if (e->last_ab) PetscCall(ETDInverse(e, e->hu[0], ts->vec_sol)); /* back to u0 */
      ts->reason = TS_DIVERGED_STEP_REJECTED;
      PetscCall(PetscInfo(ts, "step %" PetscInt_FMT " rejected %" PetscInt_FMT " times\n", ts->steps, rejections));
    }
  }
  PetscFunctionReturn(0);
}

/* order 2: the solution; order 1: its exponential Euler partner (the error estimate). */
static PetscErrorCode TSEvaluateStep_ETD(TS ts, PetscInt order, Vec X, PetscBool *done)
{
  TS_ETD        *e = (TS_ETD *)ts->data;
  const PetscInt top = e->last_ab ? 2 : e->order;

  PetscFunctionBegin;
  PetscCheck(order == top || order == top - 1, PetscObjectComm((PetscObject)ts), PETSC_ERR_SUP, "this etd step has solutions of order %" PetscInt_FMT " and %" PetscInt_FMT ", not %" PetscInt_FMT, top - 1, top, order);
  if (order != top) PetscCall(ETDEstimatePartner(ts, e));
  PetscCall(VecCopy(order == top ? ts->vec_sol : e->A, X));
  if (done) *done = PETSC_TRUE;
  PetscFunctionReturn(0);
}

/* The weighted error of the step for TSAdapt: the multistep estimate measured in the transforms'
   basis (Parseval: the RMS norm against absolute tolerances, as the error test here is set up --
   one scalar, or, with N components, one per component uniform over the grid, read from the
   first cell of vatol -- without transforming it back); otherwise from the embedded solution, as
   TSAdapt would.  The estimate of ETD-AB2 is of third order in h (its exponent in the controller
   is 1/3). */
static PetscErrorCode TSEvaluateWLTE_ETD(TS ts, NormType wnormtype, PetscInt *order, PetscReal *wlte)
{
  TS_ETD   *e = (TS_ETD *)ts->data;
  PetscReal a, r;

  PetscFunctionBegin;
  *order = e->last_ab ? 3 : e->order;
  if (e->last_ab && wnormtype == NORM_2 && !ts->vrtol && ts->rtol == 0 && (ts->vatol || ts->atol > 0)) {
    PetscReal          tol[UPHILL_MAX_NC], sum = 0;
    const PetscScalar *v;
    PetscInt           size;
    PetscCall(VecGetSize(ts->vec_sol, &size));
    if (ts->vatol) {
      PetscCall(VecGetArrayRead(ts->vatol, &v));
      for (PetscInt i = 0; i < e->nc; i++) tol[i] = PetscRealPart(v[i]);
      PetscCall(VecRestoreArrayRead(ts->vatol, &v));
    } else
      for (PetscInt i = 0; i < e->nc; i++) tol[i] = ts->atol;
    PetscReal ss[UPHILL_MAX_NC];
    PetscCall(MPIU_Allreduce(e->ab_ss, ss, (PetscMPIInt)e->nc, MPIU_REAL, MPIU_SUM, PetscObjectComm((PetscObject)ts)));
    for (PetscInt i = 0; i < e->nc; i++) sum += ss[i] / (tol[i] * tol[i]);
    *wlte = PetscSqrtReal(sum / (PetscReal)size);
    PetscFunctionReturn(0);
  }
  PetscCall(ETDEstimatePartner(ts, e));
  PetscCall(TSErrorWeightedNorm(ts, ts->vec_sol, e->A, wnormtype, wlte, &a, &r));
  PetscFunctionReturn(0);
}

static PetscErrorCode TSInterpolate_ETD(TS ts, PetscReal t, Vec X)
{
  TS_ETD         *e = (TS_ETD *)ts->data;
  const PetscReal h = t - ts->ptime_prev;

  PetscFunctionBegin;
  if (h == 0 && e->last_ab) PetscCall(ETDInverse(e, e->hu[0], X)); /* U0 is not kept in multistep steps */
  else if (h == 0) PetscCall(VecCopy(e->U0, X));
  else if (e->last_ab) {
    ETDCombineAB(e, h, e->w, NULL, NULL, 0);
    PetscCall(ETDInverse(e, e->w, X));
  } else {
    const PetscInt its = ts->snes_its; /* output does not count as the integrator's work */
    PetscCall(ETDStages(ts, e, h, e->Aw, X));
    ts->snes_its = its;
  }
  PetscFunctionReturn(0);
}

/* The distinct eigenvalues (each coefficient's index into them) and the multiplier tables (nc > 1:
   nc x nc matrices; the multistep scheme: scalars), and for nc > 1 a scalar vector for one
   component's transform. */
static PetscErrorCode ETDSetUpTables(TS_ETD *e)
{
  const PetscInt n = e->n, nn = e->nc * e->nc;
  PetscInt      *perm;
  DM             da1;

  PetscFunctionBegin;
  PetscCall(PetscMalloc2(n, &e->lidx, n + 8, &e->ulam));
  PetscCall(PetscMalloc1(n, &perm));
  for (PetscInt k = 0; k < n; k++) perm[k] = k;
  PetscCall(PetscSortRealWithPermutation(n, e->lambda, perm));
  e->nlam = 0; /* eigenvalues that differ only by the rounding of their sum share one entry */
  for (PetscInt i = 0; i < n; i++) {
    const PetscReal lam = e->lambda[perm[i]];
    if (!e->nlam || lam - e->ulam[e->nlam - 1] > 1e-13 * lam) e->ulam[e->nlam++] = lam;
    e->lidx[perm[i]] = e->nlam - 1;
  }
  PetscCall(PetscFree(perm));
  e->nlam_pad = (e->nlam + 7) / 8 * 8; /* the padding repeats the last eigenvalue */
  for (PetscInt u = e->nlam; u < e->nlam_pad; u++) e->ulam[u] = e->ulam[e->nlam - 1];
  const PetscInt m = PetscMax(e->nlam_pad, 8) * nn;
  PetscCall(PetscCalloc5(m, &e->mell, m, &e->mphi1, m, &e->mphi2, m, &e->mphi3, m, &e->mhalf));
  if (e->nc <= 2) PetscCall(PetscCalloc1(e->nc == 1 ? 3 * m : 4 * m, &e->abtab)); /* nc = 2: four 2 x 2 matrices */
  if (e->nc == 1) PetscFunctionReturn(0);
  if (e->nc == 2) PetscCall(PetscCalloc1(12 * PetscMax(e->nlam_pad, 8), &e->phiwork));
  PetscCall(SpectralScalarDM(e->p.sp, &da1));
  for (PetscInt i = 0; i < e->nc; i++) PetscCall(DMCreateGlobalVector(da1, &e->w1[i]));
  PetscFunctionReturn(0);
}

static PetscErrorCode TSSetUp_ETD(TS ts)
{
  TS_ETD *e = (TS_ETD *)ts->data;

  PetscFunctionBegin;
  PetscCheck(e->p.sp && e->p.rhs && e->p.linearise, PetscObjectComm((PetscObject)ts), PETSC_ERR_ORDER, "call TSETDSetProblem before TSSetUp");
  PetscCall(VecDuplicate(ts->vec_sol, &e->U0));
  PetscCall(VecDuplicate(ts->vec_sol, &e->A));
  PetscCall(VecDuplicate(ts->vec_sol, &e->Aw));
  PetscCall(VecDuplicate(ts->vec_sol, &e->G));
  PetscCheck(!e->p.pointwise || e->p.nc <= 1, PetscObjectComm((PetscObject)ts), PETSC_ERR_SUP, "the pointwise form is for a scalar linear part");
  if (e->p.pointwise) PetscCall(VecDuplicate(ts->vec_sol, &e->P0));
  PetscCall(SpectralSymbol(e->p.sp, &e->n, &e->per, &e->lambda));
  PetscCall(SpectralParsevalWeights(e->p.sp, &e->weight));
  e->nc   = PetscMax(e->p.nc, 1);
  e->nper = e->n * e->per;
  PetscCheck(e->nc <= UPHILL_MAX_NC, PetscObjectComm((PetscObject)ts), PETSC_ERR_ARG_OUTOFRANGE, "at most %d components per cell", UPHILL_MAX_NC);
  const PetscInt nh = e->nc * e->nper;
  /* Zeroed: every array's pages committed here, not in the first steps (~100 MB at 96^3, on this
     VM 0.25 s of first-touch faults inside the time loop; and where a node is short of memory the
     run fails at set-up, not under way). */
  PetscCall(PetscCalloc5(nh, &e->g0, nh, &e->ahat, nh, &e->w, nh, &e->bhat, nh, &e->da));
  PetscCall(PetscCalloc5(e->n, &e->ell, e->n, &e->phi1, e->n, &e->phi2, e->n, &e->phi3, e->n, &e->half));
  if (e->nc > 1 || e->multistep) PetscCall(ETDSetUpTables(e));
  e->tab_h = -1;
  if (e->multistep) {
    for (PetscInt j = 0; j < 3; j++) { /* rotated among each other: one allocation each */
      PetscCall(PetscCalloc1(nh, &e->hg[j]));
      PetscCall(PetscCalloc1(nh, &e->hu[j]));
    }
    PetscCall(PetscCalloc1(nh, &e->unext));
    PetscCall(PetscCalloc1(nh, &e->corr));
    if (e->p.pointwise && !e->P0) PetscCall(VecDuplicate(ts->vec_sol, &e->P0));
  }
  e->nhist       = 0;
  e->unext_state = -1;
  e->lambda_max  = 0;
  for (PetscInt k = 0; k < e->n; k++) e->lambda_max = PetscMax(e->lambda_max, e->lambda[k]);
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &e->lambda_max, 1, MPIU_REAL, MPIU_MAX, PetscObjectComm((PetscObject)ts)));
  e->phi_h = -1;
  PetscFunctionReturn(0);
}

static PetscErrorCode TSReset_ETD(TS ts)
{
  TS_ETD *e = (TS_ETD *)ts->data;

  PetscFunctionBegin;
  PetscCall(VecDestroy(&e->U0));
  PetscCall(VecDestroy(&e->A));
  PetscCall(VecDestroy(&e->Aw));
  PetscCall(VecDestroy(&e->G));
  PetscCall(VecDestroy(&e->P0));
  PetscCall(PetscFree5(e->g0, e->ahat, e->w, e->bhat, e->da));
  PetscCall(PetscFree5(e->ell, e->phi1, e->phi2, e->phi3, e->half));
  PetscCall(PetscFree2(e->lidx, e->ulam));
  PetscCall(PetscFree(e->phiwork));
  PetscCall(PetscFree5(e->mell, e->mphi1, e->mphi2, e->mphi3, e->mhalf));
  PetscCall(PetscFree(e->abtab));
  for (PetscInt j = 0; j < 3; j++) {
    PetscCall(PetscFree(e->hg[j]));
    PetscCall(PetscFree(e->hu[j]));
  }
  PetscCall(PetscFree(e->unext));
  PetscCall(PetscFree(e->corr));
  for (PetscInt i = 0; i < UPHILL_MAX_NC; i++) PetscCall(VecDestroy(&e->w1[i]));
  PetscFunctionReturn(0);
}

static PetscErrorCode TSDestroy_ETD(TS ts)
{
  PetscFunctionBegin;
  PetscCall(TSReset_ETD(ts));
  PetscCall(PetscFree(ts->data));
  PetscFunctionReturn(0);
}

/* The multistep scheme by default for every nc: with the linear part the exact linearisation
   about a uniform state (the matrix S of N components, docs/MODEL.md 3.9) a coupled mode's
   growth is within 4e-6 at the default tolerance (it was 3.6% off with a scalar S). */
PetscErrorCode TSETDMultistep(PetscBool *multistep)
{
  PetscFunctionBegin;
  *multistep = PETSC_TRUE;
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-ts_etd_multistep", multistep, NULL));
  PetscFunctionReturn(0);
}

static PetscErrorCode TSSetFromOptions_ETD(TS ts, PetscOptionItems *PetscOptionsObject)
{
  TS_ETD *e = (TS_ETD *)ts->data;

  PetscFunctionBegin;
  PetscOptionsHeadBegin(PetscOptionsObject, "ETD options");
  PetscCall(PetscOptionsRangeInt("-ts_etd_order", "Order of the exponential Runge-Kutta method (2: ETDRK2, 3: ETDRK3)", "", e->order, &e->order, NULL, 2, 3));
  PetscCall(PetscOptionsBool("-ts_etd_multistep", "Exponential Adams-Bashforth (one right-hand side and two transforms per component a step; third order where its stability test allows, else second) instead of ETDRK (-ts_etd_order): the default", "", e->multistep, &e->multistep, NULL));
  PetscCall(PetscOptionsBool("-ts_etd_ab3", "Multistep: third order (local extrapolation) where the stability test allows it", "", e->ab3, &e->ab3, NULL));
  PetscOptionsHeadEnd();
  PetscFunctionReturn(0);
}

static PetscErrorCode TSView_ETD(TS ts, PetscViewer viewer)
{
  PetscBool ascii;

  PetscFunctionBegin;
  PetscCall(PetscObjectTypeCompare((PetscObject)viewer, PETSCVIEWERASCII, &ascii));
  const TS_ETD *e = (TS_ETD *)ts->data;
  if (ascii && e->multistep) PetscCall(PetscViewerASCIIPrintf(viewer, "  exponential Adams-Bashforth (%s), ETDRK%" PetscInt_FMT " to start, linear part exact in the transforms' basis\n", e->ab3 ? "AB3 where stable, else AB2" : "AB2", e->order));
  else if (ascii) PetscCall(PetscViewerASCIIPrintf(viewer, "  ETDRK%" PetscInt_FMT ", linear part exact in the transforms' basis\n", e->order));
  PetscFunctionReturn(0);
}

static PetscErrorCode TSCreate_ETD(TS ts)
{
  TS_ETD *e;

  PetscFunctionBegin;
  PetscCall(PetscNew(&e));
  ts->data                = e;
  e->order                = 3;
  e->ab3                  = PETSC_TRUE;
  e->multistep            = PETSC_TRUE; /* TSETDMultistep's default */
  ts->ops->step           = TSStep_ETD;
  ts->ops->evaluatestep   = TSEvaluateStep_ETD;
  ts->ops->interpolate    = TSInterpolate_ETD;
  ts->ops->evaluatewlte   = TSEvaluateWLTE_ETD;
  ts->ops->setup          = TSSetUp_ETD;
  ts->ops->reset          = TSReset_ETD;
  ts->ops->destroy        = TSDestroy_ETD;
  ts->ops->view           = TSView_ETD;
  ts->ops->setfromoptions = TSSetFromOptions_ETD;
  ts->usessnes            = PETSC_FALSE;
  ts->default_adapt_type  = TSADAPTBASIC;
  PetscFunctionReturn(0);
}

PetscErrorCode TSETDRegister(void)
{
  static PetscBool done = PETSC_FALSE;

  PetscFunctionBegin;
  if (!done) PetscCall(TSRegister(TSUPHILLETD, TSCreate_ETD));
  done = PETSC_TRUE;
  PetscFunctionReturn(0);
}

PetscErrorCode TSETDSetProblem(TS ts, const ETDProblem *p)
{
  PetscBool is;

  PetscFunctionBegin;
  PetscCall(PetscObjectTypeCompare((PetscObject)ts, TSUPHILLETD, &is));
  PetscCheck(is, PetscObjectComm((PetscObject)ts), PETSC_ERR_ARG_WRONG, "the TS is not of type %s", TSUPHILLETD);
  ((TS_ETD *)ts->data)->p = *p;
  PetscFunctionReturn(0);
}
