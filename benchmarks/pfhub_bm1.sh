#!/bin/bash
# PFHub benchmark 1 (spinodal decomposition; Jokisaari et al., Comput. Mater. Sci. 126 (2017)
# 139-151; https://pages.nist.gov/pfhub/): 1a (periodic) and 1b (no-flux) on 200 x 200, h = 1,
# with uphill3d's DEFAULT integrator and tolerances, to equilibrium (at most t = TEND, default 2e6),
# one rank; 1b also on 400 x 400 (h = 0.5) to t = 1e3.  Each run goes to t = 1e4 with a field
# file every 1e3 and a checkpoint at the end, then is restarted in chunks of 2e5 until F changes
# by less than 1e-6 (relative) over a chunk.
#
#   benchmarks/pfhub_bm1.sh            (env: TEND, UPHILL3D, PYTHON, FORCE=1 re-runs, SKIP_400=1)
#
# Writes benchmarks/results/pfhub_bm1{a,b}_200/ and pfhub_bm1b_400/ (stats.csv, run.log,
# run.json with wall time and peak memory; field files, final.h5 and checkpoints stay there for
# the report and are not committed), the PFHub upload files benchmarks/results/pfhub_bm1_upload/free_energy_1{a,b}.csv
# and metadata_1{a,b}.json, the table pfhub_bm1_table.md, and the plots pfhub_bm1_energy.png
# (F(t) log-log with the published range) and pfhub_bm1_fields.png (c at 1e3, 1e4, the end).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
export UPHILL3D=${UPHILL3D:-$ROOT/build/uphill3d}
PYTHON=${PYTHON:-/usr/bin/python3}
TEND=${TEND:-2e6}
RES=$HERE/results
[ -x "$UPHILL3D" ] || { echo "missing $UPHILL3D (build first)" >&2; exit 1; }

run() { # variant grid tend
  local dir=$RES/pfhub_bm1$1_$2
  if [ -z "${FORCE:-}" ] && [ -f "$dir/run.json" ]; then echo "1$1 $2^2: kept ($dir)"; return; fi
  rm -rf "$dir"
  "$PYTHON" "$HERE/pfhub_bm1.py" run "$1" "$dir" --grid "$2" --tend "$3"
}
run b 200 "$TEND"
run a 200 "$TEND"
[ -n "${SKIP_400:-}" ] || run b 400 1e3
"$PYTHON" "$HERE/pfhub_bm1.py" upload "$RES/pfhub_bm1a_200" a "$RES/pfhub_bm1_upload"
"$PYTHON" "$HERE/pfhub_bm1.py" upload "$RES/pfhub_bm1b_200" b "$RES/pfhub_bm1_upload"
"$PYTHON" "$HERE/pfhub_bm1.py" report "$RES"
