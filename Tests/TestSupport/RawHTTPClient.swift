import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A blocking TCP client for wire-level tests: send exact bytes, read exact responses, see when the server closes.
public final class RawHTTPClient {
    public struct Response: Sendable {
        public let status: Int
        public let headers: [(name: String, value: String)]
        public let body: Data

        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    public enum Failure: Error { case connect(Int32), closed, timeout, malformed(String) }
    /// Long, for a loaded CI machine: no test relies on a read timing out, only on an answer or a close.
    public static let readTimeout: TimeInterval = 30

    private let descriptor: Int32
    private var buffer: [UInt8] = []

    public init(port: Int, host: String = "127.0.0.1", timeout: TimeInterval = RawHTTPClient.readTimeout) throws {
        // Stored only once connected: a class whose init throws after every property is set runs its deinit,
        // which would close the descriptor a second time, and by then the number may belong to another test's
        // file or socket (a refused connect closed a store's WAL segment that way, and a server's sockets).
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &address.sin_addr)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            let error = errno
            Glibc.close(descriptor)
            throw Failure.connect(error)
        }
        self.descriptor = descriptor
        setTimeout(timeout)
        var one: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { Glibc.close(descriptor) }

    public func setTimeout(_ seconds: TimeInterval) {
        var value = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1_000_000))
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    public func send(_ text: String) throws { try send(Array(text.utf8)) }

    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { throw Failure.closed }
            offset += count
        }
    }

    /// Half-closes: the server sees end of input but can still answer.
    public func shutdownWrite() { Glibc.shutdown(descriptor, Int32(SHUT_WR)) }

    /// Reads more bytes; false at end of stream. Throws on timeout.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let count = recv(descriptor, &chunk, chunk.count, 0)
        if count > 0 {
            buffer += chunk[0..<count]
            return true
        }
        if count == 0 || errno == ECONNRESET { return false }
        if errno == EAGAIN || errno == EWOULDBLOCK { throw Failure.timeout }
        return false
    }

    /// Reads one response (a `100 Continue` counts as one). `head`: the request was HEAD, so no body follows.
    public func readResponse(head: Bool = false) throws -> Response {
        while true {
            if let end = find([13, 10, 13, 10]) {
                let headText = String(decoding: buffer[0..<end], as: UTF8.self)
                var lines = headText.components(separatedBy: "\r\n")
                let statusLine = lines.removeFirst()
                let parts = statusLine.split(separator: " ", maxSplits: 2)
                guard parts.count >= 2, parts[0] == "HTTP/1.1", let status = Int(parts[1]) else {
                    throw Failure.malformed(statusLine)
                }
                let headers = try lines.map { line -> (name: String, value: String) in
                    guard let colon = line.firstIndex(of: ":") else { throw Failure.malformed(line) }
                    return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
                }
                let lengths = headers.filter { $0.name.lowercased() == "content-length" }
                guard lengths.count <= 1 else { throw Failure.malformed("two Content-Length") }
                let length = status < 200 || status == 204 || status == 304 || head ? 0 : Int(lengths.first?.value ?? "0") ?? -1
                guard length >= 0 else { throw Failure.malformed("Content-Length") }
                while buffer.count < end + 4 + length {
                    guard try fill() else { throw Failure.closed }
                }
                let body = Data(buffer[(end + 4)..<(end + 4 + length)])
                buffer.removeFirst(end + 4 + length)
                return Response(status: status, headers: headers, body: body)
            }
            guard try fill() else { throw Failure.closed }
        }
    }

    /// True when the server has closed (end of stream or reset) within `timeout` and sent nothing more.
    public func isClosed(within timeout: TimeInterval = 2) -> Bool {
        setTimeout(timeout)
        defer { setTimeout(Self.readTimeout) }
        guard buffer.isEmpty else { return false }
        do { return try !fill() } catch { return false }
    }

    private func find(_ pattern: [UInt8]) -> Int? {
        guard buffer.count >= pattern.count else { return nil }
        for index in 0...(buffer.count - pattern.count) where buffer[index] == pattern[0] {
            if Array(buffer[index..<(index + pattern.count)]) == pattern { return index }
        }
        return nil
    }
}
