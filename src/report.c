/* The parameter report printed at start (MODEL.md section 4): what the options mean
   physically, before the user spends an allocation on them. */
#include <uphill/report.h>

PetscErrorCode ReportParameters(const App *app)
{
  const Params *p = &app->p;
  const Thermo *th = &app->th;
  MPI_Comm      comm = PetscObjectComm((PetscObject)app->da);
  PetscMPIInt   size;
  PetscReal     slo, shi, blo, bhi, hmin = PETSC_MAX_REAL;
  const PetscReal f2 = ThermoD2F(th, p->c0), m = MobilityValue(&app->mob, p->c0);

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  for (int d = 0; d < 3; d++)
    if (p->grid[d] > 1) hmin = PetscMin(hmin, app->h[d]);
  if (hmin == PETSC_MAX_REAL) hmin = app->h[0];
  PetscCall(PetscPrintf(comm, "uphill3d: binary Cahn-Hilliard on %" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT " cells, %d rank%s, %s walls\n", p->grid[0], p->grid[1], p->grid[2], size, size > 1 ? "s" : "", BoundaryTypes[p->bc]));
  PetscCall(PetscPrintf(comm, "  domain      %g x %g x %g, h = %g x %g x %g\n", (double)p->length[0], (double)p->length[1], (double)p->length[2], (double)app->h[0], (double)app->h[1], (double)app->h[2]));
  if (th->type == FE_REGULAR_SOLUTION) {
    const PetscReal Tc = ThermoCriticalTemperature(p);
    PetscCall(PetscPrintf(comm, "  energy      regular_solution: Omega = %g J/mol, T = %g K, R = %g, V_m = %g\n", (double)p->omega, (double)p->temperature, (double)p->gas_constant, (double)p->molar_volume));
    PetscCall(PetscPrintf(comm, "  T_c         %g K (Omega/2R), T/T_c = %.4f\n", (double)Tc, (double)(p->temperature / Tc)));
  } else {
    PetscCall(PetscPrintf(comm, "  energy      double_well: rho = %g, c_alpha = %g, c_beta = %g\n", (double)p->rho, (double)p->c_alpha, (double)p->c_beta));
  }
  if (ThermoSpinodal(th, &slo, &shi)) {
    (void)ThermoBinodal(th, &blo, &bhi);
    PetscCall(PetscPrintf(comm, "  spinodal    %.6f .. %.6f   binodal (miscibility gap) %.6g .. %.6g\n", (double)slo, (double)shi, (double)blo, (double)bhi));
  } else PetscCall(PetscPrintf(comm, "  spinodal    none: above the critical temperature, every composition is stable\n"));
  PetscCall(PetscPrintf(comm, "  c0          %g: f''(c0) = %g J/m^3, D_eff = M f'' = %g m^2/s -> %s\n", (double)p->c0, (double)f2, (double)(m * f2), f2 < 0 ? "UPHILL (inside the spinodal: spinodal decomposition)" : "downhill (Fickian relaxation of fluctuations)"));
  PetscCall(PetscPrintf(comm, "  gradient    kappa = %g J/m, mobility M0 = %g m^5/(J s), %s\n", (double)p->kappa, (double)p->mobility, MobilityModels[p->mobility_model]));
  if (f2 != 0 && p->kappa > 0) {
    const PetscReal width = PetscSqrtReal(p->kappa / PetscAbsReal(f2)), pts = width / hmin;
    PetscCall(PetscPrintf(comm, "  interface   width sqrt(kappa/|f''(c0)|) = %g = %.2f grid points\n", (double)width, (double)pts));
    if (pts < 3) PetscCall(PetscPrintf(comm, "  WARNING     the interface is resolved by %.2f < 3 grid points: refine the grid or raise kappa\n", (double)pts));
  }
  if (f2 < 0 && p->kappa > 0) {
    const PetscReal km = PetscSqrtReal(-f2 / (2 * p->kappa)), R = m * f2 * f2 / (4 * p->kappa);
    PetscCall(PetscPrintf(comm, "  growth      fastest wavelength 2pi/k_m = %g (%.1f points), critical wavelength %g, rate R(k_m) = %g 1/s, growth time %g s\n", (double)(2 * PETSC_PI / km), (double)(2 * PETSC_PI / km / hmin), (double)(2 * PETSC_PI / PetscSqrtReal(-f2 / p->kappa)), (double)R, (double)(1 / R)));
  }
  PetscCall(PetscPrintf(comm, "  scales      energy E = %g J/m^3, time tau = kappa/(M0 E^2) = %g s\n", (double)app->s.E, (double)app->s.tau));
  PetscFunctionReturn(0);
}
