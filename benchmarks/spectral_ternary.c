/* bench_spectral_ternary: a serial Fourier-spectral reference for the ternary (N = 3)
   Cahn-Hilliard system, problem (e) of benchmarks/time_to_solution_ternary.sh (issue 11).  Not
   part of uphill3d: one rank, plain FFTW3, its own option parser; the binary counterpart is
   spectral_ch.c.

     dc/dt = div(L(c) grad mu),  mu = f'(c) - K Lap c,  c = (c_1, c_2), periodic box,

   f the regular solution (Omega_ij, RT), L the lattice-fixed Onsager matrix of atomic
   mobilities M_1..M_3 or a constant matrix, K the gradient-energy matrix.

   Schemes: the stabilised semi-implicit schemes of the literature with the variable mobility
   explicit (Zhu, Chen, Shen & Tikare 1999, here with matrices): a constant matrix A_M (default
   L(mean c), -A_M_scale multiplies it) and a stabilisation S carry the implicit linear part
     l_k = -lambda_k A_M (S I + lambda_k K)                  (a 2x2 matrix per wave number)
   and N(c) = G(c) - l c, G(c) = div(L(c) grad mu(c)), is explicit:
     sbdf1  (I - dt l) c^{n+1} = c^n + dt N^n
     sbdf2  (3/2 I - dt l) c^{n+1} = 2 c^n - c^{n-1}/2 + dt (2 N^n - N^{n-1}), first step sbdf1.
   G is formed in real space exactly as uphill3d's residual does (7-point Laplacian for mu, face
   mobility the mean of the neighbours' L, face differences of mu), and lambda_k is that
   Laplacian's symbol sum_d (2/h)^2 sin^2(k_d h/2): the converged answer is uphill3d's spatial
   discretisation.  A step costs the stencil pass for G (row by row, the cell loops vectorised,
   logarithms through libmvec), two forward and two inverse transforms, and one sweep over the
   coefficients with the implicit symbols made once (dt is fixed).

   F(t_end) is computed as uphill3d's src/energy.c (EnergyGeneral) computes it.
   With -trace_every T, a line TRACE t=.. F=.. at the first step end at or past each multiple of T
   (not timed).  Last line: RESULT status=ok|unstable steps=.. dt=.. wall=.. ns_per_point_step=.. F=.. mass_drift=.. */
#include <fftw3.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BENCH_NAME "bench_spectral_ternary"
#include "bench_common.h"

#if defined(BENCH_HAVE_LIBMVEC)
/* glibc's vector log (libmvec), declared as uphill3d's residual.c does (no -ffast-math). */
extern double log(double) __attribute__((__simd__("notinbranch")));
#endif

static const double PI = 3.14159265358979323846;

typedef struct {
  const char *input;
  double      t_end, dt, S, A_M_scale, trace; /* trace: print F every this much time (0: never) */
  int         sbdf2, atomic;
  double      omega[9], M[3], Lc[4], K[4]; /* Omega_ij (J/mol), atomic M_k or constant L, kappa_ij */
  double      rt, vm;
} Opts;

typedef struct {
  int       n[3];
  double    h[3], dV;
  size_t    npts, nspec;
  double   *c[2], *mu[2], *g[2];             /* real fields */
  double   *L[4];                            /* L(c) per point, entry by entry (L00, L01, L10, L11) */
  double   *row[12];                         /* one x row of six fields with its periodic halo (pass buffers) */
  double   *ch[2], *ch_old[2], *N[2], *N_old[2], *tmp; /* spectral (complex pairs) */
  double   *lam;                             /* Laplacian symbol per spectral entry */
  double   *lin, *minv, op_a;                /* per entry: l (4) and (a I - dt l)^-1 (4), made for a = op_a */
  double    om[9], rt, A[4];                 /* per volume; A_M */
  fftw_plan fwd, inv;
} Solver;

static void ParseList(const char *name, const char *v, double *x, int n)
{
  char *end;
  for (int i = 0; i < n; i++) {
    x[i] = strtod(v, &end);
    if (end == v || (i < n - 1 && *end != ',') || (i == n - 1 && *end)) die("malformed list for", name);
    v = end + 1;
  }
}

