#!/bin/bash
# Weak scaling of uphill3d on Slurm: 128^3 grid points per rank on 1, 8, 64 and 512 ranks
# (grids 128^3 ... 1024^3), 3 fixed steps each (benchmarks/scaling.sh documents the runs).
# Submit from the uphill3d source tree after building it (build/uphill3d):
#   sbatch jobscripts/slurm_weak.sh
# Memory: ~1.5 KB per grid point with the default solver (1477 B/point measured at 128^3,
# benchmarks/README.md), i.e. ~3.1 GB per rank at 128^3 per rank: 32 ranks use ~100 GB of a
# 256 GB node (64 would fit), here 16 nodes x 32 ranks.  Every
# rank count runs on as few nodes as it needs at RANKS_PER_NODE (the weak-scaling question is
# what the network adds, so the single-node cases stay on one node).
#SBATCH --job-name=uphill3d-weak
#SBATCH --nodes=16
#SBATCH --ntasks-per-node=32
#SBATCH --time=02:00:00
#SBATCH --output=uphill3d-weak-%j.log
set -euo pipefail
cd "${SLURM_SUBMIT_DIR:-.}"
# module load petsc hdf5          # as for the build
export MPIEXEC="srun --cpu-bind=cores" NPFLAG=-n RANKS_PER_NODE=${SLURM_NTASKS_PER_NODE:-32}
export N=128 STEPS=${STEPS:-3}
export CSV=benchmarks/results/scaling_weak_128_${SLURM_JOB_ID}.csv
export DIR=${SCRATCH:-$PWD}/uphill3d_scaling/weak_${SLURM_JOB_ID}
benchmarks/scaling.sh weak 1 8 64 512
