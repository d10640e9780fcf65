#!/usr/bin/python3
"""`uphill3d -help` exits 0, runs nothing (no stats.csv), prints no error, and lists the
model's options with their defaults in PETSc's '-name <default>' form:
-Lx (default: the grid size, 32), -kappa (1e5), -bc (periodic), -ic_mode (1).
The application's options come first, right after the usage lines: before PETSc's version
banner and its "Options for all PETSc programs" (still listed, after them), and before the
solvers' (TS) options."""
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
    order(text)
    T.finish()


def order(text):
    """uphill3d's block (its title, and its last option) before every line PETSc prints."""
    def at(pattern):
        m = re.search(pattern, text, re.M)
        return m.start() if m else -1
    ours, last = at(r"^uphill3d: Cahn-Hilliard uphill diffusion on a 3D grid:"), at(r"^\s*-integrator ")
    petsc = {"PETSc's version banner": at(r"^Petsc Release Version"),
             "Options for all PETSc programs": at(r"^Options for all PETSc programs:"),
             "PETSc's -log_view": at(r"^\s*-log_view"),
             "the TS options": at(r"^Time stepping \(TS\) options:")}
    T.check(0 <= ours < at(r"^  -da_grid_x") <= last, "uphill3d's options as one block (%d .. %d)" % (ours, last))
    for what, pos in petsc.items():
        T.check(pos > last >= 0, "%s listed, after uphill3d's options (at %d, uphill3d's end at %d)" % (what, pos, last))


if __name__ == "__main__":
    main()
