#!/usr/bin/python3
"""64-bit PetscInt: build uphill3d against a PETSc configured --with-64-bit-indices (Debian's
petsc64-dev) in a separate build directory and run a quick 3D smoke test on 2 ranks, so that
code which mixes int and PetscInt (printf formats, MPI datatypes, HDF5 index types) is caught
before a large run overflows 32-bit indices.

Checks: the PETSc that CMake found defines PETSC_USE_64BIT_INDICES; the build has no compiler
warning; 5 steps of a 16^3 spinodal run on 2 ranks finish, conserve mass to 1e-12 relative
(stats.csv) and never raise the free energy; final.h5 is written.
Exit status 77 (CTest: skipped) when no 64-bit PETSc is installed.

Usage: test_petsc64_smoke.py SOURCE_DIR BUILD_DIR [PETSC64_DIR]
(PETSC64_DIR last: CMake drops an empty argument, so an absent one means "none found")."""
import os
import re
import subprocess
import sys

import numpy as np

import uphill_testlib as T

SKIP = 77


def sh(cmd, env=None, timeout=900):
    print("$ " + " ".join(cmd), flush=True)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, timeout=timeout)
    if p.returncode != 0:
        print(p.stdout[-6000:])
        T.die("%s exited with status %d" % (cmd[0], p.returncode))
    return p.stdout


def main():
    if len(sys.argv) not in (3, 4):
        T.die("usage: test_petsc64_smoke.py SOURCE_DIR BUILD_DIR [PETSC64_DIR]")
    src, build = sys.argv[1:3]
    petsc64 = sys.argv[3] if len(sys.argv) == 4 else ""
    if not petsc64 or not os.path.isfile(os.path.join(petsc64, "include", "petscconf.h")):
        print("no 64-bit-index PETSc found (Debian: apt-get install petsc64-dev; or configure with -DUPHILL_PETSC64_DIR=...): skipped")
        sys.exit(SKIP)
    env = dict(os.environ, PETSC_DIR=petsc64, PETSC_ARCH="")
    sh(["cmake", "-S", src, "-B", build, "-DCMAKE_BUILD_TYPE=Release", "-DBUILD_TESTING=OFF"], env=env)
    out = sh(["cmake", "--build", build, "-j2", "--target", "uphill3d"], env=env)
    T.check("warning:" not in out, "64-bit build without compiler warnings")
    cache = open(os.path.join(build, "CMakeCache.txt")).read()
    inc = re.search(r"^PETSC_INCLUDEDIR:INTERNAL=(.*)$", cache, re.M)
    conf = open(os.path.join(inc.group(1) if inc else "", "petscconf.h")).read() if inc else ""
    T.check(re.search(r"#define PETSC_USE_64BIT_INDICES 1", conf) is not None,
            "the PETSc found (%s) has 64-bit indices" % (inc.group(1) if inc else "?"))

    T.EXE = os.path.join(build, "uphill3d")
    out_dir = T.fresh_dir("out64")
    T.run(["-da_grid_x", 16, "-da_grid_y", 16, "-da_grid_z", 16, "-bc", "noflux", "-c0", 0.5,
               "-ic_amplitude", 0.05] + T.DIMLESS + ["-ts_max_steps", 5, "-output_dir", out_dir], np_=2, timeout=300)
    s = T.read_stats(out_dir)
    m, F = s["mass"], s["free_energy"]
    drift = np.abs(m - m[0]).max() / abs(m[0])
    T.check(len(m) == 6, "5 steps taken (%d rows after the initial state)" % (len(m) - 1))
    T.check(drift <= 1e-12, "mass conserved to 1e-12 relative (max drift %.3e)" % drift)
    T.check(np.all(np.diff(F) <= 1e-12 * np.abs(F[:-1])), "free energy never rises")
    T.check(os.path.isfile(os.path.join(out_dir, "final.h5")), "final.h5 written (parallel HDF5 with 64-bit indices)")
    T.finish()


if __name__ == "__main__":
    main()
