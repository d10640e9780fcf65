#!/bin/bash
# Strong scaling of uphill3d on PBS Pro / OpenPBS: a 512^3 grid on 64 ... 1024 ranks, 3 fixed
# steps each (benchmarks/scaling.sh documents the runs).  Open MPI's mpiexec (which reads the
# PBS node file); for other launchers set MPIEXEC/NPFLAG.  Submit from the built source tree:
#   qsub jobscripts/pbs_strong.sh
# Every rank count runs on all the job's nodes, spread evenly (NODES), for memory (~200 GB).
#PBS -N uphill3d-strong
#PBS -l select=8:ncpus=128:mpiprocs=128
#PBS -l walltime=02:00:00
#PBS -j oe
set -euo pipefail
cd "${PBS_O_WORKDIR:-.}"
# module load petsc hdf5          # as for the build
NODES=$(sort -u "$PBS_NODEFILE" | wc -l)
export MPIEXEC="mpiexec --bind-to core" NPFLAG=-n NODES
export N=512 STEPS=${STEPS:-3}
jid=${PBS_JOBID%%.*}
export CSV=benchmarks/results/scaling_strong_512_${jid}.csv
export DIR=${SCRATCH:-$PWD}/uphill3d_scaling/strong_${jid}
benchmarks/scaling.sh strong 64 128 256 512 1024
