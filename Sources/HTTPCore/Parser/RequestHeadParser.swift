/// How the body of a request is framed (RFC 9112 §6.3).
enum BodyFraming: Equatable {
    case none
    case length(Int)
    case chunked
}

/// A parsed request head with what the connection needs to know about it.
struct ParsedHead {
    var head: HTTPRequestHead
    var framing: BodyFraming
    var keepAlive: Bool
    var expectContinue: Bool
    /// Bytes of the buffer the head took, including the blank line.
    var consumed: Int
    /// Set once the responder has screened the head.
    var screening: (any Sendable)? = nil
}

/// Parses a request line and header section strictly (RFC 9112 §2–§7), where laxness invites smuggling.
struct RequestHeadParser {
    let maxRequestLineBytes: Int
    let maxHeaderBytes: Int
    let maxHeaderCount: Int

    /// nil: more bytes needed. Throws the status to answer when the head is unacceptable.
    func parse(_ buffer: [UInt8], from start: Int, remoteAddress: String) throws -> ParsedHead? {
        var lineStart = start
        // RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the request line. We ignore a
        // few; more are not a client's mistake (megabytes of them were kept and rescanned on every read).
        while lineStart + 1 < buffer.count, buffer[lineStart] == ByteClasses.cr, buffer[lineStart + 1] == ByteClasses.lf {
            lineStart += 2
            if lineStart - start > Self.maxLeadingEmptyLines * 2 { throw HTTPParseError.bad("请求行前的空行过多") }
        }
        guard let requestLineEnd = try lineEnd(buffer, from: lineStart, limit: maxRequestLineBytes,
                                               tooLong: .requestLineTooLong(limit: maxRequestLineBytes)) else {
            return nil
        }
        var fields: [HTTPFields.Field] = []
        var cursor = requestLineEnd + 2
        var headerBytes = 0
        while true {
            guard let end = try lineEnd(buffer, from: cursor, limit: maxHeaderBytes - headerBytes, tooLong: headersTooLarge) else {
                if buffer.count - lineStart > maxRequestLineBytes + maxHeaderBytes { throw headersTooLarge }
                return nil
            }
            if end == cursor { cursor += 2; break }
            headerBytes += end - cursor + 2
            if headerBytes > maxHeaderBytes { throw headersTooLarge }
            fields.append(try field(buffer, cursor, end))
            if fields.count > maxHeaderCount { throw headersTooLarge }
            cursor = end + 2
        }
        let (method, target, version) = try requestLine(buffer, lineStart, requestLineEnd)
        var head = HTTPRequestHead(method: method, target: target, version: version, headers: HTTPFields(fields), remoteAddress: remoteAddress)
        let framing = try Self.framing(of: head)
        try Self.checkHost(head)
        if Self.isAbsoluteForm(target) { head.target = try Self.originForm(of: target) }
        return ParsedHead(head: head, framing: framing, keepAlive: Self.keepAlive(head),
                          expectContinue: try Self.expectsContinue(head), consumed: cursor - start)
    }

    /// The error names the limits; built only when thrown (its message is formatted text).
    private var headersTooLarge: HTTPParseError { .headersTooLarge(bytes: maxHeaderBytes, fields: maxHeaderCount) }

    /// The index of the CR of the next CRLF; nil when not yet received. Bare CR or bare LF → 400.
    private func lineEnd(_ buffer: [UInt8], from start: Int, limit: Int, tooLong: @autoclosure () -> HTTPParseError) throws -> Int? {
        var index = start
        let count = buffer.count
        while index < count {
            let byte = buffer[index]
            if byte == ByteClasses.lf { throw HTTPParseError.bad("行尾只能是 CRLF（收到单独的 LF）") }
            if byte == ByteClasses.cr {
                guard index + 1 < count else { return nil }
                guard buffer[index + 1] == ByteClasses.lf else { throw HTTPParseError.bad("收到单独的 CR") }
                return index
            }
            index += 1
            if index - start > limit { throw tooLong() }
        }
        return nil
    }

