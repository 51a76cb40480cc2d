import Foundation
import Storage
import TestSupport
@testable import Domain

/// Builds a CampaignState the way recovery does: by applying logged changes, starting from the repo's migrations.
struct StateBuilder {
    var state = CampaignState()
    let at = Date(timeIntervalSince1970: 1_634_284_800) // 2021-10-15T08:00:00Z

    init(migrations: Bool = true) throws {
        guard migrations else { return }
        let files = try FileManager.default.contentsOfDirectory(at: RepositoryPaths.migrations, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        for file in files {
            let body = try JSONDecoder().decode(MigrationBody.self, from: Data(contentsOf: file))
            try state.apply(LoggedChange(.migrationApplied(id: file.lastPathComponent, checksum: "test", at: at, body: body), audit: nil))
        }
    }

    mutating func village(_ id: String, unit: String, targets: [String: Int], area: String = "rural") throws {
        try state.apply(LoggedChange(.villagesSaved([Village(id: id, name: id, unit: unit, area: area, targets: targets)]), audit: nil))
    }

    mutating func report(_ unit: String, _ date: String, _ entries: [(String, String, [Int])], status: Timeliness = .onTime,
                         fuel: FuelDelivered? = nil, correction: String? = nil, audited: Bool = false) throws {
        let day = try #require(LocalDate(date))
        let revisionNumber = (state.unitDay(unit, day)?.revisions.count ?? 0) + 1
        let villages = entries.map { village, path, c in
            VillageProgress(village: village, path: path, counts: Funnel(confirmed: c[0], signed: c[1], installed: c[2], accepted: c[3], operating: c[4]))
        }
        let revision = ReportRevision(revision: revisionNumber, submittedAt: at, submittedBy: "tok_test", villages: villages, fuel: fuel,
                                      issues: [], nextDayPlan: nil, reporter: nil, correction: correction, warnings: [])
        let audit = audited ? AuditEntry(at: at, date: day, tokenID: "tok_test", tokenLabel: "测试", role: .reporter,
                                         action: "report.submit", target: "\(unit)/\(date)", summary: "第 \(revisionNumber) 版") : nil
        try state.apply(LoggedChange(.reportSubmitted(unit: unit, date: day, status: status, revision: revision), audit: audit))
    }
}

import Testing

/// A date literal in tests.
func day(_ text: String) -> LocalDate { LocalDate(text)! }
