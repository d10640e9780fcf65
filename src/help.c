/* PETSc's start-up help, held back until the application's options are listed (help.h). */
#include <uphill/help.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char  *held;    /* what PETSc printed during PetscInitialize (rank 0 of each comm) */
static size_t held_len;

/* PetscHelpPrintf's stand-in: rank 0 of comm appends to the buffer (plain malloc: it runs
   inside PetscInitialize). */
static PetscErrorCode HoldBack(MPI_Comm comm, const char format[], ...)
{
  va_list     ap;
  PetscMPIInt rank;
  int         n;
  char       *grown;

  MPI_Comm_rank(comm, &rank);
  if (rank) return 0;
  va_start(ap, format);
  n = vsnprintf(NULL, 0, format, ap);
  va_end(ap);
  if (n <= 0 || !(grown = realloc(held, held_len + (size_t)n + 1))) return 0;
  held = grown;
  va_start(ap, format);
  vsnprintf(held + held_len, (size_t)n + 1, format, ap);
  va_end(ap);
  held_len += (size_t)n;
  return 0;
}

void HelpHoldBackPetsc(void) { PetscHelpPrintf = HoldBack; }

PetscErrorCode HelpResume(void)
{
  PetscFunctionBegin;
  PetscHelpPrintf = PetscHelpPrintfDefault;
  PetscFunctionReturn(0);
}

PetscErrorCode HelpPrintHeldBack(MPI_Comm comm)
{
  PetscFunctionBegin;
  if (held_len) PetscCall(PetscHelpPrintf(comm, "\nPETSc's options for every program:\n%s", held));
  free(held);
  held     = NULL;
  held_len = 0;
  PetscFunctionReturn(0);
}
