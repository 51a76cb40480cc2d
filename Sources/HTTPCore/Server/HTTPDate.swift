#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The IMF-fixdate for the `Date` header (RFC 9110 §5.6.7), formatted once per second.
enum HTTPDate {
    private static let cache = Mutex<(second: Int, text: String)>((-1, ""))

    static func now() -> String {
        let second = time(nil)
        return cache.withLock { cached in
            if cached.second == second { return cached.text }
            var value = second
            var parts = tm()
            gmtime_r(&value, &parts)
            var buffer = [CChar](repeating: 0, count: 64)
            let length = strftime(&buffer, buffer.count, "%a, %d %b %Y %H:%M:%S GMT", &parts)
            let text = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            cached = (second, text)
            return text
        }
    }
}
