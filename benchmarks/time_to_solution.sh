#!/bin/bash
# Work-precision benchmark (issue 11 item 1): error of F(t_end) against wall time for uphill3d
# configurations and the Fourier-spectral reference bench_spectral (stabilised SBDF1/SBDF2,
# fixed dt), all from ONE initial field, all on 1 rank, timed in the same run, interleaved,
# best of REPEATS.
#
#   benchmarks/time_to_solution.sh [PROBLEM] [N]        PROBLEM a|b|c|d|e (default a), N 48|96 (default 48; b: 96; e: 32)
#
# Problems (the quick-start alloy in reduced units: R = T = V_m = M0 = 1, Omega = 2.75545,
# kappa = 13.7772; N^3 cells, h = 1; noise c0 = 0.5 +- 0.01, seed 11):
#   a  periodic, constant mobility, t_end = 435.5 (~18 growth times: decomposition and early coarsening)
#   b  the same to t_end = 4355 (late coarsening; meant for 96^3)
#   c  no-flux walls, t_end = 435.5
#   d  degenerate mobility M0 c(1-c), t_end = 1742 (M(1/2) = M0/4: 4x a's time)
#   e  ternary: input/ternary_spinodal.opts's alloy (Omega_ij = 4 RT, lattice-fixed L from equal
#      atomic mobilities, kappa = 1) at N^3 (h = 1), c0 = (1/3, 1/3) +- 0.05 (seed 11), periodic,
#      t_end = 100 (decomposition into three phases and early coarsening); the spectral peer is
#      bench_spectral_ternary (benchmarks/spectral_ternary.c: SBDF1/SBDF2 with L(mean c)
#      implicit and the variable part explicit, Zhu et al. 1999 with matrices)
#
# Problem (e) also measures the error along the run: F at t = t_end/10, 2 t_end/10, ..., t_end
# (spectral: -trace_every, not timed; uphill3d: its stats.csv, interpolated linearly between
# steps) against the spectral references' trajectory (Richardson, as F(t_end)); the largest of
# the ten is the table's "max over the run" column.  (F(t_end) alone rewards luck late in
# coarsening, where errors made earlier are forgotten: SBDF1's error there was smaller at
# dt = 0.5 than at 0.2.)  Traces under the work directory's trace/.
#
# References (cached: reused when the run directory holds a finished run with the same
# options; FORCE=1 re-runs everything, the initial field included):
#   spectral  bench_spectral SBDF2 with the fd symbol (uphill3d's own spatial discretisation,
#             so it is the converged answer of BOTH codes), A = 0, at REF_DT*2, REF_DT, REF_DT/2,
#             Richardson-extrapolated with the observed order; the change of the extrapolated
#             value from the coarser pair is reported (must be < 1e-7 relative).
#   uphill3d  UPHILL_REF_OPTS (default -integrator rosw -ts_rtol 1e-7; e: -ts_rtol 1e-5, etd); UPHILL_REF=0 skips it.
#
# Environment: CONFIGS (uphill3d option sets, ';'-separated, 'defaults' = none), EXTRA_CONFIGS
# (appended), SBDF1_DTS, SBDF2_DTS (default A), SBDF2_A0_DTS (A = 0) (space-separated), STAB_RUNS (e: the
# ternary peer's stabilised runs, scheme:S:dt, space-separated), REF_DT, REPEATS (spectral, default 3),
# UPHILL_REPEATS (default 2), UPHILL3D, BENCH_SPECTRAL (binaries; default build/), FORCE,
# PYTHON (with numpy, matplotlib; default /usr/bin/python3), TIMED=0 (no timed runs: refresh the
# references and redo the report from the last timed runs).
# Writes benchmarks/results/time_to_solution_<P>_<N>.csv and .png (time_to_solution.py); run
# directories and raw rows under benchmarks/results/tts_work/<P>_<N>/.
set -euo pipefail
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_mpi_yield_when_idle=1

P=${1:-a}
case "$P" in a | c | d) N=${2:-48} ;; b) N=${2:-96} ;; e) N=${2:-32} ;; *) echo "problem must be a, b, c, d or e" >&2; exit 1 ;; esac
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
UPHILL3D=${UPHILL3D:-$ROOT/build/uphill3d}
if [ "$P" = e ]; then BENCH_SPECTRAL=${BENCH_SPECTRAL:-$ROOT/build/bench_spectral_ternary}; else BENCH_SPECTRAL=${BENCH_SPECTRAL:-$ROOT/build/bench_spectral}; fi
for exe in "$UPHILL3D" "$BENCH_SPECTRAL"; do [ -x "$exe" ] || { echo "missing $exe (build first)" >&2; exit 1; }; done
WORK=$HERE/results/tts_work/${P}_$N
OUT=$HERE/results/time_to_solution_${P}_$N
FORCE=${FORCE:-0}
REPEATS=${REPEATS:-3}
UPHILL_REPEATS=${UPHILL_REPEATS:-2}
UPHILL_REF=${UPHILL_REF:-1}
if [ "$P" = e ]; then UPHILL_REF_OPTS=${UPHILL_REF_OPTS:--ts_rtol 1e-5}; else UPHILL_REF_OPTS=${UPHILL_REF_OPTS:--integrator rosw -ts_rtol 1e-7}; fi

