/* The parameter report printed at start (docs/MODEL.md section 4): what the options mean
   physically, before the user spends an allocation on them. */
#include <uphill/report.h>
#include <uphill/grid.h>
#include <uphill/etd.h>
#include <uphill/linalg.h>
#include <uphill/noise.h>
#include <uphill/nucleus.h>
#include "kernels.h"

#define UPHILL_INTERFACE_TOL 0.01 /* the interface-energy error that makes the report warn */

/* Thermal noise (issue 15): its strength and the integrator it runs with. */
static PetscErrorCode ReportNoise(const App *app)
{
  const Params *p = &app->p;

  PetscFunctionBegin;
  if (!(p->noise_temperature > 0)) PetscFunctionReturn(0);
  PetscCall(PetscPrintf(PetscObjectComm((PetscObject)app->da), "  noise       thermal: T_n = %g K, R T_n/V_m = %g J/m^3, seed %" PetscInt_FMT "; S(k) -> R T_n/(V_m (f'' + kappa K^2))\n", (double)p->noise_temperature, (double)NoiseEnergyDensity(p), p->noise_seed));
  PetscCall(PetscPrintf(PetscObjectComm((PetscObject)app->da), "  integrator  cn: Crank-Nicolson (trapezoidal) with Newton-multigrid, fixed step dt = %g (%s), noise constant over each step\n", (double)NoiseTimeStep(app), p->noise_dt > 0 ? "-noise_dt" : "tau"));
  PetscFunctionReturn(0);
}

/* Which integrator runs and why (both models). */
static PetscErrorCode ReportIntegrator(const App *app)
{
  const Params *p    = &app->p;
  MPI_Comm      comm = PetscObjectComm((PetscObject)app->da);

  PetscFunctionBegin;
  if (p->noise_temperature > 0) PetscCall(ReportNoise(app));
  else if (p->integrator == INTEGRATOR_ETD && p->general) {
    PetscBool multistep;
    PetscCall(TSETDMultistep(&multistep));
    PetscCall(PetscPrintf(comm, "  integrator  etd: %s, linear part exact in the %s basis (a %" PetscInt_FMT "x%" PetscInt_FMT " matrix per wave number); error test relative to each std(c_i) (-integrator bdf: BDF2 + Newton-multigrid)\n", !multistep ? "exponential Runge-Kutta (ETDRK3)" : p->ncomp == 1 ? "exponential Adams-Bashforth (third order where stable, else second; -ts_etd_multistep false: ETDRK3)" : "exponential Adams-Bashforth (second order; -ts_etd_multistep false: ETDRK3)", p->bc == BC_PERIODIC ? "Fourier" : "cosine", p->ncomp, p->ncomp));
  }
  else if (p->integrator == INTEGRATOR_ETD) {
    PetscBool multistep;
    PetscCall(TSETDMultistep(&multistep));
    PetscCall(PetscPrintf(comm, "  integrator  etd: %s, linear part exact in the %s basis; error test relative to std(c) (-integrator rosw: Rosenbrock-W; bdf: BDF2 + Newton-multigrid)\n", multistep ? "exponential Adams-Bashforth (third order where stable, else second; -ts_etd_multistep false: ETDRK3)" : "exponential Runge-Kutta (ETDRK3)", p->bc == BC_PERIODIC ? "Fourier" : "cosine"));
  }
  else if (p->integrator == INTEGRATOR_ROSW) PetscCall(PetscPrintf(comm, "  integrator  rosw: Rosenbrock-W, W inverted by %s transforms; error test relative to std(c) (-integrator bdf: BDF2 + Newton-multigrid)\n", p->bc == BC_PERIODIC ? "Fourier" : "cosine"));
  else PetscCall(PetscPrintf(comm, "  integrator  bdf: BDF2 with Newton-multigrid%s\n", p->general ? " (-integrator etd: the exponential integrator, for N components with a positive definite mobility matrix)" : p->mms ? " (-mms has a source term: the transform integrators are not used)" : ""));
  if (p->noise_temperature <= 0 && p->integrator != INTEGRATOR_BDF) PetscCall(PetscPrintf(comm, "  transforms  FFTW plans %s (-fft_planning%s)\n", p->fft_measure ? "measured: faster, two runs may differ in the last bits (a restart repeats its run's)" : "estimated: deterministic", p->fft_auto ? (p->fft_measure ? "; auto: 64^3 cells per rank or more" : "; auto: under 64^3 cells per rank") : ""));
  PetscFunctionReturn(0);
}

