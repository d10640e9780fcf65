/* uphill3d-thermo: the thermodynamic landscape of uphill3d's model (docs/MODEL.md sections 1, 2, 4),
   without running a simulation.

   Binary (-components 2, the default): the options are uphill3d's own, read and validated by
   ParamsRead, so one options file serves both programs.  Prints T_c and T/T_c, the spinodal
   and binodal at T, D_eff(c) = M(c) f''(c) on a composition grid, and the linear stability of
   a uniform c0 (Cahn 1961): f''(c0), uphill or not, k_m, R(k_m), the critical wavelength.
   -phase_diagram writes binodal and spinodal over T; -deff_csv writes the D_eff table.

   Ternary (-components 3, regular solution only): -omega_matrix gives Omega_ij (J/mol);
   maps the spinodal region (a negative eigenvalue of the Hessian of f(c1,c2), c3 = 1-c1-c2)
   on the Gibbs triangle at T, and writes the grid with -ternary_csv.

   The tool computes the same thing on every rank; rank 0 prints and writes. */
#include <uphill/params.h>
#include <uphill/thermo.h>
#include <uphill/mobility.h>
#include <uphill/multicomp.h>
#include <uphill/linalg.h>
#include <uphill/errors.h>
#include <errno.h>
#include <ctype.h>

static const char help[] = "uphill3d-thermo: free-energy landscape of uphill3d's model (T_c, spinodal, binodal,\n"
                           "D_eff = M f'', the fastest-growing wavelength; ternary spinodal region).\n"
                           "Usage: uphill3d-thermo [FILE.opts] [-option value ...]\n"
                           "Takes uphill3d's options (the same options file works); PETSc solver options are ignored.\n\n";

typedef struct {
  /* binary */
  char      phase_diagram[PETSC_MAX_PATH_LEN];
  PetscInt  pd_points;
  PetscReal pd_tmin; /* lowest T/T_c of the phase diagram */
  char      deff_csv[PETSC_MAX_PATH_LEN];
  PetscInt  ncomp_grid;
  PetscReal comp_range[2];
  PetscBool comp_range_set;
  /* ternary */
  PetscReal omega_matrix[9]; /* J/mol, row by row */
  PetscBool omega_matrix_set;
  PetscReal c0[2];           /* c1, c2 */
  char      ternary_csv[PETSC_MAX_PATH_LEN];
  PetscInt  ternary_grid;
} ToolOptions;

/* ---- option parsing: a message that names the option (ParamsParseReal/Int) ------------------ */

/* Raw comma-separated reals of an option (so that a bad entry is named); n = how many. */
static PetscErrorCode GetRealList(MPI_Comm comm, const char *name, PetscInt max, PetscReal *v, PetscInt *n, PetscBool *set)
{
  char  buf[PETSC_MAX_PATH_LEN], *tok, *save = NULL;

  PetscFunctionBegin;
  *n = 0;
  PetscCall(PetscOptionsGetString(NULL, NULL, name, buf, sizeof buf, set));
  if (!*set) PetscFunctionReturn(0);
  if (!buf[0]) UPHILL_USER_ERROR(comm, "option %s needs a value", name);
  for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    PetscReal x;
    PetscCall(ParamsParseReal(comm, name, tok, &x));
    if (*n < max) v[*n] = x;
    (*n)++;
  }
  if (*n > max) UPHILL_USER_ERROR(comm, "option %s takes at most %" PetscInt_FMT " comma-separated values, got %" PetscInt_FMT, name, max, *n);
  PetscFunctionReturn(0);
}

static PetscErrorCode GetInt(MPI_Comm comm, const char *name, PetscInt *v, PetscBool *set)
{
  char buf[256];

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetString(NULL, NULL, name, buf, sizeof buf, set));
  if (*set) PetscCall(ParamsParseInt(comm, name, buf, v));
  PetscFunctionReturn(0);
}

static PetscErrorCode GetPath(MPI_Comm comm, const char *name, const char *help, char *path, size_t len, PetscOptionItems *PetscOptionsObject)
{
  PetscBool set;

  PetscFunctionBegin;
  PetscCall(PetscOptionsString(name, help, NULL, path, path, len, &set));
  if (set && !path[0]) UPHILL_USER_ERROR(comm, "option %s needs a file name", name);
  PetscFunctionReturn(0);
}

static PetscErrorCode RequireUnset(MPI_Comm comm, const char *name, const char *why)
{
  PetscBool set;

  PetscFunctionBegin;
  PetscCall(PetscOptionsHasName(NULL, NULL, name, &set));
  if (set) UPHILL_USER_ERROR(comm, "option %s %s", name, why);
  PetscFunctionReturn(0);
}