MODEL="-gas_constant 1 -temperature 1 -omega 2.75545 -kappa 13.7772 -mobility 1 -molar_volume 1 -Lx $N -Ly $N -Lz $N"
GRID="-da_grid_x $N -da_grid_y $N -da_grid_z $N"
BC=periodic MOB=constant
case "$P" in
  a) T_END=435.5 ;;
  b) T_END=4355 ;;
  c) T_END=435.5 BC=noflux ;;
  d) T_END=1742 MOB=degenerate ;;
esac
MODEL="$MODEL -bc $BC -mobility_model $MOB"
IC="-ic noise -c0 0.5 -ic_amplitude 0.01 -ic_seed 11"
A0="-A 0" # the binary reference's unstabilised SBDF2; the ternary one has no stabilisation by default (-S 0)
if [ "$P" = e ]; then # only options both codes read; the box goes to uphill3d alone
  MODEL="-gas_constant 1 -temperature 1 -molar_volume 1 -omega_matrix 0,4,4,4,0,4,4,4,0 -atomic_mobilities 1,1,1 -kappa 1"
  GRID="$GRID -Lx $N -Ly $N -Lz $N -components 3"
  IC="-ic noise -c0 0.3333,0.3333 -ic_amplitude 0.05 -ic_seed 11"
  T_END=100 A0=""
fi
# dt ladders and the reference step: a step of 4-8 is where the stabilised schemes stop being
# accurate to a percent early on; the degenerate case's explicit part needs smaller steps.
# SBDF2 without stabilisation (A = 0) is the more accurate where it is stable (a: up to dt ~ 2).
case "$P" in
  a | c) D1="2 1 0.5 0.25"; D2="4 2 1 0.5 0.25"; D0="2 1 0.5"; RD=0.0625 ;;
  b) D1="2 1"; D2="4 2 1 0.5"; D0="1 0.5"; RD=0.25 ;; # dt = 0.5: the only spectral runs within 0.1% late in coarsening
  d) D1="2 1 0.5 0.25"; D2="2 1 0.5 0.25"; D0="1 0.5 0.25"; RD=0.0625 ;;
  e) D1="0.5 0.2 0.1 0.05"; D2="1 0.5 0.2 0.1"; D0=""; RD=0.025
     # the ternary peer's stabilisation S (scheme:S:dt): SBDF2 at S = 4 is stable at dt = 1, S = 0 is not
     DS="sbdf2:2:1 sbdf2:4:1 sbdf2:4:0.5 sbdf2:8:1 sbdf1:4:1 sbdf1:4:0.5" ;;
esac
SBDF1_DTS=${SBDF1_DTS:-$D1}
SBDF2_DTS=${SBDF2_DTS:-$D2}
SBDF2_A0_DTS=${SBDF2_A0_DTS:-$D0}
STAB_RUNS=${STAB_RUNS:-${DS:-}}
REF_DT=${REF_DT:-$RD}
if [ -z "${CONFIGS:-}" ]; then
  # defaults = the exponential integrator (etd): the exponential Adams-Bashforth scheme at
  # -ts_rtol 5e-4 (-ts_etd_multistep false: ETDRK3, the default before, 1e-3;
  # -ts_etd_ab3 false: AB2 only; N components: AB2); FFTW plans: -fft_planning auto measures them
  # (as the spectral code does) from 64^3 cells per rank, so the 96^3 rows compare with estimate;
  # rosw: Rosenbrock-W; bdf (not run: ~0.4 s/step at 48^3): BDF2 + Newton-multigrid
  case "$P" in
    e) CONFIGS="defaults;-fft_planning measure;-ts_rtol 1e-3;-ts_rtol 7e-4;-ts_rtol 4e-4;-ts_rtol 3e-4;-ts_rtol 1e-4;-ts_etd_multistep false;-ts_etd_multistep false -ts_rtol 3e-4" ;;
    b) CONFIGS="defaults;-ts_rtol 1e-3;-ts_rtol 2e-4;-fft_planning estimate;-fft_planning estimate -ts_rtol 1e-3;-ts_etd_multistep false;-ts_etd_multistep false -ts_rtol 3e-4" ;;
    *) if [ "$N" -le 48 ]; then CONFIGS="defaults;-ts_rtol 4e-3;-fft_planning measure -ts_rtol 4e-3;-ts_rtol 2e-3;-ts_rtol 1e-3;-ts_rtol 7e-4;-ts_rtol 1e-4;-fft_planning measure -ts_rtol 1e-3;-fft_planning measure;-ts_etd_ab3 false -ts_rtol 1e-3;-ts_etd_ab3 false -ts_rtol 2e-4;-ts_etd_multistep false;-ts_etd_multistep false -ts_rtol 3e-4;-integrator rosw"
       else CONFIGS="defaults;-ts_rtol 1e-3;-ts_rtol 7e-4;-ts_rtol 1e-4;-fft_planning estimate;-fft_planning estimate -ts_rtol 1e-3;-ts_etd_multistep false;-ts_etd_multistep false -ts_rtol 3e-4"; fi ;;
  esac
