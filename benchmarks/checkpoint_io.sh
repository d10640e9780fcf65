#!/usr/bin/env bash
# Checkpoint I/O: write and read an N^3 checkpoint (default 256^3) with uphill3d on 1 and 2
# ranks, beside the raw sequential speed of the same disk measured here with dd.
#
#   benchmarks/checkpoint_io.sh                       # N=256, ranks "1 2", build/uphill3d
#   N=128 RANKS="1 2 4" UPHILL3D=build/uphill3d DIR=/scratch/me/ckio CSV=out.csv benchmarks/checkpoint_io.sh
#
# Each point is two tiny runs: -ts_max_steps 0 with -checkpoint_steps 1 writes the initial
# state's checkpoint (a run that takes no step still ends with one), and -restart latest reads
# it back.  uphill3d prints the time of each:
#   write: from opening the .tmp file to the end of its fsync (the data are on disk);
#   read:  opening the file and reading the state (VecLoad), before the checksum test.
# The solver is cut down to what these runs need (-ksp_type preonly -pc_type none, BAIJ
# matrix) so that 256^3 fits in ~10 GB of memory; it does not change the file.
# dd: 'dd conv=fdatasync' writes a file of the checkpoint's size (1 MiB blocks); dd reads it
# back with iflag=direct (the disk) and from the page cache.  uphill3d's read comes from the
# page cache too unless the script can drop it (/proc/sys/vm/drop_caches, root outside a
# container): the 'read_from' column says which.
# Prints a table and writes CSV (default benchmarks/results/checkpoint_io.csv).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-256}
RANKS=${RANKS:-"1 2"}
UPHILL3D=${UPHILL3D:-build/uphill3d}
MPIEXEC=${MPIEXEC:-mpiexec --oversubscribe}
DIR=${DIR:-$(mktemp -d "${TMPDIR:-/tmp}/uphill3d_ckio.XXXXXX")}
CSV=${CSV:-benchmarks/results/checkpoint_io.csv}
export OMPI_ALLOW_RUN_AS_ROOT=${OMPI_ALLOW_RUN_AS_ROOT:-1} OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=${OMPI_ALLOW_RUN_AS_ROOT_CONFIRM:-1}
export OMPI_MCA_mpi_yield_when_idle=1

[ -x "$UPHILL3D" ] || { echo "checkpoint_io.sh: no uphill3d at $UPHILL3D (build it, or set UPHILL3D)" >&2; exit 1; }
mkdir -p "$DIR" "$(dirname "$CSV")"
echo "checkpoint I/O benchmark: ${N}^3 grid, ranks: $RANKS, directory $DIR ($(df -h --output=source,fstype "$DIR" | tail -1 | tr -s ' '))"

drop_caches() { sync; { echo 3 > /proc/sys/vm/drop_caches; } 2>/dev/null && echo dropped || echo page_cache; }

# dd: raw sequential write (fdatasync) and read of the same size as the checkpoint
ddrate() { # prints GB/s from dd's "N bytes ... copied, T s" line
  awk '/copied/ { for (i = 1; i <= NF; i++) if ($i ~ /^s,?$/) t = $(i-1); print $1 / t / 1e9 }'
}
points=$((N * N * N))
mib=$(( (points * 16 + 1048575) / 1048576 ))
dd_w=$(dd if=/dev/zero of="$DIR/dd.bin" bs=1M count=$mib conv=fdatasync 2>&1 | ddrate)
dd_rd=$( (dd if="$DIR/dd.bin" of=/dev/null bs=1M iflag=direct 2>&1 || true) | ddrate)
dd_rc=$(dd if="$DIR/dd.bin" of=/dev/null bs=1M 2>&1 | ddrate)
rm -f "$DIR/dd.bin"

common=(-da_grid_x $N -da_grid_y $N -da_grid_z $N -ts_max_steps 0 -checkpoint_steps 1 -final_output 0
        -integrator bdf -ksp_type preonly -pc_type none -dm_mat_type baij -progress_interval 1000)
echo "ranks,grid,points,file_bytes,bytes_per_point,write_s,write_GBps,read_s,read_GBps,read_from,dd_write_GBps,dd_read_direct_GBps,dd_read_cached_GBps" > "$CSV"
printf "\n%5s %8s %12s %11s %8s %10s %8s %10s %-10s | %9s %10s %10s\n" ranks grid "file (B)" "B/point" "write s" "write GB/s" "read s" "read GB/s" "read from" "dd write" "dd rd dir" "dd rd cache"
for np in $RANKS; do
  out="$DIR/np$np"
  rm -rf "$out"
  launch=($UPHILL3D)
  [ "$np" -gt 1 ] && launch=($MPIEXEC -n "$np" $UPHILL3D)
  w=$("${launch[@]}" "${common[@]}" -output_dir "$out" 2>&1 | tee "$DIR/write_np$np.log" | grep '^checkpoint: wrote') || { cat "$DIR/write_np$np.log" >&2; exit 1; }
  from=$(drop_caches)
  r=$("${launch[@]}" "${common[@]}" -output_dir "$out" -restart latest 2>&1 | tee "$DIR/read_np$np.log" | grep '^restart: read') || { cat "$DIR/read_np$np.log" >&2; exit 1; }
  file=$(ls "$out"/checkpoints/ckpt_*.h5)
  bytes=$(stat -c %s "$file")
  ws=$(sed -E 's/.* in ([0-9.e+-]+) s .*/\1/' <<< "$w")
  rs=$(sed -E 's/.* in ([0-9.e+-]+) s .*/\1/' <<< "$r")
  wr=$(awk -v b=$bytes -v t=$ws 'BEGIN { print b / t / 1e9 }')
  rr=$(awk -v b=$bytes -v t=$rs 'BEGIN { print b / t / 1e9 }')
  bpp=$(awk -v b=$bytes -v n=$points 'BEGIN { printf "%.3f", b / n }')
  echo "$np,${N}^3,$points,$bytes,$bpp,$ws,$wr,$rs,$rr,$from,$dd_w,$dd_rd,$dd_rc" >> "$CSV"
  printf "%5s %8s %12s %11s %8.3f %10.3f %8.3f %10.3f %-10s | %9.3f %10.3f %10.3f\n" "$np" "${N}^3" "$bytes" "$bpp" "$ws" "$wr" "$rs" "$rr" "$from" "$dd_w" "${dd_rd:-0}" "$dd_rc"
  rm -rf "$out"
done
echo
echo "GB/s = 1e9 bytes/s.  CSV: $CSV"
