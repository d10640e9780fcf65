#!/usr/bin/python3
"""A corpus of malformed inputs (issue 12): options, options files and initial-condition files.

Generated systematically and deterministically (fixed seed): every numeric option of uphill3d
and the PETSc options that matter x {inf, -inf, nan, 1e308, '', 'abc', ' 3 ', and 0 or -1 where
the option must be positive}, every enum and bool option x a bad value, comma-separated lists
and N-component matrices x {inf, nan, 1e308, an empty entry, a wrong count}, options files x
{missing, directory, NUL byte, huge, self-including, mutually including, nested too deep,
/dev/zero, two options on a line, ...} given first and through -options_file, -ic_file x {NaN,
inf, complex, integer, string, wrong shape, missing dataset, truncated, not HDF5, ...}, the
command line (stray words, a 1,100-character option name) and grids too large for the index
type or the node's memory.  Each case must
  - exit with a non-zero status,
  - print exactly one 'uphill3d: error:' line, naming the option or file,
  - print no traceback ('PETSC ERROR', 'Traceback', 'Segmentation', 'AddressSanitizer', ...),
  - leave its output directory (given, holding a stats.csv from an earlier run) as it was.
A few valid edge cases (an empty options file, a quoted value, a comment-only line) must run.

Runs on an 8x8x1 grid; cases run 4 at a time (each spends most of its ~1 s in MPI start-up,
~0.3 s of CPU).  Usage: test_input_corpus.py [--list] [CASE-SUBSTRING ...]"""
import concurrent.futures
import os
import shutil
import subprocess
import sys

import numpy as np

import uphill_testlib as T

GRID = ["-da_grid_x", "8", "-da_grid_y", "8", "-da_grid_z", "1", "-ts_max_steps", "2"]
TERNARY = ["-components", "3", "-omega_matrix", "0,20000,20000,20000,0,20000,20000,20000,0"]
TRACEBACK = ["PETSC ERROR", "Traceback", "Segmentation", "AddressSanitizer", "runtime error",
             "HDF5-DIAG", "core dumped", "Abort", "signal"]
SENTINEL = "step,time\n0,0\n"  # the earlier run's stats.csv in every output directory

# uphill3d's real options x bad values: every value on the main physical options, the
# non-finite and overflowing ones on the others, 0 / -1 where an option must be positive
ALL_BAD_REAL = ["inf", "-inf", "nan", "1e308", "", "abc", " 3 "]
REALS = {opt: ALL_BAD_REAL for opt in ["-omega", "-kappa", "-mobility", "-Lx"]}
REALS.update({opt: ["inf", "nan", "1e308"] for opt in [
    "-Ly", "-Lz", "-temperature", "-gas_constant", "-molar_volume", "-rho", "-c_alpha", "-c_beta",
    "-c0", "-ic_amplitude", "-output_interval", "-couple_width", "-progress_interval"]})
NONPOSITIVE = {"-Lx": "0", "-Ly": "-1", "-Lz": "0", "-temperature": "0", "-gas_constant": "-1",
               "-molar_volume": "0", "-mobility": "-1", "-kappa": "-1", "-c0": "0", "-ic_amplitude": "-1",
               "-output_interval": "-1", "-analysis_interval": "-1", "-checkpoint_walltime": "-1",
               }
INTS = {"-da_grid_x": ["abc", "2.5", "", " 3 ", "99999999999999999999", "0", "-1"]}
INTS.update({opt: ["abc", "2.5"] for opt in ["-da_grid_y", "-da_grid_z", "-components", "-ic_seed",
                                              "-stats_interval", "-checkpoint_keep", "-output_steps"]})
INTS["-components"] += ["1", "7"]
INTS["-stats_interval"] += ["0"]
INTS["-checkpoint_keep"] += ["0"]
INTS["-output_steps"] += ["-1"]
ENUMS = ["-bc", "-free_energy", "-mobility_model", "-ic", "-integrator", "-coarse_operator",
         "-preconditioner_matrix", "-couple_axis"]
