#!/usr/bin/env bash
# Solver scaling with the grid: the same physical problem on 32^3, 64^3 and 128^3 grids, for
# the default preconditioner and alternatives chosen by PETSc options.  One command:
#
#   benchmarks/solver.sh                 # builds build/uphill3d if missing; ~20 min on 2 cores
#   GRIDS="32 64" NP=2 CASES="default gamg" benchmarks/solver.sh
#
# The problem: the quick-start alloy (regular solution, T/T_c = 0.73, kappa = 1e5, M = 1,
# periodic) in a box of side L = 48 (interface width 3, fastest-growing wavelength 26.8),
# starting from one smooth random field (Fourier modes |k| <= 3 (2 pi/L), c in [0.2, 0.8];
# solver.py ic) sampled on each grid, so h = 1.5, 0.75, 0.375.  Fixed time step dt = tau
# (-ts_adapt_type none -ts_dt 2.5e-4), STEPS_N steps per grid (5, 3, 2 by default): every
# grid and preconditioner solves the same nonlinear systems, and the time per step is a
# like-for-like comparison (with adaptive steps each grid would take different steps).
#
# Cases (PETSc options on top of the defaults of src/solver.c; CASES picks them by name):
#   default  FGMRES on the matrix-free Jacobian action + PCMG: rediscretised coarse operators on
#            matrix-free levels (stencils from the averaged f'' and M), matrix-free cell-centred
#            transfers, two red-black point-block Gauss-Seidel sweeps (src/mg_level.c), LU
#            (redundant in parallel) on the coarsest grid
#   gmres    the former default: assembled levels, GMRES(3)/PBJacobi smoothing, the fine-level
#            preconditioning matrix its 2x2 point blocks (-multigrid_smoother gmres)
#   fullpmat the gmres path with the full assembled Jacobian behind the fine-level smoother
#            (-preconditioner_matrix full)
#   galerkin the gmres path with Galerkin coarse operators R A P (-coarse_operator galerkin)
#   assembled the default with the assembled Jacobian as Krylov operator (-jacobian_matrix_free 0)
#   gamg     FGMRES + PETSc's smoothed-aggregation AMG on the coupled (c, mu) system
#   hypre    FGMRES + BoomerAMG on the coupled system (if PETSc has hypre; Debian's does)
#   ilu      FGMRES + block Jacobi / ILU(0) (one-level: expect growth with N)
# Every run: -log_view (TSStep: time per step) and -memory_view (peak resident memory, all
# ranks: PetscMemoryGetMaximumUsage), stats.csv (Newton and Krylov iterations per step).
# A run longer than TIMEOUT seconds (default 240) gets SIGTERM (uphill3d finishes its step,
# writes a checkpoint and stops) and SIGKILL 30 s later; it is reported as 'timeout', and that
# case is not run on the larger grids.
# Writes CSV (default benchmarks/results/solver.csv) and a PNG beside it, prints the table.
set -euo pipefail
cd "$(dirname "$0")/.."
GRIDS=${GRIDS:-"32 64 128"}
NP=${NP:-1}
CASES=${CASES:-"default gmres fullpmat galerkin assembled gamg hypre ilu"}
L=${L:-48}
DT=${DT:-2.5e-4}
TIMEOUT=${TIMEOUT:-240}
BUILD=${BUILD:-build}
PY=${PY:-/usr/bin/python3}
CSV=${CSV:-benchmarks/results/solver.csv}
PNG=${PNG:-${CSV%.csv}.png}
DIR=${DIR:-$(mktemp -d "${TMPDIR:-/tmp}/uphill3d_solver.XXXXXX")}
MPIEXEC=${MPIEXEC:-mpiexec --oversubscribe}
export OMPI_ALLOW_RUN_AS_ROOT=${OMPI_ALLOW_RUN_AS_ROOT:-1} OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=${OMPI_ALLOW_RUN_AS_ROOT_CONFIRM:-1}
export OMPI_MCA_mpi_yield_when_idle=1

steps_for() { case $1 in 32) echo ${STEPS_32:-5} ;; 64) echo ${STEPS_64:-3} ;; *) echo ${STEPS_128:-2} ;; esac; }
options_for() {
  case $1 in
    default) echo "" ;;
    gmres) echo "-multigrid_smoother gmres" ;;
    fullpmat) echo "-preconditioner_matrix full" ;;
    galerkin) echo "-coarse_operator galerkin" ;;
    assembled) echo "-jacobian_matrix_free 0" ;;
    gamg) echo "-pc_type gamg" ;;
    hypre) echo "-pc_type hypre -pc_hypre_type boomeramg" ;;
    ilu) echo "-pc_type bjacobi -sub_pc_type ilu" ;;
    *) echo "solver.sh: unknown case $1" >&2; exit 1 ;;
  esac
}

[ -x "$BUILD/uphill3d" ] || { cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null && cmake --build "$BUILD" -j2 --target uphill3d >/dev/null; }
mkdir -p "$DIR" "$(dirname "$CSV")"
echo "solver benchmark: $(date -u +%Y-%m-%dT%H:%M:%SZ), $NP rank(s), grids $GRIDS, cases $CASES, L = $L, dt = $DT; runs in $DIR"
$PY benchmarks/solver.py header > "$CSV"
declare -A gaveup
for N in $GRIDS; do
  [ -f "$DIR/ic$N.h5" ] || $PY benchmarks/solver.py ic "$N" "$L" "$DIR/ic$N.h5"
  for case in $CASES; do
    opts=$(options_for "$case")
    if [ -n "${gaveup[$case]:-}" ]; then  # a case that overran on a smaller grid is not run on larger ones
      echo "$case,$opts,$N,$NP,$((N*N*N)),$((2*N*N*N)),0,0,,,,,,,not run (timed out at ${gaveup[$case]}^3)" | tee -a "$CSV"
      continue
    fi
    run="$DIR/${case}_$N"; log="$run.log"
    rm -rf "$run"
    echo "# pc_options: $opts" > "$log"
    launch=("$BUILD/uphill3d"); if [ "$NP" -gt 1 ]; then read -r -a mpiexec <<< "$MPIEXEC"; launch=("${mpiexec[@]}" -n "$NP" "$BUILD/uphill3d"); fi
    set +e
    timeout -k 30 "$TIMEOUT" "${launch[@]}" -da_grid_x "$N" -da_grid_y "$N" -da_grid_z "$N" -Lx "$L" -Ly "$L" -Lz "$L" \
      -ic file -ic_file "$DIR/ic$N.h5" -integrator bdf -ts_adapt_type none -ts_dt "$DT" -ts_max_steps "$(steps_for "$N")" \
      -output_dir "$run" -final_output 0 -progress_interval 60 -log_view -memory_view $opts >> "$log" 2>&1
    rc=$?
    set -e
    if [ $rc -eq 124 ] || [ $rc -eq 137 ] || grep -q "caught SIGTERM" "$log"; then
      echo "# timeout after $TIMEOUT s" >> "$log"
      grep -q "finished (CONVERGED_ITS)" "$log" || gaveup[$case]=$N
    fi
    if [ -f "$run/stats.csv" ]; then
      $PY benchmarks/solver.py row "$case" "$N" "$NP" "$run" "$log" | tee -a "$CSV"
    else
      echo "$case,$opts,$N,$NP,$((N*N*N)),$((2*N*N*N)),0,0,,,,,,,failed (rc $rc; see $log)" | tee -a "$CSV"
    fi
  done
done
$PY benchmarks/solver.py plot "$CSV" "$PNG"
echo
column -s, -t < "$CSV"
echo "CSV: $CSV  plot: $PNG  logs: $DIR"
