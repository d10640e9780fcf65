/* Run parameters: every option is read and validated once, in params.c. */
#ifndef UPHILL_PARAMS_H
#define UPHILL_PARAMS_H
#include <petscsys.h>

#if defined(PETSC_USE_COMPLEX)
  #error "uphill3d needs a real-scalar PETSc build"
#endif

typedef enum { FE_REGULAR_SOLUTION, FE_DOUBLE_WELL, FE_QUADRATIC } FreeEnergyType;
typedef enum { MOBILITY_CONSTANT, MOBILITY_DEGENERATE } MobilityModel;
typedef enum { BC_PERIODIC, BC_NOFLUX } BoundaryType;
typedef enum { IC_NOISE, IC_MODE, IC_FILE, IC_COUPLE, IC_NUCLEUS, IC_PFHUB_BM1 } InitialType;
/* The time integrator (solver.c): auto picks the fastest one the problem admits. */
typedef enum { INTEGRATOR_AUTO, INTEGRATOR_BDF, INTEGRATOR_ROSW, INTEGRATOR_ETD } IntegratorType;
/* rosw and etd: binary runs, the state c alone, linear operators inverted by transforms */
static inline PetscBool IntegratorUsesTransforms(IntegratorType t) { return (PetscBool)(t == INTEGRATOR_ROSW || t == INTEGRATOR_ETD); }
typedef enum { RESTART_CHANGE_TEMPERATURE, RESTART_CHANGE_KAPPA, RESTART_CHANGE_MOBILITY, RESTART_CHANGE_MOBILITY_MODEL, RESTART_CHANGE_COUNT } RestartChange;

/* Components N = ncomp + 1 of the general (multicomponent) path: 2 .. UPHILL_MAX_COMPONENTS. */
#define UPHILL_MAX_COMPONENTS 6
#define UPHILL_MAX_NC         (UPHILL_MAX_COMPONENTS - 1)
#define UPHILL_MAX_NUCLEI     64
/* -fft_planning auto measures FFTW's plans from this many cells per rank: below, planning costs
   about what it saves (64^3: 0.26 s, transforms ~1.1x faster); at 96^3 a run is 1.3x faster. */
#define UPHILL_FFT_MEASURE_CELLS 262144

extern const char *const FreeEnergyTypes[];
extern const char *const MobilityModels[];
extern const char *const BoundaryTypes[];
extern const char *const InitialTypes[];
extern const char *const IntegratorTypes[];

typedef struct {
  PetscInt       grid[3];   /* -da_grid_x/y/z */
  PetscReal      length[3]; /* -Lx/-Ly/-Lz */
  BoundaryType   bc;
  FreeEnergyType free_energy;
  PetscReal      omega, temperature, gas_constant, molar_volume; /* regular_solution */
  PetscReal      rho, c_alpha, c_beta;                           /* double_well */
  PetscReal      kappa;
  PetscReal      mobility;
  MobilityModel  mobility_model;
  InitialType    ic;
  PetscReal      c0, ic_amplitude;
  PetscInt       ic_seed, ic_mode[3];
  char           ic_file[PETSC_MAX_PATH_LEN];
  char           output_dir[PETSC_MAX_PATH_LEN];
  PetscInt       stats_interval;
  PetscReal      progress_interval; /* wall seconds between progress lines */
  PetscBool      final_output;      /* write OUTPUT_DIR/final.h5 at the end */
  PetscBool      mms;               /* manufactured-solution verification mode */
  PetscReal      mms_rate;          /* d(amplitude)/dt of the manufactured solution */
  IntegratorType integrator;        /* resolved: never INTEGRATOR_AUTO after ParamsRead */
  PetscBool      matrix_free;       /* Krylov operator: matrix-free Jacobian action (else the assembled one) */
  PetscBool      pc_matrix_block_diagonal; /* fine-level preconditioning matrix: point blocks only (else full) */
  PetscBool      mg_galerkin;       /* multigrid coarse operators: Galerkin products (else rediscretised); default: general */
  PetscInt       mg_levels;         /* at most this many multigrid levels; 0: as many as the grid allows */
  PetscBool      mg_gauss_seidel;   /* binary rediscretised multigrid: matrix-free levels, red-black Gauss-Seidel */
  PetscBool      fft_measure;       /* the transform integrators' FFTW plans: measured (else estimated) */
  PetscBool      fft_auto;          /* ... chosen by the size (-fft_planning auto) */
  PetscInt       ncomp;             /* independent concentrations (components - 1) */
  /* the N-component model (docs/MODEL.md section 2; multicomp.c).  general: the run uses the
     N-component kernels (N > 2, or N = 2 with any of the options below). Matrices row by row. */
  PetscBool      general;
  PetscReal      omega_matrix[UPHILL_MAX_COMPONENTS * UPHILL_MAX_COMPONENTS]; /* N x N, J/mol */
  PetscReal      hessian[UPHILL_MAX_NC * UPHILL_MAX_NC];      /* quadratic: G (J/m^3) */
  PetscReal      c_ref[UPHILL_MAX_NC];                        /* quadratic: minimum of f */
  PetscReal      kappa_matrix[UPHILL_MAX_NC * UPHILL_MAX_NC]; /* J/m */
  PetscReal      mobility_matrix[UPHILL_MAX_NC * UPHILL_MAX_NC]; /* constant L */
  PetscReal      atomic_mobilities[UPHILL_MAX_COMPONENTS];    /* M_k of the lattice-fixed L(c) */
  PetscBool      atomic;                                      /* L(c) from -atomic_mobilities */
  PetscReal      c0v[UPHILL_MAX_NC];                          /* -c0 c1,c2,... */
  PetscInt       couple_axis;                                 /* -ic couple: 0, 1, 2 */
  PetscReal      couple_left[UPHILL_MAX_NC], couple_right[UPHILL_MAX_NC], couple_width;
  /* field output series and checkpoints (output.c, checkpoint.c) */
  PetscReal      output_interval;     /* simulation time between field files; 0: off */
  PetscInt       output_steps;        /* accepted steps between field files; 0: off */
  PetscInt       checkpoint_steps;    /* accepted steps between checkpoints; 0: off */
  PetscReal      checkpoint_walltime; /* wall seconds between checkpoints; 0: off */
  PetscInt       checkpoint_keep;     /* newest checkpoints kept */
  char           restart[PETSC_MAX_PATH_LEN]; /* "" (new run), "latest", "auto" or a checkpoint file */
  PetscReal      analysis_interval;   /* simulation time between in-situ analyses (analysis.c); 0: off */
  PetscBool      allow_change[RESTART_CHANGE_COUNT]; /* -restart_allow_change: parameters that may differ */
  /* thermal noise (noise.c) and nucleation initial states (initial_nucleus.c; issue 15) */
  PetscReal      noise_temperature;   /* T_n (K); 0: deterministic */
  PetscInt       noise_seed;
  PetscReal      noise_dt;            /* the fixed step with noise; 0: tau */
  PetscInt       nucleus_count;       /* -ic nucleus: nuclei */
  PetscInt       nucleus_nradius, nucleus_ncenter; /* radii and centres given (centres: 3 numbers each) */
  PetscReal      nucleus_radius[UPHILL_MAX_NUCLEI], nucleus_center[3 * UPHILL_MAX_NUCLEI];
  PetscBool      memory_check;        /* refuse a grid whose memory estimate exceeds the node's (grid.c) */
} Params;

