/// Byte classes of RFC 9110 §5.6.2 and §5.5, as lookup tables: the parser's hot path.
enum ByteClasses {
    static let cr: UInt8 = 13, lf: UInt8 = 10, sp: UInt8 = 32, htab: UInt8 = 9, colon: UInt8 = 58

    /// tchar: "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
    static let token = alphanumerics(plus: "!#$%&'*+-.^_`|~")

    /// field-value bytes: HTAB, SP, VCHAR, obs-text. Never NUL, CR, LF or other controls, nor DEL.
    static let fieldValue: [Bool] = (0..<256).map { byte in
        byte == 9 || (byte >= 32 && byte != 127)
    }

    /// reg-name bytes of RFC 3986 §3.2.2 besides "%": unreserved and sub-delims.
    static let hostName = alphanumerics(plus: "-._~!$&'()*+,;=")

    /// A table of ASCII letters, digits and `punctuation`.
    private static func alphanumerics(plus punctuation: String) -> [Bool] {
        (0..<256).map { byte in
            switch UInt8(byte) {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
                true
            default:
                punctuation.utf8.contains(UInt8(byte))
            }
        }
    }

    /// The value of a hexadecimal digit, either case.
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// request-target bytes: visible ASCII and obs-text, no spaces or controls, and no "#": a fragment is never
    /// sent (RFC 9110 §7.1), so one in a target is a broken or hostile client. Raw UTF-8 stays accepted, as
    /// curl sends a URL typed with Chinese in it unencoded.
    static let target: [Bool] = (0..<256).map { byte in byte > 32 && byte != 127 && byte != 35 } // 35: "#"
}