    private func requestLine(_ b: [UInt8], _ start: Int, _ end: Int) throws -> (String, String, HTTPVersion) {
        guard let firstSpace = b[start..<end].firstIndex(of: ByteClasses.sp), firstSpace > start else {
            throw HTTPParseError.bad("请求行应为“方法 路径 HTTP/1.1”")
        }
        for index in start..<firstSpace where !ByteClasses.token[Int(b[index])] { throw HTTPParseError.bad("方法名含非法字符") }
        let targetStart = firstSpace + 1
        guard let secondSpace = b[targetStart..<end].firstIndex(of: ByteClasses.sp) else {
            throw HTTPParseError.bad("请求行缺少 HTTP 版本")
        }
        guard secondSpace > targetStart else { throw HTTPParseError.bad("请求行中有多余的空格") }
        for index in targetStart..<secondSpace where !ByteClasses.target[Int(b[index])] {
            throw HTTPParseError.bad("请求路径含非法字符")
        }
        try Self.checkPercentEncoding(b[targetStart..<secondSpace])
        let method = String(decoding: b[start..<firstSpace], as: UTF8.self)
        let target = String(decoding: b[targetStart..<secondSpace], as: UTF8.self)
        // RFC 9112 §2.3: HTTP-version = "HTTP/" DIGIT "." DIGIT. A later minor version of 1 is processed as the
        // highest one this server implements (1.1); another major version is 505. (Read in place: arrays made for
        // the comparison were allocations on every request.)
        let v = secondSpace + 1
        guard end - v == 8, b[v] == 72, b[v + 1] == 84, b[v + 2] == 84, b[v + 3] == 80, b[v + 4] == 47, // "HTTP/"
              (48...57).contains(b[v + 5]), b[v + 6] == 46, (48...57).contains(b[v + 7]) else {
            throw HTTPParseError.bad("HTTP 版本格式错误")
        }
        guard b[v + 5] == 49 else { throw HTTPParseError.versionNotSupported }
        let version: HTTPVersion = b[v + 7] == 48 ? .http10 : .http11
        guard target.hasPrefix("/") || Self.isAbsoluteForm(target) || (target == "*" && method == "OPTIONS") else {
            throw HTTPParseError.bad("请求路径须以 / 开头")
        }
        return (method, target, version)
    }

    /// RFC 3986 §2.1: `%` begins two hex digits, and the target they and any raw bytes spell is UTF-8 text (raw
    /// UTF-8 is taken: curl sends a Chinese URL so). `/%ZZ` was matched as a literal and answered 404;
    /// `?unit=%FF` fell back to the raw text, a raw `\xFF` became U+FFFD. All are the client's mistake: 400.
    private static func checkPercentEncoding(_ target: ArraySlice<UInt8>) throws {
        guard target.contains(where: { $0 == UInt8(ascii: "%") || $0 >= 0x80 }) else { return }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(target.count)
        var index = target.startIndex
        while index < target.endIndex {
            guard target[index] == UInt8(ascii: "%") else {
                decoded.append(target[index])
                index += 1
                continue
            }
            guard index + 2 < target.endIndex, let high = hexValue(target[index + 1]), let low = hexValue(target[index + 2]) else {
                throw HTTPParseError.bad("请求路径中的 % 后须为两位十六进制数（百分号编码）")
            }
            decoded.append(high << 4 | low)
            index += 3
        }
        guard String(validating: decoded, as: UTF8.self) != nil else {
            throw HTTPParseError.bad("请求路径（百分号编码解码后）不是 UTF-8 文字")
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 48...57: byte - 48
        case 65...70: byte - 55
        case 97...102: byte - 87
        default: nil
        }
    }

