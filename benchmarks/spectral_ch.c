/* bench_spectral: a serial Fourier-spectral Cahn-Hilliard reference solver, the method of
   the literature, written as well as the literature does it, to measure uphill3d against
   (issue 11).  Not part of uphill3d: one rank, plain FFTW3, its own tiny option parser.

     dc/dt = div(M(c) grad mu),  mu = f'(c) - kappa Lap c,  periodic or no-flux box.

   Schemes (fixed dt; the step is t_end / ceil(t_end / dt) so that the run ends on t_end):
     sbdf1  stabilised semi-implicit Euler (Chen & Shen 1998, Shen & Yang 2010):
              (1 + dt Mi K2 (A + kappa K2)) c^{n+1} = c^n + dt R^n
     sbdf2  stabilised SBDF2 (Li & Qiao 2017: A (c^{n+1} - 2c^n + c^{n-1}) in mu), first step sbdf1:
              (3/2 + dt Mi K2 (A + kappa K2)) c^{n+1} = 2c^n - c^{n-1}/2 + dt (2R^n - R^{n-1})
   with the explicit part R^n = -Mi K2 FFT(f'(c^n) - A c^n) + E^n, where
     constant mobility:   Mi = M0, E = 0;
     degenerate M0 c(1-c) (Zhu, Chen, Shen & Tikare 1999): Mi = A_M (implicit constant part),
                          E = FFT(div((M(c^n) - A_M) grad mu^n)) explicit.
   Because the extrapolated term is written as 2(f' - A c)^n - (f' - A c)^{n-1}, the
   stabilisation is exactly A (c^{n+1} - 2c^n + c^{n-1}) and one transform of g = f' - A c
   per step suffices: a step costs one forward and one inverse transform (degenerate: one
   more forward for fd, six more for spectral differentiation).  Default A = max|f''|/2 over
   the binodal range (energy-stable SBDF1); A = 0 is allowed and is the more accurate where
   it is stable (problem a of the benchmark: up to dt ~ 2).

   Symbols (-symbol): fd (default) is the 7-point Laplacian's symbol
     K2 = sum_d (2/h_d)^2 sin^2(k_d h_d / 2)                   (periodic, DFT)
     K2 = sum_d (2/h_d)^2 sin^2(pi m_d / (2 N_d))              (no-flux, DCT-II/DCT-III)
   so the converged answer is uphill3d's spatial discretisation exactly (the same ODE
   system: a clean comparison of time integrators); spectral is the usual k^2 (periodic only).
   The degenerate mobility's explicit flux is formed, for fd, in real space exactly as
   uphill3d's residual does (face mobility the mean of the neighbours' M, face differences,
   mirrored ghosts at no-flux walls); for spectral, by spectral differentiation (ik, Nyquist
   derivative zeroed), periodic only.

   F(t_end) is computed exactly as uphill3d's src/energy.c computes it (same cell sums in the
   same order), so the two codes' energies can be compared to round-off.

   Last line of output, machine readable:
     RESULT status=ok|unstable steps=.. dt=.. wall=.. plan=.. io=.. ns_per_point_step=.. F=.. mass_drift=.. */
#include <fftw3.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BENCH_NAME "bench_spectral"
#include "bench_common.h"
#include "cosine_fft.h" /* uphill3d's DCT-II/III through an r2c of the same size: the fastest at hand */

#if defined(BENCH_HAVE_LIBMVEC)
/* glibc's vector log (libmvec), declared as uphill3d's residual.c does (no -ffast-math). */
extern double log(double) __attribute__((__simd__("notinbranch")));
#endif

static const double PI = 3.14159265358979323846;

typedef enum { BC_PERIODIC, BC_NOFLUX } Bc;
typedef enum { FE_REGULAR, FE_DOUBLE_WELL } Energy;

typedef struct {
  const char *input;
  double      t_end, dt, A, A_M, L[3];
  int         sbdf2, symbol_fd, degenerate, have_A, have_A_M, have_L[3];
  Bc          bc;
  Energy      energy;
  double      omega, temperature, gas_constant, molar_volume, rho, c_alpha, c_beta, kappa, mobility;
  unsigned    fftw_flags;
  int         fftw_dct; /* no-flux: FFTW's REDFT10/01 instead of the cosine transforms through an r2c */
} Opts;

typedef struct {
  Energy type;
  double omega, rt, rho, ca, cb; /* per unit volume: Omega/V_m, RT/V_m */
} Thermo;

