import Domain
import HTTPCore

extension CleanheatAPI {
    static let auditRoutes: [APIRoute] = [
        APIRoute("GET", "/api/v1/audit", .readAudit, queries: ["from", "to"]) { api, request in
            // Neither given: today's writes; one given: that day's (a `to` alone once met a default `from` of today).
            let givenFrom = try request.dateQuery("from", required: false), givenTo = try request.dateQuery("to", required: false)
            let from = givenFrom ?? givenTo ?? api.campaign.today
            let to = givenTo ?? from
            guard from <= to else { throw APIError.badQuery(parameter: "from", message: "from 不能晚于 to") }
            // 366 days, both ends counted (to − from is one less).
            guard to - from < 366 else { throw APIError.badQuery(parameter: "to", message: "一次最多查询 366 天") }
            return try api.renderer.response(200, AuditView(from: from, to: to, entries: api.campaign.auditEntries(from: from, to: to)))
        },
    ]

    /// The range used is echoed: with neither given it is today, which a reader could not otherwise tell.
    private struct AuditView: Encodable {
        let from: LocalDate, to: LocalDate
        let entries: [AuditEntry]
    }
}
