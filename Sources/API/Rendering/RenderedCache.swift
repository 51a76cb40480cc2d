import Foundation
import HTTPCore
import Synchronization

/// Rendered bodies by a key that names everything they depend on (the state's version among it): bulletins
/// and reference data are computed once per change, not once per request. Bounded; cleared when full.
final class RenderedCache: Sendable {
    private let entries = Mutex<[String: (Data, String)]>([:])
    private let capacity = 256

    func value(for key: String, make: () throws -> (Data, String)) rethrows -> (Data, String) {
        if let hit = entries.withLock({ $0[key] }) { return hit }
        let made = try make()
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = made
        }
        return made
    }
}

extension CleanheatAPI {
    /// A JSON answer rendered once per state version under `key`.
    func cachedJSON<T: Encodable>(_ key: String, _ make: () throws -> T) throws -> HTTPResponse {
        let version = campaign.read { $0.version }
        let (body, contentType) = try renderedCache.value(for: "\(key)-v\(version)") {
            (try renderer.data(make()), "application/json; charset=utf-8")
        }
        return HTTPResponse(status: 200, headers: HTTPFields(["Content-Type": contentType]), body: body)
    }
}
