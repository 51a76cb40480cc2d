import Domain
import Foundation
import HTTPCore

/// The 6 PM daily report and its revisions.
extension CleanheatAPI {
    /// A unit-day as clients read it: one revision, how many there are, and the office's review.
    struct ReportView: Encodable {
        let unit: String, date: LocalDate, status: Timeliness, revision: Int, revisions: Int
        let submittedAt: Date, firstSubmittedAt: Date
        let villages: [VillageProgress], fuel: FuelDelivered?, issues: [String], nextDayPlan: String?
        let reporter: ReporterContact?, correction: String?, warnings: [ReportWarning], review: Review

        init(_ day: UnitDay, revision: ReportRevision) {
            unit = day.unit; date = day.date; status = day.status; self.revision = revision.revision
            revisions = day.revisions.count; submittedAt = revision.submittedAt
            firstSubmittedAt = day.firstSubmittedAt ?? revision.submittedAt
            villages = revision.villages; fuel = revision.fuel; issues = revision.issues; nextDayPlan = revision.nextDayPlan
            reporter = revision.reporter; correction = revision.correction; warnings = revision.warnings; review = day.review
        }
    }

    static let reportRoutes: [APIRoute] = [
        APIRoute("POST", "/api/v1/reports", .submitReport, queries: ["dryRun"], readsAcknowledgedWrites: false) { api, request in
            let submission = try submission(of: request, rules: api.campaign.rules)
            let dryRun = try request.boolQuery("dryRun")
            let receipt = try await api.campaign.submitReport(submission, by: try request.caller, dryRun: dryRun)
            return .json(receipt.created && !dryRun ? 201 : 200, ReceiptJSON.render(receipt, time: api.renderer.time, dryRun: dryRun))
        },
        APIRoute("GET", "/api/v1/reports", .readReports, queries: ["date", "unit"]) { api, request in
            let date = try request.dateQuery("date", required: false) ?? api.campaign.today
            let days = try api.campaign.reports(on: date, unit: try api.unitQuery(request, kinds: Unit.Kind.reporting, why: "只有乡镇和街道报送"), for: try request.caller)
            let views = days.compactMap { day in day.latest.map { ReportView(day, revision: $0) } }
            return try api.renderer.response(200, Wrapped(key: "reports", value: views))
        },
        APIRoute("GET", "/api/v1/reports/{unit}/{date}", .readReports, queries: ["revision"]) { api, request in
            let day = try api.campaign.report(unit: try api.unitParameter(request), date: try request.dateParameter("date"),
                                              for: try request.caller)
            let revision = try pickRevision(day, request.query("revision"), parameter: "revision")
            return try api.renderer.response(200, ReportView(day, revision: revision))
        },
        APIRoute("GET", "/api/v1/reports/{unit}/{date}/diff", .readReports, queries: ["from", "to"]) { api, request in
            let day = try api.campaign.report(unit: try api.unitParameter(request), date: try request.dateParameter("date"),
                                              for: try request.caller)
            guard request.query("from") != nil, request.query("to") != nil else {
                throw APIError.badQuery(parameter: "from", message: "请给出 from 和 to 两个版本号")
            }
            let from = try pickRevision(day, request.query("from"), parameter: "from")
            let to = try pickRevision(day, request.query("to"), parameter: "to")
            return try api.renderer.response(200, RevisionDiff(day: day, carried: api.campaign.carriedInto(unit: day.unit, date: day.date), from: from, to: to))
        },
    ]

    private static func pickRevision(_ day: UnitDay, _ text: String?, parameter: String) throws -> ReportRevision {
        guard let text else {
            guard let latest = day.latest else { throw APIError.notFound("没有报送版本") }
            return latest
        }
        guard let number = Int(text), number >= 1 else {
            throw APIError.badQuery(parameter: parameter, message: "\(parameter) 须为正整数版本号")
        }
        guard number <= day.revisions.count else {
            throw APIError.notFound("\(day.unit) \(day.date) 只有 \(day.revisions.count) 个版本，没有第 \(number) 版")
        }
        return day.revisions[number - 1]
    }