/* Parameters that -restart_allow_change lets differ from the checkpoint's (the state stays
   a valid state of the changed model: a temperature schedule, a new kappa or mobility). */
extern const char *const RestartChangeNames[];

PetscErrorCode ParamsRead(MPI_Comm comm, Params *p);
/* Options that a caller reads itself (uphill3d-thermo: its ternary -omega_matrix, -c0 and
   -components): ParamsReadExcept neither reads nor checks them, as if they were not given. */
enum { PARAMS_OWN_OMEGA_MATRIX = 1, PARAMS_OWN_C0 = 2, PARAMS_OWN_COMPONENTS = 4 };
PetscErrorCode ParamsReadExcept(MPI_Comm comm, int owned, Params *p);
/* A molar energy (J/mol) as an energy density (J/m^3): the one division by V_m; and RT/V_m. */
static inline PetscReal ParamsPerVolume(const Params *p, PetscReal molar) { return molar / p->molar_volume; }
static inline PetscReal ParamsRTPerVolume(const Params *p) { return ParamsPerVolume(p, p->gas_constant * p->temperature); }
/* The largest magnitude (and the inverse of the smallest non-zero one) of a real option: a
   product of a few parameters stays finite in double precision. */
#define PARAMS_MAX_MAGNITUDE 1e60
#define PARAMS_MIN_MAGNITUDE 1e-60
/* One value s of option name, or a user error that names the option (also for uphill3d-thermo). */
PetscErrorCode ParamsParseReal(MPI_Comm comm, const char *name, const char *s, PetscReal *v);
PetscErrorCode ParamsParseInt(MPI_Comm comm, const char *name, const char *s, PetscInt *v);
/* Error for every option nobody read: call once all solver objects are set up. */
PetscErrorCode ParamsCheckUnused(MPI_Comm comm);
/* The value of option name (without its '-') if it is given and nobody has read it yet, else
   "" (reading it here does not mark it as read). */
PetscErrorCode ParamsUnreadValue(const char *name, char *value, size_t len);
/* The options left unread, except those skip accepts, as one error naming them, then hint. */
PetscErrorCode ParamsCheckLeft(MPI_Comm comm, PetscBool (*skip)(const char *name), const char *hint);
/* Checks before PETSc reads them (plain C, before PetscInitialize); non-zero with a message in
   err on error: an options file (size, type, NUL bytes, one option per line, -options_file
   nesting), and the command line (a stray word, the files of -options_file). */
int ParamsCheckOptionsFile(const char *path, char *err, size_t len);
int ParamsCheckCommandLine(int argc, char **argv, char *err, size_t len);
#endif