static void ParseOptions(int argc, char **argv, Opts *o)
{
  double R = 1, T = 1, kappa = -1;
  int    have_L = 0;
  *o = (Opts){.dt = 1, .A_M_scale = 1, .vm = 1, .K = {1, 0, 0, 1}};
  for (int i = 1; i + 1 < argc; i += 2) {
    const char *k = argv[i], *v = argv[i + 1];
    if (!strcmp(k, "-input")) o->input = v;
    else if (!strcmp(k, "-t_end")) ParseList(k, v, &o->t_end, 1);
    else if (!strcmp(k, "-dt")) ParseList(k, v, &o->dt, 1);
    else if (!strcmp(k, "-S")) ParseList(k, v, &o->S, 1);
    else if (!strcmp(k, "-A_M_scale")) ParseList(k, v, &o->A_M_scale, 1);
    else if (!strcmp(k, "-trace_every")) ParseList(k, v, &o->trace, 1);
    else if (!strcmp(k, "-scheme") && (!strcmp(v, "sbdf1") || !strcmp(v, "sbdf2"))) o->sbdf2 = !strcmp(v, "sbdf2");
    else if (!strcmp(k, "-omega_matrix")) ParseList(k, v, o->omega, 9);
    else if (!strcmp(k, "-atomic_mobilities")) ParseList(k, v, o->M, 3), o->atomic = 1;
    else if (!strcmp(k, "-mobility_matrix")) ParseList(k, v, o->Lc, 4), have_L = 1;
    else if (!strcmp(k, "-kappa_matrix")) ParseList(k, v, o->K, 4);
    else if (!strcmp(k, "-kappa")) ParseList(k, v, &kappa, 1);
    else if (!strcmp(k, "-gas_constant")) ParseList(k, v, &R, 1);
    else if (!strcmp(k, "-temperature")) ParseList(k, v, &T, 1);
    else if (!strcmp(k, "-molar_volume")) ParseList(k, v, &o->vm, 1);
    else die("unknown option or bad value:", k);
  }
  if (kappa > 0) o->K[0] = o->K[3] = kappa, o->K[1] = o->K[2] = 0;
  if (!o->input) die("-input FILE is required (an uphill3d N = 3 field file: c_1, c_2)", NULL);
  if (o->atomic == have_L) die("give one of -atomic_mobilities M1,M2,M3 and -mobility_matrix", NULL);
  if (!(o->t_end >= 0) || !(o->dt > 0)) die("need -t_end >= 0 and -dt > 0", NULL);
  o->rt = R * T;
}

static inline size_t Idx(const Solver *s, int i, int j, int k) { return ((size_t)k * s->n[1] + j) * s->n[0] + i; }
static inline int    Wrap(int i, int n) { return i < 0 ? i + n : i >= n ? i - n : i; }

/* ---- the model, as uphill3d's multicomp.h (per unit volume) */

static double FreeEnergyDensity(const Solver *s, const double c[2])
{
  const double x[3] = {c[0], c[1], 1 - c[0] - c[1]};
  double       f    = 0;
  for (int i = 0; i < 3; i++) {
    for (int j = i + 1; j < 3; j++) f += s->om[i * 3 + j] * x[i] * x[j];
    f += s->rt * x[i] * log(x[i]);
  }
  return f;
}

static void Mobility(const Opts *o, const double c[2], double L[4])
{
  if (!o->atomic) {
    memcpy(L, o->Lc, 4 * sizeof(double));
    return;
  }
  double x[3] = {c[0], c[1], 1 - c[0] - c[1]}, g[3], S = 0;
  for (int k = 0; k < 3; k++) {
    x[k] = fmin(fmax(x[k], 0), 1);
    g[k] = x[k] * o->M[k];
    S += g[k];
  }
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 2; j++) L[i * 2 + j] = (i == j ? g[i] : 0) - x[i] * g[j] - x[j] * g[i] + x[i] * x[j] * S;
}

/* F as src/energy.c's EnergyGeneral: each cell's f plus the K-weighted squares of its +x,+y,+z
   face differences, summed in the same order. */
