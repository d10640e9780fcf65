#!/usr/bin/python3
"""The production job scripts jobscripts/slurm_run.sh and pbs_run.sh (issue 13), with stand-in
sbatch/qsub on PATH that record each submission, and a short 2-rank run through the real
MPI launcher (so the signal must reach the ranks through it):

  job 1 gets the scheduler's early signal (Slurm: SIGUSR1 to the script, as --signal=B:USR1;
        PBS: the script's own walltime timer, 4 s) -> uphill3d checkpoints and exits 0, the script
        exits 0 and submits itself once, with JOB_NUMBER=2;
  job 2 finds the checkpoint and runs with -restart latest (a job that is stopped again
        submits the next) until a job finishes the run (final.h5, all
        steps in stats.csv) and submits nothing.
Also: both scripts are shellcheck-clean where shellcheck is installed.

Usage: test_jobscripts.py SOURCE_DIR"""
import os
import shutil
import signal
import stat
import subprocess
import sys
import time

import uphill_testlib as T

STEPS = 2000
# BDF2 + Newton-multigrid on 64 x 64, 2000 steps: ~8 s and more, so that PBS's timer (4 s) comes
# mid-run; the default rosw integrator, or 400 steps, may finish before any signal.
OPTS = T.DIMLESS + ["-da_grid_x", "64", "-da_grid_y", "64", "-da_grid_z", "1", "-c0", "0.5", "-ic_amplitude", "0.05",
                    "-ts_adapt_type", "none", "-ts_dt", "0.05", "-ts_max_steps", str(STEPS), "-ts_max_time", "1e9", "-progress_interval", "1000",
                    "-integrator", "bdf"]
STANDIN = """#!/bin/sh
# stand-in for the scheduler's submit command: record the call, print a job id
echo "$0 $* JOB_NUMBER=$JOB_NUMBER RUN_DIR=$RUN_DIR" >> "%s"
echo 1001
"""


def rows(path):
    try:
        return sum(1 for _ in open(path))
    except OSError:
        return 0


def job(script, env, sig_after_rows=None, timeout=240):
    print("$ %s  (JOB_NUMBER=%s)" % (script, env.get("JOB_NUMBER", "1")), flush=True)
    p = subprocess.Popen(["bash", script], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if sig_after_rows:
        stats = os.path.join(env["RUN_DIR"], "stats.csv")
        t0 = time.time()
        while rows(stats) < sig_after_rows and p.poll() is None and time.time() - t0 < timeout:
            time.sleep(0.05)
        p.send_signal(signal.SIGUSR1)
    out, _ = p.communicate(timeout=timeout)
    # the lines that tell what happened (the banner is long; CI shows only part of the output)
    print("\n".join(l for l in out.splitlines() if not l.startswith(("  ", "step "))))
    return p.returncode, out


def submissions(path):
    return open(path).read().splitlines() if os.path.exists(path) else []


def chain(name, script, extra_env, later_env):
    base = os.path.abspath(name)
    shutil.rmtree(base, ignore_errors=True)
    os.makedirs(os.path.join(base, "bin"))
    record = os.path.join(base, "submissions.txt")
    for cmd in ("sbatch", "qsub"):
        path = os.path.join(base, "bin", cmd)
        with open(path, "w") as fp:
            fp.write(STANDIN % record)
        os.chmod(path, os.stat(path).st_mode | stat.S_IEXEC)
    opts = os.path.join(base, "run.opts")
    with open(opts, "w") as fp:
        fp.write("\n".join("%s %s" % (OPTS[i], OPTS[i + 1]) for i in range(0, len(OPTS), 2)) + "\n")
    run_dir = os.path.join(base, "run")
    env = dict(os.environ, PATH=os.path.join(base, "bin") + ":" + os.environ["PATH"], OPTS=opts, RUN_DIR=run_dir,
               UPHILL3D=T.EXE, LAUNCHER=" ".join(T.MPIEXEC + [T.NPFLAG, "2"]), **extra_env)
    env.pop("JOB_NUMBER", None)

    rc, out = job(script, env, sig_after_rows=None if "WALLTIME" in extra_env else 20)
    T.check(rc == 0, "%s job 1: exit 0 after the early signal (got %d)" % (name, rc))
    T.check("stopped on a signal" in out and "wrote checkpoint" in out, "%s job 1: uphill3d checkpointed on the signal" % name)
    T.check("-restart auto" in out and "starting a new run at t = 0" in out, "%s job 1: -restart auto started a new run" % name)
    subs = submissions(record)
    T.check(len(subs) == 1 and script in subs[0] and "JOB_NUMBER=2" in subs[0],
            "%s job 1 resubmitted itself once as job 2: %s" % (name, subs))
    T.check(not os.path.exists(os.path.join(run_dir, "final.h5")), "%s job 1: no final.h5 (run not finished)" % name)

    n = 2
    while True:
        rc, out = job(script, dict(env, JOB_NUMBER=str(n), **later_env))
        T.check(rc == 0, "%s job %d: exit 0 (got %d)" % (name, n, rc))
        T.check("-restart auto" in out and "restart: continuing from" in out, "%s job %d continued with -restart auto" % (name, n))
        if rc != 0 or len(submissions(record)) == n - 1 or n >= 20:
            break
        T.check("JOB_NUMBER=%d" % (n + 1) in submissions(record)[-1], "%s job %d checkpointed and submitted job %d" % (name, n, n + 1))
        n += 1
    T.check(os.path.exists(os.path.join(run_dir, "final.h5")), "%s job %d finished the run (final.h5)" % (name, n))
    T.check(len(submissions(record)) == n - 1, "%s job %d submitted nothing (chain complete)" % (name, n))
    T.check("chain complete" in out, "%s job %d says the chain is complete" % (name, n))
    last = open(os.path.join(run_dir, "stats.csv")).read().splitlines()[-1].split(",")[0]
    T.check(last == str(STEPS), "%s: stats.csv ends at step %d (%s)" % (name, STEPS, last))


def main():
    src = sys.argv[1]
    jobdir = os.path.join(src, "jobscripts")
    if shutil.which("shellcheck"):
        p = subprocess.run(["shellcheck", os.path.join(jobdir, "slurm_run.sh"), os.path.join(jobdir, "pbs_run.sh")],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        print(p.stdout)
        T.check(p.returncode == 0, "slurm_run.sh and pbs_run.sh are shellcheck-clean")
    chain("slurm", os.path.join(jobdir, "slurm_run.sh"), {}, {})
    # PBS: the script's own timer sends SIGUSR1 WALLTIME - SIGNAL_BEFORE = 4 s after the start
    # of job 1; later jobs get a long walltime (the chain of short jobs was checked by hand)
    chain("pbs", os.path.join(jobdir, "pbs_run.sh"), {"WALLTIME": "304", "SIGNAL_BEFORE": "300"}, {"WALLTIME": "86400"})
    T.finish()


if __name__ == "__main__":
    main()
