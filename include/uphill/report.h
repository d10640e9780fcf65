#ifndef UPHILL_REPORT_H
#define UPHILL_REPORT_H
#include <uphill/app.h>
/* The start-of-run parameter report (docs/MODEL.md section 4), with a resolution warning. */
PetscErrorCode ReportParameters(const App *app);
#endif
