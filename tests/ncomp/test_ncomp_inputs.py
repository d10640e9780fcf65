#!/usr/bin/python3
"""The shipped N-component inputs run (input/ternary_spinodal.opts on a small grid, a few
steps) and the parameter report says what docs/MODEL.md section 2 gives for them: for the symmetric
Omega_ij = 4 RT at c0 = (1/3, 1/3), the Hessian's eigenvalues are 9 - 3W = -3 and 3 - W = -1
(with c0 = 0.3333 to 4 digits), so c0 is inside the spinodal region; and D = L G has a
negative eigenvalue."""
import os
import re

import ncomp_testlib as N

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
out = N.T.fresh_dir("out")
p = N.T.run([os.path.join(SRC, "input", "ternary_spinodal.opts"), "-da_grid_x", 8, "-da_grid_y", 8, "-da_grid_z", 8,
             "-Lx", 8, "-Ly", 8, "-Lz", 8, "-ts_max_steps", 3, "-output_interval", 0, "-output_dir", out])
print(p.stdout[:3000])
m = re.search(r"eig G\s+(\S+) (\S+)", p.stdout)
N.check(m is not None, "the report prints the eigenvalues of G(c0)")
if m:
    lo, hi = float(m.group(1)), float(m.group(2))
    N.check(abs(lo + 3) < 2e-3 and abs(hi + 1) < 2e-3, "eigenvalues of G(c0) %.5f, %.5f = -3, -1 (to the 4 digits of c0)" % (lo, hi))
N.check("INSIDE the spinodal" in p.stdout, "the report says c0 is inside the spinodal region")
m = re.search(r"eig D\s+(\S+)", p.stdout)
N.check(m is not None and float(m.group(1)) < 0, "the report prints D = L G's eigenvalues, the smallest negative")
N.check(len(N.read_stats(out)["step"]) == 4, "three steps taken (stats.csv has 4 rows)")
N.finish()
