/* Constant-coefficient operators of the discrete Laplacian, inverted exactly by transforms
   (docs/MODEL.md section 3.8): the 7-point Laplacian is diagonal in the DFT basis on periodic
   boxes and in the cell-centred cosine basis (DCT-II/DCT-III) under no-flux walls, with
   eigenvalues -lambda(k), lambda = sum_d (2/h_d)^2 sin^2(theta_d), theta_d = pi m_d/N_d
   (periodic) or pi m_d/(2 N_d) (walls).  So (alpha + beta lambda + gamma lambda^2)^-1 costs
   one forward and one inverse transform, on any rank count (FFTW-MPI slabs). */
#ifndef UPHILL_SPECTRAL_H
#define UPHILL_SPECTRAL_H
#include <uphill/app.h>

typedef struct _p_Spectral *Spectral;

PetscErrorCode SpectralCreate(const App *app, Spectral *sp);
PetscErrorCode SpectralDestroy(Spectral *sp);
/* y = (alpha + beta L + gamma L^2)^-1 x for scalar vectors of the DMDA compatible with the
   state's (SpectralScalarDM); L = -Lap_h.  x and y may be the same vector. */
PetscErrorCode SpectralSolve(Spectral sp, PetscReal alpha, PetscReal beta, PetscReal gamma, Vec x, Vec y);
/* The transforms themselves, for operators other than the quadratic above (the exponential
   integrator): this rank's n spectral coefficients, each of per reals (2: complex, periodic;
   1: cosine, walls), and the eigenvalue lambda of L of each; the forward transform of x into
   xhat (n*per reals, unnormalised), and y = the inverse transform of xhat, normalised so that
   SpectralInverse(SpectralForward(x)) = x. */
PetscErrorCode SpectralSymbol(Spectral sp, PetscInt *n, PetscInt *per, const PetscReal **lambda);
PetscErrorCode SpectralForward(Spectral sp, Vec x, PetscScalar *xhat);
PetscErrorCode SpectralInverse(Spectral sp, const PetscScalar *xhat, Vec y);
/* The inverse in two halves, for a caller that forms the coefficients in the same sweep as
   something else: the buffer it reads (write scale times the transform there), then y from it
   (the buffer's contents are lost). */
PetscErrorCode SpectralInverseBuffer(Spectral sp, PetscScalar **xhat, PetscReal *scale);
PetscErrorCode SpectralInverseFromBuffer(Spectral sp, Vec y);
/* sum over the grid of x^2 for the field x whose forward transform is xhat (Parseval; collective). */
PetscErrorCode SpectralSumSquares(Spectral sp, const PetscScalar *xhat, PetscReal *sum);
/* Their weights: sum over the grid of x^2 = sum_k weight_k |xhat_k|^2 (the round trip's 1/norm in). */
PetscErrorCode SpectralParsevalWeights(Spectral sp, const PetscReal **weight);
/* FFTW's wisdom for checkpoints (-fft_planning measure): what the transforms were planned from,
   the same string on every rank (NULL: none), and imported (every rank, before SpectralCreate;
   ok false: FFTW did not accept it, e.g. another FFTW version wrote it). */
const char    *SpectralWisdom(void);
PetscErrorCode SpectralWisdomImport(const char *wisdom, PetscBool *ok);
/* The scalar (one value per cell) DMDA the transforms work on. */
PetscErrorCode SpectralScalarDM(Spectral sp, DM *da1);
#endif
