import Foundation
import Testing
@testable import Domain

/// The report rules on plain values, without a server: every issue names its field.
@Suite struct ReportValidatorTests {
    func validator(_ state: CampaignState, _ entries: [(String, String, [Int])], fuel: FuelDelivered? = nil,
                   correction: String? = nil, date: String = "2021-10-16") -> (issues: [DomainError.FieldIssue], unknownVillage: Bool) {
        let submission = ReportSubmission(villages: entries.map { v, p, c in
            VillageProgress(village: v, path: p, counts: Funnel(confirmed: c[0], signed: c[1], installed: c[2], accepted: c[3], operating: c[4]))
        }, fuel: fuel, correction: correction)
        let base = state.timelines["xiatuanpu"]?.effective(onOrBefore: day(date))
        let later = ReportValidator.LaterReports(timeline: state.timelines["xiatuanpu"], unitDays: state.unitDays["xiatuanpu"],
                                                 after: day(date), submission: submission)
        return ReportValidator(unit: "xiatuanpu", submission: submission, base: base, later: later,
                               rules: CampaignRules()).issues(in: state)
    }

    func builder() throws -> StateBuilder {
        var b = try StateBuilder()
        try b.village("xtp-a", unit: "xiatuanpu", targets: ["biomass": 100, "clean_coal": 10])
        try b.village("zr-a", unit: "zirun", targets: ["biomass": 100])
        return b
    }

    @Test func aValidReportHasNoIssues() throws {
        let result = validator(try builder().state, [("xtp-a", "biomass", [100, 90, 80, 70, 60])])
        #expect(result.issues.isEmpty)
    }

    @Test func funnelOrderIsCheckedStageByStage() throws {
        let result = validator(try builder().state, [("xtp-a", "biomass", [50, 60, 40, 45, 50])])
        #expect(result.issues.map(\.field) == ["villages[0].signed", "villages[0].accepted", "villages[0].operating"])
        // Each message names its village (the field alone, villages[i], is little help in a report of 30).
        #expect(result.issues[0].message.contains("xtp-a签约数 60 不能大于确户数 50"))
    }

    /// A negative count is named once: the stage after it is not also told it exceeds a negative number.
    @Test func aNegativeCountIsNamedOnce() throws {
        let result = validator(try builder().state, [("xtp-a", "biomass", [50, 40, -1, 1, 0])])
        #expect(result.issues.map(\.field) == ["villages[0].installed"], "\(result.issues)")
        #expect(result.issues.first?.message.contains("不能为负数") == true)
    }

    @Test func targetsAreCapsAndPathsMustBeRegistered() throws {
        let state = try builder().state
        #expect(validator(state, [("xtp-a", "biomass", [101, 0, 0, 0, 0])]).issues.map(\.field) == ["villages[0].confirmed"])
        #expect(validator(state, [("xtp-a", "gas", [1, 0, 0, 0, 0])]).issues.map(\.field) == ["villages[0].path"])
        #expect(validator(state, [("xtp-a", "rocket", [1, 0, 0, 0, 0])]).issues.map(\.field) == ["villages[0].path"])
        let foreign = validator(state, [("zr-a", "biomass", [1, 0, 0, 0, 0])])
        #expect(foreign.unknownVillage)
        #expect(foreign.issues.map(\.field) == ["villages[0].village"])
        let twice = validator(state, [("xtp-a", "biomass", [1, 0, 0, 0, 0]), ("xtp-a", "biomass", [2, 0, 0, 0, 0])])
        #expect(twice.issues.map(\.field) == ["villages[1]"])
    }

    @Test func decreasesNeedACorrectionAgainstCarriedCounts() throws {
        var b = try builder()
        try b.report("xiatuanpu", "2021-10-15", [("xtp-a", "biomass", [50, 40, 30, 20, 10])], fuel: FuelDelivered(cleanCoalTons: 0, biomassTons: 5))
        let lower = validator(b.state, [("xtp-a", "biomass", [50, 40, 29, 20, 10])])
        #expect(lower.issues.map(\.field) == ["villages[0].installed"])
        #expect(validator(b.state, [("xtp-a", "biomass", [50, 40, 29, 20, 10])], correction: "多报1户").issues.isEmpty)
        #expect(validator(b.state, [("xtp-a", "biomass", [50, 40, 29, 20, 10])], correction: "  ").issues.count == 1)
        // An ideographic space (U+3000, what a Chinese keyboard types) and a tab are no reason either.
        #expect(validator(b.state, [("xtp-a", "biomass", [50, 40, 29, 20, 10])], correction: "\u{3000}\t ").issues.count == 1)
        let lessFuel = validator(b.state, [], fuel: FuelDelivered(cleanCoalTons: 0, biomassTons: 4))
        #expect(lessFuel.issues.map(\.field) == ["fuel.biomassTons"])
        // Before the first report nothing can decrease.
        #expect(validator(b.state, [("xtp-a", "biomass", [1, 0, 0, 0, 0])], date: "2021-10-14").issues.isEmpty)
        // A line break or a zero-width space is no reason either.
        #expect(validator(b.state, [("xtp-a", "biomass", [50, 40, 29, 20, 10])], correction: "\n").issues.count == 1)
        #expect(validator(b.state, [("xtp-a", "biomass", [50, 40, 29, 20, 10])], correction: "\u{200B}\u{2028}").issues.count == 1)
    }