static PetscErrorCode ToolOptionsDefaults(ToolOptions *o)
{
  PetscFunctionBegin;
  PetscCall(PetscMemzero(o, sizeof *o));
  o->pd_points    = 101;
  o->pd_tmin      = 0.05;
  o->ncomp_grid   = 19;
  o->c0[0]        = 1.0 / 3;
  o->c0[1]        = 1.0 / 3;
  o->ternary_grid = 60;
  PetscFunctionReturn(0);
}

/* Ternary: -c0 is the tool's composition c1,c2 (ParamsReadExcept leaves it); checked first, as before. */
static PetscErrorCode TernaryC0Read(MPI_Comm comm, ToolOptions *o)
{
  PetscInt  n;
  PetscBool set;

  PetscFunctionBegin;
  PetscCall(GetRealList(comm, "-c0", 2, o->c0, &n, &set));
  if (set && n != 2) UPHILL_USER_ERROR(comm, "option -c0: with -components 3 give the composition as c1,c2 (c3 = 1 - c1 - c2)");
  PetscFunctionReturn(0);
}

/* The tool's own options (listed by -help).  ncomp = components - 1. */
static PetscErrorCode ToolOptionsRead(MPI_Comm comm, PetscInt ncomp, ToolOptions *o)
{
  PetscInt  n, ncomponents = ncomp + 1;
  PetscBool set;

  PetscFunctionBegin;
  /* raw checks first, so that a bad value is an error that names the option */
  PetscCall(GetInt(comm, "-phase_diagram_points", &o->pd_points, &set));
  if (o->pd_points < 2) UPHILL_USER_ERROR(comm, "option -phase_diagram_points: need at least 2 temperatures, got %" PetscInt_FMT, o->pd_points);
  PetscCall(GetRealList(comm, "-phase_diagram_tmin", 1, &o->pd_tmin, &n, &set));
  if (!(o->pd_tmin > 0 && o->pd_tmin < 1)) UPHILL_USER_ERROR(comm, "option -phase_diagram_tmin: the lowest T/T_c must be in (0,1), got %g", (double)o->pd_tmin);
  PetscCall(GetInt(comm, "-ncomp_grid", &o->ncomp_grid, &set));
  if (o->ncomp_grid < 1 || o->ncomp_grid > 10000000) UPHILL_USER_ERROR(comm, "option -ncomp_grid: need 1 .. 10^7 compositions, got %" PetscInt_FMT, o->ncomp_grid);
  PetscCall(GetRealList(comm, "-comp_range", 2, o->comp_range, &n, &o->comp_range_set));
  if (o->comp_range_set && (n != 2 || !(o->comp_range[0] < o->comp_range[1]))) UPHILL_USER_ERROR(comm, "option -comp_range: need two compositions lo,hi with lo < hi");
  PetscCall(GetRealList(comm, "-omega_matrix", 9, o->omega_matrix, &n, &o->omega_matrix_set));
  if (o->omega_matrix_set && n != 9) UPHILL_USER_ERROR(comm, "option -omega_matrix: need the 9 entries of the symmetric 3x3 matrix Omega_ij (J/mol) row by row, \"0,W12,W13,W12,0,W23,W13,W23,0\"; got %" PetscInt_FMT " value%s", n, n == 1 ? "" : "s");
  PetscCall(GetInt(comm, "-ternary_grid", &o->ternary_grid, &set));
  if (o->ternary_grid < 3 || o->ternary_grid > 100000) UPHILL_USER_ERROR(comm, "option -ternary_grid: need 3 .. 10^5 divisions of each side, got %" PetscInt_FMT, o->ternary_grid);

  PetscOptionsBegin(comm, NULL, "uphill3d-thermo: landscape tool options", NULL);
  PetscCall(GetPath(comm, "-phase_diagram", "Binary: write binodal and spinodal over T to this CSV (regular_solution)", o->phase_diagram, sizeof o->phase_diagram, PetscOptionsObject));
  PetscCall(PetscOptionsInt("-phase_diagram_points", "Binary: temperatures in the phase diagram", NULL, o->pd_points, &o->pd_points, NULL));
  PetscCall(PetscOptionsReal("-phase_diagram_tmin", "Binary: lowest T/T_c of the phase diagram (up to T_c)", NULL, o->pd_tmin, &o->pd_tmin, NULL));
  PetscCall(GetPath(comm, "-deff_csv", "Binary: write c, f, f', f'', M, D_eff = M f'' on the composition grid to this CSV", o->deff_csv, sizeof o->deff_csv, PetscOptionsObject));
  PetscCall(PetscOptionsInt("-ncomp_grid", "Binary: compositions in the D_eff table, c = lo + (hi-lo) i/(N+1), i = 1..N", NULL, o->ncomp_grid, &o->ncomp_grid, NULL));
  n = 2;
  PetscCall(PetscOptionsRealArray("-comp_range", "Binary: lo,hi of the composition grid (default 0,1; double_well: wider than c_alpha..c_beta if needed)", NULL, o->comp_range, &n, NULL));
  n = 9;
  PetscCall(PetscOptionsRealArray("-omega_matrix", "Ternary: Omega_ij (J/mol), 9 entries row by row, symmetric, zero diagonal", NULL, o->omega_matrix, &n, NULL));
  PetscCall(GetPath(comm, "-ternary_csv", "Ternary: write c1, c2, min Hessian eigenvalue, inside-spinodal flag on the triangle to this CSV", o->ternary_csv, sizeof o->ternary_csv, PetscOptionsObject));
  PetscCall(PetscOptionsInt("-ternary_grid", "Ternary: divisions of each side of the triangle (interior points c_i = k/N)", NULL, o->ternary_grid, &o->ternary_grid, NULL));
  if (ncomp == 2) { /* the tool's, not uphill3d's, in a ternary (ParamsReadExcept leaves them) */
    PetscCall(PetscOptionsInt("-components", "Components: 2 (binary) or 3 (ternary)", NULL, ncomponents, &ncomponents, NULL));
    n = 2;
    PetscCall(PetscOptionsRealArray("-c0", "Ternary: composition c1,c2 (c3 = 1 - c1 - c2)", NULL, o->c0, &n, NULL));
  }
  PetscOptionsEnd();

  if (ncomp == 1) {
    const char *why = "is for -components 3 (ternary)";
    PetscCall(RequireUnset(comm, "-omega_matrix", "is for -components 3 (ternary); a binary takes -omega"));
    PetscCall(RequireUnset(comm, "-ternary_csv", why));
    PetscCall(RequireUnset(comm, "-ternary_grid", why));
  } else {
    const char *why = "is for a binary (-components 2)";
    PetscCall(RequireUnset(comm, "-phase_diagram", why));
    PetscCall(RequireUnset(comm, "-phase_diagram_points", why));
    PetscCall(RequireUnset(comm, "-phase_diagram_tmin", why));
    PetscCall(RequireUnset(comm, "-deff_csv", why));
    PetscCall(RequireUnset(comm, "-ncomp_grid", why));
    PetscCall(RequireUnset(comm, "-comp_range", why));
  }
  PetscFunctionReturn(0);
}

