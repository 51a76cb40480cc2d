import COpenSSL
import Foundation

/// Making and checking token secrets: 32 random bytes, stored only as a SHA-256.
public enum TokenSecret {
    public static func random(byteCount: Int = 32) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: byteCount)
        if RAND_bytes(&bytes, Int32(byteCount)) != 1 {
            // OpenSSL's generator failed to seed: fall back to the system's (also a CSPRNG).
            var generator = SystemRandomNumberGenerator()
            bytes = (0..<byteCount).map { _ in UInt8.random(in: 0...255, using: &generator) }
        }
        return bytes
    }

    /// `ch_` + base64url of 32 random bytes.
    public static func generate() -> String {
        "ch_" + base64URL(random())
    }

    public static func newID(prefix: String) -> String {
        prefix + hex(random(byteCount: 8))
    }

    public static func sha256Hex(_ text: String) -> String {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        var text = text
        text.withUTF8 { bytes in _ = SHA256(bytes.baseAddress, bytes.count, &digest) }
        return hex(digest)
    }

    /// Lower-case hex. Not `String(format:)`: that went through CFString formatting per byte and was a third
    /// of the CPU time of an authenticated GET.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Compares without an early exit, so timing says nothing about where two hashes differ.
    public static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a.utf8, b.utf8) { difference |= x ^ y }
        return difference == 0
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
