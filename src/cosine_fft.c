/* The cell-centred cosine transforms of a whole 2-D or 3-D field on one rank through one real
   FFT of the same size (Makhoul 1980, IEEE Trans. ASSP 28:27, extended to several directions):
   FFTW's d-dimensional REDFT10/REDFT01 plans cost 4-5x its r2c/c2r of the same size, and these
   2-3x less than those (48^3: 0.64 + 0.62 ms against 1.50 + 1.41 ms; FFTW_MEASURE's 0.92 + 0.94).

   Forward, Y = REDFT10 in every direction, Y_k = 2^d sum_n x_n prod_j cos(pi k_j (2 n_j + 1) / 2N_j):
   each direction is reordered, v_m = x_{2m} (2m < N), x_{2N-2m-1} (else), so that
   cos(pi k (2n + 1) / 2N) = Re(w_k e^{-2 pi i m k / N}) with w_k = e^{-i pi k / 2N}; with V the
   DFT of v (an r2c), and the product of cosines written as a sum of cosines of sums,
     Y_{abc} = 2 Re(w_a [w_b w_c V(a,b,c) + w_b w_c* V(a,b,-c) + w_b* w_c V(a,-b,c) + w_b* w_c* V(a,-b,-c)])
   (3-D; 2-D is this with one point in a: a factor 2 over).  The half spectrum gives V(a,b,-c) as
   conj V(-a,-b,c), so outputs c and N-c come from the same four stored values (PostProcess).
   Inverse, x = REDFT01 in every direction: per direction V_k = (Y_k - i Y_{N-k}) / (2 w_k)
   with Y_N = 0 recovers the DFT of v; the directions' maps are complex-linear, so their product,
     V(a,b,c) = conj(w_a w_b w_c) [Y - i (Y_a + Y_b + Y_c) - (Y_ab + Y_ac + Y_bc) + i Y_abc]
   (an index in the subscript reflected, k -> N - k), then a c2r and the reordering undone give
   REDFT01(Y) (PreProcess): no normalisation to undo, FFTW's transforms are unnormalised alike. */
#include "cosine_fft.h"
#include <math.h>
#include <string.h>

double *FFTAllocZeroed(size_t n)
{
  double *p = fftw_alloc_real(n);
  if (p) memset(p, 0, n * sizeof(double));
  return p;
}

struct _p_CosineFFT {
  int       n[3], nh;     /* 3-D shape (a 2-D field: n[0] = 1), slowest first; nh = n[2]/2 + 1 */
  PetscReal scale;        /* forward: 2 (3-D) or 1 (2-D) */
  int      *perm[3];      /* perm[d][m]: the index n whose value goes to m */
  double   *wr[3], *wi[3];/* w_k = e^{-i pi k / 2N} */
  double   *v, *V;        /* the reordered field and its half spectrum */
  fftw_plan r2c, c2r;
};

PetscErrorCode CosineFFTCreate(PetscInt ndim, const PetscInt n[], unsigned flags, CosineFFT *cf)
{
  CosineFFT c;
  size_t    np, nc;

  PetscFunctionBegin;
  PetscCheck(ndim == 2 || ndim == 3, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "cosine transforms through an FFT: 2 or 3 dimensions, not %" PetscInt_FMT, ndim);
  PetscCall(PetscNew(&c));
  c->n[0] = ndim == 3 ? (int)n[0] : 1;
  c->n[1] = (int)n[ndim - 2];
  c->n[2] = (int)n[ndim - 1];
  c->nh    = c->n[2] / 2 + 1;
  c->scale = ndim == 3 ? 2 : 1;
  for (int d = 0; d < 3; d++) {
    const int N = c->n[d];
    PetscCall(PetscMalloc3(N, &c->perm[d], N, &c->wr[d], N, &c->wi[d]));
    for (int m = 0; m < N; m++) {
      c->perm[d][m] = 2 * m < N ? 2 * m : 2 * N - 2 * m - 1;
      c->wr[d][m]   = cos(PETSC_PI * m / (2.0 * N));
      c->wi[d][m]   = -sin(PETSC_PI * m / (2.0 * N));
    }
  }
  np   = (size_t)c->n[0] * c->n[1] * c->n[2];
  nc   = (size_t)c->n[0] * c->n[1] * c->nh;
  c->v = FFTAllocZeroed(np);
  c->V = FFTAllocZeroed(2 * nc);
  PetscCheck(c->v && c->V, PETSC_COMM_SELF, PETSC_ERR_MEM, "cannot allocate FFT buffers");
  c->r2c = fftw_plan_dft_r2c_3d(c->n[0], c->n[1], c->n[2], c->v, (fftw_complex *)c->V, flags);
  c->c2r = fftw_plan_dft_c2r_3d(c->n[0], c->n[1], c->n[2], (fftw_complex *)c->V, c->v, flags);
  PetscCheck(c->r2c && c->c2r, PETSC_COMM_SELF, PETSC_ERR_LIB, "FFTW could not plan the transforms");
  *cf = c;
  PetscFunctionReturn(0);
}

