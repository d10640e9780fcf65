/* One rank's cell-centred cosine transforms of a 2-D or 3-D field through a real FFT of the same
   size (cosine_fft.c): the same numbers as FFTW's REDFT10 / REDFT01 in every direction, 2-3x
   sooner.  Internal to spectral.c. */
#ifndef UPHILL_COSINE_FFT_H
#define UPHILL_COSINE_FFT_H
#include <petscsys.h>
#include <fftw3.h>

typedef struct _p_CosineFFT *CosineFFT;

PetscErrorCode CosineFFTCreate(PetscInt ndim, const PetscInt n[], unsigned flags, CosineFFT *c); /* n slowest first */
void           CosineFFTForward(CosineFFT c, const double *x, double *y);                      /* y = REDFT10(x) */
void           CosineFFTInverse(CosineFFT c, const double *y, double *x);                      /* x = REDFT01(y); y kept */
PetscErrorCode CosineFFTDestroy(CosineFFT *c);
/* n FFTW-aligned reals, zeroed (NULL if out of memory): the transforms' buffers, their pages
   committed at set-up rather than in a run's first steps (spectral.c's buffers too). */
double        *FFTAllocZeroed(size_t n);
#endif
