/* bench_stencil_layout: the ceiling of the Jacobian action's stencil on this machine, by data
   layout, without PETSc.  The constant-mobility action reduced to its memory pattern (7-point
   Laplacians of c and mu from a ghosted array, one pointwise coefficient, two outputs), timed
   against the STREAM triad in the same run:

     aos  (c, mu) interleaved per point, as uphill3d's DMDA stores them: every vector load is
          a strided pair that the compiler de-interleaves with permutes;
     soa  c and mu in separate arrays: unit-stride loads only.

   Both count 40 B/point by the action's byte model (read x 16 + f'' 8, write y 16) and have no
   ghost copy, no PETSc call and no branch: an upper bound for src/jacobian_action.c.

     build/bench_stencil_layout [N ...]     (default 64 128; prints a table, CSV to stdout with --csv) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double Now(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void Triad(long n, double *restrict a, const double *restrict b, const double *restrict c)
{
  for (long i = 0; i < n; i++) a[i] = b[i] + 3.0 * c[i];
}

static void ActionAoS(int n, const double *restrict v, const double *restrict f2, double *restrict y, double a, double b, double ts)
{
  const long g = n + 2, oy = 2 * g, oz = 2 * g * g;
  for (int k = 0; k < n; k++)
    for (int j = 0; j < n; j++) {
      const double *restrict w  = v + 2 * (((long)(k + 1) * g + (j + 1)) * g + 1);
      const double *restrict fo = f2 + ((long)k * n + j) * n;
      double *restrict       yo = y + 2 * (((long)k * n + j) * n);
#pragma omp simd
      for (int i = 0; i < n; i++) {
        const long   p = 2 * i;
        const double wc = w[p], wm = w[p + 1];
        const double div = a * (w[p + 3] + w[p - 1] + w[p + oy + 1] + w[p - oy + 1] + w[p + oz + 1] + w[p - oz + 1] - 6 * wm);
        const double lap = b * (w[p + 2] + w[p - 2] + w[p + oy] + w[p - oy] + w[p + oz] + w[p - oz] - 6 * wc);
        yo[p]            = ts * wc - div;
        yo[p + 1]        = wm - fo[i] * wc + lap;
      }
    }
}

static void ActionSoA(int n, const double *restrict vc, const double *restrict vm, const double *restrict f2, double *restrict yc, double *restrict ym, double a, double b, double ts)
{
  const long g = n + 2, oy = g, oz = g * g;
  for (int k = 0; k < n; k++)
    for (int j = 0; j < n; j++) {
      const long             gi = ((long)(k + 1) * g + (j + 1)) * g + 1, oi = ((long)k * n + j) * n;
      const double *restrict c = vc + gi, *restrict m = vm + gi, *restrict fo = f2 + oi;
      double *restrict       r = yc + oi, *restrict s = ym + oi;
#pragma omp simd
      for (int i = 0; i < n; i++) {
        const double div = a * (m[i + 1] + m[i - 1] + m[i + oy] + m[i - oy] + m[i + oz] + m[i - oz] - 6 * m[i]);
        const double lap = b * (c[i + 1] + c[i - 1] + c[i + oy] + c[i - oy] + c[i + oz] + c[i - oz] - 6 * c[i]);
        r[i]             = ts * c[i] - div;
        s[i]             = m[i] - fo[i] * c[i] + lap;
      }
    }
}

int main(int argc, char **argv)
{
  int        grids[8] = {64, 128}, ng = 2, csv = 0;
  const long nt = 1L << 24;
  double    *ta = malloc(8 * nt), *tb = malloc(8 * nt), *tc = malloc(8 * nt);

  for (int i = 1, k = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--csv")) csv = 1;
    else if (k < 8) grids[k++] = atoi(argv[i]), ng = k;
  }
  if (!ta || !tb || !tc) return 1;
  for (long i = 0; i < nt; i++) ta[i] = 0, tb[i] = 1, tc[i] = 2;
  printf(csv ? "grid,layout,ns_per_point,GBps_model,stream_GBps,fraction_of_stream\n" : "%-6s %-6s %10s %12s %12s %9s\n", "grid", "layout", "ns/point", "GB/s (40 B)", "STREAM GB/s", "% STREAM");
  for (int q = 0; q < ng; q++) {
    const int  n = grids[q];
    const long g3 = (long)(n + 2) * (n + 2) * (n + 2), n3 = (long)n * n * n;
    double    *v = malloc(16 * g3), *f2 = malloc(8 * n3), *y = malloc(16 * n3), *vc = malloc(8 * g3), *vm = malloc(8 * g3), *yc = malloc(8 * n3), *ym = malloc(8 * n3);
    double     best[3] = {1e30, 1e30, 1e30};
    if (!v || !f2 || !y || !vc || !vm || !yc || !ym) return 1;
    for (long i = 0; i < g3; i++) v[2 * i] = vc[i] = 1e-3 * (double)(i % 97), v[2 * i + 1] = vm[i] = 1e-3 * (double)(i % 89);
    for (long i = 0; i < n3; i++) f2[i] = 0.5, y[2 * i] = y[2 * i + 1] = yc[i] = ym[i] = 0;
    for (int r = 0; r < 10; r++) { /* interleaved rounds: all three see the same machine state */
      double t0 = Now();
      Triad(nt, ta, tb, tc);
      double t1 = Now();
      ActionAoS(n, v, f2, y, 0.1, 0.2, 3.0);
      double t2 = Now();
      ActionSoA(n, vc, vm, f2, yc, ym, 0.1, 0.2, 3.0);
      double t3 = Now();
      if (t1 - t0 < best[0]) best[0] = t1 - t0;
      if (t2 - t1 < best[1]) best[1] = t2 - t1;
      if (t3 - t2 < best[2]) best[2] = t3 - t2;
    }
    if (y[1] != ym[0] || y[2 * n3 - 2] != yc[n3 - 1]) fprintf(stderr, "aos and soa disagree\n");
    const double stream = 24.0 * (double)nt / best[0] / 1e9;
    for (int l = 1; l < 3; l++) {
      const double ns = 1e9 * best[l] / (double)n3, bw = 40.0 / ns;
      printf(csv ? "%d,%s,%.3f,%.2f,%.2f,%.4f\n" : "%-6d %-6s %10.3f %12.2f %12.2f %9.1f\n", n, l == 1 ? "aos" : "soa", ns, bw, stream, csv ? bw / stream : 100 * bw / stream);
    }
    free(v), free(f2), free(y), free(vc), free(vm), free(yc), free(ym);
  }
  free(ta), free(tb), free(tc);
  return 0;
}