/* Unknown options are errors, as in uphill3d; but PETSc's own solver options (an uphill3d
   options file carries them) are not the tool's business and pass. */
/* PETSc's own options: the tool creates no solver, so they are accepted unread. */
static PetscBool PetscOwnOption(const char *name)
{
  const char *petsc[] = {"ts_", "snes_", "ksp_", "pc_", "mg_", "da_", "dm_", "mat_", "vec_", "sub_", "fieldsplit_", "log", "options_", "malloc", "info", "history", "viewer_", "on_error", "check_pointer", "memory_view", "objects_dump", "saws", "petscpartitioner_"};
  for (size_t k = 0; k < sizeof petsc / sizeof petsc[0]; k++)
    if (!strncmp(name, petsc[k], strlen(petsc[k]))) return PETSC_TRUE;
  return PETSC_FALSE;
}

/* fopen on rank 0, with an error that names the file and the option. */
static PetscErrorCode OpenCSV(MPI_Comm comm, const char *option, const char *path, FILE **fp)
{
  PetscMPIInt rank;
  int         err = 0;

  PetscFunctionBegin;
  *fp = NULL;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) {
    *fp = fopen(path, "w");
    if (!*fp) err = errno ? errno : EIO;
  }
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, comm));
  if (err) UPHILL_USER_ERROR(comm, "option %s: cannot write '%s': %s", option, path, strerror(err));
  PetscFunctionReturn(0);
}

static PetscErrorCode CloseCSV(MPI_Comm comm, const char *option, const char *path, FILE *fp)
{
  int err = 0;

  PetscFunctionBegin;
  if (fp && (ferror(fp) | fclose(fp))) err = errno ? errno : EIO;
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, comm));
  if (err) UPHILL_USER_ERROR(comm, "option %s: error writing '%s': %s", option, path, strerror(err));
  PetscFunctionReturn(0);
}

/* ---- binary ------------------------------------------------------------------------------- */

/* Where c sits in the landscape. */
static const char *Regime(const Thermo *th, PetscReal c)
{
  PetscReal blo, bhi;
  if (ThermoD2F(th, c) < 0) return "uphill (unstable: inside the spinodal)";
  if (ThermoBinodal(th, &blo, &bhi) && c > blo && c < bhi) return "downhill (metastable: between binodal and spinodal)";
  return "downhill (stable)";
}

