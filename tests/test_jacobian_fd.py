#!/usr/bin/python3
"""The analytic Jacobian (src/jacobian.c, and the matrix-free action of src/jacobian_action.c
that the Krylov solver uses by default; PETSc forms its matrix column by column) against PETSc's finite-difference Jacobian of the
residual (src/residual.c), on small grids where the FD Jacobian is cheap: periodic and no-flux
walls, constant and degenerate mobility, both energies, 1 and 2 ranks; and the N-component
kernels (N = 3 and 5 with the lattice-fixed L(c), N = 3 with a kappa matrix, N = 4 quadratic with
coupled constant L and kappa).

Tolerance: a correct Jacobian agrees with the FD one to the FD truncation/round-off level,
measured at 1e-9 .. 1e-8 relative (Frobenius); a missing or wrong term (e.g. the degenerate
mobility's M'(c) grad mu term, or a wall face) changes entries by O(1) relative to themselves,
which is >= 1e-4 of ||J||_F here.  1e-6 separates the two by two orders on either side."""
import re
import sys

import uphill_testlib as T

CASES = {
    "periodic_regular_constant": ["-bc", "periodic"],
    "noflux_regular_degenerate": ["-bc", "noflux", "-mobility_model", "degenerate"],
    "noflux_double_well_degenerate": ["-bc", "noflux", "-free_energy", "double_well", "-rho", "1",
                                      "-c_alpha", "0.2", "-c_beta", "0.8", "-mobility_model", "degenerate"],
    "periodic_double_well_2d": ["-bc", "periodic", "-free_energy", "double_well", "-da_grid_z", "1"],
    # the N-component kernels (issue 5): lattice-fixed L(c) (its dL/dc terms), coupled kappa, N = 4
    "ternary_periodic_atomic": ["-bc", "periodic", "-components", "3", "-omega_matrix", "0,3,1,3,0,0.5,1,0.5,0",
                                "-atomic_mobilities", "1,0.5,0.2", "-c0", "0.3,0.35", "-ic_amplitude", "0.1"],
    "ternary_noflux_atomic_kappa_matrix": ["-bc", "noflux", "-components", "3", "-omega_matrix", "0,3,1,3,0,0.5,1,0.5,0",
                                           "-atomic_mobilities", "1,0.5,0.2", "-kappa_matrix", "1,0.3,0.3,2",
                                           "-c0", "0.3,0.35", "-ic_amplitude", "0.1"],
    "quinary_regular_atomic": ["-bc", "noflux", "-components", "5",
                               "-omega_matrix", "0,3,3,3,3,3,0,3,3,3,3,3,0,3,3,3,3,3,0,3,3,3,3,3,0",
                               "-atomic_mobilities", "1,0.5,1,2,1", "-c0", "0.2,0.15,0.25,0.1", "-ic_amplitude", "0.03"],
    "quaternary_quadratic_coupled_2d": ["-bc", "noflux", "-components", "4", "-free_energy", "quadratic",
                                        "-hessian", "2,0.5,0.1,0.5,1,0.2,0.1,0.2,1.5", "-c0", "0.2,0.3,0.1",
                                        "-mobility_matrix", "1,0.2,0,0.2,1,0.1,0,0.1,0.5",
                                        "-kappa_matrix", "1,0.1,0,0.1,0.5,0,0,0,0.7", "-da_grid_z", "1"],
}
TOL = 1e-6

case = sys.argv[1]
nprocs = int(sys.argv[2]) if len(sys.argv) > 2 else 1
args = T.DIMLESS + ["-da_grid_x", "6", "-da_grid_y", "5", "-da_grid_z", "4", "-Lx", "3", "-Ly", "2.5", "-Lz", "2",
                    "-ic", "noise", "-ic_amplitude", "0.2", "-c0", "0.45", "-ts_max_steps", "2",
                    "-integrator", "bdf", "-snes_test_jacobian"] + CASES[case]
def krylov_operator_ratios(stdout):
    """||J - Jfd||/||J|| of the Krylov operator at every test.  With the matrix-free action the
    assembled preconditioning Jacobian is reported too ("for preconditioner"), but it is rebuilt
    only at a solve's first Newton iteration, so later it is stale on purpose: not checked here;
    the run with -jacobian_matrix_free 0 checks the assembled Jacobian at every iteration."""
    ratios, current = [], None
    for line in stdout.splitlines():
        if "Testing Jacobian" in line:
            current = "pc" if "preconditioner" in line else "op"
        m = re.search(r"\|\|J - Jfd\|\|_F/\|\|J\|\|_F = ([0-9.eE+-]+)", line)
        if m and current == "op":
            ratios.append(float(m.group(1)))
    return ratios


for label, extra in (("matrix-free action", []), ("assembled Jacobian", ["-jacobian_matrix_free", "0"])):
    p = T.run(args + extra + ["-output_dir", T.fresh_dir("out")], np_=nprocs)
    ratios = krylov_operator_ratios(p.stdout)
    print(label, "relative Frobenius differences:", ratios)
    T.check(len(ratios) >= 2, "%s: the Jacobian was tested at least twice (got %d)" % (label, len(ratios)))
    T.check(max(ratios, default=1.0) <= TOL, "%s: max ||J - Jfd||/||J|| = %.3g <= %g" % (label, max(ratios, default=1.0), TOL))
T.finish()