    private func field(_ b: [UInt8], _ start: Int, _ end: Int) throws -> HTTPFields.Field {
        // RFC 9112 §5.2: obs-fold is rejected.
        if b[start] == ByteClasses.sp || b[start] == ByteClasses.htab { throw HTTPParseError.bad("不接受折行的请求头（obs-fold）") }
        guard let colon = b[start..<end].firstIndex(of: ByteClasses.colon), colon > start else {
            throw HTTPParseError.bad("请求头缺少冒号")
        }
        // RFC 9112 §5.1: no whitespace between the field name and the colon; the name is a token.
        for index in start..<colon where !ByteClasses.token[Int(b[index])] { throw HTTPParseError.bad("请求头名称含非法字符") }
        var valueStart = colon + 1, valueEnd = end
        while valueStart < valueEnd, b[valueStart] == ByteClasses.sp || b[valueStart] == ByteClasses.htab { valueStart += 1 }
        while valueEnd > valueStart, b[valueEnd - 1] == ByteClasses.sp || b[valueEnd - 1] == ByteClasses.htab { valueEnd -= 1 }
        for index in valueStart..<valueEnd where !ByteClasses.fieldValue[Int(b[index])] {
            throw HTTPParseError.bad("请求头的值含控制字符")
        }
        return HTTPFields.Field(name: String(decoding: b[start..<colon], as: UTF8.self),
                                value: String(decoding: b[valueStart..<valueEnd], as: UTF8.self))
    }

    /// RFC 9112 §6.1–§6.3: one framing, stated once, or the request is refused.
    static func framing(of head: HTTPRequestHead) throws -> BodyFraming {
        let encodings = head.headers.occurrences(of: "Transfer-Encoding")
        let lengths = head.headers.occurrences(of: "Content-Length")
        if encodings > 0 {
            if head.version == .http10 { throw HTTPParseError.bad("HTTP/1.0 请求不能使用 Transfer-Encoding") }
            if lengths > 0 { throw HTTPParseError.bad("不能同时使用 Content-Length 和 Transfer-Encoding") }
            guard encodings == 1, let encoding = head.headers["Transfer-Encoding"] else { throw HTTPParseError.bad("Transfer-Encoding 重复") }
            let value = encoding.lowercased()
            if value == "chunked" { return .chunked }
            if value.contains(",") || value.contains("chunked") { throw HTTPParseError.bad("Transfer-Encoding 须恰为 chunked") }
            throw HTTPParseError.transferCodingNotImplemented
        }
        guard lengths > 0 else { return .none }
        // Duplicates are refused even when equal: the simplest rule that cannot be smuggled past.
        guard lengths == 1, let text = head.headers["Content-Length"] else { throw HTTPParseError.bad("Content-Length 重复") }
        guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let length = Int(text) else {
            throw HTTPParseError.bad("Content-Length 须为十进制数字")
        }
        return length == 0 ? .none : .length(length)
    }

    static let maxLeadingEmptyLines = 4

    static func checkHost(_ head: HTTPRequestHead) throws {
        let hosts = head.headers.occurrences(of: "Host")
        if hosts > 1 { throw HTTPParseError.bad("Host 头重复") }
        // RFC 9112 §3.2: a server MUST respond 400 to an HTTP/1.1 request without Host, or with an invalid one.
        if head.version == .http11 && hosts == 0 { throw HTTPParseError.bad("缺少 Host 头") }
        if let host = head.headers["Host"], !isValidHost(host) { throw HTTPParseError.bad("Host 头不是合法的主机名或地址") }
        // RFC 9110 §11.6.2: one set of credentials; two leave which one counts to chance.
        if head.headers.occurrences(of: "Authorization") > 1 { throw HTTPParseError.bad("Authorization 头重复") }
    }

    /// RFC 3986 §3.2.2-3.2.3 `host [ ":" port ]`: a reg-name (unreserved, "%" and two hex digits, sub-delims),
    /// an IPv4 address, or an IP literal in brackets (IPv6 with an RFC 6874 zone id, or IPvFuture); the port all
    /// digits. Empty is allowed (an empty Host is valid when the target has no authority). Read in place: this
    /// runs for every request.
    static func isValidHost(_ value: String) -> Bool {
        value.utf8.withContiguousStorageIfAvailable(isValidHost) ?? isValidHost(Array(value.utf8))
    }

