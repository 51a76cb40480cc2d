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

    /// Fetched once: a one-shot `SHA256()` looks the algorithm up in OpenSSL 3's provider store on every call,
    /// which took longer than hashing a token (a sixth of authenticating a request). A fetched EVP_MD does not
    /// change and may be used from any thread.
    private nonisolated(unsafe) static let sha256Algorithm = EVP_MD_fetch(nil, "SHA256", nil)

    public static func sha256Hex(_ text: String) -> String {
        var text = text
        // The digest on the stack and its hex written straight into the string: one allocation, the string's (the
        // digest's array, the digits' and the hex's were three more on every authenticated request).
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Int(SHA256_DIGEST_LENGTH)) { digest in
            digest.initialize(repeating: 0)
            text.withUTF8 { bytes in
                var length: UInt32 = 0
                if let algorithm = sha256Algorithm,
                   EVP_Digest(bytes.baseAddress, bytes.count, digest.baseAddress, &length, algorithm, nil) == 1 { return }
                _ = SHA256(bytes.baseAddress, bytes.count, digest.baseAddress) // the fetch failed: the one-shot call still works
            }
            return hex(UnsafeBufferPointer(digest))
        }
    }

    /// Lower-case hex. Not `String(format:)`: that went through CFString formatting per byte and was a third
    /// of the CPU time of an authenticated GET.
    static func hex(_ bytes: some Collection<UInt8>) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { out in
            var index = 0
            for byte in bytes {
                out[index] = hexDigit(byte >> 4)
                out[index + 1] = hexDigit(byte & 0x0f)
                index += 2
            }
            return index
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }

    /// Compares without an early exit, so timing says nothing about where two hashes differ.
    public static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                guard x.count == y.count else { return false }
                var difference: UInt8 = 0
                for index in 0..<x.count { difference |= x[index] ^ y[index] }
                return difference == 0
            }
        }
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
