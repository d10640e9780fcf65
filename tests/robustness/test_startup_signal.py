#!/usr/bin/python3
"""A signal during start-up is honoured at the first safe point, before the first step:

  new_usr1       SIGUSR1 to a new run as soon as its handler is installed (SigCgt in /proc),
                 while MPI and PETSc start: it writes the checkpoint of step 0, says so, exits 0;
                 -restart auto then continues to the end, bitwise where an uninterrupted run ends
  restart_term   SIGTERM to a restarted run during its start-up: it stops before its first step,
                 exit 0, its checkpoint untouched; -restart latest then continues the same way
  mpiexec_usr1   SIGUSR1 to mpiexec (2 ranks) once the run has printed its first line (what the
                 job scripts wait for): forwarded, checkpoint, exit 0.
mpiexec and SIGTERM (Open MPI 4.1): it passes SIGTERM on and SIGKILLs the ranks 1 s later
(odls_base_sigkill_timeout), so the job scripts send SIGUSR1 instead (README "Reliability")."""
import os
import signal
import subprocess
import time

import faults_lib as F

T, C = F.T, F.C
N = 20


def start_and_signal(argv, sig):
    """Starts uphill3d (1 rank) and sends sig once it catches it: during start-up."""
    cmd = T.command(argv)
    print("$ " + " ".join(cmd), flush=True)
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    bit = 1 << (sig - 1)
    while p.poll() is None and not F.caught_mask(p.pid) & bit:
        time.sleep(0.0002)
    p.send_signal(sig)
    so, se = p.communicate(timeout=120)
    print(so[-2000:], se[-2000:])
    return p, so, se


def main():
    ref = T.fresh_dir("reference")
    T.run(C.args(ref, "-ts_max_steps", N, "-checkpoint_steps", 10))

    out = T.fresh_dir("new_usr1")
    p, so, _ = start_and_signal(C.args(out, "-ts_max_steps", N, "-checkpoint_steps", 10), signal.SIGUSR1)
    T.check(p.returncode == 0 and "caught SIGUSR1 during start-up: wrote checkpoint" in so and "at step 0" in so,
            "new_usr1: checkpoint of step 0, exit 0 (got %d)" % p.returncode)
    T.check("stopped on a signal" in so and not os.path.exists(os.path.join(out, "final.h5")), "new_usr1: stopped on the signal, no final.h5")
    q = T.run(C.args(out, "-ts_max_steps", N, "-checkpoint_steps", 10, "-restart", "auto"))
    T.check(F.continued_from(q)[1] == 0, "new_usr1: -restart auto continues from step 0")
    T.check(F.stats_rows(out) == F.stats_rows(ref), "new_usr1: stats.csv rows equal to the uninterrupted run's")
    C.same_fields(os.path.join(out, "final.h5"), os.path.join(ref, "final.h5"), "new_usr1: final.h5")

    out = T.fresh_dir("restart_term")
    T.run(C.args(out, "-ts_max_steps", 10, "-checkpoint_steps", 10))
    ck = os.path.join(out, "checkpoints", "ckpt_00000010.h5")
    before = C.file_bytes(ck)
    p, so, _ = start_and_signal(C.args(out, "-ts_max_steps", N, "-checkpoint_steps", 10, "-restart", "latest"), signal.SIGTERM)
    T.check(p.returncode == 0 and "caught SIGTERM during start-up: stopping before the first step" in so,
            "restart_term: stopped before the first step, exit 0 (got %d)" % p.returncode)
    T.check(C.file_bytes(ck) == before and C.checkpoints(out) == ["ckpt_00000010.h5"], "restart_term: its checkpoint untouched")
    q = T.run(C.args(out, "-ts_max_steps", N, "-checkpoint_steps", 10, "-restart", "latest"))
    T.check(F.stats_rows(out) == F.stats_rows(ref), "restart_term: stats.csv rows equal to the uninterrupted run's")
    C.same_fields(os.path.join(out, "final.h5"), os.path.join(ref, "final.h5"), "restart_term: final.h5")

    out = T.fresh_dir("mpiexec_usr1")
    p = C.start(C.args(out, "-ts_max_steps", 100000, "-da_grid_x", 64, "-da_grid_y", 48), 2)
    t0 = time.time()
    while p.poll() is None and not os.path.exists(os.path.join(out, "uphill3d.lock")) and time.time() - t0 < 60:
        time.sleep(0.001)  # the lock is taken just before the first line of output
    os.kill(p.pid, signal.SIGUSR1)
    so, se = p.communicate(timeout=120)
    print(so[-1500:], se[-1500:])
    T.check(p.returncode == 0 and "caught SIGUSR1" in so and "wrote checkpoint" in so, "mpiexec_usr1: forwarded to the ranks: checkpoint, exit 0 (got %d)" % p.returncode)
    T.finish()


if __name__ == "__main__":
    main()