typedef struct {
  int       n[3];              /* Nx, Ny, Nz (x fastest in memory) */
  double    h[3], dV, norm;    /* norm: the inverse transform of the forward one returns norm * u */
  size_t    npts, nspec;       /* real points; spectral entries (complex or real) */
  int       stride;            /* doubles per spectral entry: 2 (DFT) or 1 (DCT) */
  double   *c, *work;          /* real fields */
  double   *cs, *cs_old, *R, *R_old, *tmp, *mus; /* spectral fields (mus: degenerate + spectral) */
  double   *K2, *Lop;          /* per spectral entry: K2 and Mi K2 (A + kappa K2) */
  double   *mob;               /* degenerate fd: M(c) - A_M per point */
  double   *row[3];            /* degenerate fd: x rows with their halo (c, mu, M - A_M) */
  fftw_plan fwd, inv;          /* work -> tmp, tmp -> work */
  CosineFFT cosine;            /* no-flux on one rank: the DCT pair through an r2c (fwd, inv unused) */
} Solver;

/* ------------------------------------------------------------------ small helpers */

static double parse_real(const char *name, const char *s)
{
  char  *end;
  double x = strtod(s, &end);
  if (end == s || *end) die("malformed real for", name);
  return x;
}

/* ------------------------------------------------------------------ thermodynamics (as uphill3d's thermo.h) */

static double ThermoF(const Thermo *th, double c)
{
  if (th->type == FE_REGULAR) return th->omega * c * (1 - c) + th->rt * (c * log(c) + (1 - c) * log(1 - c));
  const double a = c - th->ca, b = th->cb - c;
  return th->rho * a * a * b * b;
}

static double ThermoDF(const Thermo *th, double c)
{
  if (th->type == FE_REGULAR) return th->omega * (1 - 2 * c) + th->rt * log(c / (1 - c));
  return 2 * th->rho * (c - th->ca) * (th->cb - c) * (th->ca + th->cb - 2 * c);
}

static double ThermoD2F(const Thermo *th, double c)
{
  if (th->type == FE_REGULAR) return -2 * th->omega + th->rt / (c * (1 - c));
  const double s = th->ca + th->cb - 2 * c;
  return 2 * th->rho * (s * s - 2 * (c - th->ca) * (th->cb - c));
}

/* Lower binodal (common tangent, horizontal by symmetry): ln(c/(1-c)) = Omega (2c-1)/RT by
   bisection in x = ln(c/(1-c)); returns 0 above T_c (then the range is all of (0,1)). */
static double BinodalLow(const Thermo *th)
{
  if (th->type == FE_DOUBLE_WELL) return th->ca;
  if (!(th->omega > 2 * th->rt)) return 0;
  const double a = th->omega / th->rt, slo = 0.5 * (1 - sqrt(1 - 2 * th->rt / th->omega));
  double       xa = -700, xb = log(slo / (1 - slo));
  for (int it = 0; it < 200; it++) {
    const double xm = 0.5 * (xa + xb), c = 1 / (1 + exp(-xm));
    if (xm - a * (2 * c - 1) < 0) xa = xm;
    else xb = xm;
  }
  return 1 / (1 + exp(-0.5 * (xa + xb)));
}

/* Default stabilisation: A = max |f''| / 2 over the equilibrium range [binodal_lo, binodal_hi]
   (Shen & Yang 2010's condition for SBDF1 energy stability with f'' bounded by L on the range
   the solution visits; c stays inside the binodal range up to small overshoots). */
static double DefaultStabilisation(const Thermo *th)
{
  const double lo = BinodalLow(th), hi = th->type == FE_DOUBLE_WELL ? th->cb : 1 - lo;
  const double a = lo > 0 ? lo : 0.05, b = lo > 0 ? hi : 0.95;
  double       m = 0;
  for (int i = 0; i <= 1000; i++) {
    const double c = a + (b - a) * i / 1000.0;
    m = fmax(m, fabs(ThermoD2F(th, c)));
  }
  return 0.5 * m;
}

/* ------------------------------------------------------------------ options */