    /// A back-dated report above what a later day reported would make that day a decrease: it needs a correction
    /// too. Counts a later day only carried (it did not report the village) do not count.
    @Test func aBackDatedReportAboveALaterDaysNeedsACorrection() throws {
        var b = try builder()
        try b.report("xiatuanpu", "2021-10-14", [("xtp-a", "biomass", [50, 40, 30, 20, 10])])
        try b.report("xiatuanpu", "2021-10-15", [("xtp-a", "clean_coal", [5, 0, 0, 0, 0])])
        try b.report("xiatuanpu", "2021-10-16", [("xtp-a", "biomass", [60, 50, 40, 30, 20])], fuel: FuelDelivered(cleanCoalTons: 0, biomassTons: 5))
        // 10-15 only carried biomass; 10-16 reported it: 41 installed on the 15th is above the 16th's 40.
        let above = validator(b.state, [("xtp-a", "biomass", [60, 50, 41, 30, 20])], date: "2021-10-15")
        #expect(above.issues.map(\.field) == ["villages[0].installed"])
        #expect(above.issues.first?.message.contains("10月16日") == true)
        #expect(validator(b.state, [("xtp-a", "biomass", [60, 50, 41, 30, 20])], correction: "16日少报", date: "2021-10-15").issues.isEmpty)
        #expect(validator(b.state, [("xtp-a", "biomass", [60, 50, 40, 30, 20])], date: "2021-10-15").issues.isEmpty)
        #expect(validator(b.state, [], fuel: FuelDelivered(cleanCoalTons: 0, biomassTons: 6), date: "2021-10-15").issues.map(\.field)
                == ["fuel.biomassTons"])
        // A day already above a later one (the later day was corrected down) may be resubmitted with its figures as
        // they are: only a figure the report raises needs the correction.
        try b.report("xiatuanpu", "2021-10-17", [("xtp-a", "biomass", [60, 50, 35, 30, 20])])
        #expect(validator(b.state, [("xtp-a", "biomass", [60, 50, 40, 30, 20])], date: "2021-10-16").issues.isEmpty)
        #expect(validator(b.state, [("xtp-a", "biomass", [60, 50, 41, 30, 20])], date: "2021-10-16").issues.map(\.field)
                == ["villages[0].installed"])
    }

    @Test func cleanCoalCapCountsConfirmedHouseholdsAfterThisReport() throws {
        let state = try builder().state
        #expect(validator(state, [("xtp-a", "clean_coal", [4, 0, 0, 0, 0])], fuel: FuelDelivered(cleanCoalTons: 12, biomassTons: 0)).issues.isEmpty)
        let over = validator(state, [("xtp-a", "clean_coal", [4, 0, 0, 0, 0])], fuel: FuelDelivered(cleanCoalTons: 12.5, biomassTons: 0))
        #expect(over.issues.map(\.field) == ["fuel.cleanCoalTons"])
        #expect(over.issues[0].message.contains("4 户 × 3 吨 = 12 吨"))
        #expect(validator(state, [], fuel: FuelDelivered(cleanCoalTons: -1, biomassTons: 0)).issues.map(\.field) == ["fuel.cleanCoalTons"])
    }

    /// Tonnages beyond any Int are named in the messages too, not turned into a trap that stops the server.
    @Test func hugeTonnagesAreRefusedWithAMessage() throws {
        var b = try builder()
        try b.report("xiatuanpu", "2021-10-15", [], fuel: FuelDelivered(cleanCoalTons: 0, biomassTons: 1e308))
        let lower = validator(b.state, [], fuel: FuelDelivered(cleanCoalTons: 0, biomassTons: 1e19))
        #expect(lower.issues.map(\.field) == ["fuel.biomassTons"])
        #expect(lower.issues[0].message.contains("1e+19 吨"))
        let overCap = validator(try builder().state, [], fuel: FuelDelivered(cleanCoalTons: 1e19, biomassTons: 0))
        #expect(!overCap.issues.isEmpty && overCap.issues.allSatisfy { $0.field == "fuel.cleanCoalTons" })
        // The tonnage limit itself (campaign.maxFuelTons), at and just past it.
        let state = try builder().state
        #expect(validator(state, [], fuel: FuelDelivered(cleanCoalTons: 0, biomassTons: 1_000_000)).issues.isEmpty)
        let over = validator(state, [], fuel: FuelDelivered(cleanCoalTons: 0, biomassTons: 1_000_000.5))
        #expect(over.issues.map(\.field) == ["fuel.biomassTons"] && over.issues[0].message.contains("超过上限 1000000 吨"))
        // Household counts that sum past Int (each one allowed, none valid for these villages) are refused, not a trap.
        let many = (0..<1_100).map { ("v\($0)", "clean_coal", [8_999_999_999_999_999, 0, 0, 0, 0]) }
        #expect(!validator(try builder().state, many, fuel: FuelDelivered(cleanCoalTons: 1, biomassTons: 0)).issues.isEmpty)
    }
}

extension ReportValidatorTests {
    /// A message quotes an absurd figure readably: 1e308 tons printed 309 digits.
    @Test func anAbsurdFuelFigureIsQuotedInScientificNotation() throws {
        let result = validator(try builder().state, [], fuel: FuelDelivered(cleanCoalTons: 0, biomassTons: 1e308))
        #expect(result.issues.map(\.field) == ["fuel.biomassTons"])
        let message = try #require(result.issues.first?.message)
        #expect(message.contains("1e+308") && message.count < 80, "\(message)")
    }
}