static double FreeEnergy(const Opts *o, const Solver *s)
{
  double sum = 0;
  for (int k = 0; k < s->n[2]; k++)
    for (int j = 0; j < s->n[1]; j++)
      for (int i = 0; i < s->n[0]; i++) {
        const size_t p = Idx(s, i, j, k);
        const size_t q[3] = {Idx(s, Wrap(i + 1, s->n[0]), j, k), Idx(s, i, Wrap(j + 1, s->n[1]), k), Idx(s, i, j, Wrap(k + 1, s->n[2]))};
        const double cc[2] = {s->c[0][p], s->c[1][p]};
        double       e     = 0;
        for (int d = 0; d < 3; d++) {
          const double g[2] = {s->c[0][q[d]] - cc[0], s->c[1][q[d]] - cc[1]};
          double       t    = 0;
          for (int r = 0; r < 2; r++)
            for (int q = 0; q < 2; q++) t += o->K[r * 2 + q] * g[r] * g[q];
          e += t / (s->h[d] * s->h[d]);
        }
        sum += FreeEnergyDensity(s, cc) + 0.5 * e;
      }
  return sum * s->dV;
}

/* G(c) = div(L(c) grad mu), mu = f'(c) - K Lap_h c, into g[0..1]: two passes over the rows (the
   flux needs every neighbour's mu and L), each row with its x halo copied and its y, z
   neighbour rows read in place, so that the cell loops vectorise (logarithms through libmvec,
   as uphill3d's kernels and the binary peer); 0 if c left the simplex. */
