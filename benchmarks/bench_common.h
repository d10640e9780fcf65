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
#endif