/* Binodal and spinodal from T = tmin T_c to T_c (where both close at c = 1/2). */
static PetscErrorCode WritePhaseDiagram(MPI_Comm comm, const Params *p0, const Thermo *th0, const ToolOptions *o, FILE *fp)
{
  const PetscReal Tc = ThermoCriticalTemperature(th0);

  PetscFunctionBegin;
  PetscCall(PetscFPrintf(comm, fp, "T,T_over_Tc,binodal_lo,binodal_hi,spinodal_lo,spinodal_hi\n"));
  for (PetscInt i = 0; i < o->pd_points; i++) {
    const PetscReal t = o->pd_tmin + (1 - o->pd_tmin) * (PetscReal)i / (PetscReal)(o->pd_points - 1);
    PetscReal       blo = 0.5, bhi = 0.5, slo = 0.5, shi = 0.5, T = Tc;
    if (i < o->pd_points - 1) {
      Params p = *p0;
      Thermo th;
      T = p.temperature = t * Tc;
      PetscCall(ThermoFromParams(&p, &th));
      if (ThermoSpinodal(&th, &slo, &shi)) (void)ThermoBinodal(&th, &blo, &bhi);
      else slo = shi = blo = bhi = 0.5; /* rounding right at T_c */
    }
    PetscCall(PetscFPrintf(comm, fp, "%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n", (double)T, (double)t, (double)blo, (double)bhi, (double)slo, (double)shi));
  }
  PetscCall(CloseCSV(comm, "-phase_diagram", o->phase_diagram, fp));
  PetscCall(PetscPrintf(comm, "wrote phase diagram %s: %" PetscInt_FMT " temperatures, T/T_c = %g .. 1 (T = %g .. %.15g K)\n", o->phase_diagram, o->pd_points, (double)o->pd_tmin, (double)(o->pd_tmin * Tc), (double)Tc));
  PetscFunctionReturn(0);
}

