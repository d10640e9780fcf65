#!/usr/bin/python3
"""Issue 5, test 6: refusals of the N-component options.  Each bad input must give a non-zero
exit, exactly one 'uphill3d: error:' line on stderr that names the option and says what is
wrong (and by how much, for a matrix), no PETSc traceback, and no stats.csv."""
import os

import ncomp_testlib as N

T3 = N.DIMLESS + ["-components", 3, "-omega_matrix", "0,3,1,3,0,2,1,2,0", "-c0", "0.3,0.3", "-da_grid_x", 8, "-da_grid_y", 8, "-da_grid_z", 1]
Q3 = ["-components", 3, "-free_energy", "quadratic", "-hessian", "1,0,0,1", "-c0", "0.3,0.3", "-da_grid_x", 8, "-da_grid_y", 8, "-da_grid_z", 1]
CASES = [
    ("L not symmetric", Q3 + ["-mobility_matrix", "1,0.5,0.2,1"], ["-mobility_matrix", "not symmetric", "L_12 = 0.5", "L_21 = 0.2", "differ by 0.3"]),
    ("L indefinite", Q3 + ["-mobility_matrix", "1,2,2,1"], ["-mobility_matrix", "not positive semidefinite", "-1"]),
    ("L wrong count", Q3 + ["-mobility_matrix", "1,0,0"], ["-mobility_matrix", "expected 4", "got 3"]),
    ("Omega not symmetric", N.DIMLESS + ["-components", 3, "-omega_matrix", "0,3,1,2,0,2,1,2,0"], ["-omega_matrix", "not symmetric", "Omega_12 = 3", "Omega_21 = 2", "differ by 1"]),
    ("Omega diagonal", N.DIMLESS + ["-components", 3, "-omega_matrix", "1,3,1,3,0,2,1,2,0"], ["-omega_matrix", "diagonal", "Omega_11"]),
    ("Omega wrong count", N.DIMLESS + ["-components", 3, "-omega_matrix", "0,3,3,0"], ["-omega_matrix", "expected 9", "got 4"]),
    ("Omega missing", N.DIMLESS + ["-components", 3], ["-omega_matrix", "needs"]),
    ("c0 outside simplex", T3 + ["-c0", "0.6,0.5"], ["-c0", "simplex", "1.1"]),
    ("c0 negative", T3 + ["-c0", "-0.1,0.5"], ["-c0", "c_1", "simplex"]),
    ("c0 wrong count", T3 + ["-c0", "0.3"], ["-c0", "expected 2", "got 1"]),
    ("couple outside simplex", T3 + ["-ic", "couple", "-couple_left", "0.5,0.6", "-couple_right", "0.1,0.1"], ["-couple_left", "simplex"]),
    ("couple missing side", T3 + ["-ic", "couple", "-couple_left", "0.2,0.2"], ["-couple_right"]),
    ("hessian not definite", Q3[:4] + ["-hessian", "1,2,2,1"] + Q3[6:], ["-hessian", "not positive definite", "-1"]),
    ("kappa indefinite", Q3 + ["-kappa_matrix", "1,3,3,1"], ["-kappa_matrix", "not positive semidefinite"]),
    ("atomic mobility negative", T3 + ["-atomic_mobilities", "1,-1,1"], ["-atomic_mobilities", "M_2", "positive"]),
    ("two mobility models", T3 + ["-atomic_mobilities", "1,1,1", "-mobility_matrix", "1,0,0,1"], ["-mobility_matrix", "-atomic_mobilities"]),
    ("too many components", ["-components", 8], ["-components", "2 .. 6"]),
    ("double well ternary", T3 + ["-free_energy", "double_well"], ["-free_energy", "binary"]),
]
for name, args, needles in CASES:
    out = N.T.fresh_dir("out")
    p = N.T.run(args + ["-output_dir", out], check=False)
    errs = [l for l in p.stderr.splitlines() if l.startswith("uphill3d: error:")]
    line = errs[0] if errs else ""
    print("%-24s -> %s" % (name, line))
    N.check(p.returncode != 0 and len(errs) == 1, "%s: non-zero exit and one error line" % name)
    N.check(all(s in line for s in needles), "%s: the message names %s" % (name, needles))
    N.check("PETSC ERROR" not in p.stdout + p.stderr and not os.path.exists(os.path.join(out, "stats.csv")), "%s: no traceback, no stats.csv" % name)
N.finish()
