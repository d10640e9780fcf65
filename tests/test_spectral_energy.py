#!/usr/bin/python3
"""The time-to-solution benchmark's spectral reference (benchmarks/spectral_ch.c, bench_spectral)
computes the discrete free energy exactly as uphill3d's src/energy.c does, so that F(t_end) of
the two codes can be compared: F of one initial field, written by uphill3d (-ts_max_steps 0,
final.h5) and read by bench_spectral (-t_end 0), must agree to 1e-12 relative.  Cases cover
both walls (a no-flux wall face has no gradient energy), both energies, h != 1 and differing
per direction, and V_m != 1 (f per volume = f_molar / V_m).

Usage: test_spectral_energy.py BENCH_SPECTRAL"""
import os
import subprocess
import sys

import uphill_testlib as T

TOL = 1e-12
GRID = ["-da_grid_x", "12", "-da_grid_y", "10", "-da_grid_z", "8", "-Lx", "6", "-Ly", "7.5", "-Lz", "2"]
CASES = {
    "periodic_regular": ["-bc", "periodic", "-gas_constant", "1", "-temperature", "1", "-omega", "3",
                         "-molar_volume", "2", "-kappa", "1.7", "-mobility", "1"],
    "noflux_double_well": ["-bc", "noflux", "-free_energy", "double_well", "-rho", "2.5", "-c_alpha", "0.2",
                           "-c_beta", "0.8", "-kappa", "0.6", "-mobility", "1"],
}
# uphill3d's options that are not model parameters (bench_spectral does not take them)
IC = ["-ic", "noise", "-c0", "0.45", "-ic_amplitude", "0.2", "-ic_seed", "5", "-ts_max_steps", "0"]


def spectral_F0(exe, h5, model):
    """F0 from bench_spectral's RESULT line (the box lengths come from the file)."""
    cmd = [exe, "-input", h5, "-t_end", "0"] + model
    print("$ " + " ".join(cmd), flush=True)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120)
    if p.returncode != 0:
        print(p.stdout, p.stderr)
        T.die("bench_spectral exited with status %d" % p.returncode)
    last = p.stdout.strip().splitlines()[-1].split()
    if last[0] != "RESULT":
        T.die("no RESULT line: %s" % p.stdout[-500:])
    return float(dict(w.split("=", 1) for w in last[1:])["F0"])


def main():
    if len(sys.argv) != 2:
        T.die("usage: test_spectral_energy.py BENCH_SPECTRAL")
    exe = sys.argv[1]
    for name, model in CASES.items():
        out = T.fresh_dir("out_" + name)
        T.run(GRID + model + IC + ["-output_dir", out])
        Fu = T.read_stats(out)["free_energy"][0]
        spectral_model = model  # every model option (and -bc) has the same name in both codes
        Fs = spectral_F0(exe, os.path.join(out, "final.h5"), spectral_model)
        rel = abs(Fs - Fu) / abs(Fu)
        T.check(rel <= TOL, "%s: F uphill3d %.17g, bench_spectral %.17g, relative difference %.2e <= %g" % (name, Fu, Fs, rel, TOL))
    T.finish()


if __name__ == "__main__":
    main()
