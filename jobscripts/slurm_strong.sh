#!/bin/bash
# Strong scaling of uphill3d on Slurm: a 512^3 grid on 64, 128, 256, 512 and 1024 ranks, 3 fixed
# steps each (benchmarks/scaling.sh documents the runs and what it measures).
# Submit from the uphill3d source tree after building it (build/uphill3d):
#   sbatch jobscripts/slurm_strong.sh
# Adapt: nodes x tasks per node (1024 ranks in all), partition/account, modules.  Every rank
# count runs on all the job's nodes (NODES), spread evenly, so that the 64-rank run has the
# memory of all nodes: 512^3 needs ~1.5 KB per grid point with the default solver (measured at
# 128^3, benchmarks/README.md): ~200 GB in all.
#SBATCH --job-name=uphill3d-strong
#SBATCH --nodes=8
#SBATCH --ntasks-per-node=128
#SBATCH --time=02:00:00
#SBATCH --output=uphill3d-strong-%j.log
set -euo pipefail
cd "${SLURM_SUBMIT_DIR:-.}"
# module load petsc hdf5          # as for the build
export MPIEXEC="srun --cpu-bind=cores" NPFLAG=-n NODES=${SLURM_JOB_NUM_NODES}
export N=512 STEPS=${STEPS:-3}
export CSV=benchmarks/results/scaling_strong_512_${SLURM_JOB_ID}.csv
export DIR=${SCRATCH:-$PWD}/uphill3d_scaling/strong_${SLURM_JOB_ID}
benchmarks/scaling.sh strong 64 128 256 512 1024
