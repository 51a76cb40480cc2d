import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Writing answers without blocking, and closing cleanly.
extension Connection {
    /// Queues bytes; `then` runs once they (and everything before them) are written.
    func enqueue(_ bytes: [UInt8], then completion: (() -> Void)?) {
        if pending.isEmpty {
            pending = bytes
            pendingOffset = 0
        } else {
            pending.append(contentsOf: bytes)
        }
        if let completion {
            let earlier = afterWrite
            afterWrite = { earlier?(); completion() }
        }
        flush()
    }

    func flush() {
        while pendingOffset < pending.count {
            let result = pending.withUnsafeBytes { all in
                transport.write(UnsafeRawBufferPointer(rebasing: all[pendingOffset...]))
            }
            switch result {
            case .bytes(let count):
                pendingOffset += count
            case .wouldBlock:
                waitForWritable()
                // A reader that never drains its answer is dropped after the body timeout (slow read).
                arm(configuration.bodyTimeout)
                return
            case .wantsReadable:
                writeWaitsForReadable = true
                updateInterest()
                arm(configuration.bodyTimeout)
                return
            case .wantsWritable:
                close()
                return
            case .closed:
                close()
                return
            }
        }
        pending.removeAll(keepingCapacity: true)
        pendingOffset = 0
        if waitingToWrite {
            waitingToWrite = false
            updateInterest()
        }
        if let completion = afterWrite {
            afterWrite = nil
            completion()
        }
    }

    private func waitForWritable() {
        guard !waitingToWrite else { return }
        waitingToWrite = true
        updateInterest()
    }

    /// Closes the connection. `lingering`: half-close first and discard what the client still sends for a
    /// moment, so an error answer is not destroyed by a reset from unread bytes (RFC 9112 §9.6).
    func close(lingering: Bool = false) {
        guard !isClosed(phase) else { return }
        phase = .closed
        afterWrite = nil
        transport.shutdown()
        if lingering && !peerClosed {
            Glibc.shutdown(descriptor, Int32(SHUT_WR))
            lingerThenRelease()
            return
        }
        release()
    }

    private func lingerThenRelease() {
        lingering = true
        waitingToWrite = false
        readSuspended = false
        updateInterest()
        arm(1)
    }

    func drainWhileLingering() {
        var scratch = [UInt8](unsafeUninitializedCapacity: 16 * 1024) { _, count in count = 16 * 1024 }
        while true {
            let count = Glibc.read(descriptor, &scratch, scratch.count)
            if count > 0 { continue }
            if count < 0 && errno == EINTR { continue }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return }
            release()
            return
        }
    }

    /// Leaves the loop and closes the descriptor, on the loop's thread, so no event can reach a reused
    /// descriptor number.
    func release() {
        guard !released else { return }
        released = true
        deadline = nil
        loop.deregister(descriptor)
        Glibc.close(descriptor)
        endHandlerTask()
        server.connectionClosed(self)
    }
}
