/* One clear line for bad input; PETSc's traceback for everything else (those are bugs). */
#include <uphill/errors.h>

static PetscErrorCode UphillErrorHandler(MPI_Comm comm, int line, const char *func, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  if (n == UPHILL_ERR_USER || n == PETSC_ERR_FILE_OPEN || n == PETSC_ERR_FILE_READ || n == PETSC_ERR_FILE_UNEXPECTED) {
    PetscMPIInt rank = 0;
    if (p == PETSC_ERROR_INITIAL) {
      if (comm != MPI_COMM_NULL) MPI_Comm_rank(comm, &rank);
      if (!rank) {
        fprintf(stderr, "uphill3d: error: %s\n", mess);
        fflush(stderr);
      }
    }
    return n;
  }
  return PetscTraceBackErrorHandler(comm, line, func, file, n, p, mess, ctx);
}

PetscErrorCode ErrorsInstallHandler(void)
{
  PetscFunctionBegin;
  PetscCall(PetscPushErrorHandler(UphillErrorHandler, NULL));
  PetscFunctionReturn(0);
}
