#ifndef UPHILL_INITIAL_H
#define UPHILL_INITIAL_H
#include <uphill/app.h>
/* Fill X with the initial state of -ic (c, and a consistent mu). */
PetscErrorCode InitialState(const App *app, Vec X);
#endif