static int Rate(const Opts *o, Solver *s)
{
  const int    n0 = s->n[0], n1 = s->n[1], n2 = s->n[2];
  const double ih2[3] = {1 / (s->h[0] * s->h[0]), 1 / (s->h[1] * s->h[1]), 1 / (s->h[2] * s->h[2])};
  const double om[9] = {s->om[0], s->om[1], s->om[2], s->om[3], s->om[4], s->om[5], s->om[6], s->om[7], s->om[8]}, rt = s->rt;
  const double K00 = o->K[0], K01 = o->K[1], K10 = o->K[2], K11 = o->K[3], M0 = o->M[0], M1 = o->M[1], M2 = o->M[2];
  const double Lc[4] = {o->Lc[0], o->Lc[1], o->Lc[2], o->Lc[3]};
  const int    atomic = o->atomic;
  double       inside = 1;

  for (int k = 0; k < n2; k++)
    for (int j = 0; j < n1; j++) {
      const size_t p = Idx(s, 0, j, k), ym = Idx(s, 0, Wrap(j - 1, n1), k), yp = Idx(s, 0, Wrap(j + 1, n1), k), zm = Idx(s, 0, j, Wrap(k - 1, n2)), zp = Idx(s, 0, j, Wrap(k + 1, n2));
      double *restrict x0r = s->row[0], *restrict x1r = s->row[1];
      HaloRow(s->c[0] + p, n0, n0 - 1, 0, x0r);
      HaloRow(s->c[1] + p, n0, n0 - 1, 0, x1r);
      const double *c0 = s->c[0], *c1 = s->c[1];
      double *restrict mu0 = s->mu[0] + p, *restrict mu1 = s->mu[1] + p, *restrict L00 = s->L[0] + p, *restrict L01 = s->L[1] + p, *restrict L10 = s->L[2] + p, *restrict L11 = s->L[3] + p;
#pragma omp simd reduction(min : inside)
      for (int i = 0; i < n0; i++) {
        const double x0 = x0r[i + 1], x1 = x1r[i + 1], x2 = 1 - x0 - x1;
        double       gN = 0, g0 = 0, g1 = 0;
        gN = om[6] * x0 + om[7] * x1 + om[8] * x2, g0 = om[0] * x0 + om[1] * x1 + om[2] * x2, g1 = om[3] * x0 + om[4] * x1 + om[5] * x2;
        const double df0 = g0 - gN + rt * log(x0 / x2), df1 = g1 - gN + rt * log(x1 / x2);
        const double lap0 = (x0r[i] - x0 + x0r[i + 2] - x0) * ih2[0] + (c0[ym + i] - x0 + c0[yp + i] - x0) * ih2[1] + (c0[zm + i] - x0 + c0[zp + i] - x0) * ih2[2];
        const double lap1 = (x1r[i] - x1 + x1r[i + 2] - x1) * ih2[0] + (c1[ym + i] - x1 + c1[yp + i] - x1) * ih2[1] + (c1[zm + i] - x1 + c1[zp + i] - x1) * ih2[2];
        mu0[i] = df0 - (K00 * lap0 + K01 * lap1);
        mu1[i] = df1 - (K10 * lap0 + K11 * lap1);
        if (atomic) { /* Mobility: x clamped to [0, 1] */
          const double y0 = x0 < 0 ? 0 : x0 > 1 ? 1 : x0, y1 = x1 < 0 ? 0 : x1 > 1 ? 1 : x1, y2 = x2 < 0 ? 0 : x2 > 1 ? 1 : x2;
          const double a0 = y0 * M0, a1 = y1 * M1, S = a0 + a1 + y2 * M2;
          L00[i] = a0 - y0 * a0 - y0 * a0 + y0 * y0 * S;
          L01[i] = -y0 * a1 - y1 * a0 + y0 * y1 * S;
          L10[i] = -y1 * a0 - y0 * a1 + y1 * y0 * S;
          L11[i] = a1 - y1 * a1 - y1 * a1 + y1 * y1 * S;
        } else L00[i] = Lc[0], L01[i] = Lc[1], L10[i] = Lc[2], L11[i] = Lc[3];
        inside = x0 > 0 && x1 > 0 && x2 > 0 ? inside : 0;
      }
    }
  for (int k = 0; k < n2; k++)
    for (int j = 0; j < n1; j++) {
      const size_t p = Idx(s, 0, j, k), nb[4] = {Idx(s, 0, Wrap(j - 1, n1), k), Idx(s, 0, Wrap(j + 1, n1), k), Idx(s, 0, j, Wrap(k - 1, n2)), Idx(s, 0, j, Wrap(k + 1, n2))};
      const double *f[6] = {s->mu[0], s->mu[1], s->L[0], s->L[1], s->L[2], s->L[3]};
      for (int r = 0; r < 6; r++) HaloRow(f[r] + p, n0, n0 - 1, 0, s->row[r]);
      const double *restrict m0 = s->row[0], *restrict m1 = s->row[1], *restrict A00 = s->row[2], *restrict A01 = s->row[3], *restrict A10 = s->row[4], *restrict A11 = s->row[5];
      const double *mu0 = s->mu[0], *mu1 = s->mu[1], *L00 = s->L[0], *L01 = s->L[1], *L10 = s->L[2], *L11 = s->L[3];
      double *restrict g0 = s->g[0] + p, *restrict g1 = s->g[1] + p;
#pragma omp simd
      for (int i = 0; i < n0; i++) {
        const double c00 = A00[i + 1], c01 = A01[i + 1], c10 = A10[i + 1], c11 = A11[i + 1], u0 = m0[i + 1], u1 = m1[i + 1];
        double       d0 = 0, d1 = 0;
        for (int side = 0; side < 2; side++) { /* x faces, from the halo rows */
          const int    q   = side ? i + 2 : i;
          const double dm0 = m0[q] - u0, dm1 = m1[q] - u1;
          d0 += 0.5 * ih2[0] * ((c00 + A00[q]) * dm0 + (c01 + A01[q]) * dm1);
          d1 += 0.5 * ih2[0] * ((c10 + A10[q]) * dm0 + (c11 + A11[q]) * dm1);
        }
        for (int f4 = 0; f4 < 4; f4++) { /* y and z faces, from the neighbour rows */
          const size_t q   = nb[f4] + i;
          const double w   = 0.5 * ih2[1 + f4 / 2], dm0 = mu0[q] - u0, dm1 = mu1[q] - u1;
          d0 += w * ((c00 + L00[q]) * dm0 + (c01 + L01[q]) * dm1);
          d1 += w * ((c10 + L10[q]) * dm0 + (c11 + L11[q]) * dm1);
        }
        g0[i] = d0;
        g1[i] = d1;
      }
    }
  return inside > 0;
}

/* in (a real field the pass may destroy) -> out; the round trip's 1/npts goes into the inverse's
   input copy (the c2r destroys its input). */
static void Forward(Solver *s, double *in, double *out) { fftw_execute_dft_r2c(s->fwd, in, (fftw_complex *)out); }

static void Inverse(Solver *s, const double *in, double *out)
{
  const double   scale = 1 / (double)s->npts;
  double *restrict t   = s->tmp;
#pragma omp simd
  for (size_t i = 0; i < 2 * s->nspec; i++) t[i] = scale * in[i];
  fftw_execute_dft_c2r(s->inv, (fftw_complex *)t, out);
}

