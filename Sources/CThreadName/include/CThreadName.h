// pthread_setname_np, which Swift's Glibc module does not export (a GNU extension). Foundation's Thread.name reached
// the kernel only sometimes (a race inside it: 298 of 300 threads named in a probe); this always does.
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>

/// Names the calling thread for top -H, perf and /proc (Linux keeps 15 bytes; a longer name is refused with ERANGE).
/// Returns 0 or an errno value.
static inline int cthreadname_set(const char *name) {
    return pthread_setname_np(pthread_self(), name);
}
