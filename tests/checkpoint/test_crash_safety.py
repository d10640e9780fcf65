#!/usr/bin/python3
"""Crash safety: a run killed with SIGKILL at many moments, including in the middle of writing
a checkpoint, always continues with -restart latest from its newest complete checkpoint and
ends with exactly the result of an uninterrupted run.

The runs checkpoint every 6 of 60 steps; UPHILL_TEST_CHECKPOINT_DELAY makes each checkpoint
sleep between its complete .tmp file and the rename, so that kills land inside checkpoint
writes too.  For every kill:
  - every ckpt_*.h5 left under its final name is a good file (uphill3d-files check): a kill
    never leaves a half-written checkpoint under the real name;
  - the chain of -restart latest runs (a new run if no checkpoint was written yet; some
    restarted runs are killed again) finishes with stats.csv byte-identical and final.h5
    bitwise equal to the uninterrupted run (1 and 2 ranks).
Also: a kill while the .tmp exists (the .tmp is ignored and removed), and a newest checkpoint
truncated under its final name (skipped with a warning; the older one is used).

Usage: test_crash_safety.py"""
import glob
import os
import time

import uphill_testlib as T
import ckpt_testlib as C

N, EVERY, DELAY = 60, 6, "0.03"


def run_args(out, *extra):
    return C.args(out, "-ts_max_steps", N, "-checkpoint_steps", EVERY, *extra)


def good_checkpoints(out, what):
    files = sorted(glob.glob(os.path.join(out, "checkpoints", "ckpt_*.h5")))
    if not files:
        return True
    p = C.tool("check", *files)
    return T.check(p.returncode == 0, "%s: all %d checkpoint(s) under their final name are good" % (what, len(files)))


def finish_chain(out, np_, kills_left=()):
    """-restart latest until the run ends (a new run while there is no checkpoint); kills
    the restarted runs at the given stats rows.  Returns the outputs of the runs."""
    outs = []
    kills = list(kills_left)
    for _ in range(10):
        restart = ["-restart", "latest"] if C.checkpoints(out) and any(f.endswith(".h5") for f in C.checkpoints(out)) else []
        p = C.start(run_args(out, *restart), np_, env={"UPHILL_TEST_CHECKPOINT_DELAY": DELAY})
        if kills:
            row = kills.pop(0)
            if C.wait_rows(p, out, row):
                C.kill_group(p)
                p.communicate()
                print("killed the restarted run at stats row %d" % row)
                continue
        so, se = p.communicate()
        outs.append(so + se)
        if p.returncode != 0:
            print(so[-3000:], se[-3000:])
            T.check(False, "a restarted run exits with status %d" % p.returncode)
            return outs
        return outs
    T.check(False, "the chain of restarts ends")
    return outs


def compare(ref, out, what):
    T.check(C.file_bytes(os.path.join(ref, "stats.csv")) == C.file_bytes(os.path.join(out, "stats.csv")),
            "%s: stats.csv byte-identical to the uninterrupted run" % what)
    C.same_fields(os.path.join(ref, "final.h5"), os.path.join(out, "final.h5"), "%s: final.h5" % what)


def main():
    refs = {}
    for np_ in (1, 2):
        refs[np_] = T.fresh_dir("reference_np%d" % np_)
        T.run(run_args(refs[np_]), np_)
    # (ranks, stats row at which the first run is killed, rows at which restarted runs are killed)
    trials = [(1, 2, ()), (1, 7, ()), (1, 8, ()), (1, 13, ()), (1, 19, (30,)), (1, 25, ()), (1, 31, (44, 50)),
              (1, 37, ()), (1, 43, ()), (1, 49, ()), (1, 56, ()), (2, 20, (40,))]
    killed = during = 0
    for i, (np_, row, later) in enumerate(trials):
        out = T.fresh_dir("kill_%02d" % i)
        p = C.start(run_args(out), np_, env={"UPHILL_TEST_CHECKPOINT_DELAY": DELAY})
        if C.wait_rows(p, out, row):
            C.kill_group(p)
            p.communicate()
            killed += 1
            tmp = glob.glob(os.path.join(out, "checkpoints", "*.tmp"))
            during += bool(tmp)
            print("trial %d: killed at stats row %d; checkpoints %s" % (i, row, C.checkpoints(out)))
        else:
            p.communicate()
            print("trial %d: the run ended before row %d" % (i, row))
        good_checkpoints(out, "trial %d after the kill" % i)
        finish_chain(out, np_, later)
        compare(refs[np_], out, "trial %d (%d rank%s, killed at row %d%s)" % (i, np_, "s" if np_ > 1 else "", row,
                                                                             ", then at %s" % list(later) if later else ""))
        T.check(not glob.glob(os.path.join(out, "checkpoints", "*.tmp*")), "trial %d: no .tmp file left" % i)
    T.check(killed >= len(trials) - 2, "%d of %d runs were killed while running" % (killed, len(trials)))

    # killed for certain while a checkpoint is written: its complete .tmp waits 5 s to be renamed
    out = T.fresh_dir("kill_in_write")
    p = C.start(run_args(out), 1, env={"UPHILL_TEST_CHECKPOINT_DELAY": "5"})
    t0 = time.time()
    tmp = []
    while time.time() - t0 < 60 and p.poll() is None:
        tmp = glob.glob(os.path.join(out, "checkpoints", "ckpt_%08d.h5.tmp" % (2 * EVERY)))
        if tmp:
            break
        time.sleep(0.005)
    time.sleep(0.3)
    C.kill_group(p)
    p.communicate()
    T.check(bool(tmp) and os.path.exists(tmp[0]), "killed while ckpt_%08d.h5.tmp was being written" % (2 * EVERY))
    T.check(C.checkpoints(out) == ["ckpt_%08d.h5" % EVERY, "ckpt_%08d.h5.tmp" % (2 * EVERY)],
            "the previous checkpoint and the .tmp are there: %s" % C.checkpoints(out))
    good_checkpoints(out, "kill in write")
    outs = finish_chain(out, 1)
    T.check(any("continuing from %s/checkpoints/ckpt_%08d.h5" % (out, EVERY) in o for o in outs),
            "-restart latest ignores the .tmp and continues from step %d" % EVERY)
    compare(refs[1], out, "kill in write")

    # the newest checkpoint damaged under its final name (e.g. a file system that lost data)
    out = T.fresh_dir("truncated_newest")
    T.run(C.args(out, "-ts_max_steps", 3 * EVERY, "-checkpoint_steps", EVERY))
    newest = os.path.join(out, "checkpoints", "ckpt_%08d.h5" % (3 * EVERY))
    size = os.path.getsize(newest)
    with open(newest, "r+b") as fp:
        fp.truncate(size // 2)
    outs = finish_chain(out, 1)
    T.check(any("warning: skipping checkpoint '%s'" % newest in o for o in outs), "the truncated newest checkpoint is skipped with a warning")
    T.check(any("continuing from %s/checkpoints/ckpt_%08d.h5" % (out, 2 * EVERY) in o for o in outs), "the run continues from the one before")
    T.check(os.path.exists(newest + ".invalid"), "the bad checkpoint is set aside as .invalid")
    compare(refs[1], out, "truncated newest")
    T.finish()


if __name__ == "__main__":
    main()