/* Per spectral entry: l = -lam A (S I + lam K) and (a I - dt l)^-1, for the step's a (1: sbdf1
   and sbdf2's first step, 3/2: sbdf2), made once per a (dt is fixed), as spectral codes keep
   their implicit symbols. */
static void PrepareOperator(const Opts *o, Solver *s, double dt, double a)
{
  for (size_t e = 0; e < s->nspec; e++) {
    const double lam = s->lam[e];
    double       l[4], Mx[4];
    for (int i = 0; i < 2; i++)
      for (int j = 0; j < 2; j++) {
        double v = 0;
        for (int m = 0; m < 2; m++) v += s->A[i * 2 + m] * ((m == j ? o->S : 0) + lam * o->K[m * 2 + j]);
        l[i * 2 + j]  = -lam * v;
        Mx[i * 2 + j] = (i == j ? a : 0) - dt * l[i * 2 + j];
      }
    const double det = Mx[0] * Mx[3] - Mx[1] * Mx[2];
    for (int i = 0; i < 4; i++) s->lin[4 * e + i] = l[i];
    s->minv[4 * e] = Mx[3] / det, s->minv[4 * e + 1] = -Mx[1] / det, s->minv[4 * e + 2] = -Mx[2] / det, s->minv[4 * e + 3] = Mx[0] / det;
  }
  s->op_a = a;
}

/* One step of either scheme: ch^{n+1} from ch (and ch_old, N_old for sbdf2). */
static int Step(const Opts *o, Solver *s, double dt, int second)
{
  if (!Rate(o, s)) return 0;
  for (int r = 0; r < 2; r++) Forward(s, s->g[r], s->N[r]); /* G hat, made N hat below */
  const double a = second ? 1.5 : 1.0;
  if (a != s->op_a) PrepareOperator(o, s, dt, a);
  const double *restrict l = s->lin, *restrict mi = s->minv;
  double *restrict N0 = s->N[0], *restrict N1 = s->N[1], *restrict c0 = s->ch[0], *restrict c1 = s->ch[1];
  double *restrict o0 = s->ch_old[0], *restrict o1 = s->ch_old[1], *restrict P0 = s->N_old[0], *restrict P1 = s->N_old[1];
#pragma omp simd
  for (size_t e = 0; e < s->nspec; e++) {
    const double l00 = l[4 * e], l01 = l[4 * e + 1], l10 = l[4 * e + 2], l11 = l[4 * e + 3];
    const double m00 = mi[4 * e], m01 = mi[4 * e + 1], m10 = mi[4 * e + 2], m11 = mi[4 * e + 3];
    for (int q = 0; q < 2; q++) {
      const size_t i  = 2 * e + q;
      const double n0 = N0[i] - (l00 * c0[i] + l01 * c1[i]), n1 = N1[i] - (l10 * c0[i] + l11 * c1[i]);
      const double r0 = second ? 2 * c0[i] - 0.5 * o0[i] + dt * (2 * n0 - P0[i]) : c0[i] + dt * n0;
      const double r1 = second ? 2 * c1[i] - 0.5 * o1[i] + dt * (2 * n1 - P1[i]) : c1[i] + dt * n1;
      o0[i] = c0[i], o1[i] = c1[i], P0[i] = n0, P1[i] = n1;
      c0[i] = m00 * r0 + m01 * r1;
      c1[i] = m10 * r0 + m11 * r1;
    }
  }
  for (int r = 0; r < 2; r++) Inverse(s, s->ch[r], s->c[r]);
  return 1;
}

