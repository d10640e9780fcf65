#!/bin/bash
# Weak scaling of uphill3d on PBS Pro / OpenPBS: 128^3 grid points per rank on 1, 8, 64 and 512
# ranks, 3 fixed steps each (benchmarks/scaling.sh documents the runs).  Open MPI's mpiexec.
#   qsub jobscripts/pbs_weak.sh
# ~1.5 KB per grid point (1477 B/point measured at 128^3, benchmarks/README.md): ~3.1 GB per rank,
# ~100 GB for 32 ranks of a 256 GB node; as few nodes as each run needs.
#PBS -N uphill3d-weak
#PBS -l select=16:ncpus=32:mpiprocs=32
#PBS -l walltime=02:00:00
#PBS -j oe
set -euo pipefail
cd "${PBS_O_WORKDIR:-.}"
# module load petsc hdf5          # as for the build
export MPIEXEC="mpiexec --bind-to core" NPFLAG=-n RANKS_PER_NODE=32
export N=128 STEPS=${STEPS:-3}
jid=${PBS_JOBID%%.*}
export CSV=benchmarks/results/scaling_weak_128_${jid}.csv
export DIR=${SCRATCH:-$PWD}/uphill3d_scaling/weak_${jid}
benchmarks/scaling.sh weak 1 8 64 512
