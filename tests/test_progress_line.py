#!/usr/bin/python3
"""The progress line keeps its fields (step, t and % of -ts_max_time, dt, F, mass drift, the
integrator's iterations, c range, wall) and ends with steps per minute and an ETA: "-- steps/min
ETA --" on the first line (no rate yet), numbers on later ones (from the last few lines)."""
import re

import uphill_testlib as T

LINE = re.compile(r"^step +(\d+)  t \S+ \( *[\d.]+%\)  dt \S+  F \S+  mass drift \S+  (stages \d+|newton \d+ krylov \d+)"
                  r"  c in \[\S+, \S+\]  wall [\d.]+ s  (--|[\d.e+]+) steps/min  ETA (--|\d+s|\d+m\d\ds|\d+h\d\dm|[\d.]+d)$", re.M)


def main():
    for integrator in ("rosw", "bdf"):
        out = T.fresh_dir("out_" + integrator)
        p = T.run(T.DIMLESS + ["-ic", "noise", "-c0", "0.45", "-ic_amplitude", "0.01", "-ic_seed", "3",
                               "-da_grid_x", "16", "-da_grid_y", "16", "-da_grid_z", "1", "-Lx", "8", "-Ly", "8",
                               "-ts_max_time", "1e4", "-ts_max_steps", "8", "-integrator", integrator,
                               "-output_dir", out, "-final_output", "0", "-progress_interval", "0"])
        lines = [l for l in p.stdout.splitlines() if l.startswith("step ")]
        found = LINE.findall("\n".join(lines))
        print("  " + "\n  ".join(lines[:2] + lines[-1:]))
        T.check(len(found) == len(lines) == 9, "%s: 9 progress lines (steps 0..8), all in the expected form (%d of %d)" % (integrator, len(found), len(lines)))
        if len(found) == 9:
            T.check(found[0][2] == "--" and found[0][3] == "--", "%s: the first line has no rate yet" % integrator)
            T.check(all(f[2] != "--" and f[3] != "--" for f in found[1:]), "%s: later lines have steps/min and an ETA" % integrator)
    T.finish()


if __name__ == "__main__":
    main()
