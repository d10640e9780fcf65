/* Every option of uphill3d is read and validated here, once, into Params.
   The -help listing is generated from these calls, so it always matches the code. */
#include <uphill/params.h>
#include <uphill/errors.h>
#include <uphill/linalg.h>
#include <errno.h>
#include <ctype.h>
#include <math.h>
#include <sys/stat.h>

const char *const FreeEnergyTypes[] = {"regular_solution", "double_well", "quadratic", "FreeEnergyType", "FE_", NULL};
const char *const MobilityModels[]  = {"constant", "degenerate", "MobilityModel", "MOBILITY_", NULL};
const char *const BoundaryTypes[]   = {"periodic", "noflux", "BoundaryType", "BC_", NULL};
const char *const InitialTypes[]    = {"noise", "mode", "file", "couple", "nucleus", "pfhub_bm1", "InitialType", "IC_", NULL};
const char *const IntegratorTypes[]   = {"auto", "bdf", "rosw", "etd", "IntegratorType", "INTEGRATOR_", NULL};
const char *const RestartChangeNames[] = {"temperature", "kappa", "mobility", "mobility_model", NULL};

/* PETSc's own parsers do not name the option in their message; these do. */
PetscErrorCode ParamsParseReal(MPI_Comm comm, const char *name, const char *s, PetscReal *v)
{
  char  *end;
  double d;

  PetscFunctionBegin;
  errno = 0;
  d     = strtod(s, &end);
  while (*end && isspace((unsigned char)*end)) end++;
  if (end == s || *end || d != d) UPHILL_USER_ERROR(comm, "option %s: '%s' is not a number", name, s);
  if (!isfinite(d)) UPHILL_USER_ERROR(comm, "option %s: '%s' is not a finite number", name, s);
  /* products and squares of parameters (E^2, kappa k^4, the volume) must stay finite */
  if (errno == ERANGE || PetscAbsReal(d) > PARAMS_MAX_MAGNITUDE || (d != 0 && PetscAbsReal(d) < PARAMS_MIN_MAGNITUDE))
    UPHILL_USER_ERROR(comm, "option %s: '%s' is out of range: uphill3d takes 0 or magnitudes %g .. %g", name, s, PARAMS_MIN_MAGNITUDE, PARAMS_MAX_MAGNITUDE);
  *v = (PetscReal)d;
  PetscFunctionReturn(0);
}

PetscErrorCode ParamsParseInt(MPI_Comm comm, const char *name, const char *s, PetscInt *v)
{
  char     *end;
  long long l;

  PetscFunctionBegin;
  errno = 0;
  l     = strtoll(s, &end, 10);
  while (*end && isspace((unsigned char)*end)) end++;
  if (end == s || *end || errno == ERANGE) UPHILL_USER_ERROR(comm, "option %s: '%s' is not an integer", name, s);
  if ((long long)(PetscInt)l != l) UPHILL_USER_ERROR(comm, "option %s: %s does not fit in PetscInt", name, s);
  *v = (PetscInt)l;
  PetscFunctionReturn(0);
}

/* Comma-separated lists: an empty entry ("1,,2", ",1", "1,") is an error, not skipped. */
static PetscErrorCode CheckListEntries(MPI_Comm comm, const char *name, const char *s)
{
  const char *p = s;

  PetscFunctionBegin;
  for (;;) {
    const char *e = strchr(p, ',');
    size_t      n = e ? (size_t)(e - p) : strlen(p), k = 0;
    while (k < n && isspace((unsigned char)p[k])) k++;
    if (k == n) UPHILL_USER_ERROR(comm, "option %s: empty entry in the comma-separated list '%s'", name, s);
    if (!e) break;
    p = e + 1;
  }
  PetscFunctionReturn(0);
}

/* Checks the raw string of an option that PETSc will then parse; set reports whether it was given. */
static PetscErrorCode CheckNumber(MPI_Comm comm, const char *name, PetscBool integer, PetscInt maxcount, PetscBool *set)
{
  char     buf[PETSC_MAX_PATH_LEN], *tok, *save = NULL;
  PetscInt count = 0;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetString(NULL, NULL, name, buf, sizeof buf, set));
  if (!*set) PetscFunctionReturn(0);
  if (!buf[0]) UPHILL_USER_ERROR(comm, "option %s needs a value", name);
  /* PETSc's own parser then reads the value: it takes no spaces around a number */
  if (isspace((unsigned char)buf[0]) || isspace((unsigned char)buf[strlen(buf) - 1]) || strstr(buf, ", ") || strstr(buf, " ,")) UPHILL_USER_ERROR(comm, "option %s: '%s' has spaces around a number", name, buf);
  PetscCall(CheckListEntries(comm, name, buf));
  for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save), count++) {
    if (integer) {
      PetscInt v;
      PetscCall(ParamsParseInt(comm, name, tok, &v));
    } else {
      PetscReal v;
      PetscCall(ParamsParseReal(comm, name, tok, &v));
    }
  }
  if (count > maxcount) UPHILL_USER_ERROR(comm, "option %s takes at most %" PetscInt_FMT " comma-separated values, got %" PetscInt_FMT, name, maxcount, count);
  PetscFunctionReturn(0);
}

static PetscErrorCode OptReal(PetscOptionItems *PetscOptionsObject, MPI_Comm comm, const char *name, const char *help, PetscReal *v)
{
  PetscBool set;

  PetscFunctionBegin;
  PetscCall(CheckNumber(comm, name, PETSC_FALSE, 1, &set));
  PetscCall(PetscOptionsReal(name, help, NULL, *v, v, NULL));
  PetscFunctionReturn(0);
}

static PetscErrorCode OptInt(PetscOptionItems *PetscOptionsObject, MPI_Comm comm, const char *name, const char *help, PetscInt *v)
{
  PetscBool set;

  PetscFunctionBegin;
  PetscCall(CheckNumber(comm, name, PETSC_TRUE, 1, &set));
  PetscCall(PetscOptionsInt(name, help, NULL, *v, v, NULL));
  PetscFunctionReturn(0);
}

static PetscErrorCode OptEnum(PetscOptionItems *PetscOptionsObject, MPI_Comm comm, const char *name, const char *help, const char *const *list, PetscInt n, int *v)
{
  char      buf[256];
  PetscBool set, found = PETSC_FALSE;
  PetscInt  value = *v;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetString(NULL, NULL, name, buf, sizeof buf, &set));
  if (set) {
    char choices[512] = "";
    for (PetscInt i = 0; i < n; i++) {
      PetscBool eq;
      PetscCall(PetscStrcasecmp(buf, list[i], &eq));
      if (eq) found = PETSC_TRUE;
      PetscCall(PetscStrlcat(choices, i ? "|" : "", sizeof choices));
      PetscCall(PetscStrlcat(choices, list[i], sizeof choices));
    }
    if (!found) UPHILL_USER_ERROR(comm, "option %s: '%s' is not one of %s", name, buf, choices);
  }
  PetscCall(PetscOptionsEList(name, help, NULL, list, n, list[value], &value, NULL));
  *v = (int)value;
  PetscFunctionReturn(0);
}

static PetscErrorCode OptBool(PetscOptionItems *PetscOptionsObject, MPI_Comm comm, const char *name, const char *help, PetscBool *v)
{
  char      buf[64];
  PetscBool set;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetString(NULL, NULL, name, buf, sizeof buf, &set));
  if (set && buf[0]) {
    const char *ok[] = {"true", "false", "yes", "no", "1", "0", "on", "off"};
    PetscBool   good = PETSC_FALSE, eq;
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
      PetscCall(PetscStrcasecmp(buf, ok[i], &eq));
      good = (PetscBool)(good || eq);
    }
    if (!good) UPHILL_USER_ERROR(comm, "option %s: '%s' is not true or false", name, buf);
  }
  PetscCall(PetscOptionsBool(name, help, NULL, *v, v, NULL));
  PetscFunctionReturn(0);
}

/* A string option that, when given, must have a value. */
static PetscErrorCode OptString(PetscOptionItems *PetscOptionsObject, MPI_Comm comm, const char *name, const char *help, char *v, size_t len)
{
  PetscBool set;

  PetscFunctionBegin;
  PetscCall(PetscOptionsString(name, help, NULL, v, v, len, &set));
  if (set && !v[0]) UPHILL_USER_ERROR(comm, "option %s needs a value", name);
  PetscFunctionReturn(0);
}

