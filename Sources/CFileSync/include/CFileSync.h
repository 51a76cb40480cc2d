// sync_file_range, which Swift's Glibc module does not export (a GNU extension), for Storage's snapshot writer.
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>

/// Starts write-back of [offset, offset + count) and first waits for any write-back already running on that range;
/// returns 0 or -1 with errno. Neither flushes the device cache nor writes metadata: an fsync must still follow.
static inline int cfilesync_write_behind(int descriptor, long long offset, long long count) {
    return sync_file_range(descriptor, offset, count, SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE);
}

/// Waits until write-back of [offset, offset + count) has finished.
static inline int cfilesync_wait(int descriptor, long long offset, long long count) {
    return sync_file_range(descriptor, offset, count,
                           SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
}
