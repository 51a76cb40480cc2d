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
            case .closed:
                close()
                return
            }
        }
        pending.removeAll(keepingCapacity: true)
        pendingOffset = 0
        if let source = writeSource, !writeSuspended {
            writeSuspended = true
            source.suspend()
        }
        if let completion = afterWrite {
            afterWrite = nil
            completion()
        }
    }

    private func waitForWritable() {
        if writeSource == nil {
            let source = DispatchSource.makeWriteSource(fileDescriptor: descriptor, queue: queue)
            source.setEventHandler { [weak self] in self?.flush() }
            writeSource = source
            writeSuspended = true
        }
        if writeSuspended, let source = writeSource {
            writeSuspended = false
            source.resume()
        }
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
        readSource?.setEventHandler { [weak self] in
            guard let self else { return }
            var scratch = [UInt8](repeating: 0, count: 16 * 1024)
            while true {
                let count = Glibc.read(self.descriptor, &scratch, scratch.count)
                if count > 0 { continue }
                if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return }
                self.release()
                return
            }
        }
        timer?.setEventHandler { [weak self] in self?.release() }
        timer?.schedule(deadline: .now() + 1, repeating: .never)
        if readSuspended, let source = readSource {
            readSuspended = false
            source.resume()
        }
    }

    /// Cancels the sources; the descriptor is closed when the read source's cancellation has run, so no
    /// event can reach a reused descriptor number.
    private func release() {
        guard let readSource else { return }
        self.readSource = nil
        timer?.setEventHandler {}
        timer?.cancel()
        timer = nil
        if let writeSource {
            if writeSuspended { writeSource.resume() }
            writeSource.cancel()
            self.writeSource = nil
        }
        let descriptor = self.descriptor
        let server = self.server
        readSource.setCancelHandler { [self] in
            Glibc.close(descriptor)
            server.connectionClosed(self)
        }
        if readSuspended { readSource.resume() }
        readSource.cancel()
    }
}
