/* -help lists uphill3d's own options first: PETSc's start-up help (its version and the options
   of every PETSc program, printed inside PetscInitialize) is held back through PetscHelpPrintf,
   PETSc's replaceable help printer, and printed after the application's block. */
#ifndef UPHILL_HELP_H
#define UPHILL_HELP_H
#include <petscsys.h>

/* Before PetscInitialize: hold back what PETSc's help printer prints from now on. */
void HelpHoldBackPetsc(void);

/* After PetscInitialize, before the application's options are read: help prints again. */
PetscErrorCode HelpResume(void);

/* After the application's options: print what was held back (nothing without -help). */
PetscErrorCode HelpPrintHeldBack(MPI_Comm comm);
#endif
