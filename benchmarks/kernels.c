/* bench_kernels: how close uphill3d's hot kernels run to the memory bandwidth of this machine.

   In one run, interleaved round by round so that every kernel sees the same machine state,
   it measures the STREAM triad bandwidth and the bandwidth each kernel achieves by its byte
   model, on every grid of -bench_grids (default 64,128), and prints each kernel's fraction of
   the triad bandwidth.  Run it on 1 and on 2 ranks (benchmarks/kernels.sh does both).

     mpiexec -n R build/bench_kernels [-bench_grids 64,128] [-bench_rounds 10] [-bench_reps 5]
         [-bench_stream_n 16777216] [-bench_csv FILE [-bench_csv_append]] [model options]

   Model options (-bc, -mobility_model, ...) are uphill3d's own; the grid is N^3 with h = 1 and
   the state is uphill3d's initial state (-ic noise: c = 0.5 +- 0.01 and a consistent mu).

   Timing: each kernel is called -bench_reps times per round and timed between barriers (so a
   time is the slowest rank's); the table reports the best time over all rounds (the machine is
   shared and noisy: the best is the least disturbed) and the CSV also keeps the median.

   Byte model (bytes that must cross the memory bus once per grid point, counted as read +
   written, with no write-allocate traffic: STREAM's own convention, so the ratio is fair):
     triad          a[i] = b[i] + s c[i]                        24 B per element
     residual       reads X = (c, mu) and Xdot, writes F        3 x 16 = 48 B per point
                    (through the public IFunction FormIFunction, which includes the
                    global-to-local ghost update; that copy is NOT in the model: it is the
                    implementation's overhead, measured separately as 'ghost update')
     ghost update   GridGlobalToLocal: reads X, writes the local (ghosted) copy: 32 B/point
     MatMult (AIJ)  values and column indices of every stored non-zero, a row pointer per
                    row, x read once and y written once:
                    nz (8 + sizeof(PetscInt)) + rows (sizeof(PetscInt) + 16) bytes
     Jacobian action, matrix-free (the MatShell of src/jacobian_action.c, through MatMult):
                    reads x (16) and f''(c)/E (8, computed once per state), writes y (16):
                    40 B/point; degenerate mobility also reads the state (c, mu): 56 B/point
                    (like the residual, it ghost-updates x first; that copy is not in the model).
   Jacobian assembly (FormIJacobian) is timed for information (ns per point, no byte model;
   one call in each of the first 3 rounds). */
#include <uphill/app.h>
#include <uphill/physics.h>
#include <uphill/grid.h>
#include <uphill/initial.h>
#include <uphill/errors.h>
#include <time.h>

#define MAX_GRIDS 8
#define MAX_ROUNDS 200

typedef enum { K_TRIAD, K_RES_LOG, K_RES_POLY, K_RES_DEGEN, K_GHOST, K_JAC_MF, K_JAC_MF_DEGEN, K_MATMULT, K_ASSEMBLY, K_COUNT } Kernel;

static const char *const kname[K_COUNT] = {"stream_triad", "residual", "residual", "residual", "ghost_update", "jacobian_action_mf", "jacobian_action_mf", "matmult_assembled", "jacobian_assembly"};
static const char *const kvariant[K_COUNT] = {"", "regular_solution/constant", "double_well/constant", "regular_solution/degenerate", "", "regular_solution/constant", "regular_solution/degenerate", "aij", ""};

typedef struct {
  PetscReal t[MAX_ROUNDS]; /* best time of each round (s) */
  PetscInt  n;
} Samples;

static int CmpReal(const void *a, const void *b)
{
  const PetscReal x = *(const PetscReal *)a, y = *(const PetscReal *)b;
  return (x > y) - (x < y);
}

static PetscReal Best(const Samples *s)
{
  PetscReal b = PETSC_MAX_REAL;
  for (PetscInt i = 0; i < s->n; i++) b = PetscMin(b, s->t[i]);
  return b;
}

static PetscReal Median(const Samples *s)
{
  PetscReal v[MAX_ROUNDS];
  for (PetscInt i = 0; i < s->n; i++) v[i] = s->t[i];
  qsort(v, (size_t)s->n, sizeof v[0], CmpReal);
  return s->n % 2 ? v[s->n / 2] : 0.5 * (v[s->n / 2 - 1] + v[s->n / 2]);
}

