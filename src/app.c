/* Assembling the run context from validated parameters. */
#include <uphill/app.h>
#include <uphill/grid.h>

PetscErrorCode AppSetUp(MPI_Comm comm, App *app)
{
  PetscFunctionBegin;
  PetscCall(ThermoFromParams(&app->p, &app->th));
  app->mob.model = app->p.mobility_model;
  app->mob.m0    = app->p.mobility;
  app->s.E       = ThermoEnergyScale(&app->th);
  /* tau = kappa/(M0 E^2), the Cahn-Hilliard time scale; for kappa = 0 the grid's instead. */
  {
    const PetscReal l2 = app->p.kappa > 0 ? app->p.kappa / app->s.E : 0;
    PetscCall(GridCreate(comm, &app->p, &app->da, app->h));
    const PetscReal hmin = PetscMin(app->h[0], PetscMin(app->h[1], app->h[2]));
    app->s.tau = (l2 > 0 ? l2 : hmin * hmin) / (app->p.mobility * app->s.E);
  }
  app->dV = app->h[0] * app->h[1] * app->h[2];
  PetscFunctionReturn(0);
}

PetscErrorCode AppDestroy(App *app)
{
  PetscFunctionBegin;
  PetscCall(DMDestroy(&app->da));
  PetscFunctionReturn(0);
}
