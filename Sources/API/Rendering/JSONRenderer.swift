import Domain
import Foundation
import HTTPCore

/// Encodes response bodies: camelCase fields as declared, sorted keys (stable ETags), instants as RFC 3339
/// with the district's offset.
struct JSONRenderer: Sendable {
    let time: DistrictTime

    func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let time = self.time
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(time.rfc3339(date))
        }
        return encoder
    }

    func data<T: Encodable>(_ value: T) throws -> Data {
        try encoder().encode(value)
    }

    func response<T: Encodable>(_ status: Int, _ value: T, headers: HTTPFields = HTTPFields()) throws -> HTTPResponse {
        .json(status, try data(value), headers: headers)
    }
}

/// `{"key": [...]}`-style wrappers the contract uses for lists.
struct Wrapped<T: Encodable>: Encodable {
    let key: String
    let value: T

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyKey.self)
        try container.encode(value, forKey: AnyKey(key))
    }
}

struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
