#!/usr/bin/python3
"""`uphill3d -help` exits 0, runs nothing (no stats.csv), prints no error, and lists the
model's options with their defaults in PETSc's '-name <default>' form:
-Lx (default: the grid size, 32), -kappa (1e5), -bc (periodic), -ic_mode (1)."""
import os
import re

import uphill_testlib as T

# option -> regular expression for its default inside <...>
EXPECTED = {
    "-Lx": r"32\.?",
    "-kappa": r"100000\.?|1e\+?0?5",
    "-bc": r"(now )?periodic",
    "-ic_mode": r"1(,0,0)?",
    "-da_grid_x": r"(now )?32",
    "-free_energy": r"(now )?regular_solution",
    "-mobility_model": r"(now )?constant",
    "-jacobian_matrix_free": r"(now )?(TRUE|true)",
    "-coarse_operator": r"(now )?rediscretise",
    "-preconditioner_matrix": r"(now )?block_diagonal",
    "-multigrid_levels": r"(now )?0",
    "-integrator": r"(now )?auto",
}


def main():
    out = T.fresh_dir("out")
    p = T.run(["-help", "-output_dir", out], 1, check=False)
    text = p.stdout + p.stderr
    T.check(p.returncode == 0, "exit status 0 (%d)" % p.returncode)
    T.check("PETSC ERROR" not in text and "uphill3d: error" not in text, "no error printed")
    T.check(not os.path.exists(os.path.join(out, "stats.csv")), "-help runs no simulation (no stats.csv)")
    for opt, default in EXPECTED.items():
        m = re.search(r"^\s*" + re.escape(opt) + r":?\s+<([^>]*)>(.*)$", text, re.M)  # booleans print "-name: <...>"
        if not T.check(m is not None, "%s is listed with a default" % opt):
            continue
        shown = m.group(1).split(":")[0].strip()
        print("      %s" % m.group(0).strip())
        T.check(re.fullmatch(default, shown) is not None, "%s default %r matches %r" % (opt, shown, default))
        T.check(len(m.group(2).strip()) > 10, "%s has a description" % opt)
    T.finish()


if __name__ == "__main__":
    main()
