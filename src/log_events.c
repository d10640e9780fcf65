/* The application's log events (log_events.h), in a class of their own ("uphill3d"). */
#include <uphill/log_events.h>

LogEvents UphillEvents;

PetscErrorCode LogEventsRegister(void)
{
  static PetscBool registered = PETSC_FALSE;
  PetscClassId     cls;

  PetscFunctionBegin;
  if (registered) PetscFunctionReturn(0);
  registered = PETSC_TRUE;
  PetscCall(PetscClassIdRegister("uphill3d", &cls));
  PetscCall(PetscLogEventRegister("UphResidual", cls, &UphillEvents.residual));
  PetscCall(PetscLogEventRegister("UphJacAction", cls, &UphillEvents.jac_action));
  PetscCall(PetscLogEventRegister("UphJacAssemble", cls, &UphillEvents.jac_assembly));
  PetscCall(PetscLogEventRegister("UphMGSetUp", cls, &UphillEvents.mg_setup));
  PetscCall(PetscLogEventRegister("UphMGLevel", cls, &UphillEvents.mg_level));
  PetscCall(PetscLogEventRegister("UphMGTransfer", cls, &UphillEvents.mg_transfer));
  PetscCall(PetscLogEventRegister("UphSpectralSolve", cls, &UphillEvents.spectral));
  PetscCall(PetscLogEventRegister("UphOutput", cls, &UphillEvents.output));
  PetscCall(PetscLogEventRegister("UphCkptWrite", cls, &UphillEvents.ckpt_write));
  PetscCall(PetscLogEventRegister("UphCkptRead", cls, &UphillEvents.ckpt_read));
  PetscCall(PetscLogEventRegister("UphAnalysis", cls, &UphillEvents.analysis));
  PetscFunctionReturn(0);
}
