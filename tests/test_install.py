#!/usr/bin/python3
"""cmake --install into a temporary prefix (issue 13): the installed uphill3d prints its
version, runs a tiny problem from an installed example input without LD_LIBRARY_PATH (its run
path finds PETSc, HDF5 and MPI), and the installed uphill3d-files (run through its interpreter
line, UPHILL_PYTHON) checks the files of that run.  The prefix also holds uphill3d-thermo, the
plot tools, the inputs, the job scripts and the documentation.

Usage: test_install.py BUILD_DIR PYTHON"""
import os
import re
import shutil
import subprocess
import sys

import uphill_testlib as T


def sh(cmd, env=None, timeout=300):
    print("$ " + " ".join(cmd), flush=True)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, timeout=timeout)
    print(p.stdout[-3000:])
    return p


def main():
    build, python = sys.argv[1:3]
    prefix = os.path.abspath("prefix")
    shutil.rmtree(prefix, ignore_errors=True)
    p = sh(["cmake", "--install", build, "--prefix", prefix])
    T.check(p.returncode == 0, "cmake --install to %s" % prefix)
    bindir = os.path.join(prefix, "bin")
    for f in ("bin/uphill3d", "bin/uphill3d-thermo", "bin/uphill3d-files", "bin/plot_run.py", "bin/plot_coarsening.py",
              "share/uphill3d/input/quickstart.opts", "share/uphill3d/jobscripts/slurm_run.sh",
              "share/doc/uphill3d/LICENSE", "share/doc/uphill3d/docs/MODEL.md"):
        T.check(os.path.isfile(os.path.join(prefix, f)), "installed %s" % f)
    for tool in ("uphill3d-files", "plot_run.py", "plot_coarsening.py", "plot_landscape.py", "plot_couple.py"):
        first = open(os.path.join(bindir, tool)).readline().strip()
        T.check(first == "#!" + python, "%s's interpreter line is #!%s (%s)" % (tool, python, first))

    env = {k: v for k, v in os.environ.items() if k != "LD_LIBRARY_PATH"}
    exe = os.path.join(bindir, "uphill3d")
    p = sh([exe, "--version"], env=env)
    T.check(p.returncode == 0 and re.match(r"uphill3d \d+\.\d+\.\d+ \(git \S+\)", p.stdout) is not None,
            "installed uphill3d --version")
    run = os.path.abspath("run")
    shutil.rmtree(run, ignore_errors=True)
    p = sh([exe, os.path.join(prefix, "share/uphill3d/input/quickstart.opts"), "-da_grid_x", "8", "-da_grid_y", "8",
            "-da_grid_z", "8", "-ts_max_steps", "2", "-output_dir", run], env=env)
    T.check(p.returncode == 0 and os.path.isfile(os.path.join(run, "final.h5")), "installed uphill3d runs (final.h5)")
    p = sh([os.path.join(bindir, "uphill3d-files"), "check", os.path.join(run, "final.h5")], env=env)
    T.check(p.returncode == 0 and "ok" in p.stdout, "installed uphill3d-files checks the run's final.h5")
    T.finish()


if __name__ == "__main__":
    main()