BOOLS = ["-final_output", "-mms", "-jacobian_matrix_free", "-memory_check"]
# PETSc's own options (the rosw default reads the -ts_ ones; -integrator bdf the others)
PETSC = {
    "-ts_dt": ["0", "-1", "nan", "inf", "1e-320", "abc", " 3 ", "1e-300"],
    "-ts_max_time": ["nan", "inf", "0"],
    "-ts_max_steps": ["-1"],
    "-ts_rtol": ["-1"],
}
PETSC_BDF = {
    "-snes_max_it": ["0"], "-ksp_max_it": ["0"], "-snes_rtol": ["-1"], "-ksp_rtol": ["nan"],
    "-ts_type": ["euler", "nosuchtype"],
}
MATRICES = {  # ternary: N x N Omega, (N-1) x (N-1) others, N atomic mobilities
    "-omega_matrix": (9, "0,20000,20000,20000,0,20000,20000,20000,0"),
    "-kappa_matrix": (4, "1e5,0,0,1e5"), "-mobility_matrix": (4, "1,0,0,1"),
    "-atomic_mobilities": (3, "1,1,1"), "-c0": (2, "0.33,0.33"),
}


def real_cases():
    cases = [("real %s=%r" % (o, v), GRID + [o, v], [o]) for o, vs in REALS.items() for v in vs]
    cases += [("real %s=%s" % (o, v), GRID + [o, v], [o]) for o, v in NONPOSITIVE.items()]
    return cases + [("real -rho=0 (double_well)", GRID + ["-free_energy", "double_well", "-rho", "0"], ["-rho"])]


def int_cases():
    return [("int %s=%r" % (o, v), GRID + [o, v], [o]) for o, vs in INTS.items() for v in vs]


def enum_cases():
    cases = [("enum %s=nosuch" % o, GRID + [o, "nosuch"], [o, "nosuch"]) for o in ENUMS]
    cases += [("enum %s=''" % o, GRID + [o, ""], [o]) for o in ENUMS[:2]]
    return cases + [("bool %s=maybe" % o, GRID + [o, "maybe"], [o, "maybe"]) for o in BOOLS]


def list_cases():
    cases = [("list -ic_mode=%r" % v, GRID + ["-ic", "mode", "-ic_mode", v], ["-ic_mode"])
             for v in ["1,,2", "99999999,0,0", "1,2,3,4", "0,5,0", "1,nan"]]
    cases += [("list -restart_allow_change=%r" % v, GRID + ["-restart_allow_change", v], ["-restart_allow_change"])
              for v in [",,,", "grid", "kappa,,mobility"]]
    for opt, (n, good) in MATRICES.items():
        entries = good.split(",")
        model = TERNARY[:2] + ([] if opt == "-omega_matrix" else TERNARY[2:])
        for bad in ["inf", "nan", "1e308", ""]:
            cases.append(("matrix %s[0]=%r" % (opt, bad), GRID + model + [opt, ",".join([bad] + entries[1:])], [opt]))
        cases.append(("matrix %s count" % opt, GRID + model + [opt, ",".join(entries + ["1"])], [opt]))
    # each in range, overflowing together
    cases.append(("scales -omega 1e60 -mobility 1e60 -kappa 1e-50", GRID + ["-omega", "1e60", "-mobility", "1e60", "-kappa", "1e-50"], ["-omega", "-mobility", "-kappa"]))
    return cases


def petsc_cases():
    cases = [("petsc %s=%r" % (o, v), GRID + [o, v], [o]) for o, vs in PETSC.items() for v in vs]
    cases += [("petsc bdf %s=%r" % (o, v), GRID + ["-integrator", "bdf", o, v], [o]) for o, vs in PETSC_BDF.items() for v in vs]
    return cases


def write(path, data, mode="w"):
    with open(path, mode) as fp:
        fp.write(data)


