@testable import HTTPCore

/// One input as a connection's bytes: heads and chunked bodies parsed one after another, as pipelining does.
/// Any trap (an overflow, an index out of range) is a crash libFuzzer reports; the checks say what a parse may claim.
func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let parser = RequestHeadParser(maxRequestLineBytes: 8192, maxHeaderBytes: 32_768, maxHeaderCount: 100)
    var offset = 0
    while offset < bytes.count {
        guard let parsed = try? parser.parse(bytes, from: offset, remoteAddress: "fuzz") else { break }
        precondition(parsed.consumed > 0 && offset + parsed.consumed <= bytes.count, "a head cannot claim bytes it was not given")
        offset += parsed.consumed
        guard case .chunked = parsed.framing else { break }
        var decoder = ChunkedBodyDecoder(maxBodyBytes: 1 << 20, maxTrailerBytes: 32_768, maxTrailerFields: 100)
        guard let used = try? decoder.consume(bytes, from: offset) else { break }
        precondition(used >= offset && used <= bytes.count, "a chunked body ends within the bytes given")
        if used == offset { break }
        offset = used
    }
    return 0
}
