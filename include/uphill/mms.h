/* Method of manufactured solutions: c*(x,t) = c0 + (A + r t) cos(2 pi x/Lx) cos(2 pi y/Ly) cos(2 pi z/Lz),
   linear in t so that BDF integrates it exactly and only the spatial error remains. */
#ifndef UPHILL_MMS_H
#define UPHILL_MMS_H
#include <uphill/app.h>
PetscErrorCode MMSExact(const App *app, PetscReal t, Vec X);
PetscErrorCode MMSSource(TS ts, PetscReal t, Vec X, Vec G, void *ctx);
PetscErrorCode MMSError(const App *app, PetscReal t, Vec X, PetscReal *err_max, PetscReal *err_l2);
#endif
