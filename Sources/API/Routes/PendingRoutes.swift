// The bulletin (issue 5) and supervision (issue 6) routes land with their domain work.
extension CleanheatAPI {
    static let bulletinRoutes: [APIRoute] = []
    static let supervisionRoutes: [APIRoute] = []
}

final class BulletinCache: Sendable {}
