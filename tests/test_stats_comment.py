#!/usr/bin/python3
"""stats.csv starts with "# uphill3d VERSION (git HASH)  options: ..." (the version -version
prints, and the options in force but run control: -restart, -ts_max_steps, -output_*,
-checkpoint_*, -log_*, ...); a restart keeps that first line.  Readers that skip '#' lines
read the file: Python's csv module on the lines without '#' and numpy.genfromtxt(comments='#')
(names from the header: skip_header=1, as genfromtxt(names=True) takes them from the first
line, comment or not)."""
import csv
import os
import re
import subprocess

import numpy as np
import uphill_testlib as T


def main():
    out = T.fresh_dir("out")
    base = T.DIMLESS + ["-ic", "noise", "-c0", "0.45", "-ic_amplitude", "0.01", "-ic_seed", "3",
                        "-da_grid_x", "16", "-da_grid_y", "16", "-da_grid_z", "1", "-Lx", "8", "-Ly", "8",
                        "-ts_max_time", "1e4", "-output_dir", out, "-progress_interval", "1000",
                        "-checkpoint_steps", "4", "-log_view"]
    T.run(base + ["-ts_max_steps", "8"])
    path = os.path.join(out, "stats.csv")
    first = open(path).readline()
    print("  " + first.strip())
    version = subprocess.run([T.EXE, "-version"], stdout=subprocess.PIPE, text=True).stdout.splitlines()[0]
    m = re.fullmatch(r"# uphill3d (.+ \(git .+\))  options: (.*)\n", first)
    if T.check(m is not None, "first line: '# uphill3d VERSION (git HASH)  options: ...'"):
        T.check(version.endswith(" " + m.group(1)), "the version -version prints (%s)" % version)
        opts = m.group(2).split()
        T.check("-kappa" in opts and opts[opts.index("-c0") + 1] == "0.45", "model options in force (-kappa, -c0 0.45)")
        left = [o for o in opts if re.match(r"-(output_|checkpoint_|ts_max_|log|restart|progress_)", o)]
        T.check(not left, "no run-control options (%s)" % left)
    # a restart from the checkpoint of step 4 with other run control: the first line is kept
    T.run(base + ["-ts_max_steps", "10", "-restart", "latest", "-output_interval", "1"])
    lines = open(path).readlines()
    T.check(lines[0] == first and sum(l.startswith("#") for l in lines) == 1, "after a restart: the same first line, once")
    rows = [l for l in lines if not l.startswith("#")]
    T.check([int(r.split(",")[0]) for r in rows[1:]] == list(range(11)), "rows 0..10 once each")
    s = T.read_stats(out)
    with open(path, newline="") as fp:
        table = list(csv.DictReader(line for line in fp if not line.startswith("#")))
    T.check(len(table) == 11 and all(float(r["free_energy"]) == f for r, f in zip(table, s["free_energy"])),
            "csv.DictReader on the lines without '#': 11 rows, the same values")
    g = np.genfromtxt(path, delimiter=",", comments="#", skip_header=1, names=True)
    T.check(g.dtype.names[:4] == ("step", "time", "dt", "free_energy") and np.array_equal(g["time"], s["time"]),
            "numpy.genfromtxt(comments='#', skip_header=1, names=True): the header's names, the same values")
    g = np.genfromtxt(path, delimiter=",", comments="#")
    T.check(g.shape == (12, 11) and np.isnan(g[0]).all() and np.array_equal(g[1:, 1], s["time"]),
            "numpy.genfromtxt(comments='#'): the comment skipped, the header a row of nan, then the rows")
    T.finish()


if __name__ == "__main__":
    main()
