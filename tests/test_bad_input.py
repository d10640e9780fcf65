#!/usr/bin/python3
"""Bad input is reported, not crashed on: for each case uphill3d must
  - exit with a non-zero status,
  - print exactly one line on stderr starting with 'uphill3d: error:' that names the
    offending option or file (case-specific substrings below),
  - print no PETSc traceback ('PETSC ERROR') on stdout or stderr,
  - on one rank, print nothing else on stderr (with mpiexec, the launcher's own notice
    about a non-zero exit status is allowed),
  - not create stats.csv in its output directory.

Usage: test_bad_input.py CASE   (CASES below)"""
import os
import sys

import uphill_testlib as T

BAD_OPTS = "bad.opts"  # written by the test: its third line lacks the leading dash
SELF_OPTS = "self.opts"  # written by the test: it includes itself

# name: (ranks, arguments, substrings the error line must contain)
CASES = {
    "unknown_option":        (1, ["-Lxx", "3"], ["-Lxx"]),
    "malformed_real":        (1, ["-Lx", "abc"], ["-Lx", "abc"]),
    "malformed_int":         (1, ["-da_grid_x", "8.5"], ["-da_grid_x", "8.5"]),
    "bad_enum":              (1, ["-bc", "reflecting"], ["-bc", "reflecting"]),
    "rosw_with_mms":         (1, ["-integrator", "rosw", "-mms"], ["-integrator", "rosw"]),
    "rosw_newton_option":    (1, ["-integrator", "rosw", "-snes_rtol", "1e-8"], ["-snes_rtol"]),
    "c0_above_one":          (1, ["-c0", "1.2"], ["-c0", "1.2"]),
    "c0_zero":               (1, ["-c0", "0"], ["-c0"]),
    "negative_kappa":        (1, ["-kappa", "-1"], ["-kappa"]),
    "zero_grid":             (1, ["-da_grid_x", "0"], ["-da_grid_x"]),
    "negative_grid":         (1, ["-da_grid_y", "-4"], ["-da_grid_y"]),
    "zero_length":           (1, ["-Ly", "0"], ["-Ly"]),
    "negative_length":       (1, ["-Lz", "-2"], ["-Lz"]),
    "zero_mobility":         (1, ["-mobility", "0"], ["-mobility"]),
    "negative_mobility":     (1, ["-mobility", "-1e-3"], ["-mobility"]),
    "zero_temperature":      (1, ["-temperature", "0"], ["-temperature"]),
    "negative_temperature":  (1, ["-temperature", "-5"], ["-temperature"]),
    "too_many_mode_numbers": (1, ["-ic_mode", "1,2,3,4"], ["-ic_mode"]),
    "flat_direction_first":  (1, ["-da_grid_y", "1", "-da_grid_z", "8"], ["-da_grid_z 1"]),
    # 2 points cannot be shared by 4 ranks; the message names the grid and the rank count
    "grid_too_small_for_ranks": (4, ["-da_grid_x", "2", "-da_grid_y", "1", "-da_grid_z", "1"], ["2x1x1", "4 ranks"]),
    # the memory estimate on 2 ranks (ranks sharing the node: MPI_COMM_TYPE_SHARED); 1e9 points
    # need ~220 GB per rank by the estimate (skipped where a node has more than 400 GB)
    "memory_estimate_np2":   (2, ["-da_grid_x", "1000", "-da_grid_y", "1000", "-da_grid_z", "1000"], ["1000x1000x1000", "2 ranks", "-memory_check"]),
    "self_including_options_file_np2": (2, [SELF_OPTS], [SELF_OPTS, "includes itself"]),
    "malformed_options_file": (1, [BAD_OPTS], [BAD_OPTS, "line 3"]),
    "missing_options_file":  (1, ["no_such_file.opts"], ["no_such_file.opts"]),
    # PETSc's own options are user input too (-ts_max_time is in every run script)
    "malformed_petsc_option_value": (1, ["-ts_max_time", "abc"], ["-ts_max_time", "abc"]),
    "unknown_petsc_type":    (1, ["-ts_type", "nosuchtype"], ["nosuchtype"]),
}


def mem_available():
    """MemAvailable in bytes (0 if unknown)."""
    with open("/proc/meminfo") as fp:
        for line in fp:
            if line.startswith("MemAvailable:"):
                return float(line.split()[1]) * 1024
    return 0


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in CASES:
        T.die("usage: test_bad_input.py {%s}" % "|".join(CASES))
    name = sys.argv[1]
    nproc, args, names = CASES[name]
    with open(BAD_OPTS, "w") as fp:
        fp.write("# a valid comment\n-Lx 3\nda_grid_y 4\n")
    with open(SELF_OPTS, "w") as fp:
        fp.write("-Lx 3\n-options_file %s\n" % SELF_OPTS)
    if name.startswith("memory") and mem_available() > 400e9:
        print("more than 400 GB available: the estimate would not refuse; skipped")
        sys.exit(77)
    out = T.fresh_dir("out_" + name)
    # small valid defaults so that only the bad option is wrong; the file cases put the
    # file first (uphill3d FILE.opts [-option value ...])
    defaults = [("-da_grid_x", "8"), ("-da_grid_y", "8"), ("-da_grid_z", "1"), ("-ts_max_steps", "2")]
    valid = [x for k, v in defaults if k not in args for x in (k, v)]
    if args[0].endswith(".opts"):
        argv = args + valid + ["-output_dir", out]
    else:
        argv = valid + args + ["-output_dir", out]
    p = T.run(argv, nproc, check=False, timeout=120)
    print("exit status %d" % p.returncode)
    print("stderr:\n" + p.stderr.rstrip())
    if p.stdout.strip():
        print("stdout:\n" + p.stdout.rstrip()[-2000:])
    errlines = [l for l in p.stderr.splitlines() if l.startswith("uphill3d: error:")]
    T.check(p.returncode != 0, "non-zero exit status (%d)" % p.returncode)
    T.check(len(errlines) == 1, "exactly one 'uphill3d: error:' line on stderr (%d)" % len(errlines))
    for n in names:
        T.check(any(n in l for l in errlines), "the error line names %r" % n)
    T.check("PETSC ERROR" not in p.stdout + p.stderr, "no PETSc traceback")
    if nproc == 1:
        other = [l for l in p.stderr.splitlines() if l.strip() and not l.startswith("uphill3d: error:")]
        T.check(not other, "nothing else on stderr (%d other lines)" % len(other))
    T.check(not os.path.exists(os.path.join(out, "stats.csv")), "no stats.csv in the output directory")
    T.finish()


if __name__ == "__main__":
    main()
