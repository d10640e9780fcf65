#!/usr/bin/env python3
"""Critical nucleus radius by bisection (issue 15; docs/MODEL.md section 6.4), for the case of
tests/test_nucleus.py: regular solution Omega = 3, T = 1.2, kappa = 3, c0 = 0.1645, 2D 128^2,
deterministic runs with the default integrator.  A nucleus of radius R0 grows when its
second-phase area (cells above the gap's midpoint, analysis.csv) at the end exceeds the initial
one, and shrinks when it is below; a tie is run four times longer.  Prints the bracket of the
critical radius in units of the report's R* = sigma/dg.

Usage: critical_nucleus.py [UPHILL3D] [bisection steps (default 6)]"""
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

EXE = sys.argv[1] if len(sys.argv) > 1 else "uphill3d"
STEPS = int(sys.argv[2]) if len(sys.argv) > 2 else 6
BASE = ("-da_grid_x 128 -da_grid_y 128 -da_grid_z 1 -gas_constant 1 -temperature 1.2 -omega 3 -molar_volume 1 "
        "-kappa 3 -mobility 1 -c0 0.1645 -ic nucleus -progress_interval 1000 -final_output 0").split()
WORK = tempfile.mkdtemp(prefix="critical_nucleus_")


def run(args):
    return subprocess.run([EXE] + BASE + [str(a) for a in args], capture_output=True, text=True, check=True).stdout


def area_change(r0):
    for t_end in (3000, 12000):
        out = os.path.join(WORK, "r%.5f_%d" % (r0, t_end))
        run(["-nucleus_radius", r0, "-ts_max_time", t_end, "-analysis_interval", t_end, "-output_dir", out])
        d = np.loadtxt(os.path.join(out, "analysis.csv"), delimiter=",", skiprows=1, usecols=(1, 5), ndmin=2)
        if d[-1, 1] != d[0, 1]:
            return d[-1, 1] - d[0, 1], t_end
    return 0.0, t_end


def main():
    rstar = float(re.search(r"R\* = sigma/dg = (\S+)", run(["-nucleus_radius", 5, "-ts_max_steps", 0, "-output_dir", os.path.join(WORK, "report")])).group(1))
    lo, hi = 0.8, 1.2
    print("R* = %.6g (sharp-interface estimate)" % rstar)
    for _ in range(STEPS):
        mid = 0.5 * (lo + hi)
        change, t_end = area_change(mid * rstar)
        print("  R0 = %.5f R* = %.4f: area fraction change %+.3g by t = %d -> %s" % (mid, mid * rstar, change, t_end, "grows" if change > 0 else "shrinks" if change < 0 else "undecided"), flush=True)
        if change > 0:
            hi = mid
        elif change < 0:
            lo = mid
        else:
            break
    print("critical radius in [%.4f, %.4f] R* = [%.4f, %.4f]" % (lo, hi, lo * rstar, hi * rstar))


if __name__ == "__main__":
    main()