def file_cases(work):
    """Options files, each given first and through -options_file."""
    d = os.path.join(work, "opts")
    os.makedirs(d, exist_ok=True)
    p = lambda name: os.path.join(d, name)  # noqa: E731
    write(p("self.opts"), "-Lx 8\n-options_file %s\n" % p("self.opts"))
    write(p("a.opts"), "-options_file %s\n" % p("b.opts"))
    write(p("b.opts"), "-options_file %s\n" % p("a.opts"))
    for i in range(12):
        write(p("deep%d.opts" % i), "-options_file %s\n" % p("deep%d.opts" % (i + 1)))
    write(p("deep12.opts"), "-Lx 8\n")
    write(p("two.opts"), "-Lx 8 -Ly 8\n")
    write(p("twokeys.opts"), "-Lx -Ly 8\n")
    write(p("extra.opts"), "-Lx 8 9\n")
    write(p("nul.opts"), "-Lx 8\n-Ly\0 8\n")
    write(p("huge.opts"), ("# padding %s\n" % ("x" * 100)) * 20000)
    write(p("nodash.opts"), "-Lx 8\nLy 8\n")
    write(p("spaces.opts"), '-omega " 3 "\n')
    write(p("badval.opts"), "-omega abc\n")
    write(p("nofile.opts"), "-options_file\n")
    write(p("missingnested.opts"), "-options_file %s\n" % p("nowhere.opts"))
    write(p("binary.opts"), bytes(np.random.default_rng(12).integers(0, 256, 4096, dtype=np.uint8)), "wb")
    os.makedirs(p("dir.opts"), exist_ok=True)
    files = {  # name: (path, words the error line must contain)
        "missing": (p("missing.opts"), ["missing.opts"]),
        "directory": (p("dir.opts"), ["dir.opts", "directory"]),
        "dev_zero": ("/dev/zero", ["/dev/zero"]),
        "self_including": (p("self.opts"), ["self.opts", "includes itself"]),
        "mutually_including": (p("a.opts"), ["a.opts", "includes itself"]),
        "nested_too_deep": (p("deep0.opts"), ["deep", "nested"]),
        "two_options_on_a_line": (p("two.opts"), ["two.opts", "line 1"]),
        "two_keys_on_a_line": (p("twokeys.opts"), ["twokeys.opts", "line 1"]),
        "two_values": (p("extra.opts"), ["extra.opts", "line 1"]),
        "nul_byte": (p("nul.opts"), ["nul.opts", "line 2", "NUL"]),
        "huge": (p("huge.opts"), ["huge.opts"]),
        "no_dash": (p("nodash.opts"), ["nodash.opts", "line 2"]),
        "spaces_in_value": (p("spaces.opts"), ["spaces.opts", "-omega"]),
        "bad_value": (p("badval.opts"), ["-omega", "abc"]),
        "options_file_without_name": (p("nofile.opts"), ["nofile.opts", "-options_file"]),
        "missing_nested": (p("missingnested.opts"), ["nowhere.opts"]),
        "binary": (p("binary.opts"), ["binary.opts"]),
    }
    cases = [("optfile first %s" % name, [path] + GRID, words) for name, (path, words) in files.items()]
    for name in ["missing", "directory", "dev_zero", "self_including", "two_options_on_a_line", "nul_byte", "huge"]:
        path, words = files[name]
        cases.append(("optfile -options_file %s" % name, GRID + ["-options_file", path], words))
    return cases


