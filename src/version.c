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