/* -restart_allow_change a,b,...: names from RestartChangeNames; the grid, lengths, boundary
   conditions, free energy type and components can never change. */
static PetscErrorCode OptAllowChange(PetscOptionItems *PetscOptionsObject, MPI_Comm comm, PetscBool allow[])
{
  char      buf[PETSC_MAX_PATH_LEN] = "", allowed[256] = "", *tok, *save = NULL;
  PetscBool set;

  PetscFunctionBegin;
  for (int i = 0; RestartChangeNames[i]; i++) {
    PetscCall(PetscStrlcat(allowed, i ? "," : "", sizeof allowed));
    PetscCall(PetscStrlcat(allowed, RestartChangeNames[i], sizeof allowed));
  }
  PetscCall(PetscOptionsString("-restart_allow_change", "With -restart: comma-separated parameters that may differ from the checkpoint's (temperature,kappa,mobility,mobility_model)", NULL, buf, buf, sizeof buf, &set));
  if (!set) PetscFunctionReturn(0);
  if (!buf[0]) UPHILL_USER_ERROR(comm, "option -restart_allow_change needs a value: a comma-separated list of %s", allowed);
  PetscCall(CheckListEntries(comm, "-restart_allow_change", buf));
  for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    PetscBool found = PETSC_FALSE;
    while (isspace((unsigned char)*tok)) tok++;
    for (char *e = tok + strlen(tok); e > tok && isspace((unsigned char)e[-1]);) *--e = 0;
    for (int i = 0; RestartChangeNames[i]; i++)
      if (!strcmp(tok, RestartChangeNames[i])) {
        allow[i] = PETSC_TRUE;
        found    = PETSC_TRUE;
      }
    if (!found) UPHILL_USER_ERROR(comm, "option -restart_allow_change: '%s' cannot change on restart; allowed: %s", tok, allowed);
  }
  PetscFunctionReturn(0);
}

/* A list of reals (a matrix row by row, or a vector) that must have exactly expect entries. */
static PetscErrorCode OptList(PetscOptionItems *PetscOptionsObject, MPI_Comm comm, const char *name, const char *help, PetscInt expect, const char *what, PetscReal *v, PetscBool *set)
{
  char      buf[4096] = "", *tok, *save = NULL;
  PetscReal tmp[UPHILL_MAX_COMPONENTS * UPHILL_MAX_COMPONENTS];
  PetscInt  n = 0;

  PetscFunctionBegin;
  if (expect == 1 && !strcmp(name, "-c0")) snprintf(buf, sizeof buf, "%g", (double)v[0]); /* the default that -help shows */
  PetscCall(PetscOptionsString(name, help, NULL, buf, buf, sizeof buf, set));
  if (!*set) PetscFunctionReturn(0);
  if (!buf[0]) UPHILL_USER_ERROR(comm, "option %s needs a value: %" PetscInt_FMT " comma-separated numbers (%s)", name, expect, what);
  PetscCall(CheckListEntries(comm, name, buf));
  for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save), n++)
    if (n < (PetscInt)(sizeof tmp / sizeof tmp[0])) PetscCall(ParamsParseReal(comm, name, tok, &tmp[n]));
  if (n != expect) UPHILL_USER_ERROR(comm, "option %s: expected %" PetscInt_FMT " comma-separated values (%s), got %" PetscInt_FMT, name, expect, what, n);
  for (PetscInt i = 0; i < n; i++) v[i] = tmp[i];
  PetscFunctionReturn(0);
}

/* The options of the N-component model (read right after -components). */
static PetscErrorCode ReadMulticomponent(PetscOptionItems *PetscOptionsObject, MPI_Comm comm, int owned, Params *p)
{
  const PetscInt nc = p->ncomp, N = nc + 1;
  char           nn[64], mm[64], n1[64], nv[64];
  PetscBool      set[9] = {PETSC_FALSE};
  const char    *axes[] = {"x", "y", "z", "CoupleAxis", "COUPLE_", NULL};
  int            axis = 0;

  PetscFunctionBegin;
  if (nc < 1 || nc > UPHILL_MAX_NC) UPHILL_USER_ERROR(comm, "option -components: N must be 2 .. %d, got %" PetscInt_FMT, UPHILL_MAX_COMPONENTS, N);
  snprintf(nn, sizeof nn, "%" PetscInt_FMT "x%" PetscInt_FMT " for -components %" PetscInt_FMT, N, N, N);
  snprintf(mm, sizeof mm, "%" PetscInt_FMT "x%" PetscInt_FMT " for -components %" PetscInt_FMT, nc, nc, N);
  snprintf(n1, sizeof n1, "c_1..c_%" PetscInt_FMT " for -components %" PetscInt_FMT, nc, N);
  snprintf(nv, sizeof nv, "M_1..M_%" PetscInt_FMT " for -components %" PetscInt_FMT, N, N);
  for (PetscInt i = 0; i < nc; i++) p->c0v[i] = nc == 1 ? p->c0 : 1.0 / (PetscReal)N;
  if (!(owned & PARAMS_OWN_C0)) PetscCall(OptList(PetscOptionsObject, comm, "-c0", "Mean initial concentration c0; N-component: c_1,...,c_{N-1} (default 1/N each)", nc, n1, p->c0v, &set[0]));
  p->c0 = p->c0v[0];
  if (!(owned & PARAMS_OWN_OMEGA_MATRIX)) PetscCall(OptList(PetscOptionsObject, comm, "-omega_matrix", "N-component regular_solution: interaction matrix Omega_ij (J/mol), N x N row by row, symmetric, zero diagonal", N * N, nn, p->omega_matrix, &set[1]));
  PetscCall(OptList(PetscOptionsObject, comm, "-hessian", "quadratic: Hessian G (J/m^3), (N-1) x (N-1) row by row, symmetric positive definite", nc * nc, mm, p->hessian, &set[2]));
  PetscCall(OptList(PetscOptionsObject, comm, "-c_ref", "quadratic: minimum c_ref of f = (c - c_ref)^T G (c - c_ref)/2 (default: -c0)", nc, n1, p->c_ref, &set[3]));
  PetscCall(OptList(PetscOptionsObject, comm, "-kappa_matrix", "Gradient energy matrix kappa_ij (J/m), (N-1) x (N-1), symmetric positive semidefinite (default: -kappa times I)", nc * nc, mm, p->kappa_matrix, &set[4]));
  PetscCall(OptList(PetscOptionsObject, comm, "-mobility_matrix", "Constant Onsager matrix L_ij (m^5/(J s)), (N-1) x (N-1), symmetric positive semidefinite (default: -mobility times I)", nc * nc, mm, p->mobility_matrix, &set[5]));
  PetscCall(OptList(PetscOptionsObject, comm, "-atomic_mobilities", "Atomic mobilities M_1..M_N: L_ij = sum_k (d_ik - c_i)(d_jk - c_j) c_k M_k (lattice-fixed frame)", N, nv, p->atomic_mobilities, &set[6]));
  PetscCall(OptList(PetscOptionsObject, comm, "-couple_left", "-ic couple: c_1,...,c_{N-1} on the low side of the couple", nc, n1, p->couple_left, &set[7]));
  PetscCall(OptList(PetscOptionsObject, comm, "-couple_right", "-ic couple: c_1,...,c_{N-1} on the high side", nc, n1, p->couple_right, &set[8]));
  PetscCall(OptEnum(PetscOptionsObject, comm, "-couple_axis", "-ic couple: direction of the couple", axes, 3, &axis));
  p->couple_axis = axis;
  PetscCall(OptReal(PetscOptionsObject, comm, "-couple_width", "-ic couple: width w of a smooth step (1 + tanh(x/w))/2 at the centre; 0: a sharp step", &p->couple_width));
  p->atomic = set[6];
  if (!set[3])
    for (PetscInt i = 0; i < nc; i++) p->c_ref[i] = p->c0v[i];
  if (!set[4])
    for (PetscInt i = 0; i < nc; i++)
      for (PetscInt j = 0; j < nc; j++) p->kappa_matrix[i * nc + j] = i == j ? p->kappa : 0;
  if (!set[5])
    for (PetscInt i = 0; i < nc; i++)
      for (PetscInt j = 0; j < nc; j++) p->mobility_matrix[i * nc + j] = i == j ? p->mobility : 0;
  if (set[5] && set[6]) UPHILL_USER_ERROR(comm, "options -mobility_matrix and -atomic_mobilities: give one mobility model, not both");
  if (!set[1] && N == 2) p->omega_matrix[1] = p->omega_matrix[2] = p->omega;
  p->general = (PetscBool)(nc > 1 || p->free_energy == FE_QUADRATIC || p->ic == IC_COUPLE || set[1] || set[2] || set[4] || set[5] || set[6]);
  if (p->general && p->free_energy == FE_REGULAR_SOLUTION && !set[1] && N > 2) UPHILL_USER_ERROR(comm, "option -omega_matrix: the regular_solution energy with -components %" PetscInt_FMT " needs the interaction matrix Omega_ij (%s)", N, nn);
  if (p->free_energy == FE_QUADRATIC && !set[2]) UPHILL_USER_ERROR(comm, "option -hessian: -free_energy quadratic needs the %s Hessian G", mm);
  if (p->ic == IC_COUPLE && !(set[7] && set[8])) UPHILL_USER_ERROR(comm, "option -ic couple needs -couple_left and -couple_right (%s each)", n1);
  PetscFunctionReturn(0);
}