    private static func isValidHost(_ bytes: some RandomAccessCollection<UInt8>) -> Bool {
        func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }
        // Digits that make a TCP port (0-65535), or none (RFC 3986 allows `host:`).
        func isPort(_ rest: some Collection<UInt8>) -> Bool {
            guard let colon = rest.first else { return true }
            let digits = rest.dropFirst()
            return colon == 0x3A && digits.allSatisfy(isDigit)
                && digits.reduce(0) { min($0 * 10 + Int($1 - UInt8(ascii: "0")), 65_536) } <= 65_535
        }
        func isName(_ part: some RandomAccessCollection<UInt8>, colons: Bool) -> Bool {
            var index = part.startIndex
            while index != part.endIndex {
                let byte = part[index]
                if byte == UInt8(ascii: "%") {
                    let digits = part[part.index(after: index)...].prefix(2)
                    guard digits.count == 2, digits.allSatisfy({ ByteClasses.hexValue($0) != nil }) else { return false }
                    index = digits.endIndex
                    continue
                }
                guard ByteClasses.hostName[Int(byte)] || (colons && byte == 0x3A) else { return false }
                index = part.index(after: index)
            }
            return true
        }
        if bytes.first == UInt8(ascii: "[") {
            guard let close = bytes.firstIndex(of: UInt8(ascii: "]")) else { return false }
            let literal = bytes[bytes.index(after: bytes.startIndex)..<close]
            return !literal.isEmpty && isName(literal, colons: true) && isPort(bytes[bytes.index(after: close)...])
        }
        let end = bytes.lastIndex(of: 0x3A) ?? bytes.endIndex
        // Empty is allowed, but not an empty host before a port (":80").
        return isPort(bytes[end...]) && isName(bytes[..<end], colons: false) && (end != bytes.startIndex || bytes.isEmpty)
    }

    static func keepAlive(_ head: HTTPRequestHead) -> Bool {
        guard head.headers.contains("Connection") else { return head.version == .http11 }
        let tokens = head.headers.values("Connection").flatMap { $0.lowercased().split(separator: ",") }
            .map { $0.trimmingOptionalWhitespace() }
        if tokens.contains("close") { return false }
        return head.version == .http11 || tokens.contains("keep-alive")
    }

    static func expectsContinue(_ head: HTTPRequestHead) throws -> Bool {
        guard let expect = head.headers["Expect"] else { return false }
        guard expect.lowercased() == "100-continue" else { throw HTTPParseError.expectationFailed }
        return head.version == .http11
    }

    /// RFC 9112 §3.2.2: absolute-form is accepted; routing uses its path and query.
    /// `http://…` or `https://…`, the scheme in any case (RFC 3986 §3.1: `HTTP://x/` is the same URI).
    static func isAbsoluteForm(_ target: String) -> Bool {
        let scheme = target.prefix(8).lowercased()
        return scheme.hasPrefix("http://") || scheme.hasPrefix("https://")
    }

    /// The path and query of an absolute-form target, whose authority must be a host: RFC 9110 §4.2.1 (an empty
    /// host MUST be rejected) and §4.2.4 (userinfo SHOULD be treated as an error: it is how a URL misleads).
    static func originForm(of target: String) throws -> String {
        guard let schemeEnd = target.range(of: "://") else { return target }
        let rest = target[schemeEnd.upperBound...]
        let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<slash]
        guard !authority.isEmpty, !authority.contains("@"), isValidHost(String(authority)) else {
            throw HTTPParseError.bad("请求目标中的主机或端口为空或不合法（不接受 user@host 形式）")
        }
        guard slash < rest.endIndex else { return "/" }
        let path = String(rest[slash...])
        return path.hasPrefix("?") ? "/" + path : path
    }
}

import Foundation
