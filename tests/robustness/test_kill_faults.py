#!/usr/bin/python3
"""SIGKILL during checkpoint writes, on 2 ranks: a run that checkpoints every step is killed
KILLS times (launcher and ranks: Open MPI gives each rank a process group of its own) at
moments drawn with a fixed seed, each while a checkpoint is being written (its .tmp file
exists, then 0-20 ms later: inside HDF5's writes, the fsync or the rename), and resumed
with -restart auto (the job scripts' command).  After every kill the checkpoint the next run
continues from holds, bitwise, the state of the uninterrupted run's checkpoint of that step;
the chain ends with stats.csv rows and final.h5 bitwise equal to the uninterrupted run's."""
import glob
import os
import random
import time

import faults_lib as F

T, C = F.T, F.C
N, KILLS, NP = 120, 20, 2
SEED = 12


def newest_tmp(out, after):
    """The step of a ckpt_*.h5.tmp file of a step > after, or None."""
    steps = [int(os.path.basename(p)[5:13]) for p in glob.glob(os.path.join(out, "checkpoints", "ckpt_*.h5.tmp"))]
    steps = [s for s in steps if s > after]
    return max(steps) if steps else None


def main():
    rng = random.Random(SEED)
    run_args = ["-ts_max_steps", N, "-checkpoint_steps", 1, "-checkpoint_keep", 2, "-restart", "auto"]
    ref = T.fresh_dir("reference")
    T.run(C.args(ref, *run_args[:-2], "-checkpoint_keep", N + 1), NP)
    out = T.fresh_dir("killed")
    last, in_write = 0, 0
    for k in range(KILLS):
        skip = rng.randrange(0, 4)          # let a few checkpoints complete first
        delay = rng.uniform(0.0, 0.02)      # then kill this long after a .tmp appears
        p = C.start(C.args(out, *run_args), NP, env={"UPHILL_TEST_CHECKPOINT_DELAY": "0.01"})
        t0, target = time.time(), None
        while p.poll() is None and time.time() - t0 < 60:
            s = newest_tmp(out, last + skip)
            if s is not None:
                target = s
                break
            time.sleep(0.0005)
        if target is None:
            so, se = p.communicate()
            T.die("kill %d: the run ended before writing the checkpoint of a step > %d\n%s%s" % (k, last + skip, so[-2000:], se[-2000:]))
        time.sleep(delay)
        C.kill_group(p)
        p.communicate()
        in_write += newest_tmp(out, target - 1) is not None  # still mid-write when it died
        # what the next run (-restart auto) continues from: the newest complete checkpoint
        done = sorted(int(os.path.basename(q)[5:13]) for q in glob.glob(os.path.join(out, "checkpoints", "ckpt_*.h5")))
        if not T.check(bool(done), "kill %d at checkpoint %d: a complete checkpoint exists" % (k, target)):
            continue
        step = done[-1]
        path = os.path.join(out, "checkpoints", "ckpt_%08d.h5" % step)
        refpath = os.path.join(ref, "checkpoints", "ckpt_%08d.h5" % step)
        T.check(F.same_state(path, refpath) and C.tool("check", path).returncode == 0,
                "kill %d during checkpoint %d (+%.1f ms): newest checkpoint, step %d, valid and bitwise equal to the uninterrupted run's" % (k, target, 1e3 * delay, step))
        last = step
    p = T.run(C.args(out, *run_args), NP)
    T.check(F.continued_from(p)[1] == last, "the last resume continued from step %d" % last)
    T.check(F.stats_rows(out) == F.stats_rows(ref), "after %d kills: stats.csv rows equal to the uninterrupted run's" % KILLS)
    C.same_fields(os.path.join(out, "final.h5"), os.path.join(ref, "final.h5"), "after %d kills: final.h5" % KILLS)
    T.check(in_write >= KILLS // 2, "%d of %d kills left a checkpoint half-written (.tmp)" % (in_write, KILLS))
    print("%d kills, %d of them mid-write; every resume bitwise equal" % (KILLS, in_write))
    T.finish()


if __name__ == "__main__":
    main()