/* A symmetric matrix option: reciprocity within round-off, and positive (semi)definite. */
/* The smallest eigenvalue of symmetric A and the largest |A_ij| (the scale of the tests on it). */
static PetscReal SymmetricSmallestEigenvalue(PetscInt n, const PetscReal *A, PetscReal *scale)
{
  PetscReal lam[UPHILL_MAX_COMPONENTS];

  *scale = 0;
  for (PetscInt k = 0; k < n * n; k++) *scale = PetscMax(*scale, PetscAbsReal(A[k]));
  LinalgSymEig(n, A, lam, NULL);
  return lam[0];
}

static PetscBool PositiveDefinite(PetscReal lam0, PetscReal scale) { return (PetscBool)(lam0 > 1e-12 * scale); }

static PetscErrorCode CheckSymmetricMatrix(MPI_Comm comm, const char *name, const char *sym, PetscInt n, const PetscReal *A, PetscBool definite)
{
  PetscInt        i, j;
  PetscReal       scale;
  const PetscReal lam0 = SymmetricSmallestEigenvalue(n, A, &scale);

  PetscFunctionBegin;
  const PetscReal asym = LinalgAsymmetry(n, A, &i, &j);
  if (asym > 1e-12 * scale)
    UPHILL_USER_ERROR(comm, "option %s: not symmetric: %s_%" PetscInt_FMT "%" PetscInt_FMT " = %g but %s_%" PetscInt_FMT "%" PetscInt_FMT " = %g (they differ by %g)", name, sym, i + 1, j + 1, (double)A[i * n + j], sym, j + 1, i + 1, (double)A[j * n + i], (double)asym);
  if (definite && !PositiveDefinite(lam0, scale)) UPHILL_USER_ERROR(comm, "option %s: not positive definite: its smallest eigenvalue is %g", name, (double)lam0);
  if (!definite && lam0 < -1e-12 * scale) UPHILL_USER_ERROR(comm, "option %s: not positive semidefinite: its smallest eigenvalue is %g (below 0 by %g)", name, (double)lam0, (double)-lam0);
  PetscFunctionReturn(0);
}

/* Concentrations c_1..c_{N-1} (and c_N = 1 - sum) strictly inside the simplex, widened by a. */
static PetscErrorCode CheckSimplex(MPI_Comm comm, const char *what, PetscInt nc, const PetscReal *c, PetscReal a)
{
  PetscReal s = 0;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < nc; i++) {
    if (!(c[i] - a > 0)) UPHILL_USER_ERROR(comm, "%s: c_%" PetscInt_FMT " = %g%s is not > 0, outside the simplex where the regular_solution (logarithmic) energy is defined", what, i + 1, (double)c[i], a > 0 ? " minus the noise amplitude" : "");
    s += c[i] + a;
  }
  if (!(s < 1)) UPHILL_USER_ERROR(comm, "%s: c_1 + ... + c_%" PetscInt_FMT " = %g%s is not < 1 (c_%" PetscInt_FMT " = 1 - sum must be > 0), outside the simplex where the regular_solution energy is defined", what, nc, (double)s, a > 0 ? " with the noise amplitude" : "", nc + 1);
  PetscFunctionReturn(0);
}

