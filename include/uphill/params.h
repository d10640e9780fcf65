/* Run parameters: every option is read and validated once, in params.c. */
#ifndef UPHILL_PARAMS_H
#define UPHILL_PARAMS_H
#include <petscsys.h>

#if defined(PETSC_USE_COMPLEX)
  #error "uphill3d needs a real-scalar PETSc build"
#endif

typedef enum { FE_REGULAR_SOLUTION, FE_DOUBLE_WELL } FreeEnergyType;
typedef enum { MOBILITY_CONSTANT, MOBILITY_DEGENERATE } MobilityModel;
typedef enum { BC_PERIODIC, BC_NOFLUX } BoundaryType;
typedef enum { IC_NOISE, IC_MODE, IC_FILE } InitialType;

extern const char *const FreeEnergyTypes[];
extern const char *const MobilityModels[];
extern const char *const BoundaryTypes[];
extern const char *const InitialTypes[];

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
  PetscInt       ncomp;             /* independent concentrations (components - 1) */
} Params;

PetscErrorCode ParamsRead(MPI_Comm comm, Params *p);
/* Error for every option nobody read: call once all solver objects are set up. */
PetscErrorCode ParamsCheckUnused(MPI_Comm comm);
/* Syntax check of an options file before PETSc reads it; non-zero with a message on error. */
int ParamsCheckOptionsFile(const char *path, char *err, size_t len);
#endif
