#!/usr/bin/env python3
"""What a WAL batch's fdatasync costs on this disk: appending to a growing file (as the WAL did) against
overwriting a file zero-filled beforehand (the size, and so the inode, no longer changes with each sync: what
the WAL now does, within the zeros a segment reserves ahead of its records).

Run by hand: python3 benchmarks/wal-fsync.py [--dir DIR] [--syncs N] [--batch BYTES]
DIR must be on the disk the data folder uses (default: a temporary folder beside this script's repository).
"""
import argparse, os, resource, shutil, tempfile, time

def measure(folder, prezeroed, syncs, batch):
    path = os.path.join(folder, "segment")
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        if prezeroed:
            os.write(fd, b"\0" * (syncs * batch + 4096))
            os.fsync(fd)
            os.lseek(fd, 0, os.SEEK_SET)
        record = b"x" * batch
        before, started = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
        for _ in range(syncs):
            os.write(fd, record)
            os.fdatasync(fd)
        elapsed, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF)
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        return syncs / elapsed, elapsed / syncs * 1e6, cpu / syncs * 1e6
    finally:
        os.close(fd)
        os.remove(path)

def main():
    parser = argparse.ArgumentParser()
    repository = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--dir", default=repository)
    parser.add_argument("--syncs", type=int, default=4000)
    parser.add_argument("--batch", type=int, default=600 * 26, help="bytes per sync (default: 26 reports of 600 B)")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix=".build-wal-fsync.", dir=args.dir)
    try:
        for _ in range(2):
            for label, prezeroed in (("appending", False), ("pre-zeroed", True)):
                rate, wall, cpu = measure(folder, prezeroed, args.syncs, args.batch)
                print(f"{label:10s} {rate:7.0f} syncs/s  {wall:6.1f} us wall  {cpu:5.1f} us CPU per {args.batch}-byte batch")
    finally:
        shutil.rmtree(folder)

if __name__ == "__main__":
    main()
