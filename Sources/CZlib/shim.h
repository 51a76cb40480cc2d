#ifndef CLEANHEAT_CZLIB_SHIM_H
#define CLEANHEAT_CZLIB_SHIM_H
#include <zlib.h>
#endif
