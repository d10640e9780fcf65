#!/usr/bin/python3
"""The end-of-run summary after a restart (issue 14): the whole run's counts and this run's
counts, each labelled.  PFHub 1b on 64^2 (h = 1), 60 steps, the rosw integrator with the plain
`-ts_adapt_type basic` controller (the default etd integrator and DSP controller reject nothing
here, and this test needs rejections on both sides of the restart): its steps 16-18 are each
preceded by one rejected step.  Reference run: 60 steps straight.  Restarted
run: 17 steps with a checkpoint at step 17, then -restart latest to step 60.  The restarted
summary must say 'whole run: 60 steps, R rejected' with R the reference's total and 'since
the restart at step 17: 43 steps, r rejected' with r the reference's rejections after step 17
(from its stats.csv), and the reference (no restart) keeps the plain '(R rejected)' form."""
import os
import re
import sys

import uphill_testlib as T


def main():
    if len(sys.argv) != 2:
        T.die("usage: test_restart_summary.py SOURCE_DIR")
    opts = ["-options_file", os.path.join(sys.argv[1], "input", "pfhub_bm1b.opts"),
            "-da_grid_x", "64", "-da_grid_y", "64", "-Lx", "64", "-Ly", "64", "-integrator", "rosw", "-ts_adapt_type", "basic"]
    ref = T.run(opts + ["-ts_max_steps", "60", "-output_dir", T.fresh_dir("ref")]).stdout
    s = T.read_stats("ref")
    total, after = int(s["rejected"].sum()), int(s["rejected"][s["step"] > 17].sum())
    print("reference: %d rejected in 60 steps, %d after step 17" % (total, after))
    T.check(total > after > 0, "the reference rejects steps before and after step 17 (%d, %d)" % (total - after, after))
    T.check(re.search(r"after 60 steps \(%d rejected\)" % total, ref) is not None, "without a restart: 'after 60 steps (%d rejected)'" % total)
    T.run(opts + ["-ts_max_steps", "17", "-checkpoint_steps", "17", "-output_dir", T.fresh_dir("rst")])
    out = T.run(opts + ["-ts_max_steps", "60", "-restart", "latest", "-output_dir", "rst"]).stdout
    line = next((l for l in out.splitlines() if l.startswith("uphill3d: finished")), "")
    print(line)
    T.check("whole run: 60 steps, %d rejected" % total in line, "the restarted run's whole-run counts: 60 steps, %d rejected" % total)
    T.check("since the restart at step 17: 43 steps, %d rejected" % after in line, "and its own: since the restart at step 17, 43 steps, %d rejected" % after)
    T.check("stages since the restart" in out and "wall time since the restart" in out, "the stage count and the wall time are labelled as this run's")
    T.finish()


if __name__ == "__main__":
    main()
