import Domain
import HTTPCore

/// Units, paths and the plan: the reference data the migrations load.
extension CleanheatAPI {
    static let referenceRoutes: [APIRoute] = [
        APIRoute("GET", "/api/v1/units", .readReference) { api, request in
            var kind: Unit.Kind?
            if let text = request.query("kind") {
                guard let parsed = Unit.Kind(rawValue: text) else {
                    throw APIError.badQuery(parameter: "kind", message: "kind 只能是 township、department、company 或 office")
                }
                kind = parsed
            }
            return try api.renderer.response(200, Wrapped(key: "units", value: api.campaign.units(kind: kind)))
        },
        APIRoute("GET", "/api/v1/paths", .readReference) { api, _ in
            try api.renderer.response(200, Wrapped(key: "paths", value: api.campaign.paths()))
        },
        APIRoute("GET", "/api/v1/plan", .readPlan) { api, request in
            guard let plan = api.campaign.plan(seasonID: request.query("season")) else {
                throw APIError.notFound("没有采暖季“\(request.query("season") ?? "")”的方案")
            }
            return try api.renderer.response(200, plan)
        },
    ]
}
