/* In-situ analysis on fields with a known answer, on any rank count:
     mode:     c = c0 + A cos(2 pi (n.x)/L): k1 = |k| exactly (to round-off), the S(k) peak in
               the shell of |k| with shell power S count N = A^2 N / 2, and Parseval's variance A^2/2;
     twomodes: amplitudes A1, A2 at |k_a|, |k_b|: k1 = (k_a A1^2 + k_b A2^2)/(A1^2 + A2^2);
     lamellae: 2n monotone diffuse interfaces across x between the binodal compositions:
               area per volume = 2n/Lx exactly, phase fraction = 1/2 exactly;
     sphere:   a diffuse sphere c(r) = tanh profile of radius R = -A1 Lx and width w = 2h in
               the middle of the box: int |grad c| dV / dc = int |c'(r)| 4 pi r^2 dr / dc =
               4 pi (R^2 + pi^2 w^2 / 12) (the sech^2 profile's second moment), volume fraction
               4/3 pi R^3 / V; both to 1% (the error of a curved interface on the grid, ~0.5%;
               an anisotropic, e.g. L1, gradient norm would be off by up to 50%).
   Tolerances otherwise: 1e-10 relative, well above FFT round-off (~1e-14) and far below any
   binning, normalisation or weighting error (which are O(1) or at least O(1/N)). */
#include <uphill/analysis.h>
#include <uphill/grid.h>
#include <uphill/thermo.h>

static int failures = 0;

static void Check(MPI_Comm comm, PetscBool ok, const char *what, double got, double want)
{
  PetscPrintf(comm, "%s  %-58s got %.15g want %.15g\n", ok ? "ok  " : "FAIL", what, got, want);
  if (!ok) failures++;
}

static PetscBool Close(double a, double b) { return PetscAbsReal(a - b) <= 1e-10 * PetscMax(1.0, PetscAbsReal(b)); }

