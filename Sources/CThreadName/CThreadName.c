// Headers only: see include/CThreadName.h.
#include "CThreadName.h"
