import Foundation

/// One pass of recursive descent over the bytes; strings are decoded straight from them.
struct JSONParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    mutating func parseText() throws(JSONSyntaxError) -> JSONValue {
        skipByteOrderMarkAndWhitespace()
        let value = try parseValue(depth: 0)
        try expectEnd()
        return value
    }

    /// A text that is one array, each element handed to `each` as soon as it is parsed, never the whole array
    /// at once. False as soon as `each` returns false (the rest is not read).
    mutating func parseArrayText(_ each: (JSONValue) -> Bool) throws(JSONSyntaxError) -> Bool {
        skipByteOrderMarkAndWhitespace()
        guard try peek() == UInt8(ascii: "[") else { throw failure("应为数组，却是 \(describeByte(at: position))") }
        guard try parseElements(depth: 1, each) else { return false }
        try expectEnd()
        return true
    }

    mutating func skipByteOrderMarkAndWhitespace() {
        // RFC 8259 §8.1 lets a parser ignore a leading byte order mark; Windows Notepad writes one into the
        // `report.json` a reporter then sends with `curl -d @report.json`.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
        skipWhitespace()
    }

    mutating func expectEnd() throws(JSONSyntaxError) {
        skipWhitespace()
        guard position == bytes.count else { throw failure("JSON 值之后还有多余的内容 \(describeByte(at: position))") }
    }

    // MARK: Values

    mutating func parseValue(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        switch try peek() {
        case UInt8(ascii: "{"): return .object(try parseObject(depth: depth + 1))
        case UInt8(ascii: "["): return .array(try parseArray(depth: depth + 1))
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        default: throw failure("应为一个值（对象、数组、字符串、数字、true、false 或 null），却是 \(describeByte(at: position))")
        }
    }

    mutating func parseArray(depth: Int) throws(JSONSyntaxError) -> [JSONValue] {
        var elements: [JSONValue] = []
        _ = try parseElements(depth: depth) { element in
            // Growing from empty reallocated three times for a typical array or object; a report parses dozens.
            if elements.isEmpty { elements.reserveCapacity(4) }
            elements.append(element)
            return true
        }
        return elements
    }

    /// From `[` to `]`, each element to `each`; false as soon as `each` returns false.
    mutating func parseElements(depth: Int, _ each: (JSONValue) -> Bool) throws(JSONSyntaxError) -> Bool {
        try checkDepth(depth)
        position += 1
        skipWhitespace()
        if try peek() == UInt8(ascii: "]") { position += 1; return true }
        while true {
            guard each(try parseValue(depth: depth)) else { return false }
            skipWhitespace()
            switch try peek() {
            case UInt8(ascii: ","):
                position += 1
                skipWhitespace()
                if try peek() == UInt8(ascii: "]") { throw failure("数组的最后一个元素后不能有逗号") }
            case UInt8(ascii: "]"):
                position += 1
                return true
            default:
                throw failure("数组元素之间应为逗号，或以 ] 结束，却是 \(describeByte(at: position))")
            }
        }
    }

    mutating func parseObject(depth: Int) throws(JSONSyntaxError) -> JSONObject {
        try checkDepth(depth)
        position += 1
        skipWhitespace()
        var members: [JSONObject.Member] = []
        var positions: [String: Int] = [:]
        if try peek() == UInt8(ascii: "}") { position += 1; return JSONObject(members: members, positions: nil) }
        members.reserveCapacity(8)
        while true {
            let keyOffset = position
            guard try peek() == UInt8(ascii: "\"") else {
                throw failure("应为带双引号的字段名，却是 \(describeByte(at: position))")
            }
            let key = try parseString()
            if members.count < JSONObject.scanLimit {
                if members.contains(where: { $0.key == key }) { throw duplicate(key, at: keyOffset) }
            } else {
                if positions.isEmpty {
                    positions = Dictionary(members.enumerated().map { ($1.key, $0) }, uniquingKeysWith: { first, _ in first })
                }
                if positions.updateValue(members.count, forKey: key) != nil { throw duplicate(key, at: keyOffset) }
            }
            skipWhitespace()
            guard try peek() == UInt8(ascii: ":") else { throw failure("字段名后应为冒号，却是 \(describeByte(at: position))") }
            position += 1
            skipWhitespace()
            members.append(JSONObject.Member(key: key, value: try parseValue(depth: depth)))
            skipWhitespace()
            switch try peek() {
            case UInt8(ascii: ","):
                position += 1
                skipWhitespace()
                if try peek() == UInt8(ascii: "}") { throw failure("对象的最后一个字段后不能有逗号") }
            case UInt8(ascii: "}"):
                position += 1
                return JSONObject(members: members, positions: positions.isEmpty ? nil : positions)
            default:
                throw failure("字段之间应为逗号，或以 } 结束，却是 \(describeByte(at: position))")
            }
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
        let text = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        for expected in text {
            guard try peek() == expected else { throw failure("应为 \(literal)，却是 \(describeByte(at: position))") }
            position += 1
        }
    }

    mutating func checkDepth(_ depth: Int) throws(JSONSyntaxError) {
        guard depth <= JSONValue.maximumNestingDepth else {
            throw failure("数组与对象嵌套超过 \(JSONValue.maximumNestingDepth) 层")
        }
    }

    // MARK: Numbers

    /// RFC 8259 §6: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    mutating func parseNumber() throws(JSONSyntaxError) -> Double {
        let start = position
        let isNegative = bytes[position] == UInt8(ascii: "-")
        if isNegative { position += 1 }
        guard try isDigit(peek()) else { throw failure("负号后应为数字，却是 \(describeByte(at: position))") }
        var magnitude = 0
        var digitCount = 0
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
            if position < bytes.count, isDigit(bytes[position]) { throw failure(at: start, "数字不能以 0 开头") }
        } else {
            while position < bytes.count, isDigit(bytes[position]) {
                if digitCount < 18 { magnitude = magnitude * 10 + Int(bytes[position] &- UInt8(ascii: "0")) }
                digitCount += 1
                position += 1
            }
        }
        var isWhole = true
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            isWhole = false
            position += 1
            try skipDigits(after: "小数点")
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            isWhole = false
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            try skipDigits(after: "指数符号")
        }
        // Up to 15 digits an integer converts to Double exactly; anything else goes through strtod's correct rounding.
        if isWhole, digitCount <= 15 { return isNegative ? -Double(magnitude) : Double(magnitude) }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw failure(at: start, "数字 \(text.prefix(40)) 超出范围")
        }
        return value
    }

    mutating func skipDigits(after what: String) throws(JSONSyntaxError) {
        guard try isDigit(peek()) else { throw failure("\(what)后应为数字，却是 \(describeByte(at: position))") }
        while position < bytes.count, isDigit(bytes[position]) { position += 1 }
    }

    func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    // MARK: Strings

    /// A string without escapes becomes a `String` straight from its bytes; the first backslash moves to a copy.
    mutating func parseString() throws(JSONSyntaxError) -> String {
        let opening = position
        position += 1
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
                position += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { return try parseEscapedString(from: start, opening: opening) }
            // 0x20…0x7F, most of a body, needs no further look; the rest is a control byte or starts UTF-8.
            if byte &- 0x20 < 0x60 { position += 1 } else { try skipCharacter(byte) }
        }
        throw failure(at: opening, "字符串缺少结尾的双引号")
    }

    mutating func parseEscapedString(from start: Int, opening: Int) throws(JSONSyntaxError) -> String {
        var utf8 = Array(bytes[start..<position])
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return String(decoding: utf8, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") {
                try appendEscape(to: &utf8)
            } else {
                let characterStart = position
                try skipCharacter(byte)
                utf8.append(contentsOf: bytes[characterStart..<position])
            }
        }
        throw failure(at: opening, "字符串缺少结尾的双引号")
    }

    /// Steps over one character inside a string: no bare control characters (RFC 8259 §7), only well-formed UTF-8 (§8.1).
    mutating func skipCharacter(_ byte: UInt8) throws(JSONSyntaxError) {
        if byte < 0x20 { throw failure("字符串中的控制字符 \(describeByte(at: position)) 须写成转义形式") }
        if byte < 0x80 { position += 1; return }
        // Unicode 15 table 3-7: the second byte's range depends on the first, which rules out overlong forms
        // and encoded surrogates; the bytes after it are all 80…BF.
        let trailing: Int, second: ClosedRange<UInt8>
        switch byte {
        case 0xC2...0xDF: (trailing, second) = (1, 0x80...0xBF)
        case 0xE0: (trailing, second) = (2, 0xA0...0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (trailing, second) = (2, 0x80...0xBF)
        case 0xED: (trailing, second) = (2, 0x80...0x9F)
        case 0xF0: (trailing, second) = (3, 0x90...0xBF)
        case 0xF1...0xF3: (trailing, second) = (3, 0x80...0xBF)
        case 0xF4: (trailing, second) = (3, 0x80...0x8F)
        default: throw failure("不是合法的 UTF-8：字节 \(describeByte(at: position))")
        }
        let end = position + trailing
        guard end < bytes.count, second.contains(bytes[position + 1]),
              bytes[position + 2 ..< end + 1].allSatisfy({ $0 & 0xC0 == 0x80 }) else {
            throw failure("不是合法的 UTF-8：以 \(describeByte(at: position)) 开头的字节序列不完整或有误")
        }
        position = end + 1
    }

    mutating func appendEscape(to utf8: inout [UInt8]) throws(JSONSyntaxError) {
        let escapeStart = position
        position += 1
        let letter = try peek()
        position += 1
        switch letter {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(letter)
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0C)
        case UInt8(ascii: "n"): utf8.append(0x0A)
        case UInt8(ascii: "r"): utf8.append(0x0D)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"): UTF8.encode(try readUnicodeEscape(from: escapeStart)) { utf8.append($0) }
        default: throw failure(at: escapeStart, "无效的转义：反斜杠后是 \(describeByte(at: escapeStart + 1))")
        }
    }

    /// `\uXXXX`, or a UTF-16 surrogate pair `\uD83D\uDE00`; half a pair is refused, as it names no character.
    mutating func readUnicodeEscape(from escapeStart: Int) throws(JSONSyntaxError) -> Unicode.Scalar {
        let unit = try readHex4(escapeStart: escapeStart)
        if let scalar = Unicode.Scalar(unit) { return scalar }
        let unpaired = failure(at: escapeStart, "\\u\(String(unit, radix: 16, uppercase: true)) 是不成对的 UTF-16 代理项")
        guard unit < 0xDC00, position + 1 < bytes.count,
              bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else { throw unpaired }
        let lowStart = position
        position += 2
        let low = try readHex4(escapeStart: lowStart)
        guard (0xDC00...0xDFFF).contains(low),
              let scalar = Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)) else { throw unpaired }
        return scalar
    }

    mutating func readHex4(escapeStart: Int) throws(JSONSyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            let digit: UInt8
            switch try peek() {
            case let byte where isDigit(byte): digit = byte &- UInt8(ascii: "0")
            case let byte where (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte | 0x20): digit = (byte | 0x20) - UInt8(ascii: "a") + 10
            default: throw failure(at: escapeStart, "\\u 后应为 4 位十六进制数字")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    // MARK: Bytes

    /// RFC 8259 §2: space, tab, line feed and carriage return, nothing else.
    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    func peek() throws(JSONSyntaxError) -> UInt8 {
        guard position < bytes.count else { throw failure("内容不完整，意外结束") }
        return bytes[position]
    }

    func describeByte(at index: Int) -> String {
        guard index < bytes.count else { return "结尾" }
        let byte = bytes[index]
        if (0x21...0x7E).contains(byte) { return "“\(Character(Unicode.Scalar(byte)))”" }
        // Full-width punctuation (，：“”) typed by an input method is the likely culprit; name it.
        var rest = bytes[index...].makeIterator()
        var decoder = UTF8()
        if byte >= 0x80, case .scalarValue(let scalar) = decoder.decode(&rest) {
            return "“\(Character(scalar))”（非 ASCII 字符；JSON 的标点须为半角）"
        }
        return "0x" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16, uppercase: true)
    }

    func duplicate(_ key: String, at offset: Int) -> JSONSyntaxError {
        failure(at: offset, "字段 “\(echo: key)” 在同一对象中重复出现")
    }

    func failure(at offset: Int? = nil, _ reason: String) -> JSONSyntaxError {
        JSONSyntaxError(offset: offset ?? position, reason: reason)
    }
}
