#if canImport(Glibc)
import Glibc
#endif

enum IOResult {
    case bytes(Int)
    /// Try again when the socket is readable (a read) or writable (a write).
    case wouldBlock
    /// TLS must send before this read can go on (a handshake or session tickets meeting a full send buffer).
    case wantsWritable
    /// TLS must receive before this write can go on (a renegotiation).
    case wantsReadable
    case closed
}

/// Bytes in and out of one connection: plain TCP or TLS over it.
protocol Transport: AnyObject {
    /// True when a read that returns less than asked for has left nothing unread that the socket would not
    /// report as readable again. Then a reader stops there instead of reading once more just to be told
    /// "would block". TLS may hold decrypted bytes back, so it reads on.
    var shortReadDrains: Bool { get }
    func read(into buffer: UnsafeMutableRawBufferPointer) -> IOResult
    func write(_ bytes: UnsafeRawBufferPointer) -> IOResult
    func shutdown()
}

final class PlainTransport: Transport {
    let descriptor: Int32

    init(descriptor: Int32) { self.descriptor = descriptor }

    /// The loops' epoll is level-triggered: bytes left in the socket are reported again.
    var shortReadDrains: Bool { true }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> IOResult {
        while true {
            let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            if count > 0 { return .bytes(count) }
            if count == 0 { return .closed }
            if errno == EINTR { continue }
            return errno == EAGAIN || errno == EWOULDBLOCK ? .wouldBlock : .closed
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer) -> IOResult {
        while true {
            let count = send(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
            if count >= 0 { return .bytes(count) }
            if errno == EINTR { continue }
            return errno == EAGAIN || errno == EWOULDBLOCK ? .wouldBlock : .closed
        }
    }

    func shutdown() {}
}
