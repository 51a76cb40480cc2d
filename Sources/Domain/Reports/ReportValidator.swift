/// The contract's rules for one report's villages and fuel (API.md, Daily reports). Pure: state in, issues out.
/// The state is a parameter, not a property: kept in the struct, it was copied (a retain and a release of each of
/// its twenty-odd stores) for every report.
struct ReportValidator {
    let unit: String
    let submission: ReportSubmission
    /// The unit's effective counts before this report (the same day's revisions laid over the days before).
    let base: UnitTimeline.Day?
    /// What later days reported, for a back-dated report: each village's counts and the fuel as the first later day
    /// that reported them gave them. A back-dated report above them would make that day a decrease.
    let later: LaterReports
    let rules: CampaignRules
    /// For a day already settled (an office's correction, a reopened date): the day it settled on. Its figures are
    /// judged by the roster as of then (docs/bulletin.md, rosterTarget), and so is its report. Nil: not settled.
    var settledOn: LocalDate? = nil

    struct LaterReports {
        var counts: [ProgressKey: (date: LocalDate, counts: Funnel)] = [:]
        var fuel: (date: LocalDate, fuel: FuelDelivered)?

        /// Looks only for what `submission` names, and stops once it has found all of it.
        /// `timeline` and `unitDays`: the unit's (nil when it never reported).
        init(timeline: UnitTimeline?, unitDays: DayMap<UnitDay>?, after date: LocalDate, submission: ReportSubmission) {
            guard let timeline, let unitDays else { return }
            // A plain array: a report names a few villages, and a set's hashing and copying cost more than them.
            var wanted = submission.villages.map(\.key)
            var wantsFuel = submission.fuel != nil
            for later in timeline.dates(after: date) where !wanted.isEmpty || wantsFuel {
                guard let day = unitDays[later] else { continue }
                var index = 0
                while index < wanted.count {
                    if let reported = day.reportedCounts[wanted[index]] {
                        counts[wanted[index]] = (later, reported)
                        wanted.swapAt(index, wanted.count - 1)
                        wanted.removeLast()
                    } else {
                        index += 1
                    }
                }
                if wantsFuel, let reported = day.reportedFuel {
                    fuel = (later, reported)
                    wantsFuel = false
                }
            }
        }
    }

    func issues(in state: borrowing CampaignState) -> (issues: [DomainError.FieldIssue], unknownVillage: Bool) {
        var issues: [DomainError.FieldIssue] = []
        var unknownVillage = false
        var seen = SeenKeys()
        let hasCorrection = Campaign.hasVisibleText(submission.correction)

        if submission.villages.count > rules.maxVillagesPerReport {
            // Alone, as too many issues are: not thousands of entries each checked and named too.
            return ([.init(field: "villages", message: "一次最多报送 \(rules.maxVillagesPerReport) 条村级进度")], false)
        }
        for (index, entry) in submission.villages.enumerated() {
            // Built only for an issue, as the stages' names below.
            var field: String { "villages[\(index)]" }
            let judgedBy = judgingVersions(entry, in: state)
            guard let village = judgedBy.last, judgedBy.allSatisfy({ $0.unit == unit }) else {
                unknownVillage = true
                // Registered to this unit at some time the figures reach, but not all of it: which is what matters.
                let message = settledOn != nil && judgedBy.contains(where: { $0.unit == unit })
                    ? "村“\(echo: entry.village)”在本次数据所及的日子里（从 \(submission.date.map { "\($0)" } ?? "该日") 起至该村下次报送）有时登记在其他单位，不能这样补正\(asThen())"
                    : "村“\(echo: entry.village)”未在本单位登记（确村确户），请先登记或核对编号"
                issues.append(.init(field: "\(field).village", message: message))
                continue
            }
            guard state.path(entry.path) != nil else {
                issues.append(.init(field: "\(field).path", message: "没有改造路径“\(echo: entry.path)”（路径编号如 gas，见 GET /api/v1/paths）"))
                continue
            }
            guard let target = judgedBy.lazy.map({ $0.targets[entry.path] ?? 0 }).min(), target > 0 else {
                let when = settledOn == nil ? "" : "在本次数据所及的日子里（至该村此路径下次报送）有时"
                issues.append(.init(field: "\(field).path", message: "\(village.name)\(when)未登记“\(echo: entry.path)”路径的改造任务\(asThen())"))
                continue
            }
            if !seen.insert(entry.key) {
                issues.append(.init(field: field, message: "\(village.name)的同一路径在本次报送中出现了两次"))
            }
            issues += funnelIssues(entry, field: field, villageName: village.name, target: target,
                                   targetIsThen: settledOn != nil && target != state.villages[entry.village]?.targets[entry.path],
                                   hasCorrection: hasCorrection)
        }
        issues += fuelIssues(hasCorrection: hasCorrection, in: state)
        return (issues, unknownVillage)
    }

