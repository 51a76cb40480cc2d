import HTTPCore

// Filled when the bulletin (issue 5) and supervision (issue 6) domain work lands.
extension CleanheatAPI {
    static let bulletinRoutes: [APIRoute] = []
    static let supervisionRoutes: [APIRoute] = []
}

final class BulletinCache: Sendable {}