static void Usage(void)
{
  printf("bench_spectral -input FILE.h5 [-t_end T] [-dt DT] [-scheme sbdf1|sbdf2] [-A A] [-A_M AM]\n"
         "  [-symbol fd|spectral] [-bc periodic|noflux] [-mobility_model constant|degenerate]\n"
         "  [-free_energy regular_solution|double_well] [-omega] [-temperature] [-gas_constant]\n"
         "  [-molar_volume] [-rho] [-c_alpha] [-c_beta] [-kappa] [-mobility] [-Lx] [-Ly] [-Lz]\n"
         "  [-fftw measure|estimate|patient] [-dct r2c|fftw]\n"
         "-dct (no-flux): the DCT-II/III pair through an r2c of the same size (uphill3d's\n"
         "src/cosine_fft.c, the default, 2-3x faster) or FFTW's REDFT10/01.\n"
         "Model options have uphill3d's names, meanings and defaults; -Lx.. default to the file's\n"
         "attributes, else to the grid size (h = 1).  -A defaults to max|f''|/2 over the binodal\n"
         "range; -A_M (degenerate) to M0/4 = max M0 c(1-c).\n");
}

static void ParseOptions(int argc, char **argv, Opts *o)
{
  *o = (Opts){.t_end = 0, .dt = 1, .symbol_fd = 1, .bc = BC_PERIODIC, .energy = FE_REGULAR, .omega = 20000, .temperature = 873, .gas_constant = 8.31446,
              .molar_volume = 1, .rho = 5, .c_alpha = 0.3, .c_beta = 0.7, .kappa = 1e5, .mobility = 1, .fftw_flags = FFTW_MEASURE};
  for (int i = 1; i < argc; i++) {
    const char *k = argv[i];
    if (!strcmp(k, "-help") || !strcmp(k, "-h")) {
      Usage();
      exit(0);
    }
    if (i + 1 >= argc) die("missing value for option", k);
    const char *v = argv[++i];
    struct {
      const char *name;
      double     *x;
      int        *flag;
    } reals[] = {
      {"-t_end", &o->t_end, NULL},          {"-dt", &o->dt, NULL},         {"-A", &o->A, &o->have_A},
      {"-A_M", &o->A_M, &o->have_A_M},      {"-omega", &o->omega, NULL},   {"-temperature", &o->temperature, NULL},
      {"-gas_constant", &o->gas_constant, NULL}, {"-molar_volume", &o->molar_volume, NULL}, {"-rho", &o->rho, NULL},
      {"-c_alpha", &o->c_alpha, NULL},      {"-c_beta", &o->c_beta, NULL}, {"-kappa", &o->kappa, NULL},
      {"-mobility", &o->mobility, NULL},    {"-Lx", &o->L[0], &o->have_L[0]}, {"-Ly", &o->L[1], &o->have_L[1]},
      {"-Lz", &o->L[2], &o->have_L[2]},
    };
    int done = 0;
    for (size_t r = 0; r < sizeof reals / sizeof reals[0] && !done; r++)
      if (!strcmp(k, reals[r].name)) {
        *reals[r].x = parse_real(k, v);
        if (reals[r].flag) *reals[r].flag = 1;
        done = 1;
      }
    if (done) continue;
    if (!strcmp(k, "-input")) o->input = v;
    else if (!strcmp(k, "-scheme") && (!strcmp(v, "sbdf1") || !strcmp(v, "sbdf2"))) o->sbdf2 = !strcmp(v, "sbdf2");
    else if (!strcmp(k, "-symbol") && (!strcmp(v, "fd") || !strcmp(v, "spectral"))) o->symbol_fd = !strcmp(v, "fd");
    else if (!strcmp(k, "-bc") && (!strcmp(v, "periodic") || !strcmp(v, "noflux"))) o->bc = strcmp(v, "periodic") ? BC_NOFLUX : BC_PERIODIC;
    else if (!strcmp(k, "-mobility_model") && (!strcmp(v, "constant") || !strcmp(v, "degenerate"))) o->degenerate = !strcmp(v, "degenerate");
    else if (!strcmp(k, "-free_energy") && (!strcmp(v, "regular_solution") || !strcmp(v, "double_well"))) o->energy = strcmp(v, "double_well") ? FE_REGULAR : FE_DOUBLE_WELL;
    else if (!strcmp(k, "-fftw") && !strcmp(v, "measure")) o->fftw_flags = FFTW_MEASURE;
    else if (!strcmp(k, "-fftw") && !strcmp(v, "estimate")) o->fftw_flags = FFTW_ESTIMATE;
    else if (!strcmp(k, "-fftw") && !strcmp(v, "patient")) o->fftw_flags = FFTW_PATIENT;
    else if (!strcmp(k, "-dct") && (!strcmp(v, "r2c") || !strcmp(v, "fftw"))) o->fftw_dct = !strcmp(v, "fftw");
    else die("unknown option or bad value:", k);
  }
  if (!o->input) die("-input FILE is required (an uphill3d field file with dataset c)", NULL);
  if (!(o->t_end >= 0) || !(o->dt > 0)) die("need -t_end >= 0 and -dt > 0", NULL);
  if (!(o->kappa > 0) || !(o->mobility > 0) || !(o->molar_volume > 0)) die("need kappa, mobility, molar_volume > 0", NULL);
  if (!o->symbol_fd && o->bc == BC_NOFLUX) die("-symbol spectral is for periodic boxes (use fd with -bc noflux)", NULL);
}

