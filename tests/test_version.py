#!/usr/bin/python3
"""uphill3d -version / --version and uphill3d-thermo --version (issue 13): print
"PROGRAM X.Y.Z (git HASH)" with X.Y.Z CMake's project version, then the PETSc, HDF5, FFTW
and MPI versions, exit 0, and run nothing: no output directory, no PETSc banner, even with
an options file and -output_dir given.  Also: CITATION.cff states the same version, and a
run's final.h5 carries it (attribute uphill3d_version) with the options in force (options).

Usage: test_version.py SOURCE_DIR PROJECT_VERSION THERMO_EXE"""
import os
import re
import subprocess
import sys

import uphill_testlib as T


def check_version(exe, name, version, extra):
    for flag in ("-version", "--version"):
        T.fresh_dir("out_version")
        cmd = [exe] + extra + [flag, "-output_dir", "out_version"]
        print("$ " + " ".join(cmd), flush=True)
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)
        print(p.stdout + p.stderr)
        lines = p.stdout.splitlines()
        T.check(p.returncode == 0, "%s %s exits 0 (got %d)" % (name, flag, p.returncode))
        T.check(len(lines) == 5, "%s %s prints 5 lines" % (name, flag))
        first = re.fullmatch(r"(\S+) (\d+\.\d+\.\d+) \(git (\S+)\)", lines[0] if lines else "")
        T.check(first is not None and first.group(1) == name and first.group(2) == version,
                "first line is '%s %s (git HASH)': %r" % (name, version, lines[0] if lines else ""))
        for i, lib in enumerate(("PETSc", "HDF5", "FFTW", "MPI")):
            ok = len(lines) > i + 1 and re.match(lib + r" \S", lines[i + 1]) is not None
            T.check(ok, "line %d names the %s version" % (i + 2, lib))
        T.check(not os.path.exists("out_version") and not os.path.exists("out"), "no output directory created")
        T.check(p.stderr == "", "nothing on stderr")


def main():
    if len(sys.argv) != 4:
        T.die("usage: test_version.py SOURCE_DIR PROJECT_VERSION THERMO_EXE")
    src, version, thermo = sys.argv[1:]
    opts = os.path.join(src, "input", "quickstart.opts")
    check_version(T.EXE, "uphill3d", version, [opts])
    check_version(T.EXE, "uphill3d", version, [])
    check_version(thermo, "uphill3d-thermo", version, [opts])
    p = subprocess.run([T.EXE, "--version"], stdout=subprocess.PIPE, text=True)
    stamp = p.stdout.splitlines()[0].split(" ", 1)[1]
    T.run(["-da_grid_x", 8, "-da_grid_y", 8, "-da_grid_z", 1, "-ts_max_steps", 1, "-output_dir", T.fresh_dir("out_run")] + T.DIMLESS)
    import h5py
    with h5py.File(os.path.join("out_run", "final.h5"), "r") as f:
        got = f.attrs.get("uphill3d_version", b"").decode()
        opts = f.attrs.get("options", b"").decode()
    T.check(got == stamp, "final.h5 attribute uphill3d_version = %r (the --version line: %r)" % (got, stamp))
    T.check("-ts_max_steps 1" in opts and "-output_dir out_run" in opts, "final.h5 attribute options holds the options in force: %r" % opts)
    cff = open(os.path.join(src, "CITATION.cff")).read()
    m = re.search(r'^version:\s*"?([^"\s]+)"?\s*$', cff, re.M)
    T.check(m is not None and m.group(1) == version, "CITATION.cff version %s is CMake's %s" % (m.group(1) if m else "?", version))
    T.finish()


if __name__ == "__main__":
    main()