fi
[ -n "${EXTRA_CONFIGS:-}" ] && CONFIGS="$CONFIGS;$EXTRA_CONFIGS"

mkdir -p "$WORK/trace"
RUNS=$WORK/runs.csv # this invocation's timed runs
REFS=$WORK/refs.csv # cached reference rows
HEADER="label,code,scheme,dt,options,rep,status,steps,rejected,newton,krylov,wall,wall_total,plan,ns_per_point_step,F"
TIMED=${TIMED:-1}
[ "$TIMED" = 1 ] && echo "$HEADER" >"$RUNS"
[ -f "$REFS" ] && [ "$FORCE" != 1 ] || echo "$HEADER" >"$REFS"
INIT=$WORK/init/final.h5

now() { date +%s.%N; }

# The initial field, once: uphill3d writes it at step 0 (dataset c, or c_1, c_2; natural order).
if [ ! -f "$INIT" ] || [ "$FORCE" = 1 ]; then
  echo "writing the initial field $INIT"
  "$UPHILL3D" $MODEL $GRID $IC -ts_max_steps 0 -output_dir "$WORK/init" >"$WORK/init.log" 2>&1
fi

# spectral LABEL SCHEME DT REP [extra options]: one bench_spectral run, one row to $RUNS (or REF file $ROWS).
trace_file() { echo "$WORK/trace/$(printf %s "$1" | tr -c 'A-Za-z0-9.=_-' '_').txt"; }
spectral() {
  local label=$1 scheme=$2 dt=$3 rep=$4 rows=${ROWS:-$RUNS}
  shift 4
  local t0 t1 line trace=() out
  [ "$P" = e ] && trace=(-trace_every "$(awk -v t="$T_END" 'BEGIN { printf "%.10g", t / 10 }')")
  out=$(trace_file "$label")
  t0=$(now)
  "$BENCH_SPECTRAL" -input "$INIT" $MODEL -t_end "$T_END" -dt "$dt" -scheme "$scheme" "${trace[@]}" "$@" >"$out" || true
  t1=$(now)
  line=$(tail -1 "$out")
  get() { echo "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
  echo "$label,spectral,$scheme,$(get dt),$*,$rep,$(get status),$(get steps),0,,,$(get wall),$(echo "$t1 - $t0" | bc),$(get plan),$(get ns_per_point_step),$(get F)" >>"$rows"
  printf '  %-34s rep %s: %s steps, wall %s s, F %s\n' "$label" "$rep" "$(get steps)" "$(get wall)" "$(get F)"
}

# uphill LABEL DIR REP OPTIONS...: one uphill3d run (1 rank), one row.
uphill() {
  local label=$1 dir=$2 rep=$3 rows=${ROWS:-$RUNS}
  shift 3
  local t0 t1 log=$dir/run.log status=ok
  rm -rf "$dir" && mkdir -p "$dir"
  echo "$*" >"$dir/options"
  t0=$(now)
  "$UPHILL3D" $MODEL $GRID -ic file -ic_file "$INIT" -ts_max_time "$T_END" -final_output false -progress_interval 60 -output_dir "$dir" "$@" >"$log" 2>&1 || status=failed
  t1=$(now)
  grep -q CONVERGED_TIME "$log" || status=failed
  cut -d, -f2,4 "$dir/stats.csv" >"$(trace_file "$label")" # time, F of every step
  uphill_row "$label" "$dir" "$rep" "$status" "$(echo "$t1 - $t0" | bc)" "$*" >>"$rows"
  tail -1 "$rows" | awk -F, '{printf "  %-34s rep %s: %s steps, wall %s s, F %s\n", $1, $6, $8, $12, $16}'
}

uphill_row() {
  local label=$1 dir=$2 rep=$3 status=$4 total=$5 opts=$6 log=$2/run.log
  local steps rej newton krylov wall F
  steps=$(sed -n 's/.* after \([0-9]*\) steps (\([0-9]*\) rejected.*/\1/p' "$log")
  rej=$(sed -n 's/.* after \([0-9]*\) steps (\([0-9]*\) rejected.*/\2/p' "$log")
  local scheme=etd
  case " $opts " in *" -integrator bdf "*) scheme=bdf ;; *" -integrator rosw "*) scheme=rosw ;; esac
  newton=$(sed -n -e 's/.*Newton iterations \([0-9]*\) .*/\1/p' -e 's/.*integrator [a-z]*: \([0-9]*\) stages.*/\1/p' "$log")
  krylov=$(sed -n 's/.*Krylov iterations \([0-9]*\) .*/\1/p' "$log")
  wall=$(sed -n 's/.*wall time \([0-9.]*\) s.*/\1/p' "$log" | tail -1)
  F=$(tail -1 "$dir/stats.csv" | cut -d, -f4)
  local nspp
  nspp=$(awk -v w="$wall" -v s="$steps" -v n="$N" 'BEGIN { if (s > 0) printf "%.1f", 1e9 * w / s / (n * n * n) }')
  echo "$label,uphill3d,$scheme,,$opts,$rep,$status,$steps,$rej,$newton,$krylov,$wall,$total,,$nspp,$F"
}

