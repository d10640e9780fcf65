#!/usr/bin/python3
"""uphill3d-thermo's input handling.
  - bad input: exit status non-zero, nothing on stdout, and exactly one line on stderr,
    'uphill3d: error: ...', that names the problem (each case lists a phrase it must contain);
  - good input exits 0: an uphill3d options file (with PETSc solver options, which the tool
    ignores) as the first argument, and -help (which lists the tool's own options);
  - MPI: on 2 ranks the report and the CSV files are the same as on 1 rank, printed once, and a
    bad option is still one line.

Usage: test_thermo_input.py errors|good|mpi"""
import os
import sys

import thermo_testlib as T

SYM = "0,20000,20000,20000,0,20000,20000,20000,0"
ERRORS = [
    (["-components", 4], "-components"),
    (["-components", 1], "-components"),
    (["-components", "x"], "not an integer"),
    (["-components", 3], "needs -omega_matrix"),
    (["-components", 3, "-omega_matrix", "1,2,3"], "9 entries"),
    (["-components", 3, "-omega_matrix", "0,1,2,3,0,4,2,4,0"], "not symmetric"),
    (["-components", 3, "-omega_matrix", "5,1,2,1,0,4,2,4,0"], "diagonal"),
    (["-components", 3, "-omega_matrix", "0,1,2,1,0,x,2,x,0"], "'x' is not a number"),
    (["-components", 3, "-omega_matrix", SYM, "-omega", 3], "-omega_matrix"),
    (["-components", 3, "-omega_matrix", SYM, "-c0", 0.3], "c1,c2"),
    (["-components", 3, "-omega_matrix", SYM, "-c0", "0.7,0.4"], "c1 + c2 < 1"),
    (["-components", 3, "-omega_matrix", SYM, "-free_energy", "double_well"], "regular_solution"),
    (["-components", 3, "-omega_matrix", SYM, "-phase_diagram", "x.csv"], "binary"),
    (["-components", 3, "-omega_matrix", SYM, "-ternary_grid", 2], "-ternary_grid"),
    (["-components", 3, "-omega_matrix", SYM, "-ternary_csv", "no/such/dir/t.csv"], "cannot write"),
    (["-omega_matrix", SYM], "-components 3"),
    (["-free_energy", "quadratic", "-hessian", 2], "quadratic"),
    (["-ternary_csv", "t.csv"], "-components 3"),
    (["-ncomp_grid", "ten"], "not an integer"),
    (["-ncomp_grid", 0], "-ncomp_grid"),
    (["-comp_range", "0.2"], "lo < hi"),
    (["-comp_range", "0.6,0.2"], "lo < hi"),
    (["-comp_range", "-0.1,0.5"], "[0,1]"),
    (["-phase_diagram", "pd.csv", "-free_energy", "double_well"], "no temperature"),
    (["-phase_diagram", "pd.csv", "-omega", -100], "no miscibility gap"),
    (["-phase_diagram", "no/such/dir/pd.csv"], "cannot write"),
    (["-phase_diagram_tmin", 0], "(0,1)"),
    (["-phase_diagram_points", 1], "at least 2"),
    (["-deff_csv"], "needs a file name"),
    (["-deff_csv", "no/such/dir/d.csv"], "cannot write"),
    (["-temperature", -5], "-temperature"),
    (["-temperature", "hot"], "not a number"),
    (["-c0", 1.5], "-c0"),
    (["-free_energy", "quartic"], "not one of"),
    (["-tempreature", 600], "unknown option -tempreature"),
]