/* ------------------------------------------------------------------ input */

/* Reads dataset c ([Nz][Ny][Nx], x fastest) and the file's box lengths (uphill3d's attributes). */
static double *ReadField(const char *path, int n[3], double L[3])
{
  hid_t   f = OpenField(path);
  double *c = ReadDataset(f, path, "c", n);
  ReadBox(f, n, L);
  H5Fclose(f);
  return c;
}

/* ------------------------------------------------------------------ grid, symbols, transforms */

static inline size_t Idx(const Solver *s, int i, int j, int k) { return ((size_t)k * s->n[1] + j) * s->n[0] + i; }

/* Neighbour index along d (+1 or -1): periodic wrap, or the cell itself (mirrored ghost) at a wall. */
static inline int Nb(int i, int di, int n, Bc bc)
{
  const int m = i + di;
  if (m >= 0 && m < n) return m;
  return bc == BC_PERIODIC ? (m + n) % n : i;
}

/* Wave number of DFT index m on n points of spacing h: k = 2 pi m~ / (n h), m~ in (-n/2, n/2]. */
static double WaveNumber(int m, int n, double h)
{
  const int mm = m <= n / 2 ? m : m - n;
  return 2 * PI * mm / (n * h);
}

static double SymbolK2(const Opts *o, const Solver *s, const int m[3])
{
  double k2 = 0;
  for (int d = 0; d < 3; d++) {
    const int    n = s->n[d];
    const double h = s->h[d];
    if (o->bc == BC_NOFLUX) {
      const double sn = sin(PI * m[d] / (2.0 * n));
      k2 += 4 / (h * h) * sn * sn;
    } else if (o->symbol_fd) {
      const double sn = sin(PI * m[d] / (double)n); /* sin(k h / 2) */
      k2 += 4 / (h * h) * sn * sn;
    } else {
      const double k = WaveNumber(m[d], n, h);
      k2 += k * k;
    }
  }
  return k2;
}

/* Spectral layout: DFT r2c keeps x as Nx/2+1 complex entries; DCT keeps all Nx real entries. */
static void SpectralIndex(const Solver *s, size_t e, int m[3])
{
  const int nxs = s->stride == 2 ? s->n[0] / 2 + 1 : s->n[0];
  m[0] = (int)(e % nxs);
  m[1] = (int)((e / nxs) % s->n[1]);
  m[2] = (int)(e / ((size_t)nxs * s->n[1]));
}

