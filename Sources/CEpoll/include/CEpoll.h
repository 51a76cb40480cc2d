// epoll and eventfd, which Swift's Glibc module does not export, for HTTPCore's event loops.
#include <sys/epoll.h>
#include <sys/eventfd.h>