cached() { [ "$FORCE" != 1 ] && awk -F, -v l="$1" '$1 == l { f = 1 } END { exit !f }' "$REFS"; }

# ---- references (cached) ----
ref_dts=$(awk -v d="$REF_DT" 'BEGIN { printf "%.10g %.10g %.10g", 2 * d, d, d / 2 }')
for dt in $ref_dts; do
  label="spectral ref SBDF2 dt=$dt"
  if cached "$label"; then echo "  $label: cached"; else ROWS=$REFS spectral "$label" sbdf2 "$dt" 1 $A0; fi
done
if [ "$UPHILL_REF" = 1 ]; then
  label="uphill3d ref $UPHILL_REF_OPTS"
  dir=$WORK/uphill3d_ref
  if cached "$label"; then echo "  $label: cached"
  elif [ "$FORCE" != 1 ] && [ -f "$dir/options" ] && [ "$(cat "$dir/options")" = "$UPHILL_REF_OPTS" ] && grep -q CONVERGED_TIME "$dir/run.log" 2>/dev/null; then
    echo "  $label: finished run found in $dir"
    uphill_row "$label" "$dir" 1 ok "" "$UPHILL_REF_OPTS" >>"$REFS"
  else
    echo "  $label: running (long)"
    ROWS=$REFS uphill "$label" "$dir" 1 $UPHILL_REF_OPTS
  fi
fi

# ---- timed runs, interleaved: every configuration once per repeat ----
IFS=';' read -r -a CFG <<<"$CONFIGS"
[ "$TIMED" = 1 ] || REPEATS=0 # TIMED=0: references and the report from the last timed runs only
for rep in $(seq 1 "$REPEATS"); do
  echo "repeat $rep of $REPEATS"
  for dt in $SBDF1_DTS; do spectral "spectral SBDF1 dt=$dt" sbdf1 "$dt" "$rep"; done
  for dt in $SBDF2_DTS; do spectral "spectral SBDF2 dt=$dt" sbdf2 "$dt" "$rep"; done
  for dt in $SBDF2_A0_DTS; do spectral "spectral SBDF2 A=0 dt=$dt" sbdf2 "$dt" "$rep" -A 0; done
  for run in $STAB_RUNS; do
    IFS=: read -r sc stab dt <<<"$run"
    spectral "spectral $(echo "$sc" | tr a-z A-Z) S=$stab dt=$dt" "$sc" "$dt" "$rep" -S "$stab"
  done
  if [ "$rep" -le "$UPHILL_REPEATS" ]; then
    for i in "${!CFG[@]}"; do
      opts=${CFG[$i]}
      [ "$opts" = defaults ] && opts=""
      uphill "uphill3d ${CFG[$i]}" "$WORK/uphill3d_$i" "$rep" $opts
    done
  fi
done

"${PYTHON:-/usr/bin/python3}" "$HERE/time_to_solution.py" --runs "$RUNS" --refs "$REFS" --out "$OUT" --problem "$P" --n "$N" --t-end "$T_END" \
  --trace-dir "$WORK/trace" --uphill-ref "uphill3d ref $UPHILL_REF_OPTS"
