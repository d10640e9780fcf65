"""Helpers of the thermal-noise tests (issue 15; not a test of its own): the discrete
Ornstein-Zernike structure factor averaged over the in-situ analysis's shells, the analysis's
spectra, and batch-mean statistical errors."""
import math
import os

import numpy as np


def mode_k2(grid, lengths):
    """|k| (binning) and the discrete Laplacian symbol K^2 of every DFT mode of the grid."""
    ks, k2s = [], []
    for N, L in zip(grid, lengths):
        m = np.fft.fftfreq(N, d=1.0 / N) if N > 1 else np.zeros(1)
        h = L / N
        k = 2 * math.pi * m / L
        ks.append(k)
        k2s.append(4 / h ** 2 * np.sin(k * h / 2) ** 2 if N > 1 else np.zeros(1))
    K = np.meshgrid(*ks, indexing="ij")
    K2 = np.meshgrid(*k2s, indexing="ij")
    kabs = np.sqrt(sum(x ** 2 for x in K)).ravel()
    return kabs, sum(K2).ravel()


def shell_average(grid, lengths, values_of_k2):
    """Shell means of values_of_k2(K^2) over the modes of each analysis shell (bin =
    round(|k|/dk), dk = 2 pi / the largest box length of a direction with more than one cell),
    and the modes in each shell."""
    kabs, K2 = mode_k2(grid, lengths)
    dk = 2 * math.pi / max(L for N, L in zip(grid, lengths) if N > 1)
    b = np.floor(kabs / dk + 0.5).astype(int)
    nb = b.max() + 1
    count = np.bincount(b, minlength=nb).astype(float)
    vals = values_of_k2(K2)
    total = np.bincount(b, weights=vals, minlength=nb)
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / count, count


def read_spectra(outdir):
    """(times, k, S[time, shell], count) from OUTPUT_DIR/structure_factor.h5."""
    import h5py
    with h5py.File(os.path.join(outdir, "structure_factor.h5"), "r") as f:
        k = np.array(f["k"])
        names = sorted(n for n in f if n.startswith("step_"))
        t = np.array([float(f[n].attrs["time"][()]) for n in names])
        S = np.array([np.array(f[n]["S"]) for n in names])
        count = np.array(f[names[-1]]["count"])
    order = np.argsort(t)
    return t[order], k, S[order], count


def batch_mean(x, nbatch):
    """Mean of the rows of x and its standard error from nbatch consecutive batch means."""
    n = (len(x) // nbatch) * nbatch
    b = x[len(x) - n:].reshape(nbatch, n // nbatch, *x.shape[1:]).mean(axis=1)
    return b.mean(axis=0), b.std(axis=0, ddof=1) / math.sqrt(nbatch)
