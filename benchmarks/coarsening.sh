#!/usr/bin/env bash
# Coarsening kinetics (issue 6): spinodal decomposition from noise into late coarsening with
# constant and with degenerate mobility; in-situ analysis gives L(t) = 2 pi / k1, and
# tools/plot_coarsening.py fits L ~ t^n over the late stage (expected n ~ 1/3 and ~ 1/4).
#
#   benchmarks/coarsening.sh [GRID] [DIM] [NP]        defaults: 128 3 2  (128^3 on 2 ranks)
#   benchmarks/coarsening.sh 384 2 1                  quasi-2D 384^2 on 1 rank
#
# Environment: BUILD (build dir, default build), OUT (default out/coarsening), KAPPA (default
# 12: interface width sqrt(kappa/|f''(1/2)|) = 2.45 cells, fastest wavelength 21.8 cells),
# TMAX_CONSTANT (3e4), TMAX_DEGENERATE (2e5), PARALLEL=1 runs the two mobilities side by side,
# EXTRA: more uphill3d options (e.g. EXTRA="-ts_rtol 1e-2 -ts_atol 1e-2": a looser step error
# control; while domains merge all the time the default 1e-4 keeps dt nearly constant).
# Writes OUT/{constant,degenerate}/analysis.csv, OUT/coarsening.csv (run,exponent,tmin,points),
# OUT/coarsening.png, and prints the fitted exponents and the analysis cost per call.
# Each run checkpoints every 10 minutes: rerun the same command to continue a stopped one.
set -euo pipefail
cd "$(dirname "$0")/.."
GRID=${1:-128}; DIM=${2:-3}; NP=${3:-2}
BUILD=${BUILD:-build}; OUT=${OUT:-out/coarsening}
KAPPA=${KAPPA:-12}; TMAX_CONSTANT=${TMAX_CONSTANT:-3e4}; TMAX_DEGENERATE=${TMAX_DEGENERATE:-2e5}
PY=/usr/bin/python3; [ -x $PY ] || PY=python3
[ "$(id -u)" = 0 ] && export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1  # Open MPI as root (CI, containers)
NZ=$GRID; LZ=$GRID; [ "$DIM" = 2 ] && { NZ=1; LZ=1; }
# Dimensionless regular solution at Omega/RT = 3 (binodal 0.0707 .. 0.9293), critical quench.
COMMON=(-gas_constant 1 -temperature 1 -omega 3 -kappa "$KAPPA" -c0 0.5 -ic noise -ic_amplitude 0.01
        -ic_seed 11 -bc periodic -da_grid_x "$GRID" -da_grid_y "$GRID" -da_grid_z "$NZ"
        -Lx "$GRID" -Ly "$GRID" -Lz "$LZ" -progress_interval 60 -checkpoint_walltime 600 ${EXTRA:-})

run() { # name tmax analysis_interval extra...
  local name=$1 tmax=$2 every=$3; shift 3
  local dir=$OUT/$name restart=()
  ls "$dir"/checkpoints/ckpt_*.h5 >/dev/null 2>&1 && restart=(-restart latest)
  mkdir -p "$dir"
  mpiexec --oversubscribe -n "$NP" "$BUILD/uphill3d" "${COMMON[@]}" -ts_max_time "$tmax" \
    -analysis_interval "$every" -output_dir "$dir" "$@" "${restart[@]}" > "$dir/log.txt" 2>&1
  tail -n 4 "$dir/log.txt"
}
if [ "${PARALLEL:-0}" = 1 ]; then
  run constant "$TMAX_CONSTANT" 25 -mobility_model constant &
  run degenerate "$TMAX_DEGENERATE" 100 -mobility_model degenerate -mobility 4 &
  wait
else
  run constant "$TMAX_CONSTANT" 25 -mobility_model constant
  run degenerate "$TMAX_DEGENERATE" 100 -mobility_model degenerate -mobility 4
fi
$PY tools/plot_coarsening.py "$OUT/constant" "$OUT/degenerate" --late 0.5 \
  --out "$OUT/coarsening.png" --csv "$OUT/coarsening.csv"
for r in constant degenerate; do # analysis cost: median wall seconds per call against per step
  $PY - "$OUT/$r/analysis.csv" <<'PYEOF'
import sys, numpy as np
a = np.genfromtxt(sys.argv[1], delimiter=",", names=True)
s = a["step_seconds"][a["step_seconds"] > 0]
print("%s: analysis %.4f s per call (median), a step %.4f s (median): %.1f%% of a step"
      % (sys.argv[1], np.median(a["analysis_seconds"]), np.median(s), 100 * np.median(a["analysis_seconds"]) / np.median(s)))
PYEOF
done
