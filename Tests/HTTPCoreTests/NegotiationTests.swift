import Testing
@testable import HTTPCore

/// RFC 9110 §12: weights decide, not the order or the mere presence of a media type.
@Suite struct NegotiationTests {
    let offers = ["application/json", "text/plain", "text/csv"]

    @Test(arguments: [
        (nil, "application/json"),
        ("application/json, text/plain, */*", "application/json"), // axios's default
        ("text/plain", "text/plain"),
        ("text/csv", "text/csv"),
        ("application/json, text/csv;q=0.1", "application/json"),
        ("text/plain;q=0.5, text/csv", "text/csv"),
        ("text/*", "text/plain"),
        ("text/*;q=0.2, text/csv;q=0.9", "text/csv"),
        ("*/*", "application/json"),
        ("*/*;q=0.1, text/plain", "text/plain"),
        ("TEXT/PLAIN", "text/plain"),
        ("text/plain;charset=utf-8;q=0.8, application/json;q=0.7", "text/plain"),
    ] as [(String?, String)])
    func mediaTypeByWeight(accept: String?, expected: String) {
        #expect(Negotiation.preferredMediaType(accept: accept, offers: offers) == expected)
    }

    @Test func nothingAcceptableIsNil() {
        #expect(Negotiation.preferredMediaType(accept: "image/png", offers: offers) == nil)
        #expect(Negotiation.preferredMediaType(accept: "text/plain;q=0, application/json;q=0", offers: ["text/plain", "application/json"]) == nil)
        // A weight that is not a qvalue leaves its item out.
        #expect(Negotiation.preferredMediaType(accept: "text/plain;q=2", offers: ["text/plain"]) == nil)
        #expect(Negotiation.preferredMediaType(accept: "text/plain;q=0.5x", offers: ["text/plain"]) == nil)
    }

    @Test func gzipByWeight() {
        #expect(Gzip.accepted(by: "gzip, deflate"))
        #expect(Gzip.accepted(by: "x-gzip"))
        #expect(Gzip.accepted(by: "*"))
        #expect(Gzip.accepted(by: "gzip;q=0.001"))
        #expect(Gzip.accepted(by: "gzip;q=1.000"))
        #expect(!Gzip.accepted(by: "gzip;q=0"))
        #expect(!Gzip.accepted(by: "gzip;q=0.000"))
        #expect(!Gzip.accepted(by: "*, gzip;q=0"))
        #expect(!Gzip.accepted(by: "*;q=0"))
        #expect(!Gzip.accepted(by: "identity"))
        #expect(!Gzip.accepted(by: nil))
        // Identity listed above gzip is a preference for no coding; at the same weight, or unlisted, gzip is taken.
        #expect(!Gzip.accepted(by: "gzip;q=0.5, identity;q=1"))
        #expect(!Gzip.accepted(by: "identity, *;q=0.5"))
        #expect(Gzip.accepted(by: "gzip, identity"))
        #expect(Gzip.accepted(by: "identity;q=0.5, gzip"))
        #expect(!Gzip.accepted(by: "*;q=0.5, gzip;q=0.1")) // `*` stands for identity when it is not listed
        // Listed twice, the refusal stands, whichever comes first.
        #expect(!Gzip.accepted(by: "gzip;q=0, gzip"))
        #expect(!Gzip.accepted(by: "gzip, gzip;q=0"))
    }
}

/// Field names are matched ignoring ASCII case only (RFC 9110 §5.1): a letter's other case, nothing else.
@Suite struct FieldNameMatchingTests {
    @Test(arguments: [
        ("Content-Length", "content-length", true), ("HOST", "host", true), ("x-A1", "X-a1", true), ("ä", "ä", true),
        ("Content-Length", "Content-Lengti", false), ("Host", "Hos", false), ("@", "`", false), ("[", "{", false),
        ("ä", "Ä", false), ("", "", true),
    ])
    func namesMatchIgnoringASCIICaseOnly(_ a: String, _ b: String, _ expected: Bool) {
        #expect(a.caseInsensitiveEquals(b) == expected)
        #expect(HTTPFields([HTTPFields.Field(name: a, value: "1")])[b] == (expected ? "1" : nil))
    }
}
