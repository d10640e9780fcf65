#!/bin/bash
# A production uphill3d run on PBS Pro / OpenPBS as a chain of jobs: each job continues from the
# newest checkpoint, checkpoints SIGNAL_BEFORE seconds before its walltime, and submits its
# successor until the run reports that it reached its end (README "Long runs on a cluster").
#   qsub jobscripts/pbs_run.sh                          # from the directory the run lives in
#   OPTS=input/my.opts RUN_DIR=out/my qsub -V jobscripts/pbs_run.sh
# Settings (environment, exported to every job of the chain):
#   OPTS      options file (default input/quickstart.opts); its -output_dir is overridden
#   RUN_DIR   output directory (default out/run): stats.csv, checkpoints/, final.h5
#   UPHILL3D  the binary (default: uphill3d on PATH, else build/uphill3d)
#   LAUNCHER  MPI launcher (default mpirun: Open MPI forwards SIGUSR1 to every rank)
#   WALLTIME  the job's walltime in seconds: keep it equal to "-l walltime" below (default 86400)
#   SIGNAL_BEFORE  seconds before WALLTIME at which the run is told to checkpoint (default 300).
#             PBS has no early-signal option: a timer in this script sends it.  PBS's own
#             SIGTERM at the walltime is passed on as SIGUSR1 too (then only kill_delay is left).
#   MAX_JOBS  the chain stops after this many jobs (default 20): a guard against a run that
#             makes no progress
#   EXTRA     more uphill3d options, e.g. "-checkpoint_walltime 3600"
# Done: the job ends the chain when uphill3d's summary says "finished" (its end time or step
# count reached; final.h5 written). "stopped on a signal": a checkpoint was written, resubmit.
# Anything else (an error, a failed run, killed before the signal): exit non-zero, no resubmit.
#
# Memory: ~1.5 KB per grid point with the default binary solver (1477 B/point measured at 128^3,
# benchmarks/README.md), spread evenly over the ranks: per node ~1.5 KB x points / nodes.
# The example below, 512^3 on 4 nodes: 512^3 x 1.5 KB = 201 GB, ~50 GB per node; --mem=64G
# leaves ~25% for MPI buffers and output.  N components need more (benchmarks/README.md).
#PBS -N uphill3d-run
#PBS -l select=4:ncpus=128:mpiprocs=128:mem=64gb
#PBS -l walltime=24:00:00
#PBS -j oe
set -uo pipefail
cd "${PBS_O_WORKDIR:-.}" || exit 1
# module load petsc hdf5          # as for the build

OPTS=${OPTS:-input/quickstart.opts}
RUN_DIR=${RUN_DIR:-out/run}
UPHILL3D=${UPHILL3D:-$(command -v uphill3d || echo build/uphill3d)}
LAUNCHER=${LAUNCHER:-mpirun}
MAX_JOBS=${MAX_JOBS:-20}
JOB_NUMBER=${JOB_NUMBER:-1}
EXTRA=${EXTRA:-}
WALLTIME=${WALLTIME:-86400}
SIGNAL_BEFORE=${SIGNAL_BEFORE:-300}

jobid() { local j=${PBS_JOBID:-$$}; echo "${j%%.*}"; }

# The same command for every job: continue from the newest valid checkpoint, or start at t = 0
# when there is none yet (a corrupt newest checkpoint is set aside and the one before used).
restart=(-restart auto)

read -r -a launcher <<<"$LAUNCHER"
read -r -a extra <<<"$EXTRA"
log="$RUN_DIR/job_$(jobid).log"
mkdir -p "$RUN_DIR"
echo "uphill3d job $JOB_NUMBER of at most $MAX_JOBS: ${launcher[*]} $UPHILL3D $OPTS -output_dir $RUN_DIR ${extra[*]} ${restart[*]}"
# The log exists before tail opens it (tail -f gives up on a missing file: the job's output then
# lacked the run's lines when the launcher's redirection came second).
: >"$log"
"${launcher[@]}" "$UPHILL3D" "$OPTS" -output_dir "$RUN_DIR" "${extra[@]}" "${restart[@]}" >>"$log" 2>&1 &
pid=$!
tail -n +1 -f "$log" --pid="$pid" &
tailpid=$!
# Pass the scheduler's signal on to the launcher as SIGUSR1, which Open MPI's mpirun forwards to
# every rank: uphill3d finishes its step, writes a checkpoint and exits 0.  (SIGTERM to mpirun
# is no good: Open MPI 4.1 passes it on and SIGKILLs the ranks 1 s later, odls_base_sigkill_timeout.)
# Only once the run is up: a SIGUSR1 that reaches mpirun before the ranks exist is lost, and one
# that reaches a rank before its handler is installed kills it; uphill3d's first line of output
# ("uphill3d: ..." or "restart: ...") comes after the handlers are installed.
# shellcheck disable=SC2317  # called from the traps below
forward() {
  echo "uphill3d job: $1, passed to the run as SIGUSR1"
  local i
  for ((i = 0; i < 600; i++)); do
    grep -q '^uphill3d: \|^restart' "$log" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 1
  done
  kill -USR1 "$pid" 2>/dev/null
}
trap 'forward "SIGUSR1 (time limit near)"' USR1
trap 'forward "SIGTERM from PBS"' TERM
(sleep "$((WALLTIME - SIGNAL_BEFORE))" & s=$!; trap 'kill "$s"; exit 0' TERM; wait "$s" && kill -USR1 $$) &
timer=$!
wait "$pid"; status=$?
while [ "$status" -gt 128 ] && kill -0 "$pid" 2>/dev/null; do  # a trapped signal ended 'wait'
  wait "$pid"; status=$?
done
kill "$timer" 2>/dev/null
wait "$tailpid" 2>/dev/null   # tail prints the end of the log and exits within a second of the run

if [ "$status" -ne 0 ]; then
  echo "uphill3d job: the run exited with status $status; not resubmitting"
  exit "$status"
fi
if grep -q '^uphill3d: finished' "$log"; then
  echo "uphill3d job: the run reached its end ($RUN_DIR/final.h5); chain complete"
  exit 0
fi
if grep -q '^uphill3d: stopped on a signal' "$log"; then
  if [ "$JOB_NUMBER" -ge "$MAX_JOBS" ]; then
    echo "uphill3d job: checkpointed, but MAX_JOBS=$MAX_JOBS jobs have run; resubmit by hand to continue"
    exit 1
  fi
  echo "uphill3d job: checkpointed; submitting job $((JOB_NUMBER + 1))"
  export OPTS RUN_DIR UPHILL3D LAUNCHER MAX_JOBS EXTRA WALLTIME SIGNAL_BEFORE JOB_NUMBER=$((JOB_NUMBER + 1))
  qsub -V "$0"                     # $0: PBS's copy of this script, read at submission
  exit $?
fi
echo "uphill3d job: the run ended without reaching its end time (see $log); not resubmitting"
exit 1