static void SetupSolver(const Opts *o, Solver *s, const int n[3], const double L[3], double *plan_time)
{
  for (int d = 0; d < 3; d++) {
    s->n[d] = n[d];
    s->h[d] = L[d] / n[d];
  }
  s->dV     = s->h[0] * s->h[1] * s->h[2];
  s->npts   = (size_t)n[0] * n[1] * n[2];
  s->stride = o->bc == BC_PERIODIC ? 2 : 1;
  s->nspec  = o->bc == BC_PERIODIC ? (size_t)(n[0] / 2 + 1) * n[1] * n[2] : s->npts;
  s->norm   = o->bc == BC_PERIODIC ? (double)s->npts : 8.0 * s->npts; /* DCT: 2N per direction */
  const size_t ns = s->nspec * s->stride;
  s->work   = xalloc(s->npts);
  s->tmp    = xalloc(ns);
  s->cs     = xalloc(ns);
  s->cs_old = xalloc(ns);
  s->R      = xalloc(ns);
  s->R_old  = xalloc(ns);
  s->K2     = xalloc(s->nspec);
  s->Lop    = xalloc(s->nspec);
  if (o->degenerate && o->symbol_fd) {
    s->mob = xalloc(s->npts);
    for (int r = 0; r < 3; r++) s->row[r] = xalloc(s->n[0] + 2);
  }
  if (o->degenerate && !o->symbol_fd) s->mus = xalloc(ns);

  /* FFTW_MEASURE overwrites the arrays while planning: plan before the data is in place. */
  const double t0 = now();
  if (o->bc == BC_PERIODIC) {
    s->fwd = fftw_plan_dft_r2c_3d(n[2], n[1], n[0], s->work, (fftw_complex *)s->tmp, o->fftw_flags);
    s->inv = fftw_plan_dft_c2r_3d(n[2], n[1], n[0], (fftw_complex *)s->tmp, s->work, o->fftw_flags);
  } else {
    const PetscInt nn[3] = {n[2], n[1], n[0]}; /* slowest first */
    if (!o->fftw_dct && CosineFFTCreate(3, nn, o->fftw_flags, &s->cosine)) die("cosine transform set-up failed", NULL);
    if (!s->cosine) {
      s->fwd = fftw_plan_r2r_3d(n[2], n[1], n[0], s->work, s->tmp, FFTW_REDFT10, FFTW_REDFT10, FFTW_REDFT10, o->fftw_flags);
      s->inv = fftw_plan_r2r_3d(n[2], n[1], n[0], s->tmp, s->work, FFTW_REDFT01, FFTW_REDFT01, FFTW_REDFT01, o->fftw_flags);
    }
  }
  if (!s->cosine && (!s->fwd || !s->inv)) die("FFTW planning failed", NULL);
  *plan_time = now() - t0;
}

static void SetupOperator(const Opts *o, Solver *s, double A, double Mi)
{
  for (size_t e = 0; e < s->nspec; e++) {
    int m[3];
    SpectralIndex(s, e, m);
    s->K2[e]  = SymbolK2(o, s, m);
    s->Lop[e] = Mi * s->K2[e] * (A + o->kappa * s->K2[e]);
  }
}

static void Forward(Solver *s)
{
  if (s->cosine) CosineFFTForward(s->cosine, s->work, s->tmp);
  else fftw_execute(s->fwd);
}

/* tmp (destroyed) -> out, not normalised (callers fold 1/norm into the spectral data). */
static void Inverse(Solver *s, double *out)
{
  if (s->cosine) CosineFFTInverse(s->cosine, s->tmp, out);
  else if (s->stride == 2) fftw_execute_dft_c2r(s->inv, (fftw_complex *)s->tmp, out);
  else fftw_execute_r2r(s->inv, s->tmp, out);
}

/* ------------------------------------------------------------------ energy (exactly src/energy.c) */

static double FreeEnergy(const Thermo *th, const Opts *o, const Solver *s, const double *c)
{
  double ih2[3], sum = 0;
  for (int d = 0; d < 3; d++) ih2[d] = 1.0 / (s->h[d] * s->h[d]);
  for (int k = 0; k < s->n[2]; k++)
    for (int j = 0; j < s->n[1]; j++)
      for (int i = 0; i < s->n[0]; i++) {
        const double cc = c[Idx(s, i, j, k)];
        const double gx = c[Idx(s, Nb(i, 1, s->n[0], o->bc), j, k)] - cc;
        const double gy = c[Idx(s, i, Nb(j, 1, s->n[1], o->bc), k)] - cc;
        const double gz = c[Idx(s, i, j, Nb(k, 1, s->n[2], o->bc))] - cc;
        sum += ThermoF(th, cc) + 0.5 * o->kappa * (gx * gx * ih2[0] + gy * gy * ih2[1] + gz * gz * ih2[2]);
      }
  return sum * s->dV;
}

static double Mass(const Solver *s, const double *c)
{
  double m = 0;
  for (size_t p = 0; p < s->npts; p++) m += c[p];
  return m * s->dV;
}

/* ------------------------------------------------------------------ explicit parts */

/* work = g = f'(c) - A c; returns 0 if c left (0,1) (regular solution: the log is undefined).
   One loop per energy with a min/max reduction so that it vectorises (libmvec's log). */
static int FormG(const Thermo *th, Solver *s, double A)
{
  const double *restrict c = s->c;
  double *restrict g       = s->work;
  double       lo = 1, hi = 0;
  const size_t np = s->npts;
  if (th->type == FE_REGULAR) {
    const double om = th->omega, rt = th->rt;
#pragma omp simd reduction(min : lo) reduction(max : hi)
    for (size_t p = 0; p < np; p++) {
      lo   = c[p] < lo ? c[p] : lo; /* not fmin: GCC then keeps log scalar */
      hi   = c[p] > hi ? c[p] : hi;
      g[p] = om * (1 - 2 * c[p]) + rt * log(c[p] / (1 - c[p])) - A * c[p];
    }
    return lo > 0 && hi < 1;
  }
  for (size_t p = 0; p < np; p++) g[p] = ThermoDF(th, c[p]) - A * c[p];
  return 1;
}