static PetscErrorCode Fill(const App *app, Vec X, const char *which, PetscReal A1, const PetscInt n1[3], PetscReal A2, const PetscInt n2[3])
{
  GridBox      b;
  PetscScalar *xa;
  PetscReal    clo = 0.2, chi = 0.8;
  PetscBool    lam, sph;

  PetscFunctionBegin;
  PetscCall(PetscStrcmp(which, "lamellae", &lam));
  PetscCall(PetscStrcmp(which, "sphere", &sph));
  (void)ThermoBinodal(&app->th, &clo, &chi);
  PetscCall(GridGetBox(app->da, &b));
  PetscCall(VecGetArray(X, &xa));
  GRID_FOR_OWNED(&b, i, j, k)
  {
    const PetscReal x[3] = {GridCoord(app, 0, i), GridCoord(app, 1, j), GridCoord(app, 2, k)};
    PetscReal       p1 = 0, p2 = 0, c;
    for (int d = 0; d < 3; d++) {
      p1 += 2 * PETSC_PI * n1[d] * x[d] / app->p.length[d];
      p2 += 2 * PETSC_PI * n2[d] * x[d] / app->p.length[d];
    }
    if (lam) { /* extremes sampled exactly at cell centres: the shift puts a peak on cell 0 */
      const PetscReal s = PetscCosReal(2 * PETSC_PI * n1[0] * (x[0] - 0.5 * app->h[0]) / app->p.length[0]);
      c = clo + (chi - clo) * 0.5 * (1 + PetscTanhReal(3 * s) / PetscTanhReal(3));
    } else if (sph) {
      PetscReal r2 = 0;
      for (int d = 0; d < 3; d++) r2 += PetscSqr(x[d] - 0.5 * app->p.length[d]);
      c = clo + (chi - clo) * 0.5 * (1 + PetscTanhReal((-A1 * app->p.length[0] - PetscSqrtReal(r2)) / (2 * app->h[0])));
    } else c = 0.5 + A1 * PetscCosReal(p1) + A2 * PetscCosReal(p2);
    xa[2 * GridOwned(&b, i, j, k)]     = c;
    xa[2 * GridOwned(&b, i, j, k) + 1] = 0;
  }
  PetscCall(VecRestoreArray(X, &xa));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  App            app;
  Vec            X;
  Analysis       an;
  AnalysisResult r;
  char           which[32] = "mode";
  PetscInt       n1[3] = {2, 1, 1}, n2[3] = {0, 3, 0}, nn = 3;
  PetscReal      A1 = 0.01, A2 = 0;
  MPI_Comm       comm;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  comm = PETSC_COMM_WORLD;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-case", which, sizeof which, NULL));
  PetscCall(PetscOptionsGetIntArray(NULL, NULL, "-n1", n1, &nn, NULL));
  nn = 3;
  PetscCall(PetscOptionsGetIntArray(NULL, NULL, "-n2", n2, &nn, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-A1", &A1, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-A2", &A2, NULL));
  PetscCall(PetscMemzero(&app, sizeof app));
  PetscCall(ParamsRead(comm, &app.p));
  PetscCall(AppSetUp(comm, &app));
  PetscCall(DMCreateGlobalVector(app.da, &X));
  PetscCall(Fill(&app, X, which, A1, n1, A2, n2));
  PetscCall(AnalysisCreate(&app, &an));
  PetscCall(AnalysisCompute(an, X, &r));

  PetscReal ka = 0, kb = 0, npts = (PetscReal)(app.p.grid[0] * app.p.grid[1] * app.p.grid[2]);
  for (int d = 0; d < 3; d++) {
    ka += PetscSqr(2 * PETSC_PI * n1[d] / app.p.length[d]);
    kb += PetscSqr(2 * PETSC_PI * n2[d] / app.p.length[d]);
  }
  ka = PetscSqrtReal(ka), kb = PetscSqrtReal(kb);
  if (!strcmp(which, "lamellae")) {
    Check(comm, Close(r.area_per_volume, 2.0 * n1[0] / app.p.length[0]), "interface area per volume = 2n/Lx", r.area_per_volume, 2.0 * n1[0] / app.p.length[0]);
    Check(comm, Close(r.fraction, 0.5), "phase fraction", r.fraction, 0.5);
  } else if (!strcmp(which, "sphere")) {
    const PetscReal R = -A1 * app.p.length[0], V = app.p.length[0] * app.p.length[1] * app.p.length[2];
    const PetscReal w = 2 * app.h[0], area = 4 * PETSC_PI * (R * R + PETSC_PI * PETSC_PI * w * w / 12) / V, frac = 4 * PETSC_PI * R * R * R / (3 * V);
    Check(comm, PetscAbsReal(r.area_per_volume / area - 1) <= 0.01, "sphere: area per volume 4 pi (R^2 + pi^2 w^2/12)/V (1%)", r.area_per_volume, area);
    Check(comm, PetscAbsReal(r.fraction / frac - 1) <= 0.01, "sphere: volume fraction 4/3 pi R^3/V (1%)", r.fraction, frac);
  } else {
    const PetscReal want = (ka * A1 * A1 + kb * A2 * A2) / (A1 * A1 + A2 * A2);
    Check(comm, Close(r.k1, want), "first moment k1", r.k1, want);
    Check(comm, Close(r.length, 2 * PETSC_PI / want), "length L = 2 pi / k1", r.length, 2 * PETSC_PI / want);
    Check(comm, Close(r.variance, 0.5 * (A1 * A1 + A2 * A2)), "variance from the spectrum (Parseval)", r.variance, 0.5 * (A1 * A1 + A2 * A2));
    PetscInt peak = 0;
    for (PetscInt b = 1; b < r.nbins; b++)
      if (r.S[b] * r.count[b] > r.S[peak] * r.count[peak]) peak = b;
    const PetscInt bin_a = (PetscInt)(ka / r.k[1] + 0.5);
    if (A2 == 0) {
      Check(comm, peak == bin_a, "S(k) peaks in the shell of |k|", (double)r.k[peak], (double)r.k[bin_a]);
      Check(comm, Close(r.S[peak] * r.count[peak], 0.5 * A1 * A1 * npts), "shell power S count = A^2 N / 2", r.S[peak] * r.count[peak], 0.5 * A1 * A1 * npts);
    }
  }
  PetscCall(AnalysisDestroy(&an));
  PetscCall(VecDestroy(&X));
  PetscCall(AppDestroy(&app));
  PetscCall(PetscFinalize());
  return failures ? 1 : 0;
}