static PetscErrorCode Binary(MPI_Comm comm, const Params *p, const ToolOptions *o)
{
  Thermo          th;
  Mobility        mob = {p->mobility_model, p->mobility};
  PetscReal       slo, shi, blo, bhi, lo, hi;
  const PetscReal c0 = p->c0;
  PetscBool       gap;
  FILE           *fp = NULL, *pd = NULL;

  PetscFunctionBegin;
  PetscCall(ThermoFromParams(p, &th));
  /* every input check and file open before the first line of output */
  if (o->comp_range_set) {
    lo = o->comp_range[0];
    hi = o->comp_range[1];
    if (p->free_energy == FE_REGULAR_SOLUTION && (lo < 0 || hi > 1)) UPHILL_USER_ERROR(comm, "option -comp_range: %g,%g leaves [0,1], where the regular_solution energy is defined", (double)lo, (double)hi);
  } else if (p->free_energy == FE_REGULAR_SOLUTION || (p->c_alpha >= 0 && p->c_beta <= 1)) {
    lo = 0;
    hi = 1;
  } else { /* double well beyond [0,1]: show both wells and some of the walls */
    lo = p->c_alpha - 0.5 * (p->c_beta - p->c_alpha);
    hi = p->c_beta + 0.5 * (p->c_beta - p->c_alpha);
  }
  if (o->phase_diagram[0]) {
    if (p->free_energy != FE_REGULAR_SOLUTION) UPHILL_USER_ERROR(comm, "option -phase_diagram: the double_well energy has no temperature; use -free_energy regular_solution");
    if (!(ThermoCriticalTemperature(&th) > 0)) UPHILL_USER_ERROR(comm, "option -phase_diagram: Omega = %g J/mol <= 0 has no miscibility gap at any temperature", (double)p->omega);
    PetscCall(OpenCSV(comm, "-phase_diagram", o->phase_diagram, &pd));
  }
  if (o->deff_csv[0]) PetscCall(OpenCSV(comm, "-deff_csv", o->deff_csv, &fp));

  if (p->free_energy == FE_REGULAR_SOLUTION) {
    const PetscReal Tc = ThermoCriticalTemperature(&th);
    PetscCall(PetscPrintf(comm, "uphill3d-thermo: binary regular_solution, Omega = %g J/mol, T = %g K, R = %.10g J/(mol K), V_m = %g m^3/mol\n", (double)p->omega, (double)p->temperature, (double)p->gas_constant, (double)p->molar_volume));
    if (Tc > 0) {
      PetscCall(PetscPrintf(comm, "  T_c          = %.15g K  (Omega/2R)\n", (double)Tc));
      PetscCall(PetscPrintf(comm, "  T/T_c        = %.15g%s\n", (double)(p->temperature / Tc), p->temperature < Tc ? "  (below T_c: the curve f(c) has two wells, a miscibility gap)" : "  (at or above T_c: f(c) is convex, one phase)"));
    } else PetscCall(PetscPrintf(comm, "  T_c          = none  (Omega <= 0: f(c) is convex at every T, no miscibility gap)\n"));
  } else {
    PetscCall(PetscPrintf(comm, "uphill3d-thermo: binary double_well, rho = %g J/m^3, c_alpha = %g, c_beta = %g  (no temperature: the wells are fixed)\n", (double)p->rho, (double)p->c_alpha, (double)p->c_beta));
  }
  gap = ThermoSpinodal(&th, &slo, &shi);
  if (gap) {
    (void)ThermoBinodal(&th, &blo, &bhi);
    PetscCall(PetscPrintf(comm, "  spinodal     = %.15g %.15g  (f'' = 0; f'' < 0 between them: uphill diffusion)\n", (double)slo, (double)shi));
    PetscCall(PetscPrintf(comm, "  binodal      = %.15g %.15g  (common tangent: the coexisting phases)\n", (double)blo, (double)bhi));
  } else {
    PetscCall(PetscPrintf(comm, "  spinodal     = none  (f'' > 0 everywhere: every composition is stable)\n"));
    PetscCall(PetscPrintf(comm, "  binodal      = none\n"));
  }

  /* linear stability of a uniform c0 (Cahn 1961): R(k) = -M k^2 (f'' + kappa k^2) */
  {
    const PetscReal f2 = ThermoD2F(&th, c0), m = MobilityValue(&mob, c0), k = p->kappa;
    PetscCall(PetscPrintf(comm, "at c0 = %g (%s mobility M0 = %g m^5/(J s), kappa = %g J/m):\n", (double)c0, MobilityModels[p->mobility_model], (double)p->mobility, (double)k));
    PetscCall(PetscPrintf(comm, "  f''(c0)      = %.15g J/m^3\n", (double)f2));
    PetscCall(PetscPrintf(comm, "  M(c0)        = %.15g m^5/(J s)\n", (double)m));
    PetscCall(PetscPrintf(comm, "  D_eff(c0)    = %.15g m^2/s  (M f'')\n", (double)(m * f2)));
    PetscCall(PetscPrintf(comm, "  uphill       = %s\n", f2 < 0 ? "yes  (inside the spinodal: fluctuations grow, spinodal decomposition)" : "no  (outside the spinodal: every mode decays, Fickian)"));
    PetscCall(PetscPrintf(comm, "  regime       = %s\n", Regime(&th, c0)));
    if (f2 < 0 && k > 0) {
      const PetscReal km = PetscSqrtReal(-f2 / (2 * k)), R = m * f2 * f2 / (4 * k), kc = PetscSqrtReal(-f2 / k);
      PetscCall(PetscPrintf(comm, "  k_m          = %.15g 1/m  (fastest growth, k_m^2 = -f''/(2 kappa))\n", (double)km));
      PetscCall(PetscPrintf(comm, "  lambda_m     = %.15g m  (fastest-growing wavelength 2 pi/k_m)\n", (double)(2 * PETSC_PI / km)));
      PetscCall(PetscPrintf(comm, "  R(k_m)       = %.15g 1/s  (M f''^2/(4 kappa))\n", (double)R));
      if (R > 0) PetscCall(PetscPrintf(comm, "  growth time  = %.15g s  (1/R(k_m))\n", (double)(1 / R)));
      else PetscCall(PetscPrintf(comm, "  growth time  = inf  (M(c0) = 0: nothing moves)\n"));
      PetscCall(PetscPrintf(comm, "  lambda_c     = %.15g m  (critical wavelength 2 pi/sqrt(-f''/kappa): longer waves grow)\n", (double)(2 * PETSC_PI / kc)));
    } else if (f2 < 0) {
      PetscCall(PetscPrintf(comm, "  k_m          = none  (kappa = 0: no gradient energy, the shortest waves grow fastest)\n"));
    }
  }

  /* D_eff(c) on the composition grid: open interval, c = lo + (hi-lo) i/(N+1) */
  if (o->deff_csv[0]) {
    PetscCall(PetscFPrintf(comm, fp, "c,f,df,d2f,mobility,D_eff,uphill\n"));
  } else {
    PetscCall(PetscPrintf(comm, "D_eff(c) = M(c) f''(c), %" PetscInt_FMT " composition%s in (%g, %g):\n", o->ncomp_grid, o->ncomp_grid > 1 ? "s" : "", (double)lo, (double)hi));
    PetscCall(PetscPrintf(comm, "  %10s %16s %14s %16s  %s\n", "c", "f''(c) J/m^3", "M(c)", "D_eff(c) m^2/s", "regime"));
  }
  for (PetscInt i = 1; i <= o->ncomp_grid; i++) {
    const PetscReal c = lo + (hi - lo) * (PetscReal)i / (PetscReal)(o->ncomp_grid + 1);
    const PetscReal f2 = ThermoD2F(&th, c), m = MobilityValue(&mob, c);
    if (o->deff_csv[0]) PetscCall(PetscFPrintf(comm, fp, "%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%d\n", (double)c, (double)ThermoF(&th, c), (double)ThermoDF(&th, c), (double)f2, (double)m, (double)(m * f2), f2 < 0 ? 1 : 0));
    else PetscCall(PetscPrintf(comm, "  %10.6g %16.8g %14.6g %16.8g  %s\n", (double)c, (double)f2, (double)m, (double)(m * f2), Regime(&th, c)));
  }
  if (o->deff_csv[0]) {
    PetscCall(CloseCSV(comm, "-deff_csv", o->deff_csv, fp));
    PetscCall(PetscPrintf(comm, "wrote D_eff table %s: %" PetscInt_FMT " composition%s in (%g, %g)\n", o->deff_csv, o->ncomp_grid, o->ncomp_grid > 1 ? "s" : "", (double)lo, (double)hi));
  }
  if (o->phase_diagram[0]) PetscCall(WritePhaseDiagram(comm, p, &th, o, pd));
  PetscFunctionReturn(0);
}