PetscErrorCode CosineFFTDestroy(CosineFFT *cf)
{
  CosineFFT c = *cf;

  PetscFunctionBegin;
  if (!c) PetscFunctionReturn(0);
  fftw_destroy_plan(c->r2c);
  fftw_destroy_plan(c->c2r);
  fftw_free(c->v);
  fftw_free(c->V);
  for (int d = 0; d < 3; d++) PetscCall(PetscFree3(c->perm[d], c->wr[d], c->wi[d]));
  PetscCall(PetscFree(c));
  *cf = NULL;
  PetscFunctionReturn(0);
}

/* v = x reordered in every direction (toreorder) or x = v with the reordering undone. */
static void Reorder(const CosineFFT c, double *x, double *v, PetscBool toreorder)
{
  const int N1 = c->n[1], N2 = c->n[2], he = (N2 + 1) / 2;

  for (int a = 0; a < c->n[0]; a++)
    for (int b = 0; b < N1; b++) {
      double *restrict xr = x + ((size_t)c->perm[0][a] * N1 + c->perm[1][b]) * N2, *restrict vr = v + ((size_t)a * N1 + b) * N2;
      if (toreorder) {
        for (int m = 0; m < he; m++) vr[m] = xr[2 * m];
        for (int m = he; m < N2; m++) vr[m] = xr[2 * (N2 - m) - 1];
      } else {
        for (int m = 0; m < he; m++) xr[2 * m] = vr[m];
        for (int m = he; m < N2; m++) xr[2 * (N2 - m) - 1] = vr[m];
      }
    }
}

/* Y from V (the formula above): rows (a,b) and (a,-b) of V give, with their partners (-a,-b)
   and (-a,b), outputs c and N-c at once; c = 0 and c = N/2 (-c = c) on their own. */
static void PostProcess(const CosineFFT c, double *y)
{
  const int     N0 = c->n[0], N1 = c->n[1], N2 = c->n[2], nh = c->nh, half = (N2 - 1) / 2;
  const double *w2r = c->wr[2], *w2i = c->wi[2], s2 = c->scale;

  for (int a = 0; a < N0; a++)
    for (int b = 0; b < N1; b++) {
      const int     am = (N0 - a) % N0, bm = (N1 - b) % N1;
      const double *restrict R = c->V + 2 * ((size_t)a * N1 + b) * nh, *restrict Rm = c->V + 2 * ((size_t)a * N1 + bm) * nh;
      const double *restrict Q = c->V + 2 * ((size_t)am * N1 + bm) * nh, *restrict Qm = c->V + 2 * ((size_t)am * N1 + b) * nh;
      const double  w0r = c->wr[0][a], w0i = c->wi[0][a], w1r = c->wr[1][b], w1i = c->wi[1][b];
      const double  pr = w0r * w1r - w0i * w1i, pi = w0r * w1i + w0i * w1r; /* p = w_a w_b */
      const double  qr = w0r * w1r + w0i * w1i, qi = w0i * w1r - w0r * w1i; /* q = w_a conj(w_b) */
      double *restrict yr = y + ((size_t)a * N1 + b) * N2;

#pragma omp simd
      for (int k = 1; k <= half; k++) {
        const double ar = w2r[k], ai = w2i[k];
        const double p1r = pr * ar - pi * ai, p1i = pr * ai + pi * ar, p2r = pr * ar + pi * ai, p2i = pi * ar - pr * ai; /* p w_c, p conj(w_c) */
        const double q1r = qr * ar - qi * ai, q1i = qr * ai + qi * ar, q2r = qr * ar + qi * ai, q2i = qi * ar - qr * ai;
        const double t1r = R[2 * k], t1i = R[2 * k + 1], t2r = Q[2 * k], t2i = -Q[2 * k + 1];     /* V(a,b,c), V(a,b,-c) */
        const double t3r = Rm[2 * k], t3i = Rm[2 * k + 1], t4r = Qm[2 * k], t4i = -Qm[2 * k + 1]; /* V(a,-b,c), V(a,-b,-c) */
        const double z1r = p1r * t1r - p1i * t1i, z1i = p1r * t1i + p1i * t1r, z2r = p2r * t2r - p2i * t2i, z2i = p2r * t2i + p2i * t2r;
        const double z3r = q1r * t3r - q1i * t3i, z3i = q1r * t3i + q1i * t3r, z4r = q2r * t4r - q2i * t4i, z4i = q2r * t4i + q2i * t4r;
        yr[k]      = s2 * (z1r + z2r + z3r + z4r);
        yr[N2 - k] = s2 * (z2i - z1i + z4i - z3i); /* w_{N-c} = -i conj(w_c) */
      }
      for (int k = 0; k < N2; k += (N2 % 2 == 0 && N2 > 1) ? N2 / 2 : N2) {
        const double ar = 2 * w2r[k]; /* w_c + conj(w_c) */
        yr[k]           = s2 * ar * (pr * R[2 * k] - pi * R[2 * k + 1] + qr * Rm[2 * k] - qi * Rm[2 * k + 1]);
      }
    }
}

