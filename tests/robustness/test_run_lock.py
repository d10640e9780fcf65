#!/usr/bin/python3
"""One run per output directory (OUTPUT_DIR/uphill3d.lock, held by rank 0 for the run's life):

  live      a second run on the directory of a running one, new or -restart latest, is refused
            with one error line naming the holder's host and pid, and changes nothing; the
            first run is unharmed
  orphans   mpiexec killed while its ranks live on (Open MPI gives each rank its own process
            group): -restart latest on the directory, at once and again, is refused naming
            rank 0 while it lives (the lock is taken before the checkpoints are read: the live
            run deletes old ones as it goes); once it is gone (it dies when it notices, or the
            test kills it, as a scheduler would) the lock is free (the kernel drops an fcntl
            lock with its process) and the run continues; stats.csv has every step once and
            the end equals the uninterrupted run's, bitwise
  stale     where the file system has no fcntl locks (UPHILL_TEST_NO_FCNTL_LOCK), the lock
            file decides: a live pid on this host is refused, a dead one taken over."""
import os
import re
import signal
import subprocess
import time

import faults_lib as F

T, C = F.T, F.C
SLOW = ["-da_grid_x", "64", "-da_grid_y", "48"]  # ~10 ms a step: the runs are caught mid-way


def main():
    # live
    out = T.fresh_dir("live")
    p = C.start(C.args(out, "-ts_max_steps", 100000, *C.BDF, *SLOW), 1)
    C.wait_rows(p, out, 3)
    lock = open(os.path.join(out, "uphill3d.lock")).read()
    q = T.run(C.args(out, "-ts_max_steps", 10), check=False)
    F.one_line_error(q, "second run on a live run's directory", "in use by another uphill3d run", "pid %d" % p.pid)
    q = T.run(C.args(out, "-ts_max_steps", 10, "-restart", "latest"), check=False)  # checked before it reads checkpoints
    F.one_line_error(q, "-restart latest on a live run's directory", "in use by another uphill3d run", "pid %d" % p.pid)
    T.check(open(os.path.join(out, "uphill3d.lock")).read() == lock and not os.path.exists(os.path.join(out, "checkpoints")),
            "the refused runs left the first run's lock and files alone")
    C.kill_group(p, signal.SIGTERM)  # the first run stops cleanly on its signal
    so, _ = p.communicate(timeout=120)
    T.check(p.returncode == 0 and "stopped on a signal" in so, "the first run was unharmed (stopped on SIGTERM, exit %d)" % p.returncode)

    # orphans: 2 ranks, only mpiexec killed; its ranks run on for a while (BDF: slow enough that
    # the restarts below come while they live, and delete checkpoints the restart would read)
    N = 150
    ref = T.fresh_dir("orphans_reference")
    T.run(C.args(ref, "-ts_max_steps", N, "-checkpoint_steps", 5, *C.BDF, *SLOW), 2)
    out = T.fresh_dir("orphans")
    p = C.start(C.args(out, "-ts_max_steps", N, "-checkpoint_steps", 5, *C.BDF, *SLOW), 2)
    C.wait_rows(p, out, 40)
    ranks = [q for q in C.descendants(p.pid) if os.path.basename(os.readlink("/proc/%d/exe" % q)) == "uphill3d"]
    os.kill(p.pid, signal.SIGKILL)
    p.wait()  # not communicate(): an orphan may hold the pipes for as long as it lives
    p.stdout.close()
    p.stderr.close()
    m = re.search(r"pid (\d+)", open(os.path.join(out, "uphill3d.lock")).read())
    holder = int(m.group(1)) if m else -1
    T.check(holder in ranks, "the lock names rank 0 (pid %d of %s)" % (holder, ranks))
    restart = C.args(out, "-ts_max_steps", N, "-checkpoint_steps", 5, "-restart", "latest", *C.BDF, *SLOW)
    refused = 0
    for attempt in range(3):  # what a job chain does: the next job, at once, and again
        q = T.run(restart, 2, check=False)
        if q.returncode == 0:  # the orphans ended by themselves in the meantime
            break
        F.one_line_error(q, "-restart latest while the killed run's rank 0 lives on", "in use by another uphill3d run", "pid %d" % holder)
        refused += 1
    lived = [r for r in ranks if C.alive(r)]
    print("refused %d time(s) while the old ranks lived on; still alive: %s" % (refused, lived))
    if q.returncode != 0:  # Open MPI's orphans die when they notice; a scheduler would kill them
        for r in lived:
            os.kill(r, signal.SIGKILL)
        t0 = time.time()
        while any(C.alive(r) for r in lived) and time.time() - t0 < 30:
            time.sleep(0.01)
        q = T.run(restart, 2, check=False)
    T.check(q.returncode == 0 and F.continued_from(q)[1] is not None, "once rank 0 is gone, -restart latest continues (from step %s)" % F.continued_from(q)[1])
    steps = [int(r.split(",")[0]) for r in F.stats_rows(out)[1:]]
    T.check(steps == list(range(N + 1)), "stats.csv: steps 0..%d, each once (no row lost or duplicated)" % N)
    T.check(F.stats_rows(out) == F.stats_rows(ref), "stats.csv rows equal to the uninterrupted run's")
    C.same_fields(os.path.join(out, "final.h5"), os.path.join(ref, "final.h5"), "orphans: final.h5")

    # stale-lock rule without fcntl locks
    env = dict(os.environ, UPHILL_TEST_NO_FCNTL_LOCK="1")
    host = os.uname().nodename
    for name, pid, refused in (("live pid", os.getpid(), True), ("dead pid", dead_pid(), False)):
        out = T.fresh_dir("stale_" + name.replace(" ", "_"))
        os.makedirs(out)
        with open(os.path.join(out, "uphill3d.lock"), "w") as fp:
            fp.write("host %s pid %d started 2026-01-01T00:00:00Z\n" % (host, pid))
        q = subprocess.run(T.command(C.args(out, "-ts_max_steps", 5)), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        if refused:
            F.one_line_error(q, "no fcntl locks, lock file of a %s" % name, "in use by another uphill3d run", "pid %d" % pid)
        else:
            T.check(q.returncode == 0 and open(os.path.join(out, "uphill3d.lock")).read() == "",
                    "no fcntl locks, lock file of a %s: taken over, the run finished and released it (exit %d)" % (name, q.returncode))
    T.finish()


def dead_pid():
    p = subprocess.Popen(["true"])
    p.wait()
    return p.pid


if __name__ == "__main__":
    main()
