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
   discretisation.  A step costs the stencil pass for G, two forward and two inverse transforms.

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
  double   *c[2], *mu[2], *g[2], *work;      /* real fields */
  double   *L;                               /* L(c) per point, 4 entries each */
  double   *ch[2], *ch_old[2], *N[2], *N_old[2], *tmp; /* spectral (complex pairs) */
  double   *lam;                             /* Laplacian symbol per spectral entry */
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

/* The six face neighbours of cell (i, j, k): -x, +x, -y, +y, -z, +z (periodic). */
static inline void Neighbours(const Solver *s, int i, int j, int k, size_t nb[6])
{
  nb[0] = Idx(s, Wrap(i - 1, s->n[0]), j, k), nb[1] = Idx(s, Wrap(i + 1, s->n[0]), j, k);
  nb[2] = Idx(s, i, Wrap(j - 1, s->n[1]), k), nb[3] = Idx(s, i, Wrap(j + 1, s->n[1]), k);
  nb[4] = Idx(s, i, j, Wrap(k - 1, s->n[2])), nb[5] = Idx(s, i, j, Wrap(k + 1, s->n[2]));
}

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

static void DF(const Solver *s, const double c[2], double df[2])
{
  const double x[3] = {c[0], c[1], 1 - c[0] - c[1]};
  double       gN   = 0;
  for (int j = 0; j < 3; j++) gN += s->om[2 * 3 + j] * x[j];
  for (int i = 0; i < 2; i++) {
    double g = 0;
    for (int j = 0; j < 3; j++) g += s->om[i * 3 + j] * x[j];
    df[i] = g - gN + s->rt * log(x[i] / x[2]);
  }
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

/* Pass 0 at one cell: mu = f'(c) - K Lap_h c and L(c) (read by the six faces around it). */
static int PotentialAt(const Opts *o, Solver *s, size_t p, const size_t nb[6])
{
  const double c[2] = {s->c[0][p], s->c[1][p]};
  double       df[2], lap[2] = {0, 0};
  DF(s, c, df);
  for (int f = 0; f < 6; f++)
    for (int r = 0; r < 2; r++) lap[r] += (s->c[r][nb[f]] - c[r]) / (s->h[f / 2] * s->h[f / 2]);
  for (int r = 0; r < 2; r++) s->mu[r][p] = df[r] - (o->K[r * 2] * lap[0] + o->K[r * 2 + 1] * lap[1]);
  Mobility(o, c, s->L + 4 * p);
  return c[0] > 0 && c[1] > 0 && c[0] + c[1] < 1;
}

/* Pass 1 at one cell: div(L grad mu), face mobility the mean of the two cells' L. */
static void FluxAt(Solver *s, size_t p, const size_t nb[6])
{
  const double *L      = s->L + 4 * p;
  double        div[2] = {0, 0};
  for (int f = 0; f < 6; f++) {
    const double ih2 = 1 / (s->h[f / 2] * s->h[f / 2]), *Ln = s->L + 4 * nb[f];
    const double dm[2] = {s->mu[0][nb[f]] - s->mu[0][p], s->mu[1][nb[f]] - s->mu[1][p]};
    for (int r = 0; r < 2; r++) div[r] += 0.5 * ih2 * ((L[r * 2] + Ln[r * 2]) * dm[0] + (L[r * 2 + 1] + Ln[r * 2 + 1]) * dm[1]);
  }
  s->g[0][p] = div[0];
  s->g[1][p] = div[1];
}

/* G(c) = div(L(c) grad mu), mu = f'(c) - K Lap_h c, into g[0..1] (two passes over the grid:
   the flux needs every neighbour's mu); 0 if c left the simplex. */
static int Rate(const Opts *o, Solver *s)
{
  int ok = 1;
  for (int pass = 0; pass < 2; pass++)
    for (int k = 0; k < s->n[2]; k++)
      for (int j = 0; j < s->n[1]; j++)
        for (int i = 0; i < s->n[0]; i++) {
          size_t nb[6];
          Neighbours(s, i, j, k, nb);
          if (pass == 0) ok &= PotentialAt(o, s, Idx(s, i, j, k), nb);
          else FluxAt(s, Idx(s, i, j, k), nb);
        }
  return ok;
}

static void Forward(Solver *s, const double *in, double *out)
{
  memcpy(s->work, in, s->npts * sizeof(double));
  fftw_execute_dft_r2c(s->fwd, s->work, (fftw_complex *)out);
}

static void Inverse(Solver *s, const double *in, double *out)
{
  memcpy(s->tmp, in, 2 * s->nspec * sizeof(double));
  fftw_execute_dft_c2r(s->inv, (fftw_complex *)s->tmp, out);
  for (size_t p = 0; p < s->npts; p++) out[p] /= (double)s->npts;
}

/* One step of either scheme: ch^{n+1} from ch (and ch_old, N_old for sbdf2). */
static int Step(const Opts *o, Solver *s, double dt, int second)
{
  if (!Rate(o, s)) return 0;
  for (int r = 0; r < 2; r++) Forward(s, s->g[r], s->N[r]); /* G hat, made N hat below */
  const double a = second ? 1.5 : 1.0;
  for (size_t e = 0; e < s->nspec; e++) {
    const double lam = s->lam[e];
    double       l[4], Mx[4]; /* l = -lam A (S I + lam K); Mx = a I - dt l */
    for (int i = 0; i < 2; i++)
      for (int j = 0; j < 2; j++) {
        double v = 0;
        for (int m = 0; m < 2; m++) v += s->A[i * 2 + m] * ((m == j ? o->S : 0) + lam * o->K[m * 2 + j]);
        l[i * 2 + j]  = -lam * v;
        Mx[i * 2 + j] = (i == j ? a : 0) - dt * l[i * 2 + j];
      }
    const double det = Mx[0] * Mx[3] - Mx[1] * Mx[2];
    for (int q = 0; q < 2; q++) {
      const size_t idx = 2 * e + q;
      double       Nn[2], rhs[2];
      for (int r = 0; r < 2; r++) Nn[r] = s->N[r][idx] - (l[r * 2] * s->ch[0][idx] + l[r * 2 + 1] * s->ch[1][idx]);
      for (int r = 0; r < 2; r++) {
        rhs[r] = second ? 2 * s->ch[r][idx] - 0.5 * s->ch_old[r][idx] + dt * (2 * Nn[r] - s->N_old[r][idx]) : s->ch[r][idx] + dt * Nn[r];
        s->ch_old[r][idx] = s->ch[r][idx];
        s->N_old[r][idx]  = Nn[r];
      }
      s->ch[0][idx] = (Mx[3] * rhs[0] - Mx[1] * rhs[1]) / det;
      s->ch[1][idx] = (Mx[0] * rhs[1] - Mx[2] * rhs[0]) / det;
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
  s.work = xalloc(s.npts);
  s.tmp  = xalloc(2 * s.nspec);
  s.lam  = xalloc(s.nspec);
  s.L    = xalloc(4 * s.npts);
  for (int r = 0; r < 2; r++) {
    s.mu[r] = xalloc(s.npts);
    s.g[r]  = xalloc(s.npts);
    s.ch[r] = xalloc(2 * s.nspec), s.ch_old[r] = xalloc(2 * s.nspec), s.N[r] = xalloc(2 * s.nspec), s.N_old[r] = xalloc(2 * s.nspec);
  }
  const double tp = now();
  s.fwd = fftw_plan_dft_r2c_3d(s.n[2], s.n[1], s.n[0], s.work, (fftw_complex *)s.tmp, FFTW_MEASURE);
  s.inv = fftw_plan_dft_c2r_3d(s.n[2], s.n[1], s.n[0], (fftw_complex *)s.tmp, s.work, FFTW_MEASURE);
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
  for (int r = 0; r < 2; r++) Forward(&s, s.c[r], s.ch[r]);

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