/* ---- ternary regular solution (docs/MODEL.md section 2) ----------------------------------------- */

/* The ternary regular solution as uphill3d's N-component model (multicomp.h), so that its
   Hessian is MultiD2F's:
     f = W12 c1 c2 + W13 c1 c3 + W23 c2 c3 + RT sum c_i ln c_i   (all / V_m),  c3 = 1 - c1 - c2.
   H is linear in rt, H = A + rt B (B positive definite): A is the Hessian of the model with
   rt = 0 (mix), B that of the model with Omega = 0 and rt = 1 (ent); both exactly, as the
   omitted part contributes an exact 0.  Omega_ij from the upper triangle (the matrix is
   symmetric to round-off). */
static PetscErrorCode TernaryModels(const Params *p, const PetscReal W[9], MultiModel *full, MultiModel *mix, MultiModel *ent)
{
  PetscFunctionBegin;
  PetscCall(PetscMemzero(full, sizeof *full));
  full->nc   = 2;
  full->type = FE_REGULAR_SOLUTION;
  full->rt   = ParamsRTPerVolume(p);
  for (int i = 0; i < 3; i++)
    for (int j = i + 1; j < 3; j++) full->omega[3 * i + j] = full->omega[3 * j + i] = ParamsPerVolume(p, W[3 * i + j]);
  *mix     = *full;
  mix->rt  = 0;
  *ent     = *full;
  ent->rt  = 1;
  PetscCall(PetscMemzero(ent->omega, sizeof ent->omega));
  PetscFunctionReturn(0);
}

/* H = (H11, H12, H21, H22) of f(c1, c2) and, if lam, its eigenvalues (ascending). */
static void TernaryHessian(const MultiModel *m, PetscReal c1, PetscReal c2, PetscReal H[4], PetscReal lam[2])
{
  const PetscReal c[2] = {c1, c2};
  MultiD2F(m, c, H);
  H[2] = H[1]; /* H21 sums the same terms in another order: keep the matrix exactly symmetric */
  if (lam) LinalgSymEig(2, H, lam, NULL);
}

/* The highest rt at which the point c is unstable: the largest root of det(A + rt B) = 0
   (0 where A + rt B is positive definite for every rt > 0). */
static PetscReal TernarySpinodalRT(const MultiModel *mix, const MultiModel *ent, PetscReal c1, PetscReal c2)
{
  PetscReal A[4], B[4];
  TernaryHessian(mix, c1, c2, A, NULL);
  TernaryHessian(ent, c1, c2, B, NULL);
  const PetscReal a = B[0] * B[3] - B[1] * B[1], b = A[0] * B[3] + A[3] * B[0] - 2 * A[1] * B[1], c = A[0] * A[3] - A[1] * A[1];
  const PetscReal disc = b * b - 4 * a * c;
  if (disc < 0) return 0;
  /* both roots without cancellation (a = det B > 0) */
  const PetscReal q = -0.5 * (b + (b >= 0 ? 1 : -1) * PetscSqrtReal(disc));
  const PetscReal r1 = q / a, r2 = q != 0 ? c / q : r1, root = PetscMax(r1, r2);
  return root > 0 ? root : 0;
}

