/* In-situ microstructure analysis (issue 6): the spherically averaged structure factor
   S(k) of c - <c>, its first moment k1 and length L = 2 pi / k1, the interface area per
   volume and the volume fraction of the c > c_mid phase. */
#ifndef UPHILL_ANALYSIS_H
#define UPHILL_ANALYSIS_H
#include <uphill/app.h>

typedef struct {
  PetscReal        k1, length;      /* first moment of S over all modes, 2 pi / k1 */
  PetscReal        area_per_volume; /* int |grad c| dV / ((c_beta - c_alpha) volume) */
  PetscReal        fraction;        /* volume fraction with c > c_mid */
  PetscReal        c_mid, dc;       /* level set and phase contrast used */
  PetscInt         nbins;           /* shells of width dk = 2 pi / max(L) */
  const PetscReal *k, *S;           /* shell centres and S(k): shell mean of |c_hat|^2 / N */
  const PetscReal *count;           /* modes in each shell (k and -k counted separately) */
  PetscReal        variance;        /* <(c - <c>)^2> from the spectrum (Parseval) */
} AnalysisResult;

typedef struct _p_Analysis *Analysis;
PetscErrorCode AnalysisCreate(const App *app, Analysis *an);
PetscErrorCode AnalysisCompute(Analysis an, Vec X, AnalysisResult *r);
PetscErrorCode AnalysisDestroy(Analysis *an);

/* In a run (RunControl calls these): at the initial state and then at the first accepted step
   at or past each multiple of -analysis_interval, a row of OUTPUT_DIR/analysis.csv and S(k) in
   OUTPUT_DIR/structure_factor.h5.  restart_step >= 0 continues the files of a run restarted
   from that step and time (later rows are dropped). */
PetscErrorCode AnalysisOpenOutput(Analysis an, PetscInt restart_step, PetscReal restart_time);
PetscErrorCode AnalysisAfterStep(Analysis an, PetscInt step, PetscReal t, Vec X);
/* Whether AnalysisAfterStep would measure at this step (the caller then provides the state). */
PetscBool      AnalysisDue(Analysis an, PetscInt step, PetscReal t);
#endif