static double MobilityOf(double m0, double c)
{
  const double q = c * (1 - c);
  return q > 0 ? m0 * q : 0;
}

/* The x row at u with its halo (periodic: wrapped; no-flux: the edge cell itself, the mirrored
   ghost) into buf. */
static void HaloRowX(const Opts *o, const Solver *s, const double *u, double *buf)
{
  const int n0 = s->n[0];
  HaloRow(u, n0, Nb(0, -1, n0, o->bc), Nb(n0 - 1, 1, n0, o->bc), buf);
}

/* Degenerate mobility, fd: work = div_h((M(c) - A_M)_face grad_h mu) with mu = f'(c) - kappa Lap_h c,
   face value the mean of the two cells' values, as uphill3d's residual.  mu: npts of scratch.
   Row by row (the x halo copied, the y and z neighbour rows read in place) so that the cell
   loops vectorise, f''s log through libmvec, as FormG's. */
static void ExplicitFluxFD(const Thermo *th, const Opts *o, Solver *s, double A_M, double *mu)
{
  const int    n0 = s->n[0], n1 = s->n[1], n2 = s->n[2];
  const double ih2[3] = {1 / (s->h[0] * s->h[0]), 1 / (s->h[1] * s->h[1]), 1 / (s->h[2] * s->h[2])};
  const double m0 = o->mobility, kappa = o->kappa, om = th->omega, rt = th->rt;
  const int    regular = th->type == FE_REGULAR;
  const double *c = s->c;
  double *restrict cb = s->row[0], *restrict mb = s->row[1], *restrict qb = s->row[2];

  for (int k = 0; k < n2; k++)
    for (int j = 0; j < n1; j++) {
      const size_t p = Idx(s, 0, j, k), ym = Idx(s, 0, Nb(j, -1, n1, o->bc), k), yp = Idx(s, 0, Nb(j, 1, n1, o->bc), k);
      const size_t zm = Idx(s, 0, j, Nb(k, -1, n2, o->bc)), zp = Idx(s, 0, j, Nb(k, 1, n2, o->bc));
      double *restrict mrow = mu + p, *restrict qrow = s->mob + p;
      HaloRowX(o, s, c + p, cb);
      if (regular) {
#pragma omp simd
        for (int i = 0; i < n0; i++) {
          const double cc  = cb[i + 1];
          const double lap = (cb[i + 2] - 2 * cc + cb[i]) * ih2[0] + (c[yp + i] - 2 * cc + c[ym + i]) * ih2[1] + (c[zp + i] - 2 * cc + c[zm + i]) * ih2[2];
          const double q   = cc * (1 - cc);
          mrow[i]          = om * (1 - 2 * cc) + rt * log(cc / (1 - cc)) - kappa * lap;
          qrow[i]          = (q > 0 ? m0 * q : 0) - A_M;
        }
      } else
        for (int i = 0; i < n0; i++) {
          const double cc  = cb[i + 1];
          const double lap = (cb[i + 2] - 2 * cc + cb[i]) * ih2[0] + (c[yp + i] - 2 * cc + c[ym + i]) * ih2[1] + (c[zp + i] - 2 * cc + c[zm + i]) * ih2[2];
          mrow[i]          = ThermoDF(th, cc) - kappa * lap;
          qrow[i]          = MobilityOf(m0, cc) - A_M;
        }
    }
  for (int k = 0; k < n2; k++)
    for (int j = 0; j < n1; j++) {
      const size_t p = Idx(s, 0, j, k), ym = Idx(s, 0, Nb(j, -1, n1, o->bc), k), yp = Idx(s, 0, Nb(j, 1, n1, o->bc), k);
      const size_t zm = Idx(s, 0, j, Nb(k, -1, n2, o->bc)), zp = Idx(s, 0, j, Nb(k, 1, n2, o->bc));
      const double *q = s->mob;
      double *restrict w = s->work + p;
      HaloRowX(o, s, mu + p, mb);
      HaloRowX(o, s, q + p, qb);
#pragma omp simd
      for (int i = 0; i < n0; i++) {
        const double mp = qb[i + 1], up = mb[i + 1];
        w[i] = 0.5 * ((mp + qb[i + 2]) * (mb[i + 2] - up) - (mp + qb[i]) * (up - mb[i])) * ih2[0]
             + 0.5 * ((mp + q[yp + i]) * (mu[yp + i] - up) - (mp + q[ym + i]) * (up - mu[ym + i])) * ih2[1]
             + 0.5 * ((mp + q[zp + i]) * (mu[zp + i] - up) - (mp + q[zm + i]) * (up - mu[zm + i])) * ih2[2];
      }
    }
}