    /// The versions of a village an entry's counts will be judged by. A day not settled: the village as it is (its
    /// later changes are held to these counts by the roster's own rules). A settled day: the roster's versions from
    /// the day's settling to that of the day before the village's path is next reported, as the counts carry
    /// forward to then (registered to another unit on any of them, it cannot be reported here).
    private func judgingVersions(_ entry: VillageProgress, in state: borrowing CampaignState) -> [Village] {
        guard let settled = settledOn else { return state.villages[entry.village].map { [$0] } ?? [] }
        let through = later.counts[entry.key].map { rules.settlement(of: $0.date.adding(days: -1)) }
        return state.rosterHistory.versions(of: entry.village, settledOn: settled, through: through, reportedBy: unit)
    }

    /// A settled day is checked against the roster it is judged by, which the clerk may not expect: said so. Made
    /// only for a message: most reports are for a day not yet settled, and all pass.
    private func asThen() -> String {
        settledOn == nil ? "" : "（\(submission.date.map { "\($0)" } ?? "该日") 已过补报期，按当时的确村确户核对）"
    }

    /// `targetIsThen`: the target is the roster's as the day is judged by, not today's (`asThen`). (A flag, not the
    /// text as an autoclosure: its context copied the whole state and validator for every village reported.)
    private func funnelIssues(_ entry: VillageProgress, field: String, villageName: String, target: Int,
                              targetIsThen: Bool,
                              hasCorrection: Bool) -> [DomainError.FieldIssue] {
        var issues: [DomainError.FieldIssue] = []
        let stages = Funnel.stages
        let previous = base?.counts[entry.key]
        let next = later.counts[entry.key] // looked up once, not for each stage: a key's hashing is not free
        for (index, stage) in stages.enumerated() {
            let value = entry.counts[stage]
            // Built only for an issue: most reports have none, and five names per village added up.
            var stageField: String { "\(field).\(stage.field)" }
            if value < 0 {
                issues.append(.init(field: stageField, message: "\(villageName)\(stage.chinese)数不能为负数"))
                continue
            }
            if value > target {
                issues.append(.init(field: stageField, message: "\(villageName)\(stage.chinese)数 \(value) 超过该路径改造任务 \(target) 户\(targetIsThen ? asThen() : "")"))
            }
            if index > 0 {
                let upstream = stages[index - 1]
                let upstreamValue = entry.counts[upstream]
                // Against a negative count, already named, the comparison says nothing more.
                if value > upstreamValue, upstreamValue >= 0 {
                    issues.append(.init(field: stageField, message: "\(villageName)\(stage.chinese)数 \(value) 不能大于\(upstream.chinese)数 \(upstreamValue)"))
                }
            }
            if let previous, value < previous[stage], !hasCorrection {
                issues.append(.init(field: stageField, message: "\(villageName)\(stage.chinese)数 \(value) 低于上次报送的 \(previous[stage])，如确需更正请在 correction 中说明原因"))
            } else if let next, value > next.counts[stage],
                      value > previous?[stage] ?? -1, !hasCorrection {
                // Only a figure this report raises: a resubmission that leaves it as it was overtakes nothing new.
                issues.append(.init(field: stageField, message: "\(villageName)\(stage.chinese)数 \(value) 高于\(next.date.chineseMonthDay)已报送的 \(next.counts[stage])，如确需更正请在 correction 中说明原因"))
            }
        }
        return issues
    }

