/* The cosine transforms through an r2c (src/cosine_fft.c) against FFTW's own REDFT10 / REDFT01
   in every direction, on 2-D and 3-D shapes with odd and even sizes (the reordering and the
   c = N/2 plane differ between them): max |ours - FFTW| / max |FFTW| <= 1e-13 (measured
   ~1e-16); the inverse leaves its input unchanged. */
#include <petscsys.h>
#include <math.h>
#include "../src/cosine_fft.h"

static int failures = 0;

static void Check(PetscBool ok, const char *what, double got, double limit)
{
  PetscPrintf(PETSC_COMM_SELF, "%s  %-52s %.3e (limit %.1e)\n", ok ? "ok  " : "FAIL", what, got, limit);
  if (!ok) failures++;
}

static double RelErr(const double *a, const double *ref, size_t n)
{
  double e = 0, s = 0;
  for (size_t i = 0; i < n; i++) {
    e = fmax(e, fabs(a[i] - ref[i]));
    s = fmax(s, fabs(ref[i]));
  }
  return e / s;
}

static PetscErrorCode CheckShape(PetscInt ndim, const PetscInt n[])
{
  const fftw_r2r_kind fk[3] = {FFTW_REDFT10, FFTW_REDFT10, FFTW_REDFT10}, bk[3] = {FFTW_REDFT01, FFTW_REDFT01, FFTW_REDFT01};
  int                 ni[3];
  size_t              np = 1;
  double             *x, *y, *yref, *z, *zref, *keep, *t;
  CosineFFT           c;
  fftw_plan           f, b;
  char                what[128];

  PetscFunctionBegin;
  for (PetscInt d = 0; d < ndim; d++) np *= (size_t)(ni[d] = (int)n[d]);
  x = fftw_alloc_real(np), y = fftw_alloc_real(np), yref = fftw_alloc_real(np), z = fftw_alloc_real(np), zref = fftw_alloc_real(np), keep = fftw_alloc_real(np), t = fftw_alloc_real(np);
  for (size_t i = 0; i < np; i++) x[i] = 0.5 + 0.3 * sin(1.7 * (double)i) + 0.1 * cos(0.37 * (double)i * (double)i);
  f = fftw_plan_r2r((int)ndim, ni, t, yref, fk, FFTW_ESTIMATE);
  b = fftw_plan_r2r((int)ndim, ni, t, zref, bk, FFTW_ESTIMATE);
  PetscCall(CosineFFTCreate(ndim, n, FFTW_ESTIMATE, &c));
  for (size_t i = 0; i < np; i++) t[i] = x[i];
  fftw_execute(f);
  CosineFFTForward(c, x, y);
  if (ndim == 3) snprintf(what, sizeof what, "forward = REDFT10 on %d x %d x %d", ni[0], ni[1], ni[2]);
  else snprintf(what, sizeof what, "forward = REDFT10 on %d x %d", ni[0], ni[1]);
  Check((PetscBool)(RelErr(y, yref, np) <= 1e-13), what, RelErr(y, yref, np), 1e-13);
  for (size_t i = 0; i < np; i++) t[i] = keep[i] = x[i];
  fftw_execute(b);
  CosineFFTInverse(c, x, z);
  snprintf(what, sizeof what, "inverse = REDFT01, its input kept (%d-D)", (int)ndim);
  Check((PetscBool)(RelErr(z, zref, np) <= 1e-13 && RelErr(x, keep, np) == 0), what, RelErr(z, zref, np), 1e-13);
  PetscCall(CosineFFTDestroy(&c));
  fftw_destroy_plan(f);
  fftw_destroy_plan(b);
  fftw_free(x), fftw_free(y), fftw_free(yref), fftw_free(z), fftw_free(zref), fftw_free(keep), fftw_free(t);
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  const PetscInt s3[][3] = {{5, 4, 7}, {6, 6, 6}, {10, 9, 12}, {3, 8, 1}, {1, 5, 4}}, s2[][2] = {{11, 14}, {7, 9}, {8, 2}};

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  for (size_t i = 0; i < sizeof s3 / sizeof s3[0]; i++) PetscCall(CheckShape(3, s3[i]));
  for (size_t i = 0; i < sizeof s2 / sizeof s2[0]; i++) PetscCall(CheckShape(2, s2[i]));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, failures ? "%d check(s) failed\n" : "all checks passed\n", failures));
  PetscCall(PetscFinalize());
  return failures ? 1 : 0;
}
