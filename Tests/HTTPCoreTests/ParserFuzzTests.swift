import Foundation
import Testing
import TestSupport
@testable import HTTPCore

/// Mutated and truncated requests against the parser and the live server: never a crash or a hang, and every
/// answer a well-formed response or a clean close.
@Suite struct ParserFuzzTests {
    static let seeds = [
        "GET /echo?x=1 HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
        "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-T: 1\r\n\r\n",
    ]

    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state
        }
    }

    static func mutate(_ seed: String, _ rng: inout SeededGenerator) -> [UInt8] {
        var bytes = Array(seed.utf8)
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            guard !bytes.isEmpty else { break }
            let index = Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<5, using: &rng) {
            case 0: bytes[index] = UInt8.random(in: 0...255, using: &rng)
            case 1: bytes.remove(at: index)
            case 2: bytes.insert([13, 10, 32, 58, 0, 9].randomElement(using: &rng) ?? 0, at: index)
            case 3: bytes = Array(bytes.prefix(index))
            default: bytes.insert(contentsOf: bytes[index..<min(bytes.count, index + 8)], at: index)
            }
        }
        return bytes
    }

    @Test func parserNeverCrashesOnMutations() {
        var rng = SeededGenerator(state: 20_211_015)
        let parser = RequestHeadParser(maxRequestLineBytes: 8192, maxHeaderBytes: 32_768, maxHeaderCount: 100)
        for _ in 0..<20_000 {
            let bytes = Self.mutate(Self.seeds.randomElement(using: &rng) ?? "", &rng)
            if let parsed = try? parser.parse(bytes, from: 0, remoteAddress: "fuzz") {
                #expect(parsed.consumed <= bytes.count)
                if case .chunked = parsed.framing {
                    var decoder = ChunkedBodyDecoder(maxBodyBytes: 1 << 20, maxTrailerBytes: 32_768, maxTrailerFields: 100)
                    let used = (try? decoder.consume(bytes, from: parsed.consumed)) ?? parsed.consumed
                    #expect(used <= bytes.count)
                }
            }
        }
    }

    @Test func liveServerAnswersEveryMutationWellFormedOrCloses() async throws {
        let server = try TestServer { $0.headerTimeout = 0.2; $0.bodyTimeout = 0.2 }
        var rng = SeededGenerator(state: 46_108)
        for _ in 0..<300 {
            let bytes = Self.mutate(Self.seeds.randomElement(using: &rng) ?? "", &rng)
            let client = try server.client()
            try? client.send(bytes)
            client.shutdownWrite()
            do {
                let response = try client.readResponse()
                #expect((100...599).contains(response.status))
            } catch RawHTTPClient.Failure.closed {
                // A clean close is an acceptable answer to garbage.
            }
        }
        // Still serving.
        let client = try server.client()
        try client.send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponse().status == 200)
        await server.stop()
    }
}
