#!/usr/bin/python3
"""-restart auto, the one command for every job of a chain:
  empty      no checkpoint: a new run from t = 0, the same rows and final state as a run
             without -restart
  continue   with checkpoints: continues from the newest (as latest), ending bitwise where an
             uninterrupted run ends
  all_bad    checkpoints that are all corrupt: an error (it never starts again from t = 0 over
             them), as -restart latest; latest with none keeps its refusal."""
import os

import faults_lib as F

T, C = F.T, F.C
N, EVERY = 30, 10


def main():
    plain = T.fresh_dir("plain")
    T.run(C.args(plain, "-ts_max_steps", N, "-checkpoint_steps", EVERY))

    out = T.fresh_dir("empty")
    p = T.run(C.args(out, "-ts_max_steps", N, "-checkpoint_steps", EVERY, "-restart", "auto"))
    T.check("restart auto: no checkpoint" in p.stdout and "starting a new run at t = 0" in p.stdout, "empty: a new run from t = 0")
    T.check(F.stats_rows(out) == F.stats_rows(plain), "empty: stats.csv rows equal to a run without -restart")
    C.same_fields(os.path.join(out, "final.h5"), os.path.join(plain, "final.h5"), "empty: final.h5")

    out = T.fresh_dir("continue")
    T.run(C.args(out, "-ts_max_steps", 2 * EVERY, "-checkpoint_steps", EVERY, "-restart", "auto"))
    p = T.run(C.args(out, "-ts_max_steps", N, "-checkpoint_steps", EVERY, "-restart", "auto"))
    T.check(F.continued_from(p)[1] == 2 * EVERY, "continue: continued from step %s" % F.continued_from(p)[1])
    T.check(F.stats_rows(out) == F.stats_rows(plain), "continue: stats.csv rows equal to the uninterrupted run's")
    C.same_fields(os.path.join(out, "final.h5"), os.path.join(plain, "final.h5"), "continue: final.h5")

    out = T.fresh_dir("all_bad")
    T.run(C.args(out, "-ts_max_steps", EVERY, "-checkpoint_steps", EVERY))
    ck = os.path.join(out, "checkpoints", "ckpt_%08d.h5" % EVERY)
    with open(ck, "r+b") as fp:
        fp.truncate(2000)
    p = T.run(C.args(out, "-ts_max_steps", N, "-restart", "auto"), check=False)
    F.one_line_error(p, "all_bad: -restart auto over corrupt checkpoints", "option -restart auto", "no valid checkpoint")
    T.check(not os.path.exists(ck + ".invalid") and os.path.exists(ck), "all_bad: the checkpoint is left where it was")

    out = T.fresh_dir("latest_none")
    p = T.run(C.args(out, "-ts_max_steps", N, "-restart", "latest"), check=False)
    F.one_line_error(p, "-restart latest without a checkpoint", "option -restart latest", "no valid checkpoint")
    T.finish()


if __name__ == "__main__":
    main()
