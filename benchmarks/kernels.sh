#!/usr/bin/env bash
# Kernel bandwidth: STREAM triad beside the residual (IFunction), the ghost update, the
# assembled-Jacobian MatMult and the matrix-free Jacobian action at 64^3
# and 128^3, on 1 and 2 ranks.  One command from a clean clone:
#
#   benchmarks/kernels.sh                                  # builds build/bench_kernels if missing
#   RANKS="1 2 4" GRIDS=64,128,256 ROUNDS=20 CSV=out.csv benchmarks/kernels.sh [extra options]
#
# Extra arguments go to bench_kernels (e.g. -bc noflux).  Each rank count is one run of
# bench_kernels, which measures STREAM and the kernels interleaved in the same run and reports
# the best of ROUNDS rounds (benchmarks/kernels.c documents the byte model).  The machine may
# be shared: the fraction of STREAM of one run is the number to compare, not absolute GB/s
# across runs.  Writes CSV (default benchmarks/results/kernels.csv) and prints the tables;
# then bench_stencil_layout (the stencil's ceiling by data layout, no PETSc) -> kernels_layout.csv.
set -euo pipefail
cd "$(dirname "$0")/.."
RANKS=${RANKS:-"1 2"}
GRIDS=${GRIDS:-64,128}
ROUNDS=${ROUNDS:-10}
REPS=${REPS:-5}
BUILD=${BUILD:-build}
CSV=${CSV:-benchmarks/results/kernels.csv}
MPIEXEC=${MPIEXEC:-mpiexec --oversubscribe}
export OMPI_ALLOW_RUN_AS_ROOT=${OMPI_ALLOW_RUN_AS_ROOT:-1} OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=${OMPI_ALLOW_RUN_AS_ROOT_CONFIRM:-1}

if [ ! -x "$BUILD/bench_kernels" ] || [ ! -x "$BUILD/bench_stencil_layout" ]; then
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$BUILD" -j2 --target bench_kernels bench_stencil_layout >/dev/null
fi
mkdir -p "$(dirname "$CSV")"
echo "kernels benchmark: $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(hostname), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
append=""
for np in $RANKS; do
  $MPIEXEC -n "$np" "$BUILD/bench_kernels" -bench_grids "$GRIDS" -bench_rounds "$ROUNDS" -bench_reps "$REPS" \
    -bench_csv "$CSV" $append "$@"
  append=-bench_csv_append
  echo
done
# the stencil's ceiling by layout (no PETSc, no ghost copy), against STREAM in the same run
LAYOUT_CSV=${CSV%.csv}_layout.csv
echo "stencil ceiling by data layout (benchmarks/stencil_layout.c, 1 core):"
"$BUILD/bench_stencil_layout" ${GRIDS//,/ }
"$BUILD/bench_stencil_layout" --csv ${GRIDS//,/ } > "$LAYOUT_CSV"
echo "CSV: $CSV $LAYOUT_CSV"
