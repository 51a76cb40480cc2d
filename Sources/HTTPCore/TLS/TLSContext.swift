import COpenSSL

/// An OpenSSL server context: TLS 1.2 or later, certificate and key from PEM files.
public final class TLSContext: @unchecked Sendable {
    let context: OpaquePointer

    public init(configuration: TLSConfiguration) throws {
        guard let context = SSL_CTX_new(TLS_server_method()) else { throw TLSError("SSL_CTX_new") }
        self.context = context
        // TLS 1.2 minimum: older versions have known weaknesses.
        guard SSL_CTX_ctrl(context, SSL_CTRL_SET_MIN_PROTO_VERSION, Int(TLS1_2_VERSION), nil) == 1 else {
            throw TLSError("SSL_CTX_set_min_proto_version")
        }
        // TLS 1.2 suites with forward secrecy and authenticated encryption only (TLS 1.3's are all such): OpenSSL's
        // default list still took RSA key exchange and CBC with SHA-1 from a client asking for them.
        guard SSL_CTX_set_cipher_list(context, Self.tls12Ciphers) == 1 else { throw TLSError("SSL_CTX_set_cipher_list") }
        guard SSL_CTX_use_certificate_chain_file(context, configuration.certificatePath) == 1 else {
            throw TLSError("cannot load certificate \(configuration.certificatePath)")
        }
        guard SSL_CTX_use_PrivateKey_file(context, configuration.privateKeyPath, SSL_FILETYPE_PEM) == 1 else {
            throw TLSError("cannot load private key \(configuration.privateKeyPath)")
        }
        guard SSL_CTX_check_private_key(context) == 1 else { throw TLSError("the private key does not match the certificate") }
    }

    deinit { SSL_CTX_free(context) }

    static let tls12Ciphers = "ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:DHE+CHACHA20:!aNULL"
}

public struct TLSError: Error, CustomStringConvertible {
    public let description: String
    init(_ what: String) {
        let code = ERR_get_error()
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        description = "TLS: \(what)\(code == 0 ? "" : ": " + text)"
    }
}

/// TLS over a non-blocking socket: the handshake runs inside the first reads.
final class TLSTransport: Transport {
    private let ssl: OpaquePointer
    private var handshakeDone = false

    init?(context: TLSContext, descriptor: Int32) {
        guard let ssl = SSL_new(context.context) else { return nil }
        self.ssl = ssl
        SSL_set_fd(ssl, descriptor)
        SSL_set_accept_state(ssl)
    }

    deinit { SSL_free(ssl) }

    /// OpenSSL may hold decrypted bytes of a record already read from the socket: read until it would block.
    var shortReadDrains: Bool { false }

    // Every call starts from an empty error queue: `SSL_get_error` reads the thread's queue, which a call for
    // another connection on this loop can leave behind, and a would-block read then looked like a broken
    // connection (a client that connected and left without a handshake closed the next one on its loop).
    func read(into buffer: UnsafeMutableRawBufferPointer) -> IOResult {
        ERR_clear_error()
        if !handshakeDone {
            let result = SSL_do_handshake(ssl)
            if result != 1 { return outcome(of: result, reading: true) }
            handshakeDone = true
        }
        let count = SSL_read(ssl, buffer.baseAddress, Int32(buffer.count))
        return count > 0 ? .bytes(Int(count)) : outcome(of: count, reading: true)
    }

    func write(_ bytes: UnsafeRawBufferPointer) -> IOResult {
        // Nothing can be answered over a connection whose handshake never finished (a timeout during it).
        guard handshakeDone else { return .closed }
        ERR_clear_error()
        let count = SSL_write(ssl, bytes.baseAddress, Int32(bytes.count))
        return count > 0 ? .bytes(Int(count)) : outcome(of: count, reading: false)
    }

    /// No close_notify on a session that never finished its handshake: there is no session to end, and OpenSSL
    /// answers with an error (`SHUTDOWN_WHILE_IN_INIT`) on the queue.
    func shutdown() {
        guard handshakeDone else { return }
        ERR_clear_error()
        if SSL_shutdown(ssl) < 0 { ERR_clear_error() }
    }

    /// What the socket must become before the call can be made again: OpenSSL may need to send while reading,
    /// or to receive while writing.
    private func outcome(of result: Int32, reading: Bool) -> IOResult {
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ: return reading ? .wouldBlock : .wantsReadable
        case SSL_ERROR_WANT_WRITE: return reading ? .wantsWritable : .wouldBlock
        default:
            ERR_clear_error()
            return .closed
        }
    }
}
