import Domain
import Foundation
import HTTPCore

/// The daily bulletin (每日通报), the pending list and summaries: JSON, Chinese text, CSV.
extension CleanheatAPI {
    static let bulletinRoutes: [APIRoute] = [
        APIRoute("GET", "/api/v1/bulletins/{date}", .readBulletin, queries: ["format"]) { api, request in
            let date = try api.bulletinDate(request)
            let format = try request.format()
            let key = api.bulletinCacheKey(date: date, format: format)
            // Weak: the gzipped and the plain body are the same bulletin, and If-None-Match compares weakly
            // (RFC 9110 §13.1.2), so W/ from a proxy matches too.
            let etag = "W/\"\(key)\""
            var headers = HTTPFields()
            headers["ETag"] = etag
            headers["Vary"] = "Accept"
            // On the 304 as on the 200 (RFC 9110 §15.4.5: a 304 carries the Cache-Control its 200 would).
            headers["Cache-Control"] = "no-cache"
            if let match = request.http.headers.list("If-None-Match"), match.split(separator: ",").contains(where: {
                let tag = $0.trimmingOptionalWhitespace()
                return tag == "*" || (tag.hasPrefix("W/") ? String(tag.dropFirst(2)) : tag) == "\"\(key)\""
            }) {
                // The Vary its 200 would carry (RFC 9110 §15.4.5): that one is gzipped where asked.
                headers["Vary"] = "Accept, Accept-Encoding"
                return HTTPResponse(status: 304, headers: headers)
            }
            let (body, contentType) = api.renderedCache.value(for: key) {
                let bulletin = api.campaign.bulletin(for: date)
                switch format {
                case "text": return (Data(BulletinText.render(bulletin).utf8), "text/plain; charset=utf-8")
                case "csv": return (Data(BulletinCSV.render(bulletin).utf8), "text/csv; charset=utf-8")
                default: return (BulletinJSON.render(bulletin, time: api.campaign.rules.time), "application/json; charset=utf-8")
                }
            }
            headers["Content-Type"] = contentType
            if format == "csv" { headers["Content-Disposition"] = "attachment; filename=\"bulletin-\(date).csv\"" }
            return HTTPResponse(status: 200, headers: headers, body: body)
        },
        APIRoute("GET", "/api/v1/bulletins/{date}/pending", .readBulletin, queries: ["format"]) { api, request in
            let date = try api.bulletinDate(request)
            let pending = api.campaign.pendingUnits(for: date)
            var response: HTTPResponse
            if try request.format(allowed: ["json", "text"]) == "text" {
                let time = api.campaign.rules.time.timeOfDay(of: pending.asOf).description
                response = .text(200, pending.text(asOf: time, drawnOn: api.campaign.rules.time.localDate(of: pending.asOf)) + "\n")
            } else {
                response = try api.renderer.response(200, pending)
            }
            response.headers["Vary"] = "Accept"
            return response
        },
        APIRoute("GET", "/api/v1/summary", .readSummary, queries: ["from", "to", "format"]) { api, request in
            guard let from = try request.dateQuery("from", required: true), let to = try request.dateQuery("to", required: true) else {
                throw APIError.badQuery(parameter: "from", message: "缺少 from 或 to")
            }
            let format = try request.format(allowed: ["json", "csv"])
            let summary = try APIError.queryChecked { try api.campaign.summary(from: from, to: to) }
            var response: HTTPResponse
            if format == "csv" {
                var headers = HTTPFields()
                headers["Content-Type"] = "text/csv; charset=utf-8"
                headers["Content-Disposition"] = "attachment; filename=\"summary-\(from)-\(to).csv\""
                response = HTTPResponse(status: 200, headers: headers, body: Data(SummaryCSV.render(summary).utf8))
            } else {
                response = try api.renderer.response(200, summary)
            }
            response.headers["Vary"] = "Accept"
            return response
        },
    ]

    /// A day still to come has no bulletin: it listed every unit as 未报 (API.md's `future_date`, as for reports).
    private func bulletinDate(_ request: APIRequest) throws -> LocalDate {
        let today = campaign.today
        let date = request.parameter("date") == "today" ? today : try request.dateParameter("date")
        guard date <= today else {
            throw DomainError(.futureDate, "\(date) 还没有到（今天是 \(today)），没有通报", details: [.init(field: "date", message: "日期晚于今天")])
        }
        return date
    }

    /// The bulletin changes only when the state does (its version in this process) or when its day's deadline
    /// passes.
    private func bulletinCacheKey(date: LocalDate, format: String) -> String {
        let version = campaign.read { $0.version }
        let afterDeadline = campaign.rules.deadlinePassed(date, at: campaign.now()) ? "a" : "b"
        return "\(date)-v\(processEpoch).\(version)-\(afterDeadline)-\(format)"
    }
}