static PetscErrorCode Ternary(MPI_Comm comm, const Params *p, const ToolOptions *o)
{
  const PetscReal *W = o->omega_matrix, Vm = p->molar_volume;
  const PetscInt   N = o->ternary_grid;
  const char      *name[3] = {"1-2", "1-3", "2-3"};
  const PetscReal  wm[3] = {W[1], W[2], W[5]};
  MultiModel       m, mix, ent;
  PetscReal        H[4], lam[2], best_rt = 0, best[2] = {0, 0};
  PetscInt         inside = 0, total = 0;
  FILE            *fp = NULL;

  PetscFunctionBegin;
  if (p->free_energy != FE_REGULAR_SOLUTION) UPHILL_USER_ERROR(comm, "option -free_energy: with -components 3 the tool maps the regular_solution energy only");
  if (!o->omega_matrix_set) UPHILL_USER_ERROR(comm, "-components 3 needs -omega_matrix \"0,W12,W13,W12,0,W23,W13,W23,0\" (Omega_ij in J/mol, row by row)");
  for (int i = 0; i < 3; i++) {
    if (W[4 * i] != 0) UPHILL_USER_ERROR(comm, "option -omega_matrix: diagonal entry Omega_%d%d must be 0 (only pairs i<j interact), got %g", i + 1, i + 1, (double)W[4 * i]);
    for (int j = i + 1; j < 3; j++) {
      const PetscReal a = W[3 * i + j], b = W[3 * j + i];
      if (PetscAbsReal(a - b) > 1e-12 * PetscMax(PetscAbsReal(a), PetscAbsReal(b)))
        UPHILL_USER_ERROR(comm, "option -omega_matrix: not symmetric, Omega_%d%d = %g but Omega_%d%d = %g", i + 1, j + 1, (double)a, j + 1, i + 1, (double)b);
    }
  }
  if (!(o->c0[0] > 0 && o->c0[1] > 0 && o->c0[0] + o->c0[1] < 1))
    UPHILL_USER_ERROR(comm, "option -c0: the ternary composition c1,c2 = %g,%g must have c1 > 0, c2 > 0, c1 + c2 < 1", (double)o->c0[0], (double)o->c0[1]);

  if (o->ternary_csv[0]) PetscCall(OpenCSV(comm, "-ternary_csv", o->ternary_csv, &fp));
  PetscCall(TernaryModels(p, W, &m, &mix, &ent));

  PetscCall(PetscPrintf(comm, "uphill3d-thermo: ternary regular_solution, T = %g K, R = %.10g J/(mol K), V_m = %g m^3/mol\n", (double)p->temperature, (double)p->gas_constant, (double)Vm));
  PetscCall(PetscPrintf(comm, "  Omega_ij     = %g %g %g / %g %g %g / %g %g %g J/mol\n", (double)W[0], (double)W[1], (double)W[2], (double)W[3], (double)W[4], (double)W[5], (double)W[6], (double)W[7], (double)W[8]));
  for (int e = 0; e < 3; e++) {
    if (wm[e] > 0) PetscCall(PetscPrintf(comm, "  edge %s     : binary with Omega = %g J/mol, T_c = %.15g K, T/T_c = %.6g\n", name[e], (double)wm[e], (double)(wm[e] / (2 * p->gas_constant)), (double)(p->temperature * 2 * p->gas_constant / wm[e])));
    else PetscCall(PetscPrintf(comm, "  edge %s     : binary with Omega = %g J/mol, no miscibility gap\n", name[e], (double)wm[e]));
  }
  TernaryHessian(&m, o->c0[0], o->c0[1], H, lam);
  PetscCall(PetscPrintf(comm, "at c0 = (%g, %g, %g):\n", (double)o->c0[0], (double)o->c0[1], (double)(1 - o->c0[0] - o->c0[1])));
  PetscCall(PetscPrintf(comm, "  Hessian      = %.15g %.15g %.15g J/m^3  (H11 H12 H22 of f(c1,c2))\n", (double)H[0], (double)H[1], (double)H[3]));
  PetscCall(PetscPrintf(comm, "  eigenvalues  = %.15g %.15g J/m^3\n", (double)lam[0], (double)lam[1]));
  PetscCall(PetscPrintf(comm, "  uphill       = %s\n", lam[0] < 0 ? "yes  (inside the spinodal: a negative eigenvalue, composition waves along its eigenvector grow)" : "no  (outside the spinodal: f is locally convex)"));
  {
    const PetscReal rts = TernarySpinodalRT(&mix, &ent, o->c0[0], o->c0[1]);
    if (rts > 0) PetscCall(PetscPrintf(comm, "  T_spinodal   = %.15g K  (c0 is unstable below this temperature)\n", (double)(rts * Vm / p->gas_constant)));
    else PetscCall(PetscPrintf(comm, "  T_spinodal   = none  (c0 is stable at every temperature)\n"));
  }

  if (o->ternary_csv[0]) PetscCall(PetscFPrintf(comm, fp, "c1,c2,min_eigenvalue,inside\n"));
  for (PetscInt i = 1; i < N; i++) {
    for (PetscInt j = 1; i + j < N; j++) {
      const PetscReal c1 = (PetscReal)i / (PetscReal)N, c2 = (PetscReal)j / (PetscReal)N;
      PetscReal       lmin, rts;
      TernaryHessian(&m, c1, c2, H, lam);
      lmin = lam[0];
      total++;
      if (lmin < 0) inside++;
      rts = TernarySpinodalRT(&mix, &ent, c1, c2);
      if (rts > best_rt) {
        best_rt = rts;
        best[0] = c1;
        best[1] = c2;
      }
      if (o->ternary_csv[0]) PetscCall(PetscFPrintf(comm, fp, "%.17g,%.17g,%.17g,%d\n", (double)c1, (double)c2, (double)lmin, lmin < 0 ? 1 : 0));
    }
  }
  PetscCall(PetscPrintf(comm, "spinodal region on the Gibbs triangle (interior grid c_i = k/%" PetscInt_FMT "):\n", N));
  PetscCall(PetscPrintf(comm, "  inside       = %" PetscInt_FMT " of %" PetscInt_FMT " points (%.4g%%)\n", inside, total, (double)(100.0 * inside / total)));
  if (best_rt > 0) PetscCall(PetscPrintf(comm, "  T_max        = %.15g K  (highest spinodal temperature on the grid, at c = (%g, %g, %g))\n", (double)(best_rt * Vm / p->gas_constant), (double)best[0], (double)best[1], (double)(1 - best[0] - best[1])));
  else PetscCall(PetscPrintf(comm, "  T_max        = none  (no grid point is unstable at any temperature)\n"));
  if (o->ternary_csv[0]) {
    PetscCall(CloseCSV(comm, "-ternary_csv", o->ternary_csv, fp));
    PetscCall(PetscPrintf(comm, "wrote ternary map %s: %" PetscInt_FMT " points\n", o->ternary_csv, total));
  }
  PetscFunctionReturn(0);
}