    /// A report body: the plain shape read straight from its bytes (ReportSubmission.readPlainBody), anything else
    /// through the JSON tree and `decodeSubmission`, which names each mistake.
    static func submission(of request: APIRequest, rules: CampaignRules) throws -> ReportSubmission {
        try request.requireContentType("application/json")
        if let plain = ReportSubmission.readPlainBody(request.http.body, maxVillages: rules.maxVillagesPerReport,
                                                      maxIssues: rules.maxIssuesPerReport) {
            return plain
        }
        return try decodeSubmission(try JSONFields.parse(request.http.body), maxVillages: rules.maxVillagesPerReport, maxIssues: rules.maxIssuesPerReport)
    }

    /// Lists longer than the limits are refused before their entries are read: a megabyte of 300,000 empty
    /// issues was answered entry by entry (a 31 MB answer, seconds of a loop every client waits on).
    static func decodeSubmission(_ body: JSONFields, maxVillages: Int = .max, maxIssues: Int = .max) throws -> ReportSubmission {
        for (key, limit, noun) in [("villages", maxVillages, "条村级进度"), ("issues", maxIssues, "条问题")] {
            // Only a list is counted here: a value of another type is named with the body's other mistakes below.
            if let list = try? body.array(key), list.count > limit {
                throw DomainError.invalid(key, "一次最多报送 \(limit) \(noun)，收到 \(list.count) 条")
            }
        }
        var errors = FieldErrors()
        _ = try errors.read { try body.allowOnly(["date", "unit", "villages", "fuel", "issues", "nextDayPlan", "reporter", "correction"]) }
        var submission = ReportSubmission()
        submission.date = try errors.read { try body.date("date") } ?? nil
        submission.unit = try errors.read { try body.string("unit") } ?? nil
        submission.villages = try (errors.read { try body.objects("villages") } ?? []).compactMap { entry in
            _ = try errors.read { try entry.allowOnly(["village", "path", "confirmed", "signed", "installed", "accepted", "operating"]) }
            var counts = Funnel()
            for stage in Funnel.stages {
                guard let value = try errors.read({ try entry.int(stage.field, required: true) }) ?? nil else { continue }
                counts[stage] = value
            }
            let village = try errors.read { try entry.requiredString("village") }
            let path = try errors.read { try entry.requiredString("path") }
            guard let village, let path else { return nil }
            return VillageProgress(village: village, path: path, counts: counts)
        }
        if let fuel = try errors.read({ try body.object("fuel") }) ?? nil {
            _ = try errors.read { try fuel.allowOnly(["cleanCoalTons", "biomassTons"]) }
            // Both or neither: a missing one read as 0 looked like a decrease of what was reported before.
            let cleanCoal = try errors.read { try fuel.double("cleanCoalTons", required: true) ?? 0 }
            let biomass = try errors.read { try fuel.double("biomassTons", required: true) ?? 0 }
            if let cleanCoal, let biomass { submission.fuel = FuelDelivered(cleanCoalTons: cleanCoal, biomassTons: biomass) }
        }
        submission.issues = try errors.read { try body.array("issues") == nil ? nil : try body.strings("issues") } ?? nil
        submission.nextDayPlan = try errors.read { try body.string("nextDayPlan") } ?? nil
        if let reporter = try errors.read({ try body.object("reporter") }) ?? nil {
            _ = try errors.read { try reporter.allowOnly(["name", "phone"]) }
            let name = try errors.read { try reporter.requiredString("name") }
            let phone = try errors.read { try reporter.string("phone") } ?? nil
            if let name { submission.reporter = ReporterContact(name: name, phone: phone) }
        }
        submission.correction = try errors.read { try body.string("correction") } ?? nil
        try errors.throwIfAny()
        return submission
    }
}