/* Where c0 lies in the miscibility gap, and the classical critical radius when metastable. */
static PetscErrorCode ReportNucleation(const App *app, PetscReal hmin)
{
  MPI_Comm   comm = PetscObjectComm((PetscObject)app->da);
  Nucleation nu;

  PetscFunctionBegin;
  NucleationEstimate(app, &nu);
  if (nu.regime == NUCLEATION_NO_GAP) PetscFunctionReturn(0);
  if (nu.regime == NUCLEATION_STABLE) PetscCall(PetscPrintf(comm, "  nucleation  c0 is STABLE (outside the binodal): no driving force\n"));
  else if (nu.regime == NUCLEATION_UNSTABLE) PetscCall(PetscPrintf(comm, "  nucleation  c0 is UNSTABLE (inside the spinodal): decomposition needs no nucleus\n"));
  else if (nu.dim >= 2) PetscCall(PetscPrintf(comm, "  nucleation  c0 is METASTABLE (between binodal and spinodal): sigma = %g J/m^2, nucleus c = %.6g, driving force dg = %g J/m^3, critical radius R* = %s = %.6g (%.1f points)\n", (double)nu.sigma, (double)nu.cn, (double)nu.dg, nu.dim == 2 ? "sigma/dg" : "2 sigma/dg", (double)nu.rstar, (double)(nu.rstar / hmin)));
  else PetscCall(PetscPrintf(comm, "  nucleation  c0 is METASTABLE (between binodal and spinodal): sigma = %g J/m^2, nucleus c = %.6g, driving force dg = %g J/m^3 (1D: no critical radius)\n", (double)nu.sigma, (double)nu.cn, (double)nu.dg));
  PetscFunctionReturn(0);
}

