/* Every option of uphill3d is read and validated here, once, into Params.
   The -help listing is generated from these calls, so it always matches the code. */
#include <uphill/params.h>
#include <uphill/errors.h>
#include <errno.h>
#include <ctype.h>

const char *const FreeEnergyTypes[] = {"regular_solution", "double_well", "FreeEnergyType", "FE_", NULL};
const char *const MobilityModels[]  = {"constant", "degenerate", "MobilityModel", "MOBILITY_", NULL};
const char *const BoundaryTypes[]   = {"periodic", "noflux", "BoundaryType", "BC_", NULL};
const char *const InitialTypes[]    = {"noise", "mode", "file", "InitialType", "IC_", NULL};
const char *const RestartChangeNames[] = {"temperature", "kappa", "mobility", "mobility_model", NULL};

/* PETSc's own parsers do not name the option in their message; these do. */
static PetscErrorCode ParseReal(MPI_Comm comm, const char *name, const char *s, PetscReal *v)
{
  char  *end;
  double d;

  PetscFunctionBegin;
  errno = 0;
  d     = strtod(s, &end);
  while (*end && isspace((unsigned char)*end)) end++;
  if (end == s || *end || errno == ERANGE || d != d) UPHILL_USER_ERROR(comm, "option %s: '%s' is not a number", name, s);
  *v = (PetscReal)d;
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseInt(MPI_Comm comm, const char *name, const char *s, PetscInt *v)
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

/* Checks the raw string of an option that PETSc will then parse; set reports whether it was given. */
static PetscErrorCode CheckNumber(MPI_Comm comm, const char *name, PetscBool integer, PetscInt maxcount, PetscBool *set)
{
  char     buf[PETSC_MAX_PATH_LEN], *tok, *save = NULL;
  PetscInt count = 0;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetString(NULL, NULL, name, buf, sizeof buf, set));
  if (!*set) PetscFunctionReturn(0);
  if (!buf[0]) UPHILL_USER_ERROR(comm, "option %s needs a value", name);
  for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save), count++) {
    if (integer) {
      PetscInt v;
      PetscCall(ParseInt(comm, name, tok, &v));
    } else {
      PetscReal v;
      PetscCall(ParseReal(comm, name, tok, &v));
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
  for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    PetscBool found = PETSC_FALSE;
    while (isspace((unsigned char)*tok)) tok++;
    for (int i = 0; RestartChangeNames[i]; i++)
      if (!strcmp(tok, RestartChangeNames[i])) {
        allow[i] = PETSC_TRUE;
        found    = PETSC_TRUE;
      }
    if (!found) UPHILL_USER_ERROR(comm, "option -restart_allow_change: '%s' cannot change on restart; allowed: %s", tok, allowed);
  }
  PetscFunctionReturn(0);
}

static void ParamsDefaults(Params *p)
{
  PetscMemzero(p, sizeof *p);
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
  p->ic_mode[0]     = 1;
  p->stats_interval = 1;
  p->progress_interval = 5.0;
  p->final_output   = PETSC_TRUE;
  p->mms_rate       = 0.0;
  p->ncomp          = 1;
  p->checkpoint_keep = 2;
  strcpy(p->output_dir, "out");
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
    if (!(p->c0 > 0 && p->c0 < 1)) UPHILL_USER_ERROR(comm, "option -c0: %g is outside (0,1), where the regular_solution (logarithmic) energy is defined", (double)p->c0);
    if (p->ic != IC_FILE && !(p->c0 - p->ic_amplitude > 0 && p->c0 + p->ic_amplitude < 1))
      UPHILL_USER_ERROR(comm, "options -c0 %g and -ic_amplitude %g give concentrations outside (0,1), where the regular_solution energy is defined", (double)p->c0, (double)p->ic_amplitude);
  } else {
    if (!(p->rho > 0)) UPHILL_USER_ERROR(comm, "option -rho: must be positive, got %g", (double)p->rho);
    if (!(p->c_alpha < p->c_beta)) UPHILL_USER_ERROR(comm, "options -c_alpha %g and -c_beta %g: need c_alpha < c_beta", (double)p->c_alpha, (double)p->c_beta);
  }
  if (!(p->ic_amplitude >= 0)) UPHILL_USER_ERROR(comm, "option -ic_amplitude: must be >= 0, got %g", (double)p->ic_amplitude);
  if (p->ic == IC_FILE && !p->ic_file[0]) UPHILL_USER_ERROR(comm, "option -ic file needs -ic_file FILE.h5");
  if (p->stats_interval < 1) UPHILL_USER_ERROR(comm, "option -stats_interval: must be >= 1, got %" PetscInt_FMT, p->stats_interval);
  if (p->ncomp != 1) UPHILL_USER_ERROR(comm, "option -components: only 2 (binary) is implemented in this version, got %" PetscInt_FMT, p->ncomp + 1);
  if (!p->output_dir[0]) UPHILL_USER_ERROR(comm, "option -output_dir: empty directory name");
  if (!(p->output_interval >= 0 && p->output_interval < PETSC_INFINITY)) UPHILL_USER_ERROR(comm, "option -output_interval: must be >= 0 (simulation time; 0 = off), got %g", (double)p->output_interval);
  if (p->output_steps < 0) UPHILL_USER_ERROR(comm, "option -output_steps: must be >= 0 (0 = off), got %" PetscInt_FMT, p->output_steps);
  if (p->checkpoint_steps < 0) UPHILL_USER_ERROR(comm, "option -checkpoint_steps: must be >= 0 (0 = off), got %" PetscInt_FMT, p->checkpoint_steps);
  if (!(p->checkpoint_walltime >= 0 && p->checkpoint_walltime < PETSC_INFINITY)) UPHILL_USER_ERROR(comm, "option -checkpoint_walltime: must be >= 0 seconds (0 = off), got %g", (double)p->checkpoint_walltime);
  if (!(p->analysis_interval >= 0 && p->analysis_interval < PETSC_INFINITY)) UPHILL_USER_ERROR(comm, "option -analysis_interval: must be >= 0 (simulation time; 0 = off), got %g", (double)p->analysis_interval);
  if (p->checkpoint_keep < 1) UPHILL_USER_ERROR(comm, "option -checkpoint_keep: must be >= 1, got %" PetscInt_FMT, p->checkpoint_keep);
  PetscFunctionReturn(0);
}

