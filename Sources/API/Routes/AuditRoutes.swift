import Domain
import HTTPCore

extension CleanheatAPI {
    static let auditRoutes: [APIRoute] = [
        APIRoute("GET", "/api/v1/audit", .readAudit, queries: ["from", "to"]) { api, request in
            let today = api.campaign.today
            let from = try request.dateQuery("from", required: false) ?? today
            let to = try request.dateQuery("to", required: false) ?? from
            guard from <= to else { throw APIError.badQuery(parameter: "from", message: "from 不能晚于 to") }
            guard to - from <= 366 else { throw APIError.badQuery(parameter: "to", message: "一次最多查询 366 天") }
            return try api.renderer.response(200, Wrapped(key: "entries", value: api.campaign.auditEntries(from: from, to: to)))
        },
    ]
}