/* The explicit rate R = -Mi K2 FFT(g) + E, g = f'(c) - A c in work on entry.  Constant
   mobility: leaves G = FFT(g) in tmp and Step forms R on the fly (one pass less); degenerate:
   writes R. */
static void ExplicitRate(const Thermo *th, const Opts *o, Solver *s, double A, double A_M, double Mi)
{
  const size_t ns = s->nspec * s->stride;
  Forward(s); /* tmp = G */
  if (!o->degenerate) return;
  for (size_t e = 0; e < s->nspec; e++)
    for (int r = 0; r < s->stride; r++) s->R[e * s->stride + r] = -Mi * s->K2[e] * s->tmp[e * s->stride + r];
  if (o->symbol_fd) {
    ExplicitFluxFD(th, o, s, A_M, s->tmp); /* G is in R now: tmp (>= npts doubles) is free */
    Forward(s);
    for (size_t q = 0; q < ns; q++) s->R[q] += s->tmp[q];
    return;
  }
  /* spectral: mu^ = G + (A + kappa k^2) c^; E = sum_d i k_d FFT((M - A_M) IFFT(i k_d mu^)) */
  for (size_t e = 0; e < s->nspec; e++)
    for (int r = 0; r < 2; r++) s->mus[2 * e + r] = s->tmp[2 * e + r] + (A + o->kappa * s->K2[e]) * s->cs[2 * e + r];
  for (int d = 0; d < 3; d++) {
    for (size_t e = 0; e < s->nspec; e++) {
      int m[3];
      SpectralIndex(s, e, m);
      const int    nyq = s->n[d] % 2 == 0 && m[d] == s->n[d] / 2;
      const double k   = nyq ? 0 : WaveNumber(m[d], s->n[d], s->h[d]);
      s->tmp[2 * e]     = -k * s->mus[2 * e + 1]; /* i k (a + i b) = -k b + i k a */
      s->tmp[2 * e + 1] = k * s->mus[2 * e];
    }
    Inverse(s, s->work);
    for (size_t p = 0; p < s->npts; p++) s->work[p] *= (MobilityOf(o->mobility, s->c[p]) - A_M) / s->norm;
    Forward(s);
    for (size_t e = 0; e < s->nspec; e++) {
      int m[3];
      SpectralIndex(s, e, m);
      const int    nyq = s->n[d] % 2 == 0 && m[d] == s->n[d] / 2;
      const double k   = nyq ? 0 : WaveNumber(m[d], s->n[d], s->h[d]);
      s->R[2 * e] += -k * s->tmp[2 * e + 1];
      s->R[2 * e + 1] += k * s->tmp[2 * e];
    }
  }
}

/* ------------------------------------------------------------------ time stepping */

static void Swap(double **a, double **b)
{
  double *t = *a;
  *a        = *b;
  *b        = t;
}

/* One step, SBDF2 or (bdf2 = 0: the first step of SBDF2) SBDF1: c^{n+1} into cs and, through
   the inverse transform, c.  fuse: R^n = -Mi K2 G with G in tmp (constant mobility). */
static void Step(Solver *s, double dt, int bdf2, int fuse, double Mi)
{
  const int    st = s->stride;
  const double a0 = bdf2 ? 1.5 : 1.0, in = 1 / s->norm;
  for (size_t e = 0; e < s->nspec; e++) {
    const double id = 1 / (a0 + dt * s->Lop[e]), mk = -Mi * s->K2[e];
    for (int r = 0; r < st; r++) {
      const size_t q = e * st + r;
      if (fuse) s->R[q] = mk * s->tmp[q];
      const double v = bdf2 ? (2 * s->cs[q] - 0.5 * s->cs_old[q] + dt * (2 * s->R[q] - s->R_old[q])) * id : (s->cs[q] + dt * s->R[q]) * id;
      s->cs_old[q]   = v; /* cs_old is free once read: it becomes the new cs after the swap */
      s->tmp[q]      = v * in;
    }
  }
  Swap(&s->cs, &s->cs_old);
  Swap(&s->R, &s->R_old);
  Inverse(s, s->c);
}