int main(int argc, char **argv)
{
  Opts   o;
  Solver s = {0};
  double L[3];

  ParseOptions(argc, argv, &o);
  hid_t f = OpenField(o.input);
  s.c[0]  = ReadDataset(f, o.input, "c_1", s.n);
  s.c[1]  = ReadDataset(f, o.input, "c_2", s.n);
  ReadBox(f, s.n, L);
  H5Fclose(f);
  for (int d = 0; d < 3; d++) s.h[d] = L[d] / s.n[d];
  s.dV    = s.h[0] * s.h[1] * s.h[2];
  s.npts  = (size_t)s.n[0] * s.n[1] * s.n[2];
  s.nspec = (size_t)(s.n[0] / 2 + 1) * s.n[1] * s.n[2];
  s.rt    = o.rt / o.vm;
  for (int i = 0; i < 9; i++) s.om[i] = o.omega[i] / o.vm;
  s.tmp  = xalloc(2 * s.nspec);
  s.lam  = xalloc(s.nspec);
  s.lin  = xalloc(4 * s.nspec);
  s.minv = xalloc(4 * s.nspec);
  for (int i = 0; i < 4; i++) s.L[i] = xalloc(s.npts);
  for (int i = 0; i < 12; i++) s.row[i] = xalloc(s.n[0] + 2);
  for (int r = 0; r < 2; r++) {
    s.mu[r] = xalloc(s.npts);
    s.g[r]  = xalloc(s.npts);
    s.ch[r] = xalloc(2 * s.nspec), s.ch_old[r] = xalloc(2 * s.nspec), s.N[r] = xalloc(2 * s.nspec), s.N_old[r] = xalloc(2 * s.nspec);
  }
  const double tp = now();
  double *plan_in = xalloc(s.npts); /* the plans run on any fftw_malloc'ed arrays (new-array execute) */
  s.fwd = fftw_plan_dft_r2c_3d(s.n[2], s.n[1], s.n[0], plan_in, (fftw_complex *)s.tmp, FFTW_MEASURE);
  s.inv = fftw_plan_dft_c2r_3d(s.n[2], s.n[1], s.n[0], (fftw_complex *)s.tmp, plan_in, FFTW_MEASURE);
  if (!s.fwd || !s.inv) die("FFTW planning failed", NULL);
  const double plan = now() - tp;
  for (size_t e = 0; e < s.nspec; e++) {
    const int nx = s.n[0] / 2 + 1, m[3] = {(int)(e % nx), (int)((e / nx) % s.n[1]), (int)(e / ((size_t)nx * s.n[1]))};
    double    lam = 0;
    for (int d = 0; d < 3; d++) {
      const double sn = sin(PI * m[d] / (double)s.n[d]);
      lam += 4 / (s.h[d] * s.h[d]) * sn * sn;
    }
    s.lam[e] = lam;
  }
  double mean[2] = {0, 0}, mass0[2];
  for (int r = 0; r < 2; r++) {
    for (size_t p = 0; p < s.npts; p++) mean[r] += s.c[r][p];
    mass0[r] = mean[r] * s.dV;
    mean[r] /= (double)s.npts;
  }
  Mobility(&o, mean, s.A);
  for (int i = 0; i < 4; i++) s.A[i] *= o.A_M_scale;
  for (int r = 0; r < 2; r++) { /* the transform destroys its input: from a copy */
    memcpy(plan_in, s.c[r], s.npts * sizeof(double));
    Forward(&s, plan_in, s.ch[r]);
  }

  const long   steps = o.t_end > 0 ? (long)ceil(o.t_end / o.dt - 1e-9) : 0;
  const double dt    = steps ? o.t_end / steps : 0;
  const double t0    = now();
  int          ok    = 1;
  double       paused = 0, next_trace = o.trace;
  for (long n = 0; n < steps && ok; n++) {
    ok = Step(&o, &s, dt, o.sbdf2 && n > 0);
    for (size_t p = 0; p < s.npts && ok; p++)
      if (!isfinite(s.c[0][p]) || !isfinite(s.c[1][p])) ok = 0;
    if (ok && o.trace > 0 && (n + 1) * dt >= next_trace * (1 - 1e-12)) { /* not timed */
      const double tp0 = now();
      printf("TRACE t=%.9g F=%.12f\n", (n + 1) * dt, FreeEnergy(&o, &s));
      while (next_trace <= (n + 1) * dt * (1 + 1e-12)) next_trace += o.trace;
      paused += now() - tp0;
    }
  }
  const double wall = now() - t0 - paused;
  double       drift = 0;
  for (int r = 0; r < 2; r++) {
    double m = 0;
    for (size_t p = 0; p < s.npts; p++) m += s.c[r][p];
    drift = fmax(drift, fabs(m * s.dV - mass0[r]) / fabs(mass0[r]));
  }
  const double F = ok ? FreeEnergy(&o, &s) : NAN;
  printf("RESULT status=%s steps=%ld dt=%.9g wall=%.6g plan=%.3g ns_per_point_step=%.4g F=%.12f mass_drift=%.3e\n", ok ? "ok" : "unstable", steps, dt, wall, plan,
         steps ? 1e9 * wall / ((double)steps * s.npts) : 0.0, F, drift);
  return 0;
}
