#!/usr/bin/python3
"""The time-to-solution benchmark's spectral peers (benchmarks/spectral_ch.c, bench_spectral;
benchmarks/spectral_ternary.c, bench_spectral_ternary) step the same spatial discretisation as
uphill3d: from one initial field (written by uphill3d) to t = 2 (binary) or 1 (ternary), uphill3d
at -ts_rtol 1e-6 and the peer's unstabilised SBDF2 at dt = 0.0025 change F by the same amount to
5e-5 of that change (measured: 1e-7 to 7e-6; the time errors of both).  The peers' stencil
passes run row by row with copied halos (wrapped or mirrored) and the no-flux transforms go
through an r2c: a wrong neighbour or transform changes F's decrease at the percent level.
Cases: the ternary with lattice-fixed L and a full kappa matrix; binary degenerate mobility,
periodic and no-flux; binary constant mobility under no-flux walls, whose r2c cosine pair must
also give FFTW's REDFT result (-dct fftw) to 1e-12.  Grid 12x10x8, h differing per direction.

Usage: test_spectral_peers.py BENCH_SPECTRAL BENCH_SPECTRAL_TERNARY"""
import os
import subprocess
import sys

import uphill_testlib as T

TOL = 5e-5
DT = "0.0025"
GRID = ["-da_grid_x", "12", "-da_grid_y", "10", "-da_grid_z", "8", "-Lx", "9", "-Ly", "7.5", "-Lz", "6"]
BINARY = ["-gas_constant", "1", "-temperature", "1", "-omega", "3", "-molar_volume", "1", "-kappa", "1", "-mobility", "1"]
TERNARY = ["-gas_constant", "1", "-temperature", "1", "-omega_matrix", "0,3,1,3,0,0.5,1,0.5,0",
           "-atomic_mobilities", "1,0.5,0.2", "-kappa_matrix", "1,0.2,0.2,0.8"]
# name: (peer, model options both codes read, uphill3d's own, initial composition, t_end, peer's own)
CASES = {
    "ternary_periodic_atomic": ("ternary", TERNARY, ["-components", "3"], "0.3,0.35", "1", []),
    "binary_periodic_degenerate": ("binary", BINARY + ["-bc", "periodic", "-mobility_model", "degenerate"], [], "0.45", "2", []),
    "binary_noflux_degenerate": ("binary", BINARY + ["-bc", "noflux", "-mobility_model", "degenerate"], [], "0.45", "2", []),
    "binary_noflux_constant": ("binary", BINARY + ["-bc", "noflux", "-mobility_model", "constant"], [], "0.45", "2", ["-A", "0"]),
}


def peer_result(exe, args):
    """The peer's RESULT line as a dict."""
    cmd = [exe] + args
    print("$ " + " ".join(cmd), flush=True)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=300)
    if p.returncode != 0:
        print(p.stdout[-2000:], p.stderr[-2000:])
        T.die("%s exited with status %d" % (os.path.basename(exe), p.returncode))
    last = p.stdout.strip().splitlines()[-1].split()
    if last[0] != "RESULT":
        T.die("no RESULT line: %s" % p.stdout[-500:])
    result = dict(w.split("=", 1) for w in last[1:])
    if result.get("status") != "ok":
        T.die("%s: status %s" % (os.path.basename(exe), result.get("status")))
    return result


def free_energies(outdir):
    """F at the first and the last row of stats.csv (its fourth column, any component count)."""
    with open(os.path.join(outdir, "stats.csv")) as fp:
        rows = [line.strip().split(",") for line in fp if not line.startswith("#")]
    T.check(rows[0][3] == "free_energy", "%s: the fourth column of stats.csv is free_energy" % outdir)
    return float(rows[1][3]), float(rows[-1][3]), float(rows[-1][1])


def main():
    if len(sys.argv) != 3:
        T.die("usage: test_spectral_peers.py BENCH_SPECTRAL BENCH_SPECTRAL_TERNARY")
    exes = {"binary": sys.argv[1], "ternary": sys.argv[2]}
    for name, (peer, model, own, c0, t_end, peer_own) in CASES.items():
        init, out = T.fresh_dir("init_" + name), T.fresh_dir("out_" + name)
        T.run(GRID + model + own + ["-ic", "noise", "-c0", c0, "-ic_amplitude", "0.1", "-ic_seed", "5", "-ts_max_steps", "0", "-output_dir", init])
        h5 = os.path.join(init, "final.h5")
        T.run(GRID + model + own + ["-ic", "file", "-ic_file", h5, "-ts_max_time", t_end, "-ts_rtol", "1e-6", "-output_dir", out])
        F0, F1, t1 = free_energies(out)
        T.check(abs(t1 - float(t_end)) <= 1e-12 * float(t_end), "%s: uphill3d ends at t = %g (asked %s)" % (name, t1, t_end))
        args = ["-input", h5, "-t_end", t_end, "-dt", DT, "-scheme", "sbdf2"] + model + peer_own
        Fs = float(peer_result(exes[peer], args)["F"])
        dF = F1 - F0
        rel = abs((Fs - F0) - dF) / abs(dF)
        T.check(abs(dF) >= 0.05 * abs(F0), "%s: F falls by %.3g of %.6g over the run (a change the comparison can see)" % (name, -dF, F0))
        T.check(rel <= TOL, "%s: F's change, uphill3d %.10g, peer %.10g: relative difference %.2e <= %g" % (name, dF, Fs - F0, rel, TOL))
        if name == "binary_noflux_constant":
            Ff = float(peer_result(exes[peer], args + ["-dct", "fftw"])["F"])
            T.check(abs(Ff - Fs) <= 1e-12 * abs(Fs), "%s: the peer's cosine pair through an r2c %.15g, FFTW's REDFT %.15g" % (name, Fs, Ff))
    T.finish()


if __name__ == "__main__":
    main()
