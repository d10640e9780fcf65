/* Helpers of the spectral reference programs (spectral_ch.c, spectral_ternary.c; not part of
   uphill3d).  BENCH_NAME, defined before the include, names the program in messages. */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H
#include <fftw3.h>
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void die(const char *msg, const char *arg)
{
  fprintf(stderr, "%s: %s%s%s\n", BENCH_NAME, msg, arg ? " " : "", arg ? arg : "");
  exit(1);
}

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* ndouble zeroed doubles, FFTW-aligned. */
static void *xalloc(size_t ndouble)
{
  double *p = fftw_malloc(ndouble * sizeof(double));
  if (!p) die("out of memory", NULL);
  memset(p, 0, ndouble * sizeof(double));
  return p;
}

/* An x row of n values with one halo value either side into buf (n + 2): buf[0] = row[lo],
   buf[n + 1] = row[hi] (periodic: n - 1 and 0; a mirrored no-flux wall: 0 and n - 1), so that
   a row's stencil loop reads contiguous memory and vectorises. */
static inline void HaloRow(const double *row, int n, int lo, int hi, double *buf)
{
  memcpy(buf + 1, row, n * sizeof(double));
  buf[0]     = row[lo];
  buf[n + 1] = row[hi];
}

/* A scalar double attribute of the root of an open file, or fallback when absent. */
static double ReadAttr(hid_t f, const char *name, double fallback)
{
  double x = fallback;
  if (H5Aexists(f, name) > 0) {
    hid_t a = H5Aopen(f, name, H5P_DEFAULT);
    if (a < 0 || H5Aread(a, H5T_NATIVE_DOUBLE, &x) < 0) die("cannot read attribute", name);
    H5Aclose(a);
  }
  return x;
}

/* The uphill3d field file at path, opened read-only (HDF5's own error stack silenced: die()
   prints one clear line instead). */
static hid_t OpenField(const char *path)
{
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) die("cannot open", path);
  return f;
}

/* Dataset name ([Nz][Ny][Nx], x fastest) of the open field file f (path: for messages); n: its size. */
static double *ReadDataset(hid_t f, const char *path, const char *name, int n[3])
{
  char    msg[128];
  hsize_t dims[3];
  hid_t   d = H5Dopen2(f, name, H5P_DEFAULT);
  snprintf(msg, sizeof msg, "no dataset %s in", name);
  if (d < 0) die(msg, path);
  hid_t s = H5Dget_space(d);
  snprintf(msg, sizeof msg, "dataset %s is not 3D in", name);
  if (H5Sget_simple_extent_ndims(s) != 3) die(msg, path);
  H5Sget_simple_extent_dims(s, dims, NULL);
  for (int i = 0; i < 3; i++) n[i] = (int)dims[2 - i];
  double *c = xalloc((size_t)n[0] * n[1] * n[2]);
  snprintf(msg, sizeof msg, "cannot read dataset %s of", name);
  if (H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, c) < 0) die(msg, path);
  H5Sclose(s);
  H5Dclose(d);
  return c;
}

/* The box lengths Lx, Ly, Lz of the file (uphill3d's attributes), else the grid size (h = 1). */
static void ReadBox(hid_t f, const int n[3], double L[3])
{
  const char *names[3] = {"Lx", "Ly", "Lz"};
  for (int i = 0; i < 3; i++) L[i] = ReadAttr(f, names[i], n[i]);
}
#endif
