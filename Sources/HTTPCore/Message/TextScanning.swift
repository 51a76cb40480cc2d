/// Small text helpers on the request path. Foundation's `trimmingCharacters(in:)` and
/// `removingPercentEncoding` bridge through NSString on Linux and showed up as a fifth of a GET's CPU time.
extension StringProtocol {
    /// Without leading and trailing optional whitespace (RFC 9110 OWS: space and horizontal tab).
    public func trimmingOptionalWhitespace() -> String {
        let isOWS = { (byte: UInt8) in byte == 0x20 || byte == 0x09 }
        // Most values have none: no byte array to build.
        if let first = utf8.first, let last = unicodeScalars.last, !isOWS(first), !last.isASCII || !isOWS(UInt8(last.value)) {
            return String(self)
        }
        let bytes = Array(utf8)
        guard let first = bytes.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }),
              let last = bytes.lastIndex(where: { $0 != 0x20 && $0 != 0x09 }) else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }

    /// Percent-decoded (`+` as a space when asked); nil when an escape is malformed or the result is not UTF-8.
    public func percentDecoded(plusAsSpace: Bool = false) -> String? {
        let utf8 = self.utf8
        guard utf8.contains(where: { $0 == UInt8(ascii: "%") || (plusAsSpace && $0 == UInt8(ascii: "+")) }) else {
            return String(self)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%") {
                let high = utf8.index(after: index)
                guard high != utf8.endIndex else { return nil }
                let low = utf8.index(after: high)
                guard low != utf8.endIndex, let h = ByteClasses.hexValue(utf8[high]), let l = ByteClasses.hexValue(utf8[low]) else { return nil }
                bytes.append(h << 4 | l)
                index = utf8.index(after: low)
                continue
            }
            bytes.append(plusAsSpace && byte == UInt8(ascii: "+") ? 0x20 : byte)
            index = utf8.index(after: index)
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
