import Domain
import HTTPCore

/// Lagging units (督查): the supervision office's weekly query.
extension CleanheatAPI {
    static let supervisionRoutes: [APIRoute] = [
        APIRoute("GET", "/api/v1/lagging", .readLagging, queries: LaggingReport.queryNames.union(["from", "to", "level", "format"])) { api, request in
            guard let from = try request.dateQuery("from", required: true), let to = try request.dateQuery("to", required: true) else {
                throw APIError.badQuery(parameter: "from", message: "缺少 from 或 to")
            }
            var level: LaggingLevel?
            if let text = request.query("level") {
                guard let parsed = LaggingLevel(rawValue: text) else {
                    throw APIError.badQuery(parameter: "level", message: "level 只能是 notice、criticize 或 refer")
                }
                level = parsed
            }
            let query = Dictionary(request.http.head.queryItems.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
            let report = try APIError.queryChecked {
                let thresholds = try LaggingReport.thresholds(from: query, defaults: api.campaign.rules.lagging)
                return try api.campaign.lagging(from: from, to: to, thresholds: thresholds, minimumLevel: level)
            }
            var response = try request.format(allowed: ["json", "text"]) == "text"
                ? .text(200, LaggingNoticeText.render(report)) : try api.renderer.response(200, report)
            response.headers["Vary"] = "Accept"
            return response
        },
    ]
}
