/* One clear line for bad input; PETSc's traceback for everything else (those are bugs).
   While PETSc reads its own solver options, its "unknown type" and "cannot parse" errors
   are bad input too. */
#include <uphill/errors.h>
#include <uphill/params.h>
#include <uphill/version.h>

static PetscBool reading_petsc_options = PETSC_FALSE;

static PetscBool IsUserError(PetscErrorCode n)
{
  if (n == UPHILL_ERR_USER || n == PETSC_ERR_FILE_OPEN || n == PETSC_ERR_FILE_READ || n == PETSC_ERR_FILE_UNEXPECTED) return PETSC_TRUE;
  return (PetscBool)(reading_petsc_options && (n == PETSC_ERR_ARG_UNKNOWN_TYPE || n == PETSC_ERR_ARG_OUTOFRANGE || n == PETSC_ERR_ARG_WRONG || n == PETSC_ERR_ARG_INCOMP || n == PETSC_ERR_SUP));
}

/* PETSc's parser says "Input string abc has no numeric value" (or "integer value") without
   naming the option: find the option(s) holding that value. */
static void NameOptionWithValue(const char *mess, char *out, size_t len)
{
  const char *start = "Input string ", *end;
  char        value[256], *all = NULL, *save = NULL, *prev = NULL;

  out[0] = 0;
  if (strncmp(mess, start, strlen(start)) || !(end = strstr(mess, " has no "))) return;
  snprintf(value, sizeof value, "%.*s", (int)(end - mess - strlen(start)), mess + strlen(start));
  if (PetscOptionsGetAll(NULL, &all)) return;
  for (char *tok = strtok_r(all, " ", &save); tok; prev = tok, tok = strtok_r(NULL, " ", &save))
    if (prev && prev[0] == '-' && !strcmp(tok, value) && strlen(out) + strlen(prev) + 16 < len) {
      strcat(out, out[0] ? ", " : "option ");
      strcat(out, prev);
    }
  if (out[0]) strcat(out, ": ");
  PetscFree(all);
}

static PetscErrorCode UphillErrorHandler(MPI_Comm comm, int line, const char *func, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  if (IsUserError(n)) {
    PetscMPIInt rank = 0;
    if (p == PETSC_ERROR_INITIAL) {
      if (comm != MPI_COMM_NULL) MPI_Comm_rank(comm, &rank);
      if (!rank) {
        char where[512];
        NameOptionWithValue(mess, where, sizeof where);
        fprintf(stderr, "uphill3d: error: %s%s%s\n", where, mess, n == UPHILL_ERR_USER || !reading_petsc_options ? "" : " (in PETSc's -ts_/-snes_/-ksp_/-pc_ options)");
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

/* Left set if reading fails, so that the error keeps its one-line form on the way out. */
void ErrorsReadingPetscOptions(PetscBool flag) { reading_petsc_options = flag; }

int ErrorsRunProgram(int argc, char **argv, const char *help, PetscErrorCode (*run)(void))
{
  const char    *file = (argc > 1 && argv[1][0] != '-') ? argv[1] : NULL;
  PetscErrorCode ierr;
  char           err[PETSC_MAX_PATH_LEN + 512];

  if (VersionRequested(argc, argv)) return 0; /* before PETSc reads options: nothing runs */
  if (ParamsCheckCommandLine(argc, argv, err, sizeof err)) { /* reported before PETSc reads them */
    int rank = 0;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (!rank) fprintf(stderr, "uphill3d: error: %s\n", err);
    MPI_Finalize();
    return 1;
  }
  PetscCall(PetscInitialize(&argc, &argv, file, help));
  PetscCall(ErrorsInstallHandler());
  ierr = run();
  if (ierr) { /* the handler has printed the message */
    (void)PetscFinalize();
    return 1;
  }
  PetscCall(PetscFinalize());
  return 0;
}
