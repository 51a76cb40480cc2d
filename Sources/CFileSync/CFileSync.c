// Headers only: see include/CFileSync.h.
#include "CFileSync.h"
