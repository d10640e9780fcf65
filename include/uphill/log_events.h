/* The application's PETSc log events, so that -log_view shows where a run's time goes
   (residual, Jacobian, multigrid, transform solve, output, checkpoints, analysis). */
#ifndef UPHILL_LOG_EVENTS_H
#define UPHILL_LOG_EVENTS_H
#include <petscsys.h>

typedef struct {
  PetscLogEvent residual;     /* FormIFunction */
  PetscLogEvent jac_action;   /* the matrix-free Jacobian's MatMult */
  PetscLogEvent jac_assembly; /* an assembled Jacobian or preconditioning matrix, any level */
  PetscLogEvent mg_setup;     /* multigrid hierarchy built, coarse operators updated */
  PetscLogEvent mg_level;     /* a matrix-free level's product or Gauss-Seidel sweeps */
  PetscLogEvent mg_transfer;  /* a matrix-free interpolation or restriction */
  PetscLogEvent spectral;     /* the transform solve (alpha + beta L + gamma L^2)^-1 */
  PetscLogEvent output;       /* a field file written */
  PetscLogEvent ckpt_write, ckpt_read;
  PetscLogEvent analysis;     /* an in-situ analysis */
} LogEvents;

extern LogEvents UphillEvents;

/* Registers the events (once; later calls do nothing).  Called by AppSetUp. */
PetscErrorCode LogEventsRegister(void);
#endif