def errors():
    for args, phrase in ERRORS:
        p = T.run(args, check=False)
        lines = p.stderr.strip().splitlines()
        ok = p.returncode != 0 and not p.stdout and len(lines) == 1 and lines[0].startswith("uphill3d: error: ") and phrase in lines[0]
        T.check(ok, "%s -> status %d, stdout %d chars, stderr %r (want one 'uphill3d: error:' line with %r)" % (" ".join(map(str, args)), p.returncode, len(p.stdout), p.stderr.strip()[:300], phrase))
    with open("bad.opts", "w") as fp:
        fp.write("-temperature 700\ntemperature 800\n")
    p = T.run(["bad.opts"], check=False)
    T.check(p.returncode != 0 and p.stderr.startswith("uphill3d: error: options file 'bad.opts', line 2"), "malformed options file: %r" % p.stderr.strip())
    T.finish()


def good():
    with open("run.opts", "w") as fp:  # what an uphill3d run would be given
        fp.write("# spinodal decomposition at 700 K\n-da_grid_x 64\n-da_grid_y 64\n-da_grid_z 1\n-temperature 700\n-c0 0.4\n"
                 "-kappa 2e-9\n-mobility 1e-18\n-ts_type bdf\n-snes_rtol 1e-8\n-ksp_type gmres\n-pc_type mg\n-ic_amplitude 0.02\n-output_dir out\n")
    p = T.run(["run.opts", "-ncomp_grid", 3])
    rep = T.parse(p.stdout)
    T.close("options file read: T/T_c at 700 K", T.number(rep, "T/T_c"), 700 / (20000 / (2 * T.R_DEFAULT)), 1e-12)
    T.check(p.stderr == "", "no warnings on stderr: %r" % p.stderr[:200])
    T.check("c0 = 0.4" in p.stdout, "the options file's -c0 is used")
    p = T.run(["run.opts", "-temperature", 800, "-ncomp_grid", 3])
    T.close("the command line overrides the options file", T.number(T.parse(p.stdout), "T/T_c"), 800 / (20000 / (2 * T.R_DEFAULT)), 1e-12)
    for extra in ([], ["-components", "3"]):
        p = T.run(["-help"] + extra)
        for opt in ("-phase_diagram ", "-deff_csv ", "-ncomp_grid ", "-omega_matrix ", "-ternary_csv ", "-temperature ", "-omega "):
            T.check(opt in p.stdout, "-help %s lists %s" % (" ".join(extra), opt.strip()))
        T.check("spinodal     =" not in p.stdout and "Gibbs triangle" not in p.stdout, "-help %s only lists options, computes nothing" % " ".join(extra))
    T.finish()


def mpi():
    runs = []
    for np_ in (1, 2):
        for kind, args in (("binary", ["-deff_csv", "d%d.csv" % np_, "-phase_diagram", "p%d.csv" % np_]),
                           ("ternary", ["-components", 3, "-omega_matrix", SYM, "-temperature", 600, "-ternary_csv", "t%d.csv" % np_])):
            p = T.run(args, np_=np_)
            runs.append((np_, kind, p.stdout.replace("%d.csv" % np_, "N.csv")))
    for kind in ("binary", "ternary"):
        out = {np_: s for np_, k, s in runs if k == kind}
        T.check(out[1] == out[2], "%s: the report on 2 ranks equals the report on 1 rank (printed once)" % kind)
    for stem in ("d", "p", "t"):
        a, b = open("%s1.csv" % stem).read(), open("%s2.csv" % stem).read()
        T.check(a == b and len(a) > 0, "%s.csv is the same on 1 and 2 ranks" % stem)
    p = T.run(["-tempreature", 600], np_=2, check=False)
    lines = [l for l in p.stderr.splitlines() if l.startswith("uphill3d: error:")]
    T.check(p.returncode != 0 and len(lines) == 1 and not p.stdout, "2 ranks, bad option: one error line (%d), status %d" % (len(lines), p.returncode))
    T.finish()


if __name__ == "__main__":
    cases = dict(errors=errors, good=good, mpi=mpi)
    if len(sys.argv) != 2 or sys.argv[1] not in cases:
        sys.exit("usage: %s %s" % (sys.argv[0], "|".join(cases)))
    cases[sys.argv[1]]()