def ic_cases(work):
    import h5py
    d = os.path.join(work, "ic")
    os.makedirs(d, exist_ok=True)
    p = lambda name: os.path.join(d, name)  # noqa: E731
    rng = np.random.default_rng(7)
    good = 0.5 + 0.01 * rng.standard_normal((1, 8, 8))

    def h5(name, data, dname="c", **kw):
        with h5py.File(p(name), "w") as f:
            f.create_dataset(dname, data=data, **kw)

    for name, val in [("nan", np.nan), ("inf", np.inf), ("neginf", -np.inf)]:
        a = good.copy()
        a[0, 3, 5] = val
        h5(name + ".h5", a)
    chunked = good.copy()
    chunked[0, 7, 7] = np.nan
    h5("nan_chunked.h5", chunked, chunks=(1, 2, 8), compression="gzip")
    h5("complex.h5", good.astype(np.complex128))
    h5("integer.h5", np.zeros((1, 8, 8), dtype=np.int32))
    h5("string.h5", np.array([b"0.5"] * 64).reshape(1, 8, 8))
    h5("float32_outside.h5", np.full((1, 8, 8), 1.5, dtype=np.float32))
    h5("shape.h5", good[:, :4, :])
    h5("shape3d.h5", np.full((2, 8, 8), 0.5))
    h5("shape1d.h5", np.full(64, 0.5))
    h5("shape4d.h5", np.full((1, 1, 8, 8), 0.5))
    h5("no_c.h5", good, dname="concentration")
    h5("big.h5", np.full((1, 256, 256), 0.5))
    with open(p("big.h5"), "rb") as fp:
        data = fp.read()
    write(p("truncated.h5"), data[: len(data) // 2], "wb")
    write(p("header_only.h5"), data[:1024], "wb")
    write(p("text.h5"), "c = 0.5\n")
    write(p("empty.h5"), "")
    os.makedirs(p("dir.h5"), exist_ok=True)
    h5("ternary_missing_c2.h5", np.stack([good[0] * 0 + 0.3]), dname="c_1")
    files = ["nan", "inf", "neginf", "nan_chunked", "complex", "integer", "string", "float32_outside",
             "shape", "shape3d", "shape1d", "shape4d", "no_c", "truncated", "header_only", "text",
             "empty", "dir", "missing"]
    cases = [("ic_file %s" % n, GRID + ["-ic", "file", "-ic_file", p(n + ".h5")], [n + ".h5"]) for n in files]
    cases.append(("ic_file ternary_missing_c2", GRID + TERNARY + ["-ic", "file", "-ic_file", p("ternary_missing_c2.h5")], ["ternary_missing_c2.h5", "c_2"]))
    cases.append(("ic_file not given", GRID + ["-ic", "file"], ["-ic_file"]))
    return cases


def command_line_cases():
    long_name = "-" + "x" * 1100
    return [
        ("cmdline stray word at the end", GRID + ["-omega", "3", "stray"], ["stray"]),
        ("cmdline stray word in the middle", ["-da_grid_x", "8", "stray", "-da_grid_y", "8", "-da_grid_z", "1"], ["stray"]),
        ("cmdline stray word after a flag", GRID + ["-mms", "1", "again"], ["again"]),
        ("cmdline option name of 1100 characters", GRID + [long_name, "1"], ["-" + "x" * 60]),
        ("cmdline unknown option", GRID + ["-Lxx", "3"], ["-Lxx"]),
        ("cmdline -options_file without a name", GRID + ["-options_file"], ["-options_file"]),
        ("cmdline spaces around a value", GRID + ["-omega", " 3 "], ["-omega"]),
        ("cmdline tab around a value", GRID + ["-ts_dt", "1e-3\t"], ["-ts_dt"]),
        # 1e9 points: ~440 GB by the estimate, refused on any node with less available
        ("grid 1000x1000x1000 (memory)", ["-da_grid_x", "1000", "-da_grid_y", "1000", "-da_grid_z", "1000"], ["1000x1000x1000", "per rank", "-memory_check"]),
        ("grid 2147483647x1x1 (indices)", ["-da_grid_x", "2147483647", "-da_grid_y", "1", "-da_grid_z", "1"], ["2147483647x1x1"]),
        ("grid 100000^3 (indices)", ["-da_grid_x", "100000", "-da_grid_y", "100000", "-da_grid_z", "100000"], ["100000x100000x100000"]),
        ("grid 4000^3 (memory)", ["-da_grid_x", "4000", "-da_grid_y", "4000", "-da_grid_z", "4000"], ["4000x4000x4000"]),
    ]


def valid_cases(work):
    """Edge inputs that are legal: they must run (a few steps) and write stats.csv."""
    d = os.path.join(work, "opts")
    write(os.path.join(d, "empty.opts"), "")
    write(os.path.join(d, "quoted.opts"), '# a comment\n\n-output_dir "%s"\n-Lx 8 # trailing comment\n\t-Ly\t8\r\n' % os.path.join(work, "quoted out"))
    return [("valid empty options file", [os.path.join(d, "empty.opts")] + GRID, None),
            ("valid quoted value, comments, tabs, CRLF", [os.path.join(d, "quoted.opts")] + GRID, os.path.join(work, "quoted out"))]


def mem_available():
    """MemAvailable in bytes (0 if unknown)."""
    try:
        with open("/proc/meminfo") as fp:
            for line in fp:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def run_case(work, index, case):
    name, args, words = case
    out = os.path.join(work, "out", "%03d" % index)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    write(os.path.join(out, "stats.csv"), SENTINEL)
    argv = list(args) + (["-output_dir", out] if "-output_dir" not in args and not name.startswith("valid quoted") else [])
    cmd = T.command(argv, 1)
    for attempt in range(2):
        try:
            p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace", timeout=60)
        except subprocess.TimeoutExpired:
            return name, ["timed out after 60 s (hang)"], ""
        text = p.stdout + p.stderr
        # the MPI library itself failing to start (seen twice in ~500 runs on a loaded machine,
        # before uphill3d's code runs) is retried once; it says so
        if "before MPI_INIT completed" not in text or attempt:
            break
        print("note: %s: MPI start-up failed, retried" % name, flush=True)
    errs = [l for l in p.stderr.splitlines() if l.startswith("uphill3d: error:")]
    problems = []
    if words is None or isinstance(words, str):  # a valid input: must run
        if p.returncode != 0:
            problems.append("valid input exited %d" % p.returncode)
        target = words if isinstance(words, str) else out
        if not os.path.exists(os.path.join(target, "stats.csv")) or open(os.path.join(target, "stats.csv")).read() == SENTINEL:
            problems.append("valid input wrote no stats.csv")
        return name, problems, text
    if p.returncode == 0:
        problems.append("exit status 0")
    if len(errs) != 1:
        problems.append("%d 'uphill3d: error:' lines" % len(errs))
    for w in words:
        if not any(w in l for l in errs):
            problems.append("the error line does not name %r" % w)
    for t in TRACEBACK:
        if t in text:
            problems.append("traceback text %r" % t)
    if sorted(os.listdir(out)) != ["stats.csv"] or open(os.path.join(out, "stats.csv")).read() != SENTINEL:
        problems.append("output directory written over: %s" % sorted(os.listdir(out)))
    return name, problems, text


def main():
    work = os.path.abspath("corpus")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    cases = (real_cases() + int_cases() + enum_cases() + list_cases() + petsc_cases() + file_cases(work)
             + ic_cases(work) + command_line_cases())
    if mem_available() > 400e9:  # the memory case would run (and allocate): not on this machine
        cases = [c for c in cases if "(memory)" not in c[0]]
        print("note: more than 400 GB available: the memory-estimate case is left out")
    valid = valid_cases(work)
    names = [c[0] for c in cases + valid]
    T.check(len(set(names)) == len(names), "case names are unique")
    if "--list" in sys.argv:
        print("\n".join(names))
        return
    pick = [a for a in sys.argv[1:] if not a.startswith("--")]
    todo = [c for c in cases + valid if not pick or any(s in c[0] for s in pick)]
    print("%d malformed inputs, %d valid edge inputs; running %d" % (len(cases), len(valid), len(todo)), flush=True)
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda ic: run_case(work, ic[0], ic[1]), enumerate(todo)))
    bad = 0
    for name, problems, text in results:
        if problems:
            bad += 1
            print("FAIL %s: %s" % (name, "; ".join(problems)))
            print("  " + "\n  ".join(text.strip().splitlines()[:40])[:4000])
        else:
            err = [l for l in text.splitlines() if l.startswith("uphill3d: error:")]
            print("ok   %s%s" % (name, ("  -> " + err[0][:160]) if err else ""))
    clean = len(results) - bad
    print("%d of %d inputs handled cleanly" % (clean, len(results)))
    T.check(not pick or todo, "the selection matches some case")
    T.check(pick or len(cases) >= 150, "at least 150 malformed inputs (%d)" % len(cases))
    T.check(bad == 0, "every input handled cleanly (%d failed)" % bad)
    T.finish()


if __name__ == "__main__":
    main()
