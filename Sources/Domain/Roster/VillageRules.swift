/// What makes a village entry valid (确村确户), shared by the JSON endpoints and the CSV import.
enum VillageRules {
    static let areas = ["urban", "rural"]

    /// Lower-case letters, digits, `-` and `_`, 1–64 characters, starting with a letter or digit.
    static func isValidID(_ id: String) -> Bool {
        guard let first = id.utf8.first, id.utf8.count <= 64 else { return false }
        func allowed(_ byte: UInt8) -> Bool {
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x5F
        }
        return allowed(first) && first != 0x2D && first != 0x5F && id.utf8.allSatisfy(allowed)
    }

    /// Ids a village cannot take: `/villages/import` is the import's address, so a village `import` could never be
    /// read or replaced through `/villages/{id}`.
    static let reservedIDs: Set<String> = ["import"]

    /// `openSince`: the first day whose late window is still open: its figures are judged by the roster as it will
    /// stand when it settles, so a target may not go below what it reported either.
    static func issues(_ village: Village, state: CampaignState, openSince: LocalDate, prefix: String = "") -> [DomainError.FieldIssue] {
        var issues: [DomainError.FieldIssue] = []
        if !isValidID(village.id) {
            issues.append(.init(field: prefix + "id", message: "村编号只能用小写字母、数字、- 和 _（不超过 64 位），如 xtp-dongcun"))
        } else if reservedIDs.contains(village.id) {
            issues.append(.init(field: prefix + "id", message: "村编号“\(village.id)”为系统保留字，请换一个"))
        }
        let name = village.name.trimmingCharacters(in: .whitespaces)
        if !Campaign.hasVisibleText(name) || Campaign.isLonger(name, than: 50) || !Campaign.isOneLine(village.name) {
            issues.append(.init(field: prefix + "name", message: "请填写村名（不超过 50 字，不含换行等控制字符）"))
        }
        if state.unit(village.unit)?.kind != .township {
            issues.append(.init(field: prefix + "unit", message: "“\(echo: village.unit)”不是乡镇或街道的编号（如 zirun，见 GET /api/v1/units）"))
        }
        if !areas.contains(village.area) {
            issues.append(.init(field: prefix + "area", message: "area 只能是 urban（建成区）或 rural（农村地区）"))
        }
        if village.targets.isEmpty {
            issues.append(.init(field: prefix + "targets", message: "请至少填写一种改造路径的户数"))
        }
        // Reports are filed under the unit the village had when they were made: a PUT that moves the village
        // must still meet them.
        let reportedUnit = state.villages[village.id]?.unit ?? village.unit
        // A reported village stays with its unit: moved, its counts stayed in the old unit's figures (which could no
        // longer correct them) and were counted again under the new one. The roster import refuses the same.
        if reportedUnit != village.unit,
           state.timelines[reportedUnit]?.latest?.counts.keys.contains(where: { $0.village == village.id }) == true {
            issues.append(.init(field: prefix + "unit", message: "村“\(village.id)”已有\(state.unit(reportedUnit)?.name ?? reportedUnit)的报送数据，不能改划到其他单位。如系登记错误：请在正确单位以新编号登记此村，由\(state.unit(reportedUnit)?.name ?? reportedUnit)在报送中将此村各项数更正为 0（填写 correction），补报期过后再将此村户数改为 0"))
        }
        for (path, households) in village.targets.sorted(by: { $0.key < $1.key }) {
            if state.path(path) == nil {
                issues.append(.init(field: prefix + "targets.\(path)", message: "没有改造路径“\(echo: path)”（路径编号如 gas，见 GET /api/v1/paths）"))
            } else if households < 0 || households > 100_000 {
                issues.append(.init(field: prefix + "targets.\(path)", message: "户数须为 0 到 100000 的整数"))
            } else if let reported = reportedMaximum(village.id, path: path, unit: reportedUnit, state: state, openSince: openSince),
                      households < reported.confirmed {
                issues.append(.init(field: prefix + "targets.\(path)",
                                    message: "户数 \(households) 少于 \(reported.describe)\(reported.open ? "（该日仍在补报期内，按结算时的登记核对）" : "")"))
            }
        }
        // A path with reported households stays (at 0 or more): dropping it left those counts without a target.
        for path in (state.villages[village.id]?.targets.keys.sorted() ?? []) where village.targets[path] == nil {
            if let reported = reportedMaximum(village.id, path: path, unit: reportedUnit, state: state, openSince: openSince),
               reported.confirmed > 0 {
                issues.append(.init(field: prefix + "targets.\(path)", message: "路径“\(echo: path)”有 \(reported.describe)，不能删除"))
            }
        }
        return issues
    }

    /// The highest count reported so far for a village's path, which a new target may not go below.
    /// A day's confirmed households that hold a target up, for the message: a day that carries an earlier report's
    /// figure says so (nothing was reported on it).
    struct ReportedFigure {
        var confirmed: Int
        /// The day judged; `reported`: whether the unit reported on it.
        var date: LocalDate
        var reported: Bool
        var open: Bool

        var describe: String {
            reported ? "\(date) 已报送的确户数 \(confirmed)" : "\(date) 的确户数 \(confirmed)（沿用此前的报送）"
        }
    }

    /// The most confirmed households the unit's figures give the village's path on its latest day or on any day
    /// whose window is still open (a correction may have lowered the latest below an open day's).
    private static func reportedMaximum(_ village: String, path: String, unit: String, state: CampaignState,
                                        openSince: LocalDate) -> ReportedFigure? {
        guard let timeline = state.timelines[unit] else { return nil }
        let key = ProgressKey(village: village, path: path)
        // Each day's effective counts, with the day they are judged on (a carried day's figure counts on it).
        var judged: [(day: UnitTimeline.Day, on: LocalDate)] = []
        if let carried = timeline.effective(onOrBefore: openSince) { judged.append((carried, max(carried.date, openSince))) }
        if let latest = timeline.latest { judged.append((latest, latest.date)) }
        for date in timeline.dates(after: openSince) { if let day = timeline.effective(onOrBefore: date) { judged.append((day, date)) } }
        let found = judged.compactMap { entry in
            entry.day.counts[key].map { ReportedFigure(confirmed: $0.confirmed, date: entry.on, reported: entry.day.date == entry.on, open: entry.on >= openSince) }
        }
        return found.max { ($0.confirmed, $0.date) < ($1.confirmed, $1.date) }
    }
}
