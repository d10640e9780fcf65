/* The DMDA, its boundary handling and its geometry.
   The DMDA has as many dimensions as the grid has directions with more than one point
   (flat directions must come last: z, then y).  Kernels address arrays through a GridBox:
   flat directions get a neighbour offset of 0, so one branch-free loop serves 1D, 2D, 3D. */
#ifndef UPHILL_GRID_H
#define UPHILL_GRID_H
#include <uphill/app.h>

typedef struct {
  DMDALocalInfo info;       /* owned (xs..) and ghosted (gxs..) boxes; zm = 1 etc. below 3D */
  PetscInt      off[3];     /* neighbour offset in points along x, y, z of the ghosted array */
  PetscBool     wall[3][2]; /* this rank's box touches a no-flux wall at the low/high side */
} GridBox;

/* Refuses (before allocating) a grid whose unknowns overflow PETSc's indices, or whose memory
   estimate exceeds what the node has available per rank (unless -memory_check 0). */
PetscErrorCode GridCreate(MPI_Comm comm, const Params *p, DM *da, PetscReal h[3]);
/* The estimate: measured peak bytes per point of the run's integrator (grid.c) times the
   points per rank, plus the per-rank libraries; and the node's available memory per rank
   (MemAvailable or the cgroup limit, over the ranks sharing the node; 0: unknown). */
typedef struct {
  double points, bytes_per_point, per_rank, available;
  int    ranks_on_node;
} GridMemory;
PetscErrorCode GridMemoryEstimate(MPI_Comm comm, const Params *p, GridMemory *m);
PetscErrorCode GridGetBox(DM da, GridBox *b);
/* Global-to-local scatter that also fills no-flux walls' ghosts by mirroring (zero normal
   derivative at the cell face), so that one branch-free stencil serves both walls. */
PetscErrorCode GridGlobalToLocal(const App *app, Vec g, Vec l);
/* The same on any DMDA of the hierarchy; and, in place, l's face ghosts (star stencil) from the
   neighbouring ranks' owned planes, by one message per face (grid.c). */
PetscErrorCode GridFillGhosts(DM da, Vec g, Vec l);
PetscErrorCode GridUpdateGhosts(DM da, Vec l);
/* C's entries (a global vector of nc <= dof entries per cell, its block size) into the first nc
   entries of each owned cell of da's ghosted local vector l; nothing else of l is touched. */
PetscErrorCode GridSetOwnedEntries(DM da, Vec C, Vec l);
/* The same into separate fields: entry r of C's cells into the owned cells of l[r], ghosted
   local vectors of the scalar DMDA da1. */
PetscErrorCode GridSetOwnedFields(DM da1, Vec C, Vec l[]);
/* The one ghost fill of the stencil code: g's ghosted local copy (walls mirrored) from da's
   pool and its array; restore both with GridRestoreGhostedArrayRead. */
PetscErrorCode GridGetGhostedArrayRead(DM da, Vec g, Vec *l, const PetscScalar **x);
PetscErrorCode GridRestoreGhostedArrayRead(DM da, Vec *l, const PetscScalar **x);

/* Index of point (i,j,k) in a ghosted local array and in an owned (global) array. */
static inline PetscInt GridGhosted(const GridBox *b, PetscInt i, PetscInt j, PetscInt k)
{
  return ((k - b->info.gzs) * b->info.gym + (j - b->info.gys)) * b->info.gxm + (i - b->info.gxs);
}
static inline PetscInt GridOwned(const GridBox *b, PetscInt i, PetscInt j, PetscInt k)
{
  return ((k - b->info.zs) * b->info.ym + (j - b->info.ys)) * b->info.xm + (i - b->info.xs);
}
/* Cell-centre coordinate of index i in direction d. */
static inline PetscReal GridCoord(const App *app, PetscInt d, PetscInt i) { return ((PetscReal)i + 0.5) * app->h[d]; }

#define GRID_FOR_OWNED(b, i, j, k) \
  for (PetscInt k = (b)->info.zs; k < (b)->info.zs + (b)->info.zm; k++) \
    for (PetscInt j = (b)->info.ys; j < (b)->info.ys + (b)->info.ym; j++) \
      for (PetscInt i = (b)->info.xs; i < (b)->info.xs + (b)->info.xm; i++)
#endif
