/// Decodes a chunked body incrementally (RFC 9112 §7.1): sizes in hex, extensions ignored, each chunk's data
/// followed by exactly CRLF, then trailer fields and a blank line.
struct ChunkedBodyDecoder {
    private enum State {
        case size
        case data(remaining: Int)
        case dataEnd
        case trailers
        case done
    }

    private var state = State.size
    private(set) var body: [UInt8] = []
    private(set) var trailers = HTTPFields()
    private var trailerBytes = 0
    private var trailerFields = 0
    /// Bytes of chunk-size lines (sizes and extensions): bounded by the body limit too, or one-byte chunks with
    /// long extensions put a thousand times the body limit on the wire.
    private var framingBytes = 0
    let maxBodyBytes: Int
    let maxTrailerBytes: Int
    let maxTrailerFields: Int

    init(maxBodyBytes: Int, maxTrailerBytes: Int, maxTrailerFields: Int) {
        self.maxBodyBytes = maxBodyBytes
        self.maxTrailerBytes = maxTrailerBytes
        self.maxTrailerFields = maxTrailerFields
    }

    /// What the body has taken on the wire so far: data and chunk-size lines.
    var wireBytes: Int { body.count + framingBytes }

    var isDone: Bool { if case .done = state { return true } else { return false } }

    /// Consumes what it can from `buffer[start...]`; returns the new start.
    mutating func consume(_ buffer: [UInt8], from start: Int) throws -> Int {
        var index = start
        while index < buffer.count {
            switch state {
            case .size:
                guard let end = try crlf(buffer, from: index, limit: 1024,
                                         tooLong: .bad("分块大小行（含扩展）超过 1024 字节")) else { return index }
                let line = buffer[index..<end]
                let digits = line.prefix { $0 != UInt8(ascii: ";") && $0 != ByteClasses.sp && $0 != ByteClasses.htab }
                guard !digits.isEmpty, digits.count <= 15 else { throw HTTPParseError.bad("分块大小格式错误或溢出") }
                try Self.checkExtensions(line[(line.startIndex + digits.count)...])
                var size = 0
                for byte in digits {
                    guard let value = ByteClasses.hexValue(byte).map(Int.init) else { throw HTTPParseError.bad("分块大小不是十六进制数") }
                    size = size * 16 + value
                }
                framingBytes += end - index + 2
                if body.count + size > maxBodyBytes || framingBytes > maxBodyBytes { throw HTTPParseError.bodyTooLarge(limit: maxBodyBytes) }
                index = end + 2
                state = size == 0 ? .trailers : .data(remaining: size)
            case .data(let remaining):
                let take = min(remaining, buffer.count - index)
                body.append(contentsOf: buffer[index..<(index + take)])
                index += take
                state = remaining - take == 0 ? .dataEnd : .data(remaining: remaining - take)
            case .dataEnd:
                guard buffer.count - index >= 2 else { return index }
                guard buffer[index] == ByteClasses.cr, buffer[index + 1] == ByteClasses.lf else {
                    throw HTTPParseError.bad("分块数据后缺少 CRLF")
                }
                index += 2
                state = .size
            case .trailers:
                guard let end = try crlf(buffer, from: index, limit: maxTrailerBytes - trailerBytes,
                                         tooLong: .headersTooLarge(bytes: maxTrailerBytes, fields: maxTrailerFields)) else { return index }
                if end == index {
                    state = .done
                    return end + 2
                }
                trailerBytes += end - index + 2
                if trailerFields >= maxTrailerFields { throw HTTPParseError.headersTooLarge(bytes: maxTrailerBytes, fields: maxTrailerFields) }
                trailerFields += 1
                let field = try Self.trailer(buffer, index, end)
                trailers.append(name: field.name, value: field.value)
                index = end + 2
            case .done:
                return index
            }
        }
        return index
    }

    private func crlf(_ buffer: [UInt8], from start: Int, limit: Int, tooLong: @autoclosure () -> HTTPParseError) throws -> Int? {
        var index = start
        while index < buffer.count {
            if buffer[index] == ByteClasses.lf { throw HTTPParseError.bad("分块行尾只能是 CRLF") }
            if buffer[index] == ByteClasses.cr {
                guard index + 1 < buffer.count else { return nil }
                guard buffer[index + 1] == ByteClasses.lf else { throw HTTPParseError.bad("收到单独的 CR") }
                return index
            }
            index += 1
            if index - start > limit { throw tooLong() }
        }
        return nil
    }

    /// RFC 9112 §7.1.1: `*( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] )`. Extensions are
    /// ignored, but only once they are well formed: what one parser skips and another reads is how requests
    /// are smuggled.
    static func checkExtensions(_ b: ArraySlice<UInt8>) throws {
        let malformed = HTTPParseError.bad("分块扩展格式错误")
        var i = b.startIndex
        func skipWhitespace() { while i < b.endIndex, b[i] == ByteClasses.sp || b[i] == ByteClasses.htab { i += 1 } }
        func token() -> Bool {
            let start = i
            while i < b.endIndex, ByteClasses.token[Int(b[i])] { i += 1 }
            return i > start
        }
        func quotedString() -> Bool {
            guard i < b.endIndex, b[i] == UInt8(ascii: "\"") else { return false }
            i += 1
            while i < b.endIndex {
                switch b[i] {
                case UInt8(ascii: "\""): i += 1; return true
                case UInt8(ascii: "\\"):
                    guard i + 1 < b.endIndex, b[i + 1] == ByteClasses.htab || b[i + 1] >= 0x20 && b[i + 1] != 0x7F else { return false }
                    i += 2
                case ByteClasses.htab, 0x20...0x7E, 0x80...0xFF: i += 1
                default: return false
                }
            }
            return false
        }
        while i < b.endIndex {
            skipWhitespace()
            guard i < b.endIndex, b[i] == UInt8(ascii: ";") else { throw malformed }
            i += 1
            skipWhitespace()
            guard token() else { throw malformed }
            let afterName = i
            skipWhitespace()
            if i < b.endIndex, b[i] == UInt8(ascii: "=") {
                i += 1
                skipWhitespace()
                guard quotedString() || token() else { throw malformed }
            } else {
                i = afterName
            }
        }
    }

    private static func trailer(_ b: [UInt8], _ start: Int, _ end: Int) throws -> HTTPFields.Field {
        guard b[start] != ByteClasses.sp, b[start] != ByteClasses.htab,
              let colon = b[start..<end].firstIndex(of: ByteClasses.colon), colon > start else {
            throw HTTPParseError.bad("尾部字段格式错误")
        }
        for index in start..<colon where !ByteClasses.token[Int(b[index])] { throw HTTPParseError.bad("尾部字段名含非法字符") }
        var valueStart = colon + 1, valueEnd = end
        while valueStart < valueEnd, b[valueStart] == ByteClasses.sp || b[valueStart] == ByteClasses.htab { valueStart += 1 }
        while valueEnd > valueStart, b[valueEnd - 1] == ByteClasses.sp || b[valueEnd - 1] == ByteClasses.htab { valueEnd -= 1 }
        for index in valueStart..<valueEnd where !ByteClasses.fieldValue[Int(b[index])] {
            throw HTTPParseError.bad("尾部字段值含控制字符")
        }
        return HTTPFields.Field(name: String(decoding: b[start..<colon], as: UTF8.self),
                                value: String(decoding: b[valueStart..<valueEnd], as: UTF8.self))
    }
}