PetscErrorCode ParamsRead(MPI_Comm comm, Params *p)
{
  PetscInt  ncomponents, nmode = 3;
  PetscBool set, lset[3];
  const char *lenname[3] = {"-Lx", "-Ly", "-Lz"}, *lenhelp[3] = {"Domain length in x (m, or grid units); default: da_grid_x", "Domain length in y; default: da_grid_y", "Domain length in z; default: da_grid_z"};

  PetscFunctionBegin;
  ParamsDefaults(p);
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
  PetscCall(OptEnum(PetscOptionsObject, comm, "-free_energy", "Homogeneous free energy f(c)", FreeEnergyTypes, 2, (int *)&p->free_energy));
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
  PetscCall(OptInt(PetscOptionsObject, comm, "-components", "Number of components N (2 = binary)", &ncomponents));
  p->ncomp = ncomponents - 1;
  PetscCall(OptEnum(PetscOptionsObject, comm, "-ic", "Initial condition: noise (c0 + uniform noise), mode (c0 + cosine mode), file", InitialTypes, 3, (int *)&p->ic));
  PetscCall(OptReal(PetscOptionsObject, comm, "-c0", "Mean initial concentration c0", &p->c0));
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
  PetscCall(OptReal(PetscOptionsObject, comm, "-analysis_interval", "Simulation time between in-situ analyses (OUTPUT_DIR/analysis.csv, structure_factor.h5); 0: off", &p->analysis_interval));
  PetscCall(OptReal(PetscOptionsObject, comm, "-output_interval", "Simulation time between field files OUTPUT_DIR/fields_NNNNNN.h5 (+ fields.xdmf); 0: off", &p->output_interval));
  PetscCall(OptInt(PetscOptionsObject, comm, "-output_steps", "Accepted steps between field files; 0: off", &p->output_steps));
  PetscCall(OptInt(PetscOptionsObject, comm, "-checkpoint_steps", "Accepted steps between checkpoints OUTPUT_DIR/checkpoints/ckpt_STEP.h5; 0: off", &p->checkpoint_steps));
  PetscCall(OptReal(PetscOptionsObject, comm, "-checkpoint_walltime", "Wall-clock seconds between checkpoints; 0: off", &p->checkpoint_walltime));
  PetscCall(OptInt(PetscOptionsObject, comm, "-checkpoint_keep", "Newest checkpoints kept (older ones are deleted)", &p->checkpoint_keep));
  PetscCall(OptString(PetscOptionsObject, comm, "-restart", "Continue from a checkpoint: FILE, or latest (the newest valid one in OUTPUT_DIR/checkpoints)", p->restart, sizeof p->restart));
  PetscCall(OptAllowChange(PetscOptionsObject, comm, p->allow_change));
  PetscOptionsEnd();
  PetscCall(ParamsValidate(comm, p));
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

PetscErrorCode ParamsCheckUnused(MPI_Comm comm)
{
  PetscInt n;
  char   **names, **values;
  char     list[1024] = "";
  PetscInt bad = 0;

  PetscFunctionBegin;
  PetscCall(PetscOptionsLeftGet(NULL, &n, &names, &values));
  for (PetscInt i = 0; i < n; i++) {
    if (ReadAtFinalize(names[i])) continue;
    PetscCall(PetscStrlcat(list, bad ? ", -" : "-", sizeof list));
    PetscCall(PetscStrlcat(list, names[i], sizeof list));
    bad++;
  }
  PetscCall(PetscOptionsLeftRestore(NULL, &n, &names, &values));
  if (bad) UPHILL_USER_ERROR(comm, "unknown option%s %s (misspelt, or not used by this run's solvers); see 'uphill3d -help'", bad > 1 ? "s" : "", list);
  PetscFunctionReturn(0);
}

/* PETSc's options-file reader accepts lines it then ignores or misreads; check the file
   before PETSc starts so that a malformed line is an error that names the file and line. */
int ParamsCheckOptionsFile(const char *path, char *err, size_t len)
{
  FILE *fp = fopen(path, "r");
  char  line[4096];
  int   lineno = 0;

  if (!fp) {
    snprintf(err, len, "cannot open options file '%s': %s", path, strerror(errno));
    return 1;
  }
  while (fgets(line, sizeof line, fp)) {
    char *s = line, *hash = strchr(line, '#');
    lineno++;
    if (hash) *hash = 0;
    while (*s && isspace((unsigned char)*s)) s++;
    if (!*s) continue;
    if (s[0] != '-' || !isalpha((unsigned char)s[1])) {
      char *e = s + strlen(s);
      while (e > s && isspace((unsigned char)e[-1])) *--e = 0;
      snprintf(err, len, "options file '%s', line %d: expected '-option [value]', got '%s'", path, lineno, s);
      fclose(fp);
      return 1;
    }
  }
  fclose(fp);
  return 0;
}
