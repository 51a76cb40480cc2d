import Domain
import HTTPCore

/// Units, paths and the plan: the reference data the migrations load.
extension CleanheatAPI {
    static let referenceRoutes: [APIRoute] = [
        APIRoute("GET", "/api/v1/units", .readReference, queries: ["kind"]) { api, request in
            var kind: Unit.Kind?
            if let text = request.query("kind") {
                guard let parsed = Unit.Kind(rawValue: text) else {
                    throw APIError.badQuery(parameter: "kind", message: "kind 只能是 township、department、company 或 office")
                }
                kind = parsed
            }
            return try api.cachedJSON("units-\(kind?.rawValue ?? "all")") { Wrapped(key: "units", value: api.campaign.units(kind: kind)) }
        },
        APIRoute("GET", "/api/v1/paths", .readReference) { api, _ in
            try api.cachedJSON("paths") { Wrapped(key: "paths", value: api.campaign.paths()) }
        },
        APIRoute("GET", "/api/v1/plan", .readPlan, queries: ["season"]) { api, request in
            let season = request.query("season")
            return try api.cachedJSON("plan-\(season ?? "current-\(api.campaign.today)")") {
                guard let plan = api.campaign.plan(seasonID: season) else {
                    throw APIError.notFound("没有采暖季“\(echo: season ?? "")”的方案")
                }
                return plan
            }
        },
    ]
}