/* V from Y (the formula above), the half spectrum the c2r reads. */
static void PreProcess(const CosineFFT c, const double *y)
{
  const int     N0 = c->n[0], N1 = c->n[1], N2 = c->n[2], nh = c->nh;
  const double *w2r = c->wr[2], *w2i = c->wi[2];

  for (int a = 0; a < N0; a++)
    for (int b = 0; b < N1; b++) {
      const int     ar = N0 - a, br = N1 - b; /* N: the reflected value is 0 */
      const double *y00 = y + ((size_t)a * N1 + b) * N2;
      const double *y10 = ar < N0 ? y + ((size_t)ar * N1 + b) * N2 : NULL, *y01 = br < N1 ? y + ((size_t)a * N1 + br) * N2 : NULL;
      const double *y11 = ar < N0 && br < N1 ? y + ((size_t)ar * N1 + br) * N2 : NULL;
      const double  w0r = c->wr[0][a], w0i = c->wi[0][a], w1r = c->wr[1][b], w1i = c->wi[1][b];
      const double  ur = w0r * w1r - w0i * w1i, ui = -(w0r * w1i + w0i * w1r); /* conj(w_a w_b) */
      double *restrict V = c->V + 2 * ((size_t)a * N1 + b) * nh;

      for (int k = 0; k < nh; k++) {
        const int    kr = N2 - k, hk = kr < N2;
        const double Y000 = y00[k], Y100 = y10 ? y10[k] : 0, Y010 = y01 ? y01[k] : 0, Y110 = y11 ? y11[k] : 0;
        const double Y001 = hk ? y00[kr] : 0, Y101 = hk && y10 ? y10[kr] : 0, Y011 = hk && y01 ? y01[kr] : 0, Y111 = hk && y11 ? y11[kr] : 0;
        const double sr = Y000 - (Y110 + Y101 + Y011), si = Y111 - (Y100 + Y010 + Y001);
        const double er = ur * w2r[k] + ui * w2i[k], ei = ui * w2r[k] - ur * w2i[k]; /* conj(w_a w_b w_c) */
        V[2 * k]        = sr * er - si * ei;
        V[2 * k + 1]    = sr * ei + si * er;
      }
    }
}

void CosineFFTForward(CosineFFT c, const double *x, double *y)
{
  Reorder(c, (double *)x, c->v, PETSC_TRUE);
  fftw_execute(c->r2c);
  PostProcess(c, y);
}

void CosineFFTInverse(CosineFFT c, const double *y, double *x)
{
  PreProcess(c, y);
  fftw_execute(c->c2r);
  Reorder(c, x, c->v, PETSC_FALSE);
}
