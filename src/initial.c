/* Initial states.  The noise is a hash of (seed, global grid index), so the same seed
   gives the same field on any number of ranks. */
#include <uphill/initial.h>
#include <uphill/output.h>
#include <uphill/errors.h>
#include <uphill/nucleus.h>
#include "kernels.h"
#include "hash.h"
#include "h5util.h"

/* splitmix64 as a counter-based generator, uniform in [0,1).  The offset keeps the fields of
   earlier versions: the mix's own increment is subtracted (modulo 2^64). */
static PetscReal HashUniform(uint64_t seed, uint64_t index)
{
  const uint64_t z = SplitMix64(seed * 0x9E3779B97F4A7C15ULL + index + (0x632BE59BD9B4E019ULL - 0x9E3779B97F4A7C15ULL));
  return (PetscReal)(z >> 11) * 0x1.0p-53;
}

/* Periodic: the plane wave cos(2 pi k.x/L).  No-flux: the product of cos(2 pi k_d x_d/L_d),
   which has zero normal derivative at every wall.  Both are eigenvectors of the discrete
   Laplacian, so a small mode evolves at the discrete dispersion rate. */
static PetscReal ModeShape(const App *app, const PetscReal x[3])
{
  const PetscInt *k = app->p.ic_mode;
  if (app->p.bc == BC_PERIODIC) {
    PetscReal phase = 0;
    for (int d = 0; d < 3; d++) phase += 2 * PETSC_PI * (PetscReal)k[d] * x[d] / app->p.length[d];
    return PetscCosReal(phase);
  }
  PetscReal v = 1;
  for (int d = 0; d < 3; d++) v *= PetscCosReal(2 * PETSC_PI * (PetscReal)k[d] * x[d] / app->p.length[d]);
  return v;
}

/* -ic pfhub_bm1: PFHub benchmark 1's field (Jokisaari et al., Comput. Mater. Sci. 126 (2017)
   139; its notebook), c = c0 + eps S(x,y) with x, y measured from the lower-left corner at the
   cell centres and z ignored.  S is not periodic on the 200 x 200 box: with periodic walls the
   field jumps across the boundary (the benchmark's 1a leaves that open; taken as it is). */
static PetscReal PfhubBm1Shape(const PetscReal x[3])
{
  const PetscReal a = PetscCosReal(0.13 * x[0]) * PetscCosReal(0.087 * x[1]);
  return PetscCosReal(0.105 * x[0]) * PetscCosReal(0.11 * x[1]) + a * a + PetscCosReal(0.025 * x[0] - 0.15 * x[1]) * PetscCosReal(0.07 * x[0] - 0.02 * x[1]);
}

/* -ic couple: left for x < L/2, right above, along the couple's axis; with a width w the
   smooth step (1 + tanh((x - L/2)/w))/2. */
static PetscReal CoupleFraction(const App *app, const PetscReal x[3])
{
  const PetscInt  a = app->p.couple_axis;
  const PetscReal s = x[a] - 0.5 * app->p.length[a], w = app->p.couple_width;
  if (w > 0) return 0.5 * (1 + PetscTanhReal(s / w));
  return s > 0 ? 1.0 : 0.0;
}

/* The N-component states: c_i = c0_i + noise (independent per component), c_1 = c0_1 +
   mode or + PFHub's field, or the couple. */
void InitialGeneral(const App *app, const GridBox *b, PetscScalar *x)
{
  const Params  *p  = &app->p;
  const PetscInt nc = p->ncomp, dof = 2 * nc;

  GRID_FOR_OWNED(b, i, j, k)
  {
    const PetscReal pos[3] = {GridCoord(app, 0, i), GridCoord(app, 1, j), GridCoord(app, 2, k)};
    const uint64_t  gidx   = (uint64_t)i + (uint64_t)b->info.mx * ((uint64_t)j + (uint64_t)b->info.my * (uint64_t)k);
    PetscScalar    *u      = x + GridOwned(b, i, j, k) * dof;
    const PetscReal s      = p->ic == IC_COUPLE ? CoupleFraction(app, pos) : 0;
    for (PetscInt r = 0; r < nc; r++) {
      PetscReal c = p->c0v[r];
      if (p->ic == IC_NOISE) c += p->ic_amplitude * (2 * HashUniform((uint64_t)p->ic_seed, gidx * (uint64_t)nc + (uint64_t)r) - 1);
      else if (p->ic == IC_MODE && r == 0) c += p->ic_amplitude * ModeShape(app, pos);
      else if (p->ic == IC_PFHUB_BM1 && r == 0) c += p->ic_amplitude * PfhubBm1Shape(pos);
      else if (p->ic == IC_COUPLE) c = p->couple_left[r] + (p->couple_right[r] - p->couple_left[r]) * s;
      u[r]      = c;
      u[nc + r] = 0;
    }
  }
}