    private func fuelIssues(hasCorrection: Bool, in state: borrowing CampaignState) -> [DomainError.FieldIssue] {
        guard let fuel = submission.fuel else { return [] }
        var issues: [DomainError.FieldIssue] = []
        let next = later.fuel
        for cleanCoal in [true, false] { // not a list of the two fuels' figures: it was allocated for every report
            let name = cleanCoal ? "cleanCoalTons" : "biomassTons"
            let value = cleanCoal ? fuel.cleanCoalTons : fuel.biomassTons
            let previous = cleanCoal ? base?.fuel.cleanCoalTons : base?.fuel.biomassTons
            let laterValue = cleanCoal ? next?.fuel.cleanCoalTons : next?.fuel.biomassTons
            if value < 0 || !value.isFinite {
                issues.append(.init(field: "fuel.\(name)", message: "燃料吨数不能为负数"))
            } else if value > rules.maxFuelTons {
                issues.append(.init(field: "fuel.\(name)", message: "累计燃料 \(format(value)) 吨超过上限 \(format(rules.maxFuelTons)) 吨，请核对单位（吨）"))
            } else if let previous, value < previous, !hasCorrection {
                issues.append(.init(field: "fuel.\(name)", message: "累计燃料 \(format(value)) 吨低于上次报送的 \(format(previous)) 吨，如确需更正请在 correction 中说明原因"))
            } else if let next, let laterValue, value > laterValue, value > previous ?? -1, !hasCorrection {
                issues.append(.init(field: "fuel.\(name)", message: "累计燃料 \(format(value)) 吨高于\(next.date.chineseMonthDay)已报送的数，如确需更正请在 correction 中说明原因"))
            }
        }
        // 方案 三(三)7: clean coal is subsidised up to 3 t per household and year.
        let cap = state.path(PathID.cleanCoal)?.subsidy.capTonsPerHouseholdPerYear ?? 3
        // Saturating: the entries are not validated yet, and a thousand counts just under 9e15 overflowed an Int
        // (a trap that stopped the server).
        func cleanCoalHouseholds(_ counts: some Sequence<(key: ProgressKey, value: Funnel)>) -> Int {
            counts.reduce(0) { sum, entry in
                guard entry.key.path == PathID.cleanCoal else { return sum }
                let (total, overflow) = sum.addingReportingOverflow(entry.value.confirmed)
                return overflow ? Int.max : total
            }
        }
        let households: Int
        if submission.villages.contains(where: { $0.path == PathID.cleanCoal }) {
            var counts = base?.counts ?? [:]
            for entry in submission.villages { counts[entry.key] = entry.counts }
            households = cleanCoalHouseholds(counts)
        } else {
            // The report names no clean coal village: the carried counts as they are, without the copy of them that
            // laying the entries over took (stored counts are not negative, so the order of the sum does not matter).
            households = cleanCoalHouseholds(base?.counts ?? [:])
        }
        let allowed = Double(households) * cap
        if fuel.cleanCoalTons > allowed + 1e-9 {
            issues.append(.init(field: "fuel.cleanCoalTons", message: "清洁煤累计 \(format(fuel.cleanCoalTons)) 吨超过上限：清洁煤过渡确户 \(households) 户 × \(format(cap)) 吨 = \(format(allowed)) 吨"))
        }
        return issues
    }

    /// Whole tons without a fraction. Only below 9e15, where a Double is an exact Int: `Int(1e19)` traps, and a
    /// fuel figure of 1e19 once brought the whole server down with it.
    private func format(_ tons: Double) -> String {
        // And no 309 digits for 1e308 in a message: such figures in scientific notation.
        if abs(tons) >= 9e15 { return String(format: "%.6g", tons) }
        return tons == tons.rounded() ? String(Int(tons)) : String(format: "%.2f", tons)
    }
}

/// The villages and paths a report named so far, to find one named twice. A plain list while short (a report names
/// a few): a set's allocation and hashing cost more than the few comparisons, on the writer's thread.
private struct SeenKeys {
    private var list: [ProgressKey] = []
    private var set: Set<ProgressKey>?

    /// False when `key` was seen before.
    mutating func insert(_ key: ProgressKey) -> Bool {
        if set != nil { return set!.insert(key).inserted }
        if list.contains(key) { return false }
        list.append(key)
        if list.count > 16 { set = Set(list) }
        return true
    }
}
