#ifndef UPHILL_OUTPUT_H
#define UPHILL_OUTPUT_H
#include <uphill/app.h>
/* Create OUTPUT_DIR (collectively); a clear error if it cannot be written. */
PetscErrorCode OutputPrepareDir(const App *app);
/* Write c and mu (physical units) in natural order to an HDF5 file, with run attributes. */
PetscErrorCode OutputWriteFields(const App *app, Vec X, PetscInt step, PetscReal time, const char *path);
/* Read c from an HDF5 field file (written by OutputWriteFields) into X; checks the grid. */
PetscErrorCode OutputReadConcentration(const App *app, const char *path, Vec X);
#endif