/* The binary states: c = c0 + noise, c0 + mode or PFHub's field. */
void InitialBinary(const App *app, const GridBox *b, PetscScalar *xa)
{
  const Params *p = &app->p;
  BinaryField  *x = (BinaryField *)xa;

  GRID_FOR_OWNED(b, i, j, k)
  {
    const PetscReal pos[3] = {GridCoord(app, 0, i), GridCoord(app, 1, j), GridCoord(app, 2, k)};
    const uint64_t  gidx   = (uint64_t)i + (uint64_t)b->info.mx * ((uint64_t)j + (uint64_t)b->info.my * (uint64_t)k);
    PetscReal       c      = p->c0;
    if (p->ic == IC_NOISE) c += p->ic_amplitude * (2 * HashUniform((uint64_t)p->ic_seed, gidx) - 1);
    else if (p->ic == IC_PFHUB_BM1) c += p->ic_amplitude * PfhubBm1Shape(pos);
    else c += p->ic_amplitude * ModeShape(app, pos);
    x[GridOwned(b, i, j, k)].c  = c;
    x[GridOwned(b, i, j, k)].mu = 0;
  }
}

PetscErrorCode CheckInitialGeneral(const App *app, Vec X)
{
  const PetscScalar *x;
  PetscInt           n;
  PetscMPIInt        ok;

  PetscFunctionBegin;
  PetscCall(VecGetLocalSize(X, &n));
  PetscCall(VecGetArrayRead(X, &x));
  ok = InDomainGeneral(app, x, n) ? 1 : 0;
  PetscCall(VecRestoreArrayRead(X, &x));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_MIN, PetscObjectComm((PetscObject)X)));
  if (!ok) UPHILL_USER_ERROR(PetscObjectComm((PetscObject)X), "the initial concentrations%s%s%s leave the simplex (c_i > 0, c_1 + ... + c_%" PetscInt_FMT " < 1) where the regular_solution energy is defined", app->p.ic == IC_FILE ? " of field file '" : "", app->p.ic == IC_FILE ? app->p.ic_file : "", app->p.ic == IC_FILE ? "'" : "", app->p.ncomp);
  PetscFunctionReturn(0);
}

PetscErrorCode CheckInitialBinary(const App *app, Vec X)
{
  PetscReal cmin, cmax;

  PetscFunctionBegin;
  PetscCall(VecStrideMin(X, 0, NULL, &cmin));
  PetscCall(VecStrideMax(X, 0, NULL, &cmax));
  if (app->th.type == FE_REGULAR_SOLUTION && !(cmin > 0 && cmax < 1))
    UPHILL_USER_ERROR(PetscObjectComm((PetscObject)X), "initial concentration%s%s%s spans [%g, %g], outside (0,1) where the regular_solution energy is defined", app->p.ic == IC_FILE ? " of field file '" : "", app->p.ic == IC_FILE ? app->p.ic_file : "", app->p.ic == IC_FILE ? "'" : "", (double)cmin, (double)cmax);
  PetscFunctionReturn(0);
}

/* One concentration dataset of an -ic_file, on rank 0: floating-point numbers (not integers
   nor a compound such as complex), readable to the end (not truncated), all finite.  Read in slabs
   of the slowest dimension.  0 if good or absent (OutputReadConcentration reports a missing
   dataset or a wrong grid), else a message in err. */
