/* Assembling the run context from validated parameters, and the choice of the model's kernels. */
#include <uphill/app.h>
#include <uphill/grid.h>
#include <uphill/multigrid.h>
#include <uphill/log_events.h>
#include "kernels.h"

static void StiffnessBinary(const App *app, PetscReal *f2, PetscReal *kappa, PetscReal *mobility)
{
  *f2       = PetscAbsReal(ThermoD2F(&app->th, app->p.c0));
  *kappa    = app->p.kappa;
  *mobility = app->p.mobility;
}

static void StiffnessGeneral(const App *app, PetscReal *f2, PetscReal *kappa, PetscReal *mobility) { MultiScales(&app->mm, app->p.c0v, f2, kappa, mobility); }

static const ModelOps BinaryOps = {
  .residual = ResidualBinary, .potential = PotentialBinary, .action_state = ActionStateBinary, .action = ActionBinary,
  .jacobian = JacobianBinary, .coarse_coefficients = JacobianCoefficients, .point_block_pmat = PETSC_TRUE,
  .energy = EnergyBinary, .in_domain = InDomainBinary, .domain_step = DomainStepBinary,
  .initial = InitialBinary, .check_initial = CheckInitialBinary, .stiffness = StiffnessBinary, .report = ReportBinary,
};
static const ModelOps GeneralOps = {
  .residual = ResidualGeneral, .potential = PotentialGeneral, .action_state = ActionStateGeneral, .action = ActionGeneral,
  .jacobian = JacobianGeneral, .coarse_coefficients = NULL, .point_block_pmat = PETSC_FALSE,
  .energy = EnergyGeneral, .in_domain = InDomainGeneral, .domain_step = DomainStepGeneral,
  .initial = InitialGeneral, .check_initial = CheckInitialGeneral, .stiffness = StiffnessGeneral, .report = ReportGeneral,
};

PetscErrorCode AppSetUp(MPI_Comm comm, App *app)
{
  PetscFunctionBegin;
  PetscCall(LogEventsRegister());
  PetscCall(ThermoFromParams(&app->p, &app->th));
  app->mob.model = app->p.mobility_model;
  app->mob.m0    = app->p.mobility;
  app->s.E       = ThermoEnergyScale(&app->th);
  app->ops       = &BinaryOps;
  PetscReal kappa = app->p.kappa, mobility = app->p.mobility;
  if (app->p.general) { /* the one place the model is chosen; the largest entries set the scales */
    PetscReal g;
    app->ops = &GeneralOps;
    PetscCall(MultiFromParams(&app->p, &app->mm));
    MultiScales(&app->mm, app->p.c0v, &g, &kappa, &mobility);
    app->s.E = MultiEnergyScale(&app->mm, g);
    if (!(mobility > 0)) mobility = 1;
  }
  /* tau = kappa/(M0 E^2), the Cahn-Hilliard time scale; for kappa = 0 the grid's instead. */
  {
    const PetscReal l2 = kappa > 0 ? kappa / app->s.E : 0;
    PetscCall(GridCreate(comm, &app->p, &app->da, app->h));
    const PetscReal hmin = PetscMin(app->h[0], PetscMin(app->h[1], app->h[2]));
    app->s.tau = (l2 > 0 ? l2 : hmin * hmin) / (mobility * app->s.E);
  }
  app->dV = app->h[0] * app->h[1] * app->h[2];
  PetscFunctionReturn(0);
}

PetscErrorCode AppDestroy(App *app)
{
  PetscFunctionBegin;
  PetscCall(MultigridDestroy(&app->mg));
  PetscCall(DMDestroy(&app->da));
  PetscFunctionReturn(0);
}
