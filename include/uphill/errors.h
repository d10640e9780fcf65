/* User errors (bad input) print one clear line and exit non-zero; other errors keep
   PETSc's traceback.  Raise them with UPHILL_USER_ERROR. */
#ifndef UPHILL_ERRORS_H
#define UPHILL_ERRORS_H
#include <petscsys.h>
#define UPHILL_ERR_USER PETSC_ERR_USER_INPUT
#define UPHILL_USER_ERROR(comm, ...) SETERRQ(comm, UPHILL_ERR_USER, __VA_ARGS__)
PetscErrorCode ErrorsInstallHandler(void);
/* Bracket XxxSetFromOptions/SetUp calls that parse PETSc's own options. */
void ErrorsReadingPetscOptions(PetscBool flag);
/* The main() of uphill3d and uphill3d-thermo: check the options file (argv[1] unless it is an
   option), initialise PETSc with it, install the handler, run, finalise; the exit status. */
int ErrorsRunProgram(int argc, char **argv, const char *help, PetscErrorCode (*run)(void));
#endif
