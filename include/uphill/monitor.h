#ifndef UPHILL_MONITOR_H
#define UPHILL_MONITOR_H
#include <uphill/app.h>
typedef struct _p_Monitor *Monitor;
PetscErrorCode MonitorCreate(App *app, Monitor *mon);
PetscErrorCode MonitorAttach(Monitor mon, TS ts);
PetscErrorCode MonitorSummary(Monitor mon, TS ts);
PetscErrorCode MonitorDestroy(Monitor *mon);
#endif
