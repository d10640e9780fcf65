/* The program's version: CMake's project version and `git describe` at build time (one
   source, cmake/version.cmake), and the versions of the libraries it runs with. */
#ifndef UPHILL_VERSION_H
#define UPHILL_VERSION_H
#include <petscviewer.h>

/* "X.Y.Z (git HASH)" */
const char *VersionString(void);

/* -version or --version among the arguments: print the versions as PROGRAM (argv[0]'s base
   name) and return 1.  Called before PetscInitialize, so that nothing runs or is written. */
int VersionRequested(int argc, char **argv);

/* Root attributes "uphill3d_version" ("X.Y.Z (git HASH)") and "options" (every option in
   force) of an HDF5 file being written, so that each output says what made it. */
PetscErrorCode VersionWriteAttributes(PetscViewer v);

/* "# uphill3d X.Y.Z (git HASH)  options: ...\n", the first line of stats.csv: the options in force
   but those of run control (-restart, -ts_max_steps, -output_*, -checkpoint_*, -log_*, ...),
   which say where a run stops and what else it writes, not what a step computes.  PetscFree it. */
PetscErrorCode VersionCommentLine(char **line);
#endif
