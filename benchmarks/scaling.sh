#!/usr/bin/env bash
# Strong and weak scaling of uphill3d: time per step and parallel efficiency from -log_view.
#
#   benchmarks/scaling.sh strong RANKS...     fixed grid N^3 (N=128 here by default), e.g.  strong 1 2
#   benchmarks/scaling.sh weak RANKS...       N^3 points per rank (N=64 by default): the grid
#                                             grows with the ranks, e.g.  weak 1 2
#   N=512 STEPS=3 MPIEXEC=srun benchmarks/scaling.sh strong 64 128 256 512 1024   (jobscripts/)
#
# Every run: the quick-start alloy (regular solution, T/T_c = 0.73, h = 1, periodic), noise
# initial state (the same field on any rank count: hashed by the global index), fixed step
# dt = tau (-ts_adapt_type none -ts_dt 2.5e-4; the same nonlinear systems on every rank
# count), STEPS steps (default 3), default solver, -log_view.  Time per step = the TSStep
# event's time (slowest rank) / steps; also the time in KSPSolve, PCSetUp (multigrid set-up,
# Galerkin products), residual and Jacobian evaluation, MPI messages and bytes (run totals),
# and the peak memory per grid point (-memory_view, all ranks).
# Weak scaling splits the ranks into a near-cubic px x py x pz (-da_processors_x/y/z) and
# takes the grid (N px) x (N py) x (N pz).  Efficiency is measured against the smallest rank
# count given (strong: p0 T(p0) / (p T(p)); weak: T(p0) / T(p)).  REPEAT=n runs the whole
# series n times (rank counts interleaved) and takes the fastest run of each rank count (on a
# shared machine); the CSV keeps every run and marks the ones used ('best').
# Environment: N, STEPS, DT, BUILD (build), MPIEXEC (mpiexec --oversubscribe; srun on Slurm),
# NPFLAG (-n), EXTRA (more uphill3d options), CSV (benchmarks/results/scaling_MODE.csv; the
# PNG beside it), DIR (run directories; a temporary one by default).  Placement on a cluster:
# NODES=K spreads every run evenly over min(K, ranks) nodes; RANKS_PER_NODE=R packs it on
# ceil(ranks/R) nodes (srun: -N; otherwise Open MPI's --map-by ppr:R:node).
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:-}
case "$MODE" in strong|weak) shift ;; *) sed -n '2,9p' "$0"; exit 2 ;; esac
[ $# -ge 1 ] || { echo "scaling.sh: give the rank counts, e.g. scaling.sh $MODE 1 2" >&2; exit 2; }
RANKS=("$@")
if [ "$MODE" = strong ]; then N=${N:-128}; else N=${N:-64}; fi
STEPS=${STEPS:-3}
REPEAT=${REPEAT:-1}
DT=${DT:-2.5e-4}
BUILD=${BUILD:-build}
UPHILL3D=${UPHILL3D:-$BUILD/uphill3d}
PY=${PY:-/usr/bin/python3}
MPIEXEC=${MPIEXEC:-mpiexec --oversubscribe}
NPFLAG=${NPFLAG:--n}
EXTRA=${EXTRA:-}
INTEGRATOR=${INTEGRATOR:-bdf}  # the Newton-multigrid path these tables measure; rosw for the transform path
CSV=${CSV:-benchmarks/results/scaling_$MODE.csv}
PNG=${PNG:-${CSV%.csv}.png}
DIR=${DIR:-$(mktemp -d "${TMPDIR:-/tmp}/uphill3d_scaling.XXXXXX")}
export OMPI_ALLOW_RUN_AS_ROOT=${OMPI_ALLOW_RUN_AS_ROOT:-1} OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=${OMPI_ALLOW_RUN_AS_ROOT_CONFIRM:-1}

[ -x "$UPHILL3D" ] || { cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null && cmake --build "$BUILD" -j2 --target uphill3d >/dev/null; }
mkdir -p "$DIR" "$(dirname "$CSV")"

# near-cubic factorisation p = px py pz, px >= py >= pz
factor3() {
  local p=$1 best="" bestcost=999999999 px py pz
  for ((px = 1; px <= p; px++)); do
    ((p % px)) && continue
    for ((py = 1; py <= p / px; py++)); do
      (( (p / px) % py )) && continue
      pz=$((p / px / py))
      ((px >= py && py >= pz)) || continue
      cost=$((px * py + py * pz + px * pz))
      ((cost < bestcost)) && { bestcost=$cost; best="$px $py $pz"; }
    done
  done
  echo "$best"
}

echo "scaling ($MODE): $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(hostname), ranks ${RANKS[*]}, N = $N, $STEPS steps, dt = $DT, $REPEAT repeat(s); load average $(cut -d' ' -f1-3 /proc/loadavg); runs in $DIR"
$PY benchmarks/scaling.py header > "$CSV"
for rep in $(seq 1 "$REPEAT"); do
for p in "${RANKS[@]}"; do
  read -r px py pz <<< "$(factor3 "$p")"
  if [ "$MODE" = strong ]; then gx=$N gy=$N gz=$N; dec=(); else gx=$((N * px)) gy=$((N * py)) gz=$((N * pz)); dec=(-da_processors_x "$px" -da_processors_y "$py" -da_processors_z "$pz"); fi
  run="$DIR/${MODE}_np${p}_$rep"; log="$run.log"
  rm -rf "$run"
  place=()
  nodes=""
  [ -n "${NODES:-}" ] && nodes=$(( NODES < p ? NODES : p ))
  [ -n "${RANKS_PER_NODE:-}" ] && nodes=$(( (p + RANKS_PER_NODE - 1) / RANKS_PER_NODE ))
  if [ -n "$nodes" ]; then
    if [ "${MPIEXEC%% *}" = srun ]; then place=(-N "$nodes"); else place=(--map-by "ppr:$(( (p + nodes - 1) / nodes )):node"); fi
  fi
  launch=("$UPHILL3D")
  if [ "$p" -gt 1 ] || [ -n "$nodes" ] || [ "${MPIEXEC%% *}" = srun ]; then read -r -a mpiexec <<< "$MPIEXEC"; launch=("${mpiexec[@]}" "${place[@]}" "$NPFLAG" "$p" "$UPHILL3D"); fi
  set +e
  "${launch[@]}" -da_grid_x $gx -da_grid_y $gy -da_grid_z $gz "${dec[@]}" -ts_adapt_type none -ts_dt "$DT" \
    -ts_max_steps "$STEPS" -output_dir "$run" -final_output 0 -progress_interval 60 -log_view -memory_view -integrator "$INTEGRATOR" $EXTRA > "$log" 2>&1
  rc=$?
  set -e
  [ $rc -eq 0 ] || echo "scaling.sh: run on $p ranks failed (rc $rc); see $log" >&2
  $PY benchmarks/scaling.py row "$MODE" "$p" "${gx}x${gy}x${gz}" "$log" "$run" "$rep" >> "$CSV"
done
done
$PY benchmarks/scaling.py finish "$CSV" "$PNG"
column -s, -t < "$CSV"
echo "CSV: $CSV  plot: $PNG  logs: $DIR"
