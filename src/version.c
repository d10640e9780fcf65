/* Version report (version.h).  Everything here works before MPI_Init and PetscInitialize:
   the PETSc version is compile-time, MPI_Get_library_version may be called before MPI_Init
   (MPI 3.1), and HDF5 and FFTW report theirs from the libraries actually loaded. */
#include <uphill/version.h>
#include <uphill_version_generated.h>
#include <petscversion.h>
#include <petscviewerhdf5.h>
#include <mpi.h>
#include <hdf5.h>
#include <fftw3.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

const char *VersionString(void) { return UPHILL_VERSION " (git " UPHILL_GIT ")"; }

int VersionRequested(int argc, char **argv)
{
  const char *prog = argc > 0 ? strrchr(argv[0], '/') : NULL;
  int         found = 0;
  char        mpi[MPI_MAX_LIBRARY_VERSION_STRING] = "unknown";
  int         len;
  unsigned    maj, min, rel;

  for (int i = 1; i < argc; i++) found |= !strcmp(argv[i], "-version") || !strcmp(argv[i], "--version");
  if (!found) return 0;
  prog = prog ? prog + 1 : (argc > 0 ? argv[0] : "uphill3d");
  if (MPI_Get_library_version(mpi, &len) == MPI_SUCCESS) mpi[strcspn(mpi, "\n,")] = 0; /* first line, up to the details */
  printf("%s %s\n", prog, VersionString());
  printf("PETSc %d.%d.%d%s\n", PETSC_VERSION_MAJOR, PETSC_VERSION_MINOR, PETSC_VERSION_SUBMINOR, PETSC_VERSION_RELEASE ? "" : " (development)");
  if (H5get_libversion(&maj, &min, &rel) >= 0) printf("HDF5 %u.%u.%u\n", maj, min, rel);
  printf("FFTW %s\n", fftw_version);
  printf("MPI %s\n", mpi);
  return 1;
}

PetscErrorCode VersionWriteAttributes(PetscViewer v)
{
  char *opts;

  PetscFunctionBegin;
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/", "uphill3d_version", PETSC_STRING, VersionString()));
  PetscCall(PetscOptionsGetAll(NULL, &opts));
  PetscCall(PetscViewerHDF5WriteAttribute(v, "/", "options", PETSC_STRING, opts));
  PetscCall(PetscFree(opts));
  PetscFunctionReturn(0);
}

/* Options that say where a run stops, what else it writes and how it reports, not what it
   computes: a continued run (-restart, another -ts_max_steps) or one with other output, checkpoint
   or diagnostic options writes the same stats.csv, comment line included.  Prefixes, no '-'. */
static const char *const RunControlOptions[] = {"restart", "output_", "final_output", "checkpoint_", "analysis_", "progress_", "ts_max_steps", "ts_max_time", "log", "info", "help", "options_", "malloc", "memory_", "history"};

static PetscBool IsRunControl(const char *name)
{
  for (size_t i = 0; i < sizeof RunControlOptions / sizeof RunControlOptions[0]; i++)
    if (!strncmp(name, RunControlOptions[i], strlen(RunControlOptions[i]))) return PETSC_TRUE;
  return PETSC_FALSE;
}

PetscErrorCode VersionCommentLine(char **line)
{
  char       *all, *tok, *save = NULL;
  size_t      len;
  PetscBool   skip = PETSC_FALSE;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetAll(NULL, &all)); /* "-name [value] -name [value] ..." */
  PetscCall(PetscStrlen(all, &len));
  len += strlen(VersionString()) + 64;
  PetscCall(PetscMalloc1(len, line));
  snprintf(*line, len, "# uphill3d %s  options:", VersionString());
  for (tok = strtok_r(all, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
    const PetscBool name = (PetscBool)(tok[0] == '-' && isalpha((unsigned char)tok[1])); /* "-0.5" is a value */
    if (name) skip = IsRunControl(tok + 1);
    if (!skip) snprintf(*line + strlen(*line), len - strlen(*line), " %s", tok);
  }
  snprintf(*line + strlen(*line), len - strlen(*line), "\n");
  PetscCall(PetscFree(all));
  PetscFunctionReturn(0);
}