static int CheckFieldDataset(hid_t f, const char *path, const char *name, char *err, size_t len)
{
  hid_t       d, type, space, mem;
  hsize_t     dims[8] = {0}, total = 1, plane = 1, rows, start[8] = {0}, count[8];
  int         nd, bad = 0;
  H5T_class_t cls;
  double     *buf;

  if (H5Lexists(f, name, H5P_DEFAULT) <= 0 || (d = H5Dopen2(f, name, H5P_DEFAULT)) < 0) return 0;
  type = H5Dget_type(d);
  cls  = H5Tget_class(type);
  H5Tclose(type);
  if (cls != H5T_FLOAT) {
    snprintf(err, len, "field file '%s': dataset '%s' does not hold floating-point numbers (HDF5 type class %s); expected float", path, name, cls == H5T_COMPOUND ? "compound, e.g. complex" : cls == H5T_STRING ? "string" : cls == H5T_INTEGER ? "integer" : "other");
    H5Dclose(d);
    return 1;
  }
  space = H5Dget_space(d);
  nd    = H5Sget_simple_extent_ndims(space);
  if (nd < 0 || nd > 8) {
    snprintf(err, len, "field file '%s': dataset '%s' has an unreadable shape", path, name);
    H5Sclose(space);
    H5Dclose(d);
    return 1;
  }
  H5Sget_simple_extent_dims(space, dims, NULL);
  for (int i = 0; i < nd; i++) total *= dims[i];
  for (int i = 1; i < nd; i++) plane *= dims[i];
  rows = nd ? PetscMax(1, (hsize_t)(1 << 22) / PetscMax(plane, 1)) : 1; /* ~32 MB a slab */
  buf  = malloc(sizeof(double) * (size_t)(nd ? PetscMin(rows, dims[0]) * plane : 1));
  if (!buf) bad = 2;
  for (hsize_t r = 0; !bad && total && r < (nd ? dims[0] : 1); r += rows) {
    hsize_t n = nd ? PetscMin(rows, dims[0] - r) : 1, k;
    for (int i = 0; i < nd; i++) {
      start[i] = i ? 0 : r;
      count[i] = i ? dims[i] : n;
    }
    if (nd) H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL);
    n *= nd ? plane : 1;
    mem = H5Screate_simple(1, &n, NULL);
    if (H5Dread(d, H5T_NATIVE_DOUBLE, mem, space, H5P_DEFAULT, buf) < 0) bad = 2;
    H5Sclose(mem);
    for (k = 0; !bad && k < n; k++)
      if (!isfinite(buf[k])) {
        snprintf(err, len, "field file '%s': dataset '%s' holds %s at flat index %llu", path, name, isnan(buf[k]) ? "NaN" : "an infinite value", (unsigned long long)(r * plane + k));
        bad = 1;
      }
  }
  if (bad == 2) snprintf(err, len, "field file '%s': dataset '%s' cannot be read to its end (truncated or corrupt file)", path, name);
  free(buf);
  H5Sclose(space);
  H5Dclose(d);
  return bad;
}

/* -ic_file checked by rank 0 before the collective read, so that a bad file is one line. */
static PetscErrorCode CheckFieldFile(const App *app, const char *path)
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)app->da);
  PetscMPIInt rank;
  char        err[PETSC_MAX_PATH_LEN + 256] = "";

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) {
    H5E_auto2_t func;
    void       *data;
    hid_t       f;
    H5Eget_auto2(H5E_DEFAULT, &func, &data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if ((f = H5UtilOpenRead(path)) >= 0) { /* an unopenable file: OutputReadConcentration says so */
      for (PetscInt comp = 0; comp < app->p.ncomp && !err[0]; comp++) {
        char name[32];
        if (app->p.ncomp == 1) snprintf(name, sizeof name, "c"); /* OutputFieldName's names */
        else snprintf(name, sizeof name, "c_%" PetscInt_FMT, comp + 1);
        (void)CheckFieldDataset(f, path, name, err, sizeof err);
      }
      H5Fclose(f);
    }
    H5Eset_auto2(H5E_DEFAULT, func, data);
  }
  PetscCallMPI(MPI_Bcast(err, (PetscMPIInt)sizeof err, MPI_CHAR, 0, comm));
  if (err[0]) UPHILL_USER_ERROR(comm, "%s", err);
  PetscFunctionReturn(0);
}

PetscErrorCode InitialState(const App *app, Vec X)
{
  PetscFunctionBegin;
  if (app->p.ic == IC_FILE) {
    PetscCall(CheckFieldFile(app, app->p.ic_file));
    PetscCall(OutputReadConcentration(app, app->p.ic_file, X));
  } else if (app->p.ic == IC_NUCLEUS) PetscCall(InitialNucleus(app, X)); /* initial_nucleus.c */
  else {
    GridBox      b;
    PetscScalar *xa;
    PetscCall(GridGetBox(app->da, &b));
    PetscCall(VecGetArray(X, &xa));
    app->ops->initial(app, &b, xa);
    PetscCall(VecRestoreArray(X, &xa));
  }
  PetscCall(app->ops->check_initial(app, X));
  PetscCall(ComputeConsistentPotential(app, X));
  PetscFunctionReturn(0);
}