static PetscErrorCode ValidateMulticomponent(MPI_Comm comm, const Params *p)
{
  const PetscInt nc = p->ncomp, N = nc + 1;

  PetscFunctionBegin;
  if (p->free_energy == FE_DOUBLE_WELL) UPHILL_USER_ERROR(comm, "option -free_energy double_well is for the binary model only (-components 2 without matrix options); use regular_solution or quadratic");
  if (p->mobility_model == MOBILITY_DEGENERATE) UPHILL_USER_ERROR(comm, "option -mobility_model degenerate is for the binary model only; the N-component model takes -atomic_mobilities (a concentration-dependent L)");
  if (p->mms) UPHILL_USER_ERROR(comm, "option -mms is for the binary model only");
  if (p->analysis_interval > 0) UPHILL_USER_ERROR(comm, "option -analysis_interval: the in-situ analysis is for the binary model only");
  if (p->free_energy == FE_REGULAR_SOLUTION) {
    for (PetscInt i = 0; i < N; i++)
      if (p->omega_matrix[i * N + i] != 0) UPHILL_USER_ERROR(comm, "option -omega_matrix: diagonal entry Omega_%" PetscInt_FMT "%" PetscInt_FMT " = %g must be 0", i + 1, i + 1, (double)p->omega_matrix[i * N + i]);
    {
      PetscInt        i, j;
      const PetscReal asym = LinalgAsymmetry(N, p->omega_matrix, &i, &j);
      if (asym > 0) UPHILL_USER_ERROR(comm, "option -omega_matrix: not symmetric: Omega_%" PetscInt_FMT "%" PetscInt_FMT " = %g but Omega_%" PetscInt_FMT "%" PetscInt_FMT " = %g (they differ by %g)", i + 1, j + 1, (double)p->omega_matrix[i * N + j], j + 1, i + 1, (double)p->omega_matrix[j * N + i], (double)asym);
    }
    /* c0 sets the scales and the report's G(c0) also for a couple or a file */
    PetscCall(CheckSimplex(comm, "option -c0", nc, p->c0v, p->ic == IC_NOISE || p->ic == IC_MODE ? p->ic_amplitude : 0));
    if (p->ic == IC_COUPLE) {
      PetscCall(CheckSimplex(comm, "option -couple_left", nc, p->couple_left, 0));
      PetscCall(CheckSimplex(comm, "option -couple_right", nc, p->couple_right, 0));
    }
  } else PetscCall(CheckSymmetricMatrix(comm, "-hessian", "G", nc, p->hessian, PETSC_TRUE));
  PetscCall(CheckSymmetricMatrix(comm, "-kappa_matrix", "kappa", nc, p->kappa_matrix, PETSC_FALSE));
  if (p->atomic) {
    for (PetscInt i = 0; i < N; i++)
      if (!(p->atomic_mobilities[i] > 0)) UPHILL_USER_ERROR(comm, "option -atomic_mobilities: M_%" PetscInt_FMT " = %g must be positive", i + 1, (double)p->atomic_mobilities[i]);
  } else {
    PetscCall(CheckSymmetricMatrix(comm, "-mobility_matrix", "L", nc, p->mobility_matrix, PETSC_FALSE));
    PetscReal tr = 0;
    for (PetscInt i = 0; i < nc; i++) tr += p->mobility_matrix[i * nc + i];
    if (!(tr > 0)) UPHILL_USER_ERROR(comm, "option -mobility_matrix: L is zero: nothing would diffuse");
  }
  if (p->ic == IC_COUPLE) {
    if (p->grid[p->couple_axis] < 2) UPHILL_USER_ERROR(comm, "option -couple_axis %c: the grid has one point in that direction", (char)('x' + p->couple_axis));
    if (!(p->couple_width >= 0)) UPHILL_USER_ERROR(comm, "option -couple_width: must be >= 0, got %g", (double)p->couple_width);
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode ParamsDefaults(Params *p)
{
  PetscFunctionBegin;
  PetscCall(PetscMemzero(p, sizeof *p));
  for (int d = 0; d < 3; d++) p->grid[d] = 32;
  p->bc             = BC_PERIODIC;
  p->free_energy    = FE_REGULAR_SOLUTION;
  p->omega          = 20000.0;
  p->temperature    = 873.0;
  p->gas_constant   = 8.314462618;
  p->molar_volume   = 1.0;
  p->rho            = 5.0;
  p->c_alpha        = 0.3;
  p->c_beta         = 0.7;
  p->kappa          = 1.0e5;
  p->mobility       = 1.0;
  p->mobility_model = MOBILITY_CONSTANT;
  p->ic             = IC_NOISE;
  p->c0             = 0.5;
  p->ic_amplitude   = 0.01;
  p->ic_seed        = 1;
  p->noise_seed     = 1;
  p->ic_mode[0]     = 1;
  p->stats_interval = 1;
  p->progress_interval = 5.0;
  p->final_output   = PETSC_TRUE;
  p->mms_rate       = 0.0;
  p->matrix_free    = PETSC_TRUE;
  p->integrator     = INTEGRATOR_AUTO;
  p->ncomp          = 1;
  p->checkpoint_keep = 2;
  p->memory_check   = PETSC_TRUE;
  strcpy(p->output_dir, "out");
  PetscFunctionReturn(0);
}

static PetscErrorCode ParamsValidate(MPI_Comm comm, const Params *p)
{
  const char *gridname[3] = {"-da_grid_x", "-da_grid_y", "-da_grid_z"}, *lenname[3] = {"-Lx", "-Ly", "-Lz"};

  PetscFunctionBegin;
  for (int d = 0; d < 3; d++) {
    if (p->grid[d] < 1) UPHILL_USER_ERROR(comm, "option %s: grid size must be at least 1, got %" PetscInt_FMT, gridname[d], p->grid[d]);
    if (!(p->length[d] > 0)) UPHILL_USER_ERROR(comm, "option %s: domain length must be positive, got %g", lenname[d], (double)p->length[d]);
  }
  if (!(p->kappa >= 0)) UPHILL_USER_ERROR(comm, "option -kappa: gradient energy coefficient must be >= 0, got %g", (double)p->kappa);
  if (!(p->mobility > 0)) UPHILL_USER_ERROR(comm, "option -mobility: mobility must be positive, got %g", (double)p->mobility);
  if (p->free_energy == FE_REGULAR_SOLUTION) {
    if (!(p->temperature > 0)) UPHILL_USER_ERROR(comm, "option -temperature: must be positive (K), got %g", (double)p->temperature);
    if (!(p->gas_constant > 0)) UPHILL_USER_ERROR(comm, "option -gas_constant: must be positive, got %g", (double)p->gas_constant);
    if (!(p->molar_volume > 0)) UPHILL_USER_ERROR(comm, "option -molar_volume: must be positive, got %g", (double)p->molar_volume);
    if (!p->general && !(p->c0 > 0 && p->c0 < 1)) UPHILL_USER_ERROR(comm, "option -c0: %g is outside (0,1), where the regular_solution (logarithmic) energy is defined", (double)p->c0);
    if (!p->general && p->ic != IC_FILE && p->ic != IC_NUCLEUS && !(p->c0 - p->ic_amplitude > 0 && p->c0 + p->ic_amplitude < 1))
      UPHILL_USER_ERROR(comm, "options -c0 %g and -ic_amplitude %g give concentrations outside (0,1), where the regular_solution energy is defined", (double)p->c0, (double)p->ic_amplitude);
  } else if (p->free_energy == FE_DOUBLE_WELL) {
    if (!(p->rho > 0)) UPHILL_USER_ERROR(comm, "option -rho: must be positive, got %g", (double)p->rho);
    if (!(p->c_alpha < p->c_beta)) UPHILL_USER_ERROR(comm, "options -c_alpha %g and -c_beta %g: need c_alpha < c_beta", (double)p->c_alpha, (double)p->c_beta);
  }
  if (!(p->ic_amplitude >= 0)) UPHILL_USER_ERROR(comm, "option -ic_amplitude: must be >= 0, got %g", (double)p->ic_amplitude);
  if (p->ic == IC_MODE)
    for (int d = 0; d < 3; d++) /* beyond the Nyquist number a mode aliases to a lower one */
      if (PetscAbsInt(p->ic_mode[d]) > p->grid[d] / 2) UPHILL_USER_ERROR(comm, "option -ic_mode: wave number %" PetscInt_FMT " in %c is beyond the %" PetscInt_FMT " the %" PetscInt_FMT "-point grid resolves (|k| <= N/2)", p->ic_mode[d], (char)('x' + d), p->grid[d] / 2, p->grid[d]);
  if (p->ic == IC_FILE && !p->ic_file[0]) UPHILL_USER_ERROR(comm, "option -ic file needs -ic_file FILE.h5");
  if (p->stats_interval < 1) UPHILL_USER_ERROR(comm, "option -stats_interval: must be >= 1, got %" PetscInt_FMT, p->stats_interval);
  if (p->general) PetscCall(ValidateMulticomponent(comm, p));
  if (!p->output_dir[0]) UPHILL_USER_ERROR(comm, "option -output_dir: empty directory name");
  if (!(p->output_interval >= 0 && p->output_interval < PETSC_INFINITY)) UPHILL_USER_ERROR(comm, "option -output_interval: must be >= 0 (simulation time; 0 = off), got %g", (double)p->output_interval);
  if (p->output_steps < 0) UPHILL_USER_ERROR(comm, "option -output_steps: must be >= 0 (0 = off), got %" PetscInt_FMT, p->output_steps);
  if (p->checkpoint_steps < 0) UPHILL_USER_ERROR(comm, "option -checkpoint_steps: must be >= 0 (0 = off), got %" PetscInt_FMT, p->checkpoint_steps);
  if (!(p->checkpoint_walltime >= 0 && p->checkpoint_walltime < PETSC_INFINITY)) UPHILL_USER_ERROR(comm, "option -checkpoint_walltime: must be >= 0 seconds (0 = off), got %g", (double)p->checkpoint_walltime);
  if (!(p->analysis_interval >= 0 && p->analysis_interval < PETSC_INFINITY)) UPHILL_USER_ERROR(comm, "option -analysis_interval: must be >= 0 (simulation time; 0 = off), got %g", (double)p->analysis_interval);
  if (p->checkpoint_keep < 1) UPHILL_USER_ERROR(comm, "option -checkpoint_keep: must be >= 1, got %" PetscInt_FMT, p->checkpoint_keep);
  PetscFunctionReturn(0);
}

/* Thermal noise and nucleation initial states (issue 15; noise.c, initial_nucleus.c). */
static PetscErrorCode ReadNoiseNucleus(PetscOptionItems *PetscOptionsObject, MPI_Comm comm, Params *p)
{
  PetscInt  nr = UPHILL_MAX_NUCLEI, nx = 3 * UPHILL_MAX_NUCLEI;
  PetscBool set;

  PetscFunctionBegin;
  PetscCall(OptReal(PetscOptionsObject, comm, "-noise_temperature", "Thermal noise (Cahn-Hilliard-Cook): temperature T_n (K) of the conserved Langevin flux; S(k) -> R T_n/(V_m (f'' + kappa K^2)); a cell of n = N_A dV/V_m atoms at T has T_n = T/n; 0: off. Runs Crank-Nicolson with a fixed step", &p->noise_temperature));
  PetscCall(OptInt(PetscOptionsObject, comm, "-noise_seed", "Seed of the thermal noise stream (the same on any rank count and after a restart)", &p->noise_seed));
  PetscCall(OptReal(PetscOptionsObject, comm, "-noise_dt", "Fixed time step with thermal noise; 0: the time scale tau", &p->noise_dt));
  PetscCall(CheckNumber(comm, "-nucleus_radius", PETSC_FALSE, UPHILL_MAX_NUCLEI, &set));
  PetscCall(PetscOptionsRealArray("-nucleus_radius", "-ic nucleus: radius of each nucleus R1[,R2,...] (one value: all nuclei); the report prints the critical radius R*", NULL, p->nucleus_radius, &nr, &set));
  p->nucleus_nradius = set ? nr : 0;
  PetscCall(CheckNumber(comm, "-nucleus_center", PETSC_FALSE, 3 * UPHILL_MAX_NUCLEI, &set));
  PetscCall(PetscOptionsRealArray("-nucleus_center", "-ic nucleus: centres x1,y1,z1[,x2,y2,z2,...]; default: the box centre, or random (-ic_seed) for -nucleus_count beyond those given", NULL, p->nucleus_center, &nx, &set));
  p->nucleus_ncenter = set ? nx / 3 : 0;
  if (set && nx % 3) UPHILL_USER_ERROR(comm, "option -nucleus_center: give 3 coordinates x,y,z per nucleus, got %" PetscInt_FMT " numbers", nx);
  p->nucleus_count = PetscMax(1, PetscMax(p->nucleus_ncenter, p->nucleus_nradius));
  PetscCall(OptInt(PetscOptionsObject, comm, "-nucleus_count", "-ic nucleus: number of nuclei (default: as many as radii or centres given, at least 1)", &p->nucleus_count));
  if (!(p->noise_temperature >= 0 && p->noise_temperature < PETSC_INFINITY)) UPHILL_USER_ERROR(comm, "option -noise_temperature: must be >= 0 (K; 0 = off), got %g", (double)p->noise_temperature);
  if (!(p->noise_dt >= 0 && p->noise_dt < PETSC_INFINITY)) UPHILL_USER_ERROR(comm, "option -noise_dt: must be >= 0 (0 = tau), got %g", (double)p->noise_dt);
  if (p->noise_seed < 0) UPHILL_USER_ERROR(comm, "option -noise_seed: must be >= 0, got %" PetscInt_FMT, p->noise_seed);
  if (p->noise_temperature > 0 && p->mms) UPHILL_USER_ERROR(comm, "option -noise_temperature: the manufactured solution (-mms) is deterministic; drop one of them");
  if (p->noise_temperature > 0 && p->free_energy == FE_QUADRATIC && !(p->molar_volume > 0 && p->gas_constant > 0)) UPHILL_USER_ERROR(comm, "option -noise_temperature needs positive -gas_constant and -molar_volume");
  if (p->ic != IC_NUCLEUS) PetscFunctionReturn(0);
  if (p->general) UPHILL_USER_ERROR(comm, "option -ic nucleus is for the binary model only");
  if (!p->nucleus_nradius) UPHILL_USER_ERROR(comm, "option -ic nucleus needs -nucleus_radius R (the report prints the critical radius R*)");
  if (p->nucleus_count < 1 || p->nucleus_count > UPHILL_MAX_NUCLEI) UPHILL_USER_ERROR(comm, "option -nucleus_count: must be 1 .. %d, got %" PetscInt_FMT, UPHILL_MAX_NUCLEI, p->nucleus_count);
  if (p->nucleus_nradius > 1 && p->nucleus_nradius != p->nucleus_count) UPHILL_USER_ERROR(comm, "option -nucleus_radius: %" PetscInt_FMT " radii for %" PetscInt_FMT " nuclei (give one radius for all, or one per nucleus)", p->nucleus_nradius, p->nucleus_count);
  if (p->nucleus_ncenter > p->nucleus_count) UPHILL_USER_ERROR(comm, "option -nucleus_center: %" PetscInt_FMT " centres for %" PetscInt_FMT " nuclei", p->nucleus_ncenter, p->nucleus_count);
  for (PetscInt i = 0; i < p->nucleus_nradius; i++)
    if (!(p->nucleus_radius[i] > 0)) UPHILL_USER_ERROR(comm, "option -nucleus_radius: radius %g must be positive", (double)p->nucleus_radius[i]);
  for (PetscInt i = 0; i < 3 * p->nucleus_ncenter; i++)
    if (!(p->nucleus_center[i] >= 0 && p->nucleus_center[i] <= p->length[i % 3])) UPHILL_USER_ERROR(comm, "option -nucleus_center: coordinate %g lies outside the box [0, %g]", (double)p->nucleus_center[i], (double)p->length[i % 3]);
  PetscFunctionReturn(0);
}

/* PETSc's own numeric options that would break the run (a zero iteration limit, a zero,
   negative or non-finite step, time or tolerance): PETSc accepts most of them and fails later
   with a traceback, or not at all.  Checked from the unused options, so that nothing is marked
   as read (the rosw integrator refuses the Newton and Krylov ones it would ignore). */
typedef enum { PETSC_OPT_REAL_POSITIVE, PETSC_OPT_REAL_NONNEGATIVE, PETSC_OPT_INT_POSITIVE, PETSC_OPT_INT_NONNEGATIVE } PetscOptionRule;

static PetscErrorCode CheckPetscOptions(MPI_Comm comm)
{
  static const struct {
    const char     *name;
    PetscOptionRule rule;
  } rules[] = {
    {"ts_dt", PETSC_OPT_REAL_POSITIVE},           {"ts_max_time", PETSC_OPT_REAL_POSITIVE},     {"ts_final_time", PETSC_OPT_REAL_POSITIVE},
    {"ts_max_steps", PETSC_OPT_INT_NONNEGATIVE},   {"ts_rtol", PETSC_OPT_REAL_NONNEGATIVE},      {"ts_atol", PETSC_OPT_REAL_NONNEGATIVE},
    {"ts_adapt_dt_min", PETSC_OPT_REAL_NONNEGATIVE}, {"ts_adapt_dt_max", PETSC_OPT_REAL_POSITIVE}, {"ts_adapt_safety", PETSC_OPT_REAL_POSITIVE},
    {"ts_adapt_reject_safety", PETSC_OPT_REAL_POSITIVE}, {"ts_adapt_scale_solve_failed", PETSC_OPT_REAL_POSITIVE},
    {"snes_max_it", PETSC_OPT_INT_POSITIVE},       {"snes_rtol", PETSC_OPT_REAL_NONNEGATIVE},    {"snes_atol", PETSC_OPT_REAL_NONNEGATIVE},
    {"snes_stol", PETSC_OPT_REAL_NONNEGATIVE},     {"snes_divergence_tolerance", PETSC_OPT_REAL_POSITIVE},
    {"ksp_max_it", PETSC_OPT_INT_POSITIVE},        {"ksp_rtol", PETSC_OPT_REAL_NONNEGATIVE},     {"ksp_atol", PETSC_OPT_REAL_NONNEGATIVE},
    {"ksp_divtol", PETSC_OPT_REAL_POSITIVE},       {"ksp_gmres_restart", PETSC_OPT_INT_POSITIVE}, {"mg_levels_ksp_max_it", PETSC_OPT_INT_POSITIVE},
    {"mg_coarse_ksp_max_it", PETSC_OPT_INT_POSITIVE}, {"pc_mg_levels", PETSC_OPT_INT_POSITIVE},
  };
  PetscInt n;
  char   **names, **values;
  char     bad[128] = "", val[128] = "", why[64] = "";

  PetscFunctionBegin;
  PetscCall(PetscOptionsLeftGet(NULL, &n, &names, &values));
  for (PetscInt i = 0; i < n && !bad[0]; i++)
    for (size_t k = 0; k < sizeof rules / sizeof rules[0] && !bad[0]; k++) {
      const PetscOptionRule r = rules[k].rule;
      const PetscBool       integer = (PetscBool)(r == PETSC_OPT_INT_POSITIVE || r == PETSC_OPT_INT_NONNEGATIVE);
      const char           *v = values[i] ? values[i] : "";
      char                 *end;
      double                d;
      if (strcmp(names[i], rules[k].name)) continue;
      errno = 0;
      d     = integer ? (double)strtoll(v, &end, 10) : strtod(v, &end);
      if (!v[0] || *end) snprintf(why, sizeof why, "is not %s", integer ? "an integer" : "a number");
      else if (errno == ERANGE || !isfinite(d)) snprintf(why, sizeof why, "is not a finite number in range");
      else if ((r == PETSC_OPT_REAL_POSITIVE || r == PETSC_OPT_INT_POSITIVE) && !(d > 0)) snprintf(why, sizeof why, "must be > 0");
      else if (!(d >= 0)) snprintf(why, sizeof why, "must be >= 0");
      else continue;
      snprintf(bad, sizeof bad, "%.100s", names[i]);
      snprintf(val, sizeof val, "%.100s", v);
    }
  PetscCall(PetscOptionsLeftRestore(NULL, &n, &names, &values));
  if (bad[0]) UPHILL_USER_ERROR(comm, "option -%s: '%s' %s", bad, val, why);
  PetscFunctionReturn(0);
}

/* The transform integrators invert constant-coefficient operators by transforms: they need an
   autonomous, deterministic equation (the manufactured solution has a source; thermal noise
   runs Crank-Nicolson on the bdf path).  rosw is binary-only; etd also serves N components
   when the mobility matrix it is linearised with is positive definite (lattice-fixed L(c) at
   an interior composition always is; a constant L must be). */
static PetscErrorCode ResolveIntegrator(MPI_Comm comm, Params *p)
{
  PetscBool mobility_definite = PETSC_TRUE;
  PetscReal scale;

  PetscFunctionBegin;
  if (p->general && !p->atomic) {
    const PetscReal lam0 = SymmetricSmallestEigenvalue(p->ncomp, p->mobility_matrix, &scale);
    mobility_definite    = PositiveDefinite(lam0, scale);
  }
  const PetscBool deterministic = (PetscBool)(!p->mms && !(p->noise_temperature > 0));
  const PetscBool etd_applies   = (PetscBool)(deterministic && mobility_definite);

  if (IntegratorUsesTransforms(p->integrator) && p->noise_temperature > 0) UPHILL_USER_ERROR(comm, "option -integrator: %s has no thermal noise; with -noise_temperature use auto or bdf (the fixed-step Crank-Nicolson path)", IntegratorTypes[p->integrator]);
  if (IntegratorUsesTransforms(p->integrator) && p->mms) UPHILL_USER_ERROR(comm, "option -integrator: %s needs a run without -mms (use bdf or auto)", IntegratorTypes[p->integrator]);
  if (p->integrator == INTEGRATOR_ROSW && p->general) UPHILL_USER_ERROR(comm, "option -integrator: rosw is for binary runs; with -components %" PetscInt_FMT " use etd, bdf or auto", p->ncomp + 1);
  if (p->integrator == INTEGRATOR_ETD && !mobility_definite) UPHILL_USER_ERROR(comm, "option -integrator: etd needs a positive definite -mobility_matrix (this one is singular); use bdf or auto");
  if (p->integrator == INTEGRATOR_AUTO) p->integrator = etd_applies ? INTEGRATOR_ETD : INTEGRATOR_BDF;
  PetscFunctionReturn(0);
}

PetscErrorCode ParamsRead(MPI_Comm comm, Params *p)
{
  PetscFunctionBegin;
  PetscCall(ParamsReadExcept(comm, 0, p));
  PetscFunctionReturn(0);
}

PetscErrorCode ParamsReadExcept(MPI_Comm comm, int owned, Params *p)
{
  PetscInt  ncomponents, nmode = 3;
  PetscBool set, lset[3];
  const char *lenname[3] = {"-Lx", "-Ly", "-Lz"}, *lenhelp[3] = {"Domain length in x (m, or grid units); default: da_grid_x", "Domain length in y; default: da_grid_y", "Domain length in z; default: da_grid_z"};

  PetscFunctionBegin;
  PetscCall(ParamsDefaults(p));
  PetscOptionsBegin(comm, NULL, "uphill3d: Cahn-Hilliard uphill diffusion on a 3D grid", NULL);
  PetscCall(OptInt(PetscOptionsObject, comm, "-da_grid_x", "Grid points in x (1 for quasi-2D/1D)", &p->grid[0]));
  PetscCall(OptInt(PetscOptionsObject, comm, "-da_grid_y", "Grid points in y", &p->grid[1]));
  PetscCall(OptInt(PetscOptionsObject, comm, "-da_grid_z", "Grid points in z", &p->grid[2]));
  for (int d = 0; d < 3; d++) {
    p->length[d] = (PetscReal)p->grid[d];
    PetscCall(CheckNumber(comm, lenname[d], PETSC_FALSE, 1, &lset[d]));
    PetscCall(PetscOptionsReal(lenname[d], lenhelp[d], NULL, p->length[d], &p->length[d], NULL));
  }
  PetscCall(OptEnum(PetscOptionsObject, comm, "-bc", "Boundary condition on all walls", BoundaryTypes, 2, (int *)&p->bc));
  PetscCall(OptEnum(PetscOptionsObject, comm, "-free_energy", "Homogeneous free energy f(c)", FreeEnergyTypes, 3, (int *)&p->free_energy));
  PetscCall(OptReal(PetscOptionsObject, comm, "-omega", "regular_solution: interaction parameter Omega (J/mol)", &p->omega));
  PetscCall(OptReal(PetscOptionsObject, comm, "-temperature", "regular_solution: temperature T (K)", &p->temperature));
  PetscCall(OptReal(PetscOptionsObject, comm, "-gas_constant", "Gas constant R (J/(mol K)); 1 for dimensionless work", &p->gas_constant));
  PetscCall(OptReal(PetscOptionsObject, comm, "-molar_volume", "Molar volume V_m (m^3/mol); f per volume = f_molar / V_m", &p->molar_volume));
  PetscCall(OptReal(PetscOptionsObject, comm, "-rho", "double_well: barrier height rho (J/m^3)", &p->rho));
  PetscCall(OptReal(PetscOptionsObject, comm, "-c_alpha", "double_well: composition of the alpha well", &p->c_alpha));
  PetscCall(OptReal(PetscOptionsObject, comm, "-c_beta", "double_well: composition of the beta well", &p->c_beta));
  PetscCall(OptReal(PetscOptionsObject, comm, "-kappa", "Gradient energy coefficient kappa (J/m)", &p->kappa));
  PetscCall(OptReal(PetscOptionsObject, comm, "-mobility", "Mobility prefactor M0 (m^5/(J s))", &p->mobility));
  PetscCall(OptEnum(PetscOptionsObject, comm, "-mobility_model", "M(c) = M0 (constant) or M0 c(1-c) (degenerate)", MobilityModels, 2, (int *)&p->mobility_model));
  ncomponents = p->ncomp + 1;
  if (!(owned & PARAMS_OWN_COMPONENTS)) PetscCall(OptInt(PetscOptionsObject, comm, "-components", "Number of components N (2 = binary)", &ncomponents));
  p->ncomp = ncomponents - 1;
  PetscCall(OptEnum(PetscOptionsObject, comm, "-ic", "Initial condition: noise (c0 + uniform noise), mode (c0 + cosine mode, in c_1), file, couple (a diffusion couple), nucleus (nuclei of the second phase in a matrix of c0), pfhub_bm1 (PFHub benchmark 1: c0 + ic_amplitude times its sum of cosines)", InitialTypes, 6, (int *)&p->ic));
  PetscCall(ReadMulticomponent(PetscOptionsObject, comm, owned, p));
  PetscCall(OptReal(PetscOptionsObject, comm, "-ic_amplitude", "Amplitude of the initial noise or mode", &p->ic_amplitude));
  PetscCall(OptInt(PetscOptionsObject, comm, "-ic_seed", "Seed of the initial noise (independent of the rank count)", &p->ic_seed));
  PetscCall(CheckNumber(comm, "-ic_mode", PETSC_TRUE, 3, &set));
  PetscCall(PetscOptionsIntArray("-ic_mode", "Integer wave numbers kx,ky,kz (per box length) of -ic mode", NULL, p->ic_mode, &nmode, &set));
  if (set) for (PetscInt d = nmode; d < 3; d++) p->ic_mode[d] = 0;
  PetscCall(PetscOptionsString("-ic_file", "HDF5 field file for -ic file (dataset c, same grid)", NULL, p->ic_file, p->ic_file, sizeof p->ic_file, NULL));
  PetscCall(PetscOptionsString("-output_dir", "Directory for stats.csv and field files", NULL, p->output_dir, p->output_dir, sizeof p->output_dir, NULL));
  PetscCall(OptInt(PetscOptionsObject, comm, "-stats_interval", "Write a stats.csv row every this many accepted steps", &p->stats_interval));
  PetscCall(OptReal(PetscOptionsObject, comm, "-progress_interval", "Wall-clock seconds between progress lines (0: every step)", &p->progress_interval));
  PetscCall(OptBool(PetscOptionsObject, comm, "-final_output", "Write OUTPUT_DIR/final.h5 (c and mu) at the end", &p->final_output));
  PetscCall(OptBool(PetscOptionsObject, comm, "-mms", "Verification: manufactured solution with source term; reports the error", &p->mms));
  PetscCall(OptReal(PetscOptionsObject, comm, "-mms_rate", "Verification: amplitude growth rate r of the manufactured solution", &p->mms_rate));
  PetscCall(OptEnum(PetscOptionsObject, comm, "-integrator", "Time integrator: etd (exponential integrator, the linear part exact in the FFT basis: the exponential Adams-Bashforth scheme -- one right-hand side and two transforms per component a step, third order where stable (binary runs), else second --; -ts_etd_multistep false: ETDRK3; -ts_etd_ab3, -ts_etd_order), rosw (linearly implicit Rosenbrock-W, its constant-coefficient operator inverted by FFT: binary runs), bdf (BDF2 with Newton-multigrid: any model), auto (etd where it applies, else bdf: with -mms, thermal noise or a singular -mobility_matrix)", IntegratorTypes, 4, (int *)&p->integrator));
  PetscCall(OptBool(PetscOptionsObject, comm, "-jacobian_matrix_free", "Krylov operator: the matrix-free Jacobian action (true) or the assembled Jacobian (false); the assembled Jacobian builds the preconditioner either way", &p->matrix_free));
  {
    const char *const coarse_ops[] = {"rediscretise", "galerkin"};
    int               g = p->general ? 1 : 0; /* rediscretising the N-component model converges poorly */
    PetscCall(OptEnum(PetscOptionsObject, comm, "-coarse_operator", "Multigrid coarse operators: rediscretised on each level (binary: from cell-averaged f'' and M; the binary default), or Galerkin products R A P (the N-component default)", coarse_ops, 2, &g));
    p->mg_galerkin = g ? PETSC_TRUE : PETSC_FALSE;
  }
  PetscCall(OptInt(PetscOptionsObject, comm, "-multigrid_levels", "At most this many multigrid levels (0: halve the grid while every direction stays even and keeps 2 points per rank)", &p->mg_levels));
  {
    const char *const pcm[] = {"block_diagonal", "full"};
    int               f     = 0;
    PetscCall(OptEnum(PetscOptionsObject, comm, "-preconditioner_matrix", "Assembled matrix behind the preconditioner, binary runs with the default multigrid: the Jacobian's 2x2 point blocks (all the point-block Jacobi smoother uses), or the full Jacobian (for other smoothers, e.g. -mg_levels_pc_type sor); Galerkin, N components and other -pc_type always get the full one", pcm, 2, &f));
    p->pc_matrix_block_diagonal = f ? PETSC_FALSE : PETSC_TRUE;
  }
  {
    const char *const sm[] = {"gauss_seidel", "gmres"};
    int               g    = 0;
    PetscCall(OptEnum(PetscOptionsObject, comm, "-multigrid_smoother", "Multigrid smoother, binary runs with rediscretised coarse operators: gauss_seidel (red-black point-block Gauss-Seidel on matrix-free levels and transfers), or gmres (GMRES(3) with point-block Jacobi on assembled levels: the path of Galerkin operators, N components, -preconditioner_matrix full and -jacobian_matrix_free 0)", sm, 2, &g));
    p->mg_gauss_seidel = g ? PETSC_FALSE : PETSC_TRUE;
  }
  {
    const char *const fp[] = {"auto", "estimate", "measure"};
    int               m    = 0;
    PetscMPIInt       size;
    PetscCall(OptEnum(PetscOptionsObject, comm, "-fft_planning", "FFTW plans of the transform integrators (etd, rosw): estimate (FFTW_ESTIMATE: deterministic, so two runs with the same options agree bit for bit), measure (FFTW_MEASURE: planned by timing at the start -- 0.25 s at 48^3, 0.9 s at 128^3 -- faster transforms, 1.3x on a whole periodic run at 96^3, so two runs may differ in the last bits; the plans' wisdom goes into every checkpoint, and a restart on the same number of ranks repeats them bit for bit), or auto: measure from 2^18 = 64^3 cells per rank, where it pays, else estimate", fp, 3, &m));
    PetscCallMPI(MPI_Comm_size(comm, &size));
    p->fft_auto    = (PetscBool)(m == 0);
    p->fft_measure = (PetscBool)(m == 2 || (m == 0 && (PetscReal)p->grid[0] * p->grid[1] * p->grid[2] >= UPHILL_FFT_MEASURE_CELLS * size));
  }
  PetscCall(OptReal(PetscOptionsObject, comm, "-analysis_interval", "Simulation time between in-situ analyses (OUTPUT_DIR/analysis.csv, structure_factor.h5); 0: off", &p->analysis_interval));
  PetscCall(OptReal(PetscOptionsObject, comm, "-output_interval", "Simulation time between field files OUTPUT_DIR/fields_NNNNNN.h5 (+ fields.xdmf); 0: off", &p->output_interval));
  PetscCall(OptInt(PetscOptionsObject, comm, "-output_steps", "Accepted steps between field files; 0: off", &p->output_steps));
  PetscCall(OptInt(PetscOptionsObject, comm, "-checkpoint_steps", "Accepted steps between checkpoints OUTPUT_DIR/checkpoints/ckpt_STEP.h5; 0: off", &p->checkpoint_steps));
  PetscCall(OptReal(PetscOptionsObject, comm, "-checkpoint_walltime", "Wall-clock seconds between checkpoints; 0: off", &p->checkpoint_walltime));
  PetscCall(OptInt(PetscOptionsObject, comm, "-checkpoint_keep", "Newest checkpoints kept (older ones are deleted)", &p->checkpoint_keep));
  PetscCall(OptString(PetscOptionsObject, comm, "-restart", "Continue from a checkpoint: FILE, latest (the newest valid one in OUTPUT_DIR/checkpoints), or auto (latest if OUTPUT_DIR/checkpoints holds one, else a new run from t = 0: for job chains)", p->restart, sizeof p->restart));
  PetscCall(OptAllowChange(PetscOptionsObject, comm, p->allow_change));
  PetscCall(ReadNoiseNucleus(PetscOptionsObject, comm, p));
  PetscCall(OptBool(PetscOptionsObject, comm, "-memory_check", "Refuse a grid whose estimated memory per rank (measured bytes per point of the integrator) exceeds the node's available memory (MemAvailable or cgroup limit) over its ranks", &p->memory_check));
  PetscOptionsEnd();
  PetscCall(ParamsValidate(comm, p));
  PetscCall(CheckPetscOptions(comm));
  PetscCall(ResolveIntegrator(comm, p));
  PetscFunctionReturn(0);
}

/* Options that PETSc reads only later (at PetscFinalize, or during/after a solve: the
   -*_view viewers, -*_converged_reason and -*_test_* checks), so still "unused" at the start. */
static PetscBool ReadAtFinalize(const char *name)
{
  if (strstr(name, "_view") || strstr(name, "_test_") || strstr(name, "converged_reason")) return PETSC_TRUE;
  const char *late[] = {"log_view", "log_summary", "log_trace", "log_all", "malloc_dump", "malloc_view", "memory_view", "options_left", "options_view", "objects_dump", "check_pointer_intensity", "history", "saws", "viewer_binary_skip_info"};
  for (size_t i = 0; i < sizeof late / sizeof late[0]; i++)
    if (!strncmp(name, late[i], strlen(late[i]))) return PETSC_TRUE;
  return PETSC_FALSE;
}

PetscErrorCode ParamsUnreadValue(const char *name, char *value, size_t len)
{
  PetscInt n;
  char   **names, **values;

  PetscFunctionBegin;
  value[0] = 0;
  PetscCall(PetscOptionsLeftGet(NULL, &n, &names, &values));
  for (PetscInt i = 0; i < n; i++)
    if (!strcmp(names[i], name) && values[i]) PetscCall(PetscSNPrintf(value, len, "%s", values[i]));
  PetscCall(PetscOptionsLeftRestore(NULL, &n, &names, &values));
  PetscFunctionReturn(0);
}

PetscErrorCode ParamsCheckLeft(MPI_Comm comm, PetscBool (*skip)(const char *name), const char *hint)
{
  PetscInt n;
  char   **names, **values;
  char     list[1024] = "";
  PetscInt bad = 0;

  PetscFunctionBegin;
  PetscCall(PetscOptionsLeftGet(NULL, &n, &names, &values));
  for (PetscInt i = 0; i < n; i++) {
    char name[72];
    if (skip(names[i])) continue;
    /* a name of any length is shown cut to 64 characters; the list stops at its buffer */
    snprintf(name, sizeof name, "%.64s%s", names[i], strlen(names[i]) > 64 ? "..." : "");
    if (strlen(list) + strlen(name) + 16 < sizeof list) {
      PetscCall(PetscStrlcat(list, bad ? ", -" : "-", sizeof list));
      PetscCall(PetscStrlcat(list, name, sizeof list));
    } else if (!strstr(list, ", ...")) PetscCall(PetscStrlcat(list, ", ...", sizeof list));
    bad++;
  }
  PetscCall(PetscOptionsLeftRestore(NULL, &n, &names, &values));
  if (bad) UPHILL_USER_ERROR(comm, "unknown option%s %s %s", bad > 1 ? "s" : "", list, hint);
  PetscFunctionReturn(0);
}

PetscErrorCode ParamsCheckUnused(MPI_Comm comm)
{
  PetscFunctionBegin;
  PetscCall(ParamsCheckLeft(comm, ReadAtFinalize, "(misspelt, or not used by this run's solvers); see 'uphill3d -help'"));
  PetscFunctionReturn(0);
}

/* ---- options files and the command line, checked before PETSc reads them -------------------
   PETSc 3.18's options-file format (PetscOptionsInsertFile): '#' starts a comment, and a line
   holds one option and at most one value ("-name [value]"; a "quoted value" may hold spaces).
   PETSc refuses a second option or an extra token on a line with a traceback, reads a device
   such as /dev/zero for ever, and follows an -options_file line inside a file without a depth
   limit (a file that includes itself overflows the stack).  The checks below make each of
   these one message naming the file and line.  Plain C: they run before PetscInitialize. */
#define OPTIONS_FILE_MAX_BYTES (1L << 20)
#define OPTIONS_FILE_MAX_DEPTH 8

/* PETSc's rule for an option name (PetscOptionsValidKey): '-' or '--', a letter, and not a
   number such as -1e3 or -inf. */
static int IsOptionKey(const char *s)
{
  char *end;
  if (s[0] != '-') return 0;
  if (s[1] == '-') s++;
  if (!isalpha((unsigned char)s[1])) return 0;
  (void)strtod(s, &end);
  return !(end != s && !(*end == '_' || isalnum((unsigned char)*end)));
}

/* The next space-separated token of *cur (a leading '"' runs to the next '"'), as PETSc splits. */
static char *NextToken(char **cur)
{
  char *p = *cur, *t;
  char  stop = ' ';
  while (*p == ' ') p++;
  if (!*p) return NULL;
  if (*p == '"') {
    stop = '"';
    p++;
  }
  t = p;
  while (*p && *p != stop) p++;
  if (*p) *p++ = 0;
  *cur = p;
  return t;
}

typedef struct {
  dev_t dev[OPTIONS_FILE_MAX_DEPTH + 1];
  ino_t ino[OPTIONS_FILE_MAX_DEPTH + 1];
  int   depth;
} OptionsFileChain;

static int CheckOptionsFileIn(const char *path, OptionsFileChain *chain, char *err, size_t len);

/* One line (comment removed, tabs as spaces) of file path. */
static int CheckOptionsLine(const char *path, int lineno, char *line, OptionsFileChain *chain, char *err, size_t len)
{
  char *cur = line, *name, *value, *extra;

  if (!(name = NextToken(&cur))) return 0;
  if (!IsOptionKey(name)) {
    snprintf(err, len, "options file '%s', line %d: expected '-option [value]', got '%.80s'", path, lineno, name);
    return 1;
  }
  value = NextToken(&cur);
  if (value && IsOptionKey(value)) {
    snprintf(err, len, "options file '%s', line %d: two options on one line (%.80s %.80s); an options file takes one option per line", path, lineno, name, value);
    return 1;
  }
  if (value && value[0] && (isspace((unsigned char)value[0]) || isspace((unsigned char)value[strlen(value) - 1]))) {
    snprintf(err, len, "options file '%s', line %d: option %.80s: value '%.80s' has spaces around it", path, lineno, name, value);
    return 1;
  }
  if ((extra = NextToken(&cur)) && IsOptionKey(extra)) {
    snprintf(err, len, "options file '%s', line %d: two options on one line (%.80s ... %.80s); an options file takes one option per line", path, lineno, name, extra);
    return 1;
  }
  if (extra) {
    snprintf(err, len, "options file '%s', line %d: option %.80s has more than one value ('%.80s' after '%.80s'); one option and one value per line, quote a value with spaces", path, lineno, name, extra, value);
    return 1;
  }
  if (!strcmp(name, "-options_file")) {
    if (!value) {
      snprintf(err, len, "options file '%s', line %d: option -options_file needs a file name", path, lineno);
      return 1;
    }
    return CheckOptionsFileIn(value, chain, err, len);
  }
  return 0;
}

static int CheckOptionsFileIn(const char *path, OptionsFileChain *chain, char *err, size_t len)
{
  struct stat st;
  FILE       *fp;
  char       *text, *line, *next;
  long        n;
  int         lineno = 0, bad = 0;

  if (stat(path, &st)) {
    snprintf(err, len, "cannot open options file '%s': %s", path, strerror(errno));
    return 1;
  }
  if (S_ISDIR(st.st_mode)) {
    snprintf(err, len, "options file '%s' is a directory", path);
    return 1;
  }
  if (!S_ISREG(st.st_mode)) {
    snprintf(err, len, "options file '%s' is not a regular file (a device or pipe is not read)", path);
    return 1;
  }
  if (st.st_size > OPTIONS_FILE_MAX_BYTES) {
    snprintf(err, len, "options file '%s' has %lld bytes, more than the %ld an options file may have", path, (long long)st.st_size, OPTIONS_FILE_MAX_BYTES);
    return 1;
  }
  for (int i = 0; i < chain->depth; i++)
    if (chain->dev[i] == st.st_dev && chain->ino[i] == st.st_ino) {
      snprintf(err, len, "options file '%s' includes itself (through -options_file)", path);
      return 1;
    }
  if (chain->depth == OPTIONS_FILE_MAX_DEPTH) {
    snprintf(err, len, "options file '%s': -options_file nested more than %d deep", path, OPTIONS_FILE_MAX_DEPTH);
    return 1;
  }
  if (!(fp = fopen(path, "rb"))) {
    snprintf(err, len, "cannot open options file '%s': %s", path, strerror(errno));
    return 1;
  }
  text = malloc((size_t)st.st_size + 1);
  n    = text ? (long)fread(text, 1, (size_t)st.st_size, fp) : -1;
  fclose(fp);
  if (n < 0) {
    free(text);
    snprintf(err, len, "cannot read options file '%s'", path);
    return 1;
  }
  text[n] = 0;
  for (long i = 0, l = 1; i < n; i++) {
    if (text[i] == '\n') l++;
    if (!text[i]) {
      snprintf(err, len, "options file '%s', line %ld: a NUL byte (not a text file)", path, l);
      free(text);
      return 1;
    }
  }
  chain->dev[chain->depth] = st.st_dev;
  chain->ino[chain->depth] = st.st_ino;
  chain->depth++;
  for (line = text; line && !bad; line = next) {
    char *hash;
    if ((next = strchr(line, '\n'))) *next++ = 0;
    lineno++;
    if ((hash = strchr(line, '#'))) *hash = 0;
    for (char *c = line; *c; c++)
      if (*c == '\t' || *c == '\r') *c = ' ';
    bad = CheckOptionsLine(path, lineno, line, chain, err, len);
  }
  chain->depth--;
  free(text);
  return bad;
}

int ParamsCheckOptionsFile(const char *path, char *err, size_t len)
{
  OptionsFileChain chain;
  chain.depth = 0;
  return CheckOptionsFileIn(path, &chain, err, len);
}

/* uphill3d [FILE.opts] [-option [value] ...]: an options file only first, every other word
   an option or the value of the option before it (PETSc ignores a stray word silently); the
   files named by -options_file are checked like FILE.opts. */
int ParamsCheckCommandLine(int argc, char **argv, char *err, size_t len)
{
  int first = 1;

  if (argc > 1 && !IsOptionKey(argv[1])) {
    if (ParamsCheckOptionsFile(argv[1], err, len)) return 1;
    first = 2;
  }
  for (int i = first; i < argc; i++) {
    if (!IsOptionKey(argv[i])) {
      if (i == first || !IsOptionKey(argv[i - 1])) {
        snprintf(err, len, "unexpected word '%.80s' on the command line%s%.80s%s: give options as -name value (an options file only as the first argument)", argv[i], i > 1 ? " (after '" : "", i > 1 ? argv[i - 1] : "", i > 1 ? "')" : "");
        return 1;
      }
      if (isspace((unsigned char)argv[i][0]) || (argv[i][0] && isspace((unsigned char)argv[i][strlen(argv[i]) - 1]))) {
        snprintf(err, len, "option %.80s: value '%.80s' has spaces around it", argv[i - 1], argv[i]);
        return 1;
      }
      continue; /* the value of argv[i - 1] */
    }
    if (!strcmp(argv[i], "-options_file")) {
      if (i + 1 >= argc || IsOptionKey(argv[i + 1])) {
        snprintf(err, len, "option -options_file needs a file name");
        return 1;
      }
      if (ParamsCheckOptionsFile(argv[i + 1], err, len)) return 1;
    }
  }
  return 0;
}