static void Triad(PetscInt n, PetscReal *restrict a, const PetscReal *restrict b, const PetscReal *restrict c, PetscReal s)
{
  for (PetscInt i = 0; i < n; i++) a[i] = b[i] + s * c[i];
}

typedef struct {
  App       app[3]; /* residual variants: the same DMDA, other energy/mobility */
  Vec       X, Xdot, F, Xl, Y;
  Mat       J;
  Mat       Jmf[2]; /* matrix-free actions: constant and degenerate mobility */
  PetscReal nz;    /* stored non-zeros of J, all ranks */
  PetscReal rows;  /* rows of J, all ranks */
  PetscReal points;
} Problem;

/* One kernel call by id; the caller times it. */
static PetscErrorCode RunKernel(Problem *pb, Kernel k, PetscReal *tri[3], PetscInt ntri)
{
  PetscFunctionBegin;
  switch (k) {
  case K_TRIAD:
    Triad(ntri, tri[0], tri[1], tri[2], 3.0);
    break;
  case K_RES_LOG:
  case K_RES_POLY:
  case K_RES_DEGEN:
    PetscCall(FormIFunction(NULL, 0.0, pb->X, pb->Xdot, pb->F, &pb->app[k - K_RES_LOG]));
    break;
  case K_GHOST:
    PetscCall(GridGlobalToLocal(&pb->app[0], pb->X, pb->Xl));
    break;
  case K_JAC_MF:
  case K_JAC_MF_DEGEN:
    PetscCall(MatMult(pb->Jmf[k - K_JAC_MF], pb->X, pb->Y));
    break;
  case K_MATMULT:
    PetscCall(MatMult(pb->J, pb->X, pb->Y));
    break;
  case K_ASSEMBLY:
    PetscCall(FormIJacobian(NULL, 0.0, pb->X, pb->Xdot, 1.0e3, pb->J, pb->J, &pb->app[0]));
    break;
  default:
    break;
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode ProblemCreate(MPI_Comm comm, const Params *p0, PetscInt N, Problem *pb)
{
  MatInfo     info;
  PetscRandom rnd;
  PetscInt    M;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(pb, sizeof *pb));
  pb->app[0].p = *p0;
  for (int d = 0; d < 3; d++) pb->app[0].p.grid[d] = N, pb->app[0].p.length[d] = (PetscReal)N;
  PetscCall(AppSetUp(comm, &pb->app[0]));
  /* variants share the DMDA and the scales; only the pointwise physics differs */
  for (int v = 1; v < 3; v++) pb->app[v] = pb->app[0];
  pb->app[1].p.free_energy = FE_DOUBLE_WELL;
  PetscCall(ThermoFromParams(&pb->app[1].p, &pb->app[1].th));
  pb->app[2].p.mobility_model = MOBILITY_DEGENERATE;
  pb->app[2].mob.model        = MOBILITY_DEGENERATE;

  PetscCall(DMCreateGlobalVector(pb->app[0].da, &pb->X));
  PetscCall(VecDuplicate(pb->X, &pb->Xdot));
  PetscCall(VecDuplicate(pb->X, &pb->F));
  PetscCall(VecDuplicate(pb->X, &pb->Y));
  PetscCall(DMCreateLocalVector(pb->app[0].da, &pb->Xl));
  PetscCall(InitialState(&pb->app[0], pb->X));
  PetscCall(PetscRandomCreate(comm, &rnd));
  PetscCall(PetscRandomSetInterval(rnd, -1.0, 1.0));
  PetscCall(VecSetRandom(pb->Xdot, rnd));
  PetscCall(PetscRandomDestroy(&rnd));
  PetscCall(DMCreateMatrix(pb->app[0].da, &pb->J));
  PetscCall(FormIJacobian(NULL, 0.0, pb->X, pb->Xdot, 1.0e3, pb->J, pb->J, &pb->app[0]));
  for (int v = 0; v < 2; v++) {
    PetscCall(JacobianActionCreate(&pb->app[2 * v], &pb->Jmf[v]));
    PetscCall(JacobianActionSetState(pb->Jmf[v], pb->X, 1.0e3));
  }
  PetscCall(MatGetInfo(pb->J, MAT_GLOBAL_SUM, &info));
  PetscCall(MatGetSize(pb->J, &M, NULL));
  pb->nz     = info.nz_used;
  pb->rows   = (PetscReal)M;
  pb->points = (PetscReal)N * N * N;
  PetscFunctionReturn(0);
}

static PetscErrorCode ProblemDestroy(Problem *pb)
{
  PetscFunctionBegin;
  PetscCall(MatDestroy(&pb->J));
  for (int v = 0; v < 2; v++) PetscCall(MatDestroy(&pb->Jmf[v]));
  PetscCall(VecDestroy(&pb->X));
  PetscCall(VecDestroy(&pb->Xdot));
  PetscCall(VecDestroy(&pb->F));
  PetscCall(VecDestroy(&pb->Y));
  PetscCall(VecDestroy(&pb->Xl));
  PetscCall(AppDestroy(&pb->app[0]));
  PetscFunctionReturn(0);
}

/* Bytes of one call by the byte model, all ranks together (0: no model). */
static PetscReal ModelBytes(const Problem *pb, Kernel k, PetscReal triad_elems)
{
  switch (k) {
  case K_TRIAD: return 24.0 * triad_elems;
  case K_RES_LOG:
  case K_RES_POLY:
  case K_RES_DEGEN: return 48.0 * pb->points;
  case K_GHOST: return 32.0 * pb->points;
  case K_JAC_MF: return 40.0 * pb->points;
  case K_JAC_MF_DEGEN: return 56.0 * pb->points;
  case K_MATMULT: return pb->nz * (8.0 + sizeof(PetscInt)) + pb->rows * (sizeof(PetscInt) + 16.0);
  default: return 0;
  }
}

int main(int argc, char **argv)
{
  MPI_Comm    comm;
  PetscMPIInt size, rank;
  Params      p0;
  PetscInt    grids[MAX_GRIDS] = {64, 128}, ngrids = MAX_GRIDS, rounds = 10, reps = 5, ntri = 1 << 24;
  char        csvpath[PETSC_MAX_PATH_LEN] = "benchmarks/results/kernels.csv", date[32];
  PetscBool   append = PETSC_FALSE, gset;
  PetscReal  *tri[3];
  FILE       *csv = NULL;
  time_t      now = time(NULL);

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(ErrorsInstallHandler());
  comm = PETSC_COMM_WORLD;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(PetscOptionsGetIntArray(NULL, NULL, "-bench_grids", grids, &ngrids, &gset));
  if (!gset) ngrids = 2;
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-bench_rounds", &rounds, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-bench_reps", &reps, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-bench_stream_n", &ntri, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-bench_csv", csvpath, sizeof csvpath, NULL));
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-bench_csv_append", &append, NULL));
  PetscCheck(rounds >= 1 && rounds <= MAX_ROUNDS, comm, PETSC_ERR_ARG_OUTOFRANGE, "-bench_rounds must be in 1..%d", MAX_ROUNDS);
  PetscCheck(reps >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "-bench_reps must be >= 1");
  PetscCall(ParamsRead(comm, &p0));
  strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));

  /* STREAM arrays: per rank, far larger than any cache; first touch by this rank */
  for (int a = 0; a < 3; a++) {
    PetscCall(PetscMalloc1(ntri, &tri[a]));
    for (PetscInt i = 0; i < ntri; i++) tri[a][i] = 1.0 + a;
  }
  const PetscReal triad_elems = (PetscReal)ntri * size;

  if (rank == 0) {
    PetscBool exists = PETSC_FALSE;
    PetscCall(PetscTestFile(csvpath, 'r', &exists));
    csv = fopen(csvpath, append ? "a" : "w");
    PetscCheck(csv, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot write %s", csvpath);
    if (!append || !exists)
      fprintf(csv, "date,ranks,grid,points,kernel,variant,bytes_per_point,best_s,median_s,rounds,ns_per_point,GBps_model,stream_GBps,fraction_of_stream,note\n");
  }
  PetscCall(PetscPrintf(comm, "bench_kernels: %d rank%s, %" PetscInt_FMT " rounds x %" PetscInt_FMT " calls per kernel (best shown), STREAM arrays %" PetscInt_FMT " doubles x 3 per rank, PetscInt %d bytes, bc %s\n", size, size > 1 ? "s" : "", rounds, reps, ntri, (int)sizeof(PetscInt), BoundaryTypes[p0.bc]));

  for (PetscInt g = 0; g < ngrids; g++) {
    Problem pb;
    Samples s[K_COUNT];
    PetscReal stream_bw;
    MatType   mtype;

    PetscCall(ProblemCreate(comm, &p0, grids[g], &pb));
    PetscCall(PetscMemzero(s, sizeof s));
    for (PetscInt r = 0; r < rounds; r++)
      for (int k = 0; k < K_COUNT; k++) {
        if (k == K_ASSEMBLY && r >= 3) continue; /* slow and informational: 3 rounds */
        const PetscInt n = k == K_ASSEMBLY ? 1 : reps;
        PetscReal      best = PETSC_MAX_REAL;
        for (PetscInt i = 0; i < n; i++) {
          PetscCallMPI(MPI_Barrier(comm));
          const double t0 = MPI_Wtime();
          PetscCall(RunKernel(&pb, (Kernel)k, tri, ntri));
          PetscCallMPI(MPI_Barrier(comm));
          best = PetscMin(best, (PetscReal)(MPI_Wtime() - t0));
        }
        s[k].t[s[k].n++] = best;
      }
    stream_bw = ModelBytes(&pb, K_TRIAD, triad_elems) / Best(&s[K_TRIAD]);

    PetscCall(MatGetType(pb.J, &mtype));
    PetscCall(PetscPrintf(comm, "\n%" PetscInt_FMT "^3 grid (%.0f points, %.0f unknowns), %d rank%s; J: %s, %.1f stored non-zeros per row\n", grids[g], (double)pb.points, 2 * (double)pb.points, size, size > 1 ? "s" : "", mtype, (double)(pb.nz / pb.rows)));
    PetscCall(PetscPrintf(comm, "%-20s %-28s %9s %11s %11s %10s %9s %9s\n", "kernel", "variant", "B/point", "best ms", "median ms", "ns/point", "GB/s", "% STREAM"));
    for (int k = 0; k < K_COUNT; k++) {
      const PetscReal bytes = ModelBytes(&pb, (Kernel)k, triad_elems);
      const PetscReal bpp   = k == K_TRIAD ? 24.0 : bytes / pb.points;
      const PetscReal best = Best(&s[k]), med = Median(&s[k]);
      const PetscReal nspp = k == K_TRIAD ? best / triad_elems * 1e9 : best / pb.points * 1e9;
      char gbps[32] = "-", frac[32] = "-";
      if (bytes > 0) {
        snprintf(gbps, sizeof gbps, "%.2f", (double)(bytes / best / 1e9));
        snprintf(frac, sizeof frac, "%.1f", (double)(100 * bytes / best / stream_bw));
      }
      PetscCall(PetscPrintf(comm, "%-20s %-28s %9.1f %11.3f %11.3f %10.3f %9s %9s\n", kname[k], kvariant[k], bytes > 0 ? (double)bpp : 0.0, (double)(1e3 * best), (double)(1e3 * med), (double)nspp, gbps, frac));
      if (csv) {
        fprintf(csv, "%s,%d,%" PetscInt_FMT ",%.0f,%s,%s,", date, size, grids[g], (double)pb.points, kname[k], kvariant[k]);
        if (bytes > 0) fprintf(csv, "%.2f,%.6g,%.6g,%" PetscInt_FMT ",%.6g,%.6g,%.6g,%.4f,%s\n", (double)bpp, (double)best, (double)med, s[k].n, (double)nspp, (double)(bytes / best / 1e9), (double)(stream_bw / 1e9), (double)(bytes / best / stream_bw), k == K_TRIAD ? "per element; all ranks" : "");
        else fprintf(csv, ",%.6g,%.6g,%" PetscInt_FMT ",%.6g,,%.6g,,no byte model (information)\n", (double)best, (double)med, s[k].n, (double)nspp, (double)(stream_bw / 1e9));
      }
    }
    PetscCall(PetscPrintf(comm, "  (residual and matrix-free action include the ghost update; their models count each array once)\n"));
    PetscCall(PetscPrintf(comm, "  matrix-free action / assembled MatMult, time per application: %.2fx faster (constant M), %.2fx (degenerate M)\n", (double)(Best(&s[K_MATMULT]) / Best(&s[K_JAC_MF])), (double)(Best(&s[K_MATMULT]) / Best(&s[K_JAC_MF_DEGEN]))));
    PetscCall(ProblemDestroy(&pb));
  }
  if (csv) fclose(csv);
  PetscCall(PetscPrintf(comm, "\nCSV: %s\n", csvpath));
  for (int a = 0; a < 3; a++) PetscCall(PetscFree(tri[a]));
  PetscCall(PetscFinalize());
  return 0;
}