static PetscErrorCode PrintMatrix(MPI_Comm comm, const char *label, PetscInt n, const PetscReal *A)
{
  PetscFunctionBegin;
  for (PetscInt i = 0; i < n; i++) {
    PetscCall(PetscPrintf(comm, "  %-11s %s", i ? "" : label, i ? " " : "["));
    for (PetscInt j = 0; j < n; j++) PetscCall(PetscPrintf(comm, " %12.6g", (double)A[i * n + j]));
    PetscCall(PetscPrintf(comm, "%s\n", i == n - 1 ? " ]" : ""));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode PrintVector(MPI_Comm comm, const char *label, PetscInt n, const PetscReal *v)
{
  PetscFunctionBegin;
  PetscCall(PetscPrintf(comm, "  %-11s", label));
  for (PetscInt i = 0; i < n; i++) PetscCall(PetscPrintf(comm, " %.6g", (double)v[i]));
  PetscCall(PetscPrintf(comm, "\n"));
  PetscFunctionReturn(0);
}

/* The N-component report: the model, the Hessian G at c0 and its eigenvalues (a negative one:
   c0 is inside the spinodal region), L(c0), D = L G and its eigenvalues (a negative one:
   uphill modes grow), and the fastest-growing mode of -k^2 L (G + kappa k^2). */
PetscErrorCode ReportGeneral(const App *app)
{
  const Params     *p = &app->p;
  const MultiModel *m = &app->mm;
  const PetscInt    nc = m->nc, N = nc + 1;
  MPI_Comm          comm = PetscObjectComm((PetscObject)app->da);
  PetscMPIInt       size;
  PetscReal         H[UPHILL_MAX_NC * UPHILL_MAX_NC], L[UPHILL_MAX_NC * UPHILL_MAX_NC], D[UPHILL_MAX_NC * UPHILL_MAX_NC], lh[UPHILL_MAX_NC], ld[UPHILL_MAX_NC], c0[UPHILL_MAX_COMPONENTS];

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  for (PetscInt i = 0; i < nc; i++) c0[i] = p->c0v[i];
  c0[nc] = MultiDependent(m, p->c0v);
  PetscCall(PetscPrintf(comm, "uphill3d: %" PetscInt_FMT "-component Cahn-Hilliard (Onsager mobility matrix) on %" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT " cells, %d rank%s, %s walls\n", N, p->grid[0], p->grid[1], p->grid[2], size, size > 1 ? "s" : "", BoundaryTypes[p->bc]));
  PetscCall(PetscPrintf(comm, "  domain      %g x %g x %g, h = %g x %g x %g\n", (double)p->length[0], (double)p->length[1], (double)p->length[2], (double)app->h[0], (double)app->h[1], (double)app->h[2]));
  if (m->type == FE_REGULAR_SOLUTION) {
    PetscCall(PetscPrintf(comm, "  energy      regular_solution: T = %g K, R = %g, V_m = %g, Omega_ij (J/mol):\n", (double)p->temperature, (double)p->gas_constant, (double)p->molar_volume));
    PetscCall(PrintMatrix(comm, "Omega", N, p->omega_matrix));
  } else {
    PetscCall(PetscPrintf(comm, "  energy      quadratic: f = (c - c_ref)^T G (c - c_ref)/2\n"));
    PetscCall(PrintVector(comm, "c_ref", nc, m->cref));
  }
  PetscCall(PrintVector(comm, "c0", N, c0));
  MultiD2F(m, p->c0v, H);
  LinalgSymEig(nc, H, lh, NULL);
  PetscCall(PrintMatrix(comm, "G(c0)", nc, H));
  PetscCall(PrintVector(comm, "eig G", nc, lh));
  PetscCall(PetscPrintf(comm, "  %-11s %s\n", "", lh[0] < 0 ? "a negative eigenvalue: c0 is INSIDE the spinodal region (spinodal decomposition)" : "all positive: c0 is outside the spinodal region (no spontaneous decomposition)"));
  PetscCall(PrintMatrix(comm, "kappa", nc, m->kappa));
  MultiL(m, p->c0v, L);
  PetscCall(PetscPrintf(comm, "  mobility    %s\n", m->atomic ? "lattice-fixed L(c) from atomic mobilities" : "constant Onsager matrix"));
  if (m->atomic) PetscCall(PrintVector(comm, "M_k", N, m->M));
  PetscCall(PrintMatrix(comm, "L(c0)", nc, L));
  LinalgMul(nc, L, H, D);
  LinalgProductEig(nc, L, H, ld);
  PetscCall(PrintMatrix(comm, "D = L G", nc, D));
  PetscCall(PrintVector(comm, "eig D", nc, ld));
  {
    PetscBool coupled = PETSC_FALSE;
    for (PetscInt i = 0; i < nc; i++)
      for (PetscInt j = 0; j < nc; j++)
        if (i != j && D[i * nc + j] != 0) coupled = PETSC_TRUE;
    PetscCall(PetscPrintf(comm, "  %-11s %s\n", "", ld[0] < 0 ? "negative diffusivity eigenvalue: uphill modes grow" : coupled ? "off-diagonal D: a component can diffuse up its own gradient (collective uphill diffusion)" : "diagonal D: independent Fickian diffusion"));
  }
  PetscCall(PetscPrintf(comm, "  scales      energy E = %g J/m^3, time tau = %g s\n", (double)app->s.E, (double)app->s.tau));
  PetscCall(ReportIntegrator(app));
  PetscFunctionReturn(0);
}

/* The equilibrium interface and whether the grid resolves it (docs/MODEL.md, "Resolution of
   the interface"): the warning fires when the discrete flat-interface energy at the grid's
   coarsest spacing is off the continuum sigma by more than 1%.  That error shrinks as h^2, so
   the spacing that brings it to 1% is suggested. */
static PetscErrorCode ReportInterface(const App *app, MPI_Comm comm)
{
  const Params *p = &app->p;
  PetscReal     hmax = 0, sigma, width, err;

  PetscFunctionBegin;
  for (int d = 0; d < 3; d++)
    if (p->grid[d] > 1) hmax = PetscMax(hmax, app->h[d]);
  if (hmax == 0) hmax = app->h[0];
  PetscCall(ThermoInterfaceResolution(&app->th, p->kappa, hmax, &sigma, &width, &err));
  if (PetscIsNanReal(err)) PetscFunctionReturn(0); /* no miscibility gap or no gradient energy: no interface */
  if (app->th.type == FE_DOUBLE_WELL) PetscCall(PetscPrintf(comm, "  interface   equilibrium tanh, width sqrt(2 kappa/rho)/(c_beta - c_alpha) = %g; 10-90%% width %g = %.2f grid points\n", (double)(PetscSqrtReal(2 * p->kappa / p->rho) / (p->c_beta - p->c_alpha)), (double)width, (double)(width / hmax)));
  else PetscCall(PetscPrintf(comm, "  interface   equilibrium profile 10-90%% width %g = %.2f grid points\n", (double)width, (double)(width / hmax)));
  PetscCall(PetscPrintf(comm, "  %-11s energy sigma = %g J/m^2; on this grid (h = %g) the flat interface has %+.2f%%\n", "", (double)sigma, (double)hmax, (double)(100 * err)));
  if (PetscAbsReal(err) > UPHILL_INTERFACE_TOL)
    PetscCall(PetscPrintf(comm, "  WARNING     the interface is under-resolved: its energy on this grid is off by %.1f%% (> %.0f%%) with %.2f grid points across 10-90%%: refine the grid to h <= %.3g or raise kappa\n", (double)(100 * PetscAbsReal(err)), (double)(100 * UPHILL_INTERFACE_TOL), (double)(width / hmax), (double)(0.9 * hmax * PetscSqrtReal(UPHILL_INTERFACE_TOL / PetscAbsReal(err)))));
  PetscFunctionReturn(0);
}

PetscErrorCode ReportBinary(const App *app)
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
    const PetscReal Tc = ThermoCriticalTemperature(th);
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
  PetscCall(ReportInterface(app, comm));
  if (f2 < 0 && p->kappa > 0) {
    const PetscReal km = PetscSqrtReal(-f2 / (2 * p->kappa)), R = m * f2 * f2 / (4 * p->kappa);
    PetscCall(PetscPrintf(comm, "  growth      fastest wavelength 2pi/k_m = %g (%.1f points), critical wavelength %g, rate R(k_m) = %g 1/s, growth time %g s\n", (double)(2 * PETSC_PI / km), (double)(2 * PETSC_PI / km / hmin), (double)(2 * PETSC_PI / PetscSqrtReal(-f2 / p->kappa)), (double)R, (double)(1 / R)));
  }
  PetscCall(ReportNucleation(app, hmin));
  PetscCall(PetscPrintf(comm, "  scales      energy E = %g J/m^3, time tau = kappa/(M0 E^2) = %g s\n", (double)app->s.E, (double)app->s.tau));
  PetscCall(ReportIntegrator(app));
  PetscFunctionReturn(0);
}

PetscErrorCode ReportParameters(const App *app)
{
  GridMemory m;

  PetscFunctionBegin;
  PetscCall(app->ops->report(app));
  PetscCall(GridMemoryEstimate(PetscObjectComm((PetscObject)app->da), &app->p, &m));
  if (m.available > 0) PetscCall(PetscPrintf(PetscObjectComm((PetscObject)app->da), "  memory      about %.3g GB per rank (%.0f bytes per point, %s); %.3g GB available per rank on the node%s\n", m.per_rank / 1e9, m.bytes_per_point, IntegratorTypes[app->p.integrator], m.available / 1e9, app->p.memory_check ? "" : " (-memory_check 0)"));
  else PetscCall(PetscPrintf(PetscObjectComm((PetscObject)app->da), "  memory      about %.3g GB per rank (%.0f bytes per point, %s); the node's available memory is unknown\n", m.per_rank / 1e9, m.bytes_per_point, IntegratorTypes[app->p.integrator]));
  PetscFunctionReturn(0);
}