/* ---- driver -------------------------------------------------------------------------------- */

static PetscErrorCode Run(void)
{
  MPI_Comm    comm = PETSC_COMM_WORLD;
  Params      p;
  ToolOptions o;
  PetscInt    ncomponents = 2;
  PetscBool   set, help_only;
  int         owned = PARAMS_OWN_OMEGA_MATRIX; /* the tool's ternary matrix, not the N-component solver's */

  PetscFunctionBegin;
  PetscCall(ToolOptionsDefaults(&o));
  PetscCall(GetInt(comm, "-components", &ncomponents, &set));
  if (ncomponents != 2 && ncomponents != 3) UPHILL_USER_ERROR(comm, "option -components: uphill3d-thermo maps 2 (binary) or 3 (ternary) components, got %" PetscInt_FMT, ncomponents);
  if (ncomponents == 3) {
    /* uphill3d's options (T, R, V_m, the free energy, the run options of an uphill3d options
       file) are read and validated as for a binary run; the composition is the tool's. */
    PetscCall(TernaryC0Read(comm, &o));
    PetscCall(RequireUnset(comm, "-omega", "is the binary interaction parameter; with -components 3 give -omega_matrix"));
    owned |= PARAMS_OWN_C0 | PARAMS_OWN_COMPONENTS;
  }
  PetscCall(ParamsReadExcept(comm, owned, &p));
  if (p.free_energy == FE_QUADRATIC) UPHILL_USER_ERROR(comm, "option -free_energy quadratic: uphill3d-thermo maps the regular_solution and double_well energies (the quadratic energy's landscape is its Hessian, printed by uphill3d's report)");
  PetscCall(ToolOptionsRead(comm, ncomponents - 1, &o));
  PetscCall(ParamsCheckLeft(comm, PetscOwnOption, "(misspelt?); see 'uphill3d-thermo -help'"));
  PetscCall(PetscOptionsHasHelp(NULL, &help_only));
  if (help_only) PetscFunctionReturn(0);
  if (ncomponents == 2) PetscCall(Binary(comm, &p, &o));
  else PetscCall(Ternary(comm, &p, &o));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv) { return ErrorsRunProgram(argc, argv, help, Run); }