int main(int argc, char **argv)
{
  Opts   o;
  Solver s = {0};
  Thermo th;
  int    n[3];
  double Lf[3], t_plan, t_io0 = now();

  ParseOptions(argc, argv, &o);
  double *c0 = ReadField(o.input, n, Lf);
  for (int d = 0; d < 3; d++)
    if (!o.have_L[d]) o.L[d] = Lf[d];
  const double t_io = now() - t_io0;

  th = (Thermo){.type = o.energy, .omega = o.omega / o.molar_volume, .rt = o.gas_constant * o.temperature / o.molar_volume, .rho = o.rho, .ca = o.c_alpha, .cb = o.c_beta};
  const double A   = o.have_A ? o.A : DefaultStabilisation(&th);
  const double A_M = o.have_A_M ? o.A_M : 0.25 * o.mobility;
  const double Mi  = o.degenerate ? A_M : o.mobility;

  SetupSolver(&o, &s, n, o.L, &t_plan);
  s.c = c0;
  SetupOperator(&o, &s, A, Mi);
  if (o.degenerate && o.symbol_fd && s.nspec * s.stride < s.npts) die("internal: scratch too small", NULL);

  const long   nsteps = o.t_end > 0 ? (long)ceil(o.t_end / o.dt - 1e-9) : 0;
  const double dt     = nsteps ? o.t_end / nsteps : 0;
  const double F0 = FreeEnergy(&th, &o, &s, s.c), m0 = Mass(&s, s.c);
  printf("bench_spectral: %d x %d x %d cells, h = %g x %g x %g, %s, %s mobility, symbol %s, %s\n", n[0], n[1], n[2], s.h[0], s.h[1], s.h[2],
         o.bc == BC_PERIODIC ? "periodic (DFT r2c)" : "no-flux (DCT-II/III)", o.degenerate ? "degenerate" : "constant", o.symbol_fd ? "fd (7-point)" : "spectral (k^2)",
         o.sbdf2 ? "SBDF2" : "SBDF1");
  printf("  t_end %g, dt %.10g (%ld steps), A = %g%s, A_M = %g, F(0) = %.15e\n", o.t_end, dt, nsteps, A, o.have_A ? "" : " (max|f''|/2 on the binodal range)", o.degenerate ? A_M : 0.0, F0);

  /* c^0 in spectral space (the transform is part of the timed run). */
  const double t0 = now();
  int          ok = 1;
  long         done = 0;
  memcpy(s.work, s.c, s.npts * sizeof(double));
  if (nsteps) {
    Forward(&s);
    memcpy(s.cs, s.tmp, s.nspec * s.stride * sizeof(double));
  }
  for (long it = 0; it < nsteps; it++) {
    if (!(ok = FormG(&th, &s, A))) break;
    ExplicitRate(&th, &o, &s, A, A_M, Mi);
    Step(&s, dt, o.sbdf2 && it > 0, !o.degenerate, Mi);
    done++;
  }
  const double wall = now() - t0;
  if (ok)
    for (size_t p = 0; p < s.npts; p++)
      if (!isfinite(s.c[p]) || (th.type == FE_REGULAR && !(s.c[p] > 0 && s.c[p] < 1))) ok = 0;
  const double F = ok ? FreeEnergy(&th, &o, &s, s.c) : NAN, m = Mass(&s, s.c);
  printf("  %s after %ld steps: wall %.4f s (%.3g s/step, %.2f ns per point per step), FFTW planning %.3f s, input %.3f s\n", ok ? "finished" : "UNSTABLE (c left (0,1))", done, wall,
         done ? wall / done : 0.0, done ? 1e9 * wall / done / s.npts : 0.0, t_plan, t_io);
  printf("RESULT status=%s steps=%ld dt=%.10g wall=%.6f plan=%.6f io=%.6f ns_per_point_step=%.3f F0=%.17g F=%.17g mass_drift=%.3e A=%.10g\n", ok ? "ok" : "unstable", done, dt, wall, t_plan,
         t_io, done ? 1e9 * wall / done / s.npts : 0.0, F0, F, (m - m0) / fabs(m0), A);
  fftw_destroy_plan(s.fwd);
  fftw_destroy_plan(s.inv);
  return ok ? 0 : 2;
}
