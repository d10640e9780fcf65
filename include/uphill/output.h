#ifndef UPHILL_OUTPUT_H
#define UPHILL_OUTPUT_H
#include <uphill/app.h>
#include <petscviewerhdf5.h>

/* Create OUTPUT_DIR (collectively); a clear error if it cannot be written. */
PetscErrorCode OutputPrepareDir(const App *app);
/* Create a directory and its parents (collectively; rank 0 does it); a clear error if it cannot. */
PetscErrorCode OutputMakeDir(MPI_Comm comm, const char *dir);
/* Write c and mu (physical units) in natural order [Nz][Ny][Nx] to an HDF5 file, with run
   attributes, a checksum per dataset and a 'complete' marker; written as PATH.tmp and renamed. */
PetscErrorCode OutputWriteFields(const App *app, Vec X, PetscInt step, PetscReal time, const char *path);
/* Read c from an HDF5 field file (written by OutputWriteFields) into X; checks the grid. */
PetscErrorCode OutputReadConcentration(const App *app, const char *path, Vec X);

/* The N-component model's matrices as one string (empty for the binary model): a run
   attribute, and part of a checkpoint's fingerprint. */
void OutputModelString(const Params *p, char *s, size_t len);

/* Shared with checkpoint.c. */
/* A root attribute of an open HDF5 viewer. */
PetscErrorCode OutputWriteRealAttr(PetscViewer v, const char *name, PetscReal x);
PetscErrorCode OutputWriteIntAttr(PetscViewer v, const char *name, PetscInt x);
/* The run's attributes (time, step, grid, lengths, bc, every model parameter) on the root group. */
PetscErrorCode OutputWriteRunAttributes(const App *app, PetscViewer v, PetscInt step, PetscReal time);
/* A 3D DMDA with the run's decomposition and dof values per point, for I/O only: its vectors
   have the local layout of the run's DMDA vectors with dof values per point, and VecView
   writes them as [Nz][Ny][Nx] (dof 1) or [Nz][Ny][Nx][dof] whatever the grid's dimension. */
PetscErrorCode OutputCreateIODM(const App *app, PetscInt dof, DM *io);
/* View X (a vector of app->da, or of a DMDA compatible with it with io's dof) as the dataset
   NAME through io. */
PetscErrorCode OutputViewVec(DM io, Vec X, const char *name, PetscViewer v);
/* A checksum of X in natural order, independent of the rank count: the sum over entries of
   a 64-bit hash of (natural index, bit pattern), modulo 2^64 (tools/uphill3d-files computes
   the same).  finite: whether every entry is finite. */
PetscErrorCode OutputChecksum(DM io, Vec X, uint64_t *sum, PetscBool *finite);
void           OutputChecksumString(uint64_t sum, char str[17]);
/* Write the HDF5 file path (collectively) with body(v, ctx) and close it.  First, rank 0
   checks that about bytes fit (free space, ulimit -f).  A failure (disk full, quota, a
   file-size limit) prints nothing: the file is closed and removed and err (on every rank)
   says why, for one error line by the caller; err[0] = 0 on success. */
PetscErrorCode OutputWriteHDF5(MPI_Comm comm, const char *path, double bytes, PetscErrorCode (*body)(PetscViewer, void *), void *ctx, char *err, size_t len);
/* Whether a failed write left a file HDF5 cannot close (MPI_Finalize would crash in it). */
int OutputHDF5LeftOpen(void);
/* About the size of a field file or checkpoint with values_per_point doubles per point. */
double OutputFileBytes(const App *app, PetscInt values_per_point);
/* fsync a file or a directory (call on one rank). 0 on success, else errno. */
int OutputSyncFile(const char *path);

/* The series of field files OUTPUT_DIR/fields_NNNNNN.h5 (-output_interval, -output_steps)
   and its index OUTPUT_DIR/fields.xdmf. */
typedef struct _p_OutputSeries *OutputSeries;
PetscErrorCode OutputSeriesCreate(const App *app, OutputSeries *s);
/* A new run: the file of the initial state (index 0). */
PetscErrorCode OutputSeriesStart(OutputSeries s, Vec X, PetscInt step, PetscReal time);
/* A restarted run: count files were written before the checkpoint (at time, with
   -output_interval interval) and the next interval output is at k_next * interval; later
   files (of the run that went on past the checkpoint) are removed. */
PetscErrorCode OutputSeriesRestore(OutputSeries s, PetscInt count, PetscInt k_next, PetscReal interval, PetscReal time);
/* After each accepted step: the files due in (t_prev, t] (interpolated in time), or at this step
   (the state from SolverGetState, asked for only when a file is written). */
PetscErrorCode OutputSeriesStep(OutputSeries s, TS ts, PetscInt step, PetscReal time);
void           OutputSeriesGetState(OutputSeries s, PetscInt *count, PetscInt *k_next);
PetscErrorCode OutputSeriesDestroy(OutputSeries *s);
#endif
