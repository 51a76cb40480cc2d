import Domain
import Foundation
import HTTPCore

/// The office's actions on a unit's day: review, reopening a closed date, exemptions (免报).
extension CleanheatAPI {
    static let officeRoutes: [APIRoute] = [
        APIRoute("PUT", "/api/v1/reports/{unit}/{date}/review", .reviewReport) { api, request in
            let body = try request.json()
            try body.allowOnly(["state", "note"])
            let text = try body.requiredString("state")
            guard let state = Review.State(rawValue: text) else {
                throw DomainError.invalid("state", "state 只能是 received、questioned（存疑）、returned（退回）或 confirmed（确认）")
            }
            let review = try await api.campaign.setReview(unit: try api.unitParameter(request), date: try request.dateParameter("date"),
                                                          state: state, note: try body.string("note"), by: try request.caller)
            return try api.renderer.response(200, review)
        },
        APIRoute("POST", "/api/v1/reports/{unit}/{date}/reopen", .reopenReport) { api, request in
            let body = try request.json()
            try body.allowOnly(["until", "reason"])
            let reopening = try await api.campaign.reopen(unit: try api.unitParameter(request), date: try request.dateParameter("date"),
                                                          until: try body.timestamp("until"), reason: try body.requiredString("reason"),
                                                          by: try request.caller)
            return try api.renderer.response(200, reopening)
        },
        APIRoute("POST", "/api/v1/exemptions", .manageExemptions) { api, request in
            let body = try request.json()
            try body.allowOnly(["unit", "from", "to", "reason"])
            guard let from = try body.date("from", required: true), let to = try body.date("to", required: true) else {
                throw DomainError.invalid("from", "缺少 from 或 to")
            }
            let exemption = try await api.campaign.addExemption(unit: try body.requiredString("unit"), from: from, to: to,
                                                                reason: try body.requiredString("reason"), by: try request.caller)
            return try api.renderer.response(201, exemption)
        },
        APIRoute("GET", "/api/v1/exemptions", .readExemptions) { api, request in
            try api.renderer.response(200, Wrapped(key: "exemptions", value: api.campaign.exemptions(for: try request.caller)))
        },
        APIRoute("DELETE", "/api/v1/exemptions/{id}", .manageExemptions) { api, request in
            try await api.campaign.removeExemption(id: request.parameter("id"), by: try request.caller)
            return HTTPResponse(status: 204)
        },
    ]
}
