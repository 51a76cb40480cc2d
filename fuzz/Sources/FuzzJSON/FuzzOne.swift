import Foundation
@testable import Domain

/// One input as a request body: the strict reader must never trap, and never take what Foundation's reader refuses
/// (it refuses more: trailing commas, bytes after a NUL, which Foundation lets through).
func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Data(bytes: data, count: size)
    if (try? JSONValue.parse(bytes)) != nil {
        precondition((try? JSONSerialization.jsonObject(with: bytes, options: [.fragmentsAllowed])) != nil,
                     "taken as JSON, refused by Foundation: \(String(decoding: bytes.prefix(200), as: UTF8.self).debugDescription)")
    }
    _ = try? JSONValue.forEachElement(ofArray: bytes) { _ in true } // how reports.json is read back
    return 0
}
