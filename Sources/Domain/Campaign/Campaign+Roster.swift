import Foundation
import Storage

extension Campaign {
    /// `POST /villages` (create: an existing id is 409) and `PUT /villages/{id}` (replace or create).
    public func saveVillage(_ village: Village, replacing: Bool, by principal: Principal) async throws -> (village: Village, created: Bool) {
        let now = self.now()
        let rules = self.rules
        return try await store.commit { state in
            var village = village
            village.unit = state.unitID(village.unit) // 滋润乡 stands for zirun
            guard principal.mayActFor(unit: village.unit) else {
                throw DomainError.forbidden("unit", "只能登记本单位的村")
            }
            let existing = state.villages[village.id]
            if let existing, !principal.mayActFor(unit: existing.unit) {
                throw DomainError.forbidden("id", "村“\(village.id)”属于其他单位")
            }
            if existing != nil, !replacing {
                throw DomainError(.alreadyExists, "村编号“\(village.id)”已存在，修改请用 PUT /api/v1/villages/\(village.id)",
                                  details: [.init(field: "id", message: "已存在")])
            }
            let issues = VillageRules.issues(village, state: state, openSince: rules.firstOpenDay(at: now))
            if !issues.isEmpty { throw DomainError(.validationFailed, "村信息有 \(issues.count) 处错误", details: issues) }
            if existing == village { return .noWrite((village, false)) }
            let audit = self.auditEntry(principal, existing == nil ? "village.create" : "village.replace", target: village.id,
                                        summary: "\(village.name)（\(state.unit(village.unit)?.name ?? village.unit)）任务：\(Self.describe(village.targets, in: state))", at: now)
            return .write(LoggedChange(.villagesSaved([village]), audit: audit), (village, existing == nil))
        }
    }

    /// `GET /villages/{id}`: one village as it is now; a reporter sees its own unit's only.
    public func village(_ id: String, for principal: Principal) throws -> Village {
        try read { state in
            guard let village = state.villages[id] else {
                // Echoed only when it could be an id: not a control character or a kilobyte of it back into a message.
                throw DomainError(.notFound, VillageRules.isValidID(id) ? "没有编号为“\(id)”的村" : "没有这个村：村编号只能用小写字母、数字、- 和 _")
            }
            if let own = principal.scopedUnit, village.unit != own { throw DomainError.forbidden("id", "只能查看本单位的村") }
            return village
        }
    }

    public func villages(unit: String?, for principal: Principal) throws -> [Village] {
        // Another unit's list is refused, as /tasks refuses it, rather than answered with the caller's own.
        if let own = principal.scopedUnit, let unit, unit != own { throw DomainError.forbidden("unit", "只能查看本单位的村") }
        return read { state in
            let scope = principal.scopedUnit ?? unit
            return state.villages.values.filter { scope == nil || $0.unit == scope }
                .sorted { ($0.unit, $0.id) < ($1.unit, $1.id) }
        }
    }

    /// The roster CSV: all rows or none. Each village named in the file is created or replaced with exactly
    /// the paths the file lists for it. `malformedLines`: lines the file could not make a row of (line → what is
    /// wrong), named beside every other line's mistakes, so one upload shows them all.
    public func importVillages(_ rows: [VillageImportRow], malformedLines: [Int: String] = [:],
                               by principal: Principal) async throws -> ImportResult {
        let now = self.now()
        let rules = self.rules
        // Counted before the writer takes the file, lines no row could be made of included: a megabyte of broken lines
        // was otherwise named line by line on the one thread every write waits for.
        let lines = rows.count + malformedLines.count
        if lines > rules.maxImportRows {
            throw DomainError.invalid("body", "一次最多导入 \(rules.maxImportRows) 行，收到 \(lines) 行")
        }
        return try await store.commit { state in
            if rows.isEmpty && malformedLines.isEmpty { throw DomainError.invalid("body", "文件中没有数据行") }
            // (line, issue): sorted by line at the end, so the list reads down the file.
            var issues: [(line: Int, issue: DomainError.FieldIssue)] = malformedLines.map { line, message in
                (line, .init(field: "line \(line)", message: "第 \(line) 行：\(message)"))
            }
            var villages: [String: Village] = [:]
            // Each village once, in the order of its first line (looking that line up again per village was
            // quadratic: 40,000 rows held every write back for seconds).
            var order: [(id: String, line: Int)] = []
            // Village and path whose number was not one: the 0 standing in for it is checked for nothing more
            // (it made up "户数 0 少于已报送的确户数").
            var unreadNumbers: Set<String> = []
            // The line each village's path is on, so that a path's mistake names its own line, not the village's first.
            var pathLines: [String: [String: Int]] = [:]
            // Lines for a unit the caller may not act for: 403, as POST /villages answers, not a mistake in the file.
            var outOfScope: [(line: Int, issue: DomainError.FieldIssue)] = []
            for var row in rows {
                let field = "line \(row.line)"
                func issue(_ suffix: String, _ message: String) {
                    issues.append((row.line, .init(field: field + suffix, message: "第 \(row.line) 行：\(message)")))
                }
                // A reporter's villages are its own unit's, as with POST /villages; anyone else names the unit.
                if row.unit.isEmpty, let own = principal.scopedUnit { row.unit = own }
                // A sheet typed in Excel names units and paths as the plan does (滋润乡, 煤改气): taken as their ids.
                row.unit = state.unitID(row.unit)
                if state.path(row.path) == nil,
                   let named = state.paths.first(where: { Self.plainName($0.name) == Self.plainName(row.path) }) { row.path = named.id }
                if row.unit.isEmpty { issue(".unit", "请填写单位编号"); continue }
                guard principal.mayActFor(unit: row.unit) else {
                    outOfScope.append((row.line, .init(field: field + ".unit", message: "第 \(row.line) 行：不能导入其他单位的村")))
                    continue
                }
                pathLines[row.villageID, default: [:]][row.path] = row.line // the last, as the targets keep the last value
                // A bad number is named and the row still checked (its unit, path, area…) with 0 in its place,
                // so that a line with two mistakes names both; any issue keeps the whole file out.
                let parsed = Int(row.households.trimmingCharacters(in: .whitespaces))
                if parsed == nil {
                    issue(".households", "户数“\(echo: row.households)”不是整数")
                    unreadNumbers.insert("\(row.villageID)/targets.\(row.path)")
                }
                let households = parsed ?? 0
                if var village = villages[row.villageID] {
                    // Each column that disagrees is named (a clerk looks for it in a wide sheet).
                    for (column, earlier, here) in [("village_name", village.name, row.villageName), ("unit", village.unit, row.unit),
                                                    ("area", village.area, row.area)] where earlier != here {
                        issue(".\(column)", "同一村编号“\(echo: row.villageID)”前面的行写的是“\(echo: earlier)”，这一行是“\(echo: here)”")
                    }
                    if village.targets[row.path] != nil {
                        issue(".path", "同一村的路径“\(echo: row.path)”重复")
                    }
                    village.targets[row.path] = households
                    villages[row.villageID] = village
                } else {
                    villages[row.villageID] = Village(id: row.villageID, name: row.villageName, unit: row.unit,
                                                      area: row.area, targets: [row.path: households])
                    order.append((row.villageID, row.line))
                }
                // As PUT: the office may move a village no report names yet (VillageRules refuses a reported one);
                // a reporter may not take another unit's.
                if let existing = state.villages[row.villageID], existing.unit != row.unit, !principal.mayActFor(unit: existing.unit) {
                    outOfScope.append((row.line, .init(field: field + ".village_id",
                                                       message: "第 \(row.line) 行：村编号“\(echo: row.villageID)”已登记在\(state.unit(existing.unit)?.name ?? existing.unit)")))
                }
            }
            if !outOfScope.isEmpty {
                throw DomainError(.forbidden, "只能导入本单位的村：文件中有 \(outOfScope.count) 行属于其他单位，整个文件未导入",
                                  details: outOfScope.sorted { $0.line < $1.line }.map(\.issue))
            }
            for (id, firstLine) in order {
                guard let village = villages[id] else { continue }
                // A number not read stands in as 0: what is said of that number is not said, but an unknown path is.
                func aboutAnUnreadNumber(_ field: String) -> Bool {
                    unreadNumbers.contains("\(id)/\(field)") && state.path(String(field.dropFirst("targets.".count))) != nil
                }
                for issue in VillageRules.issues(village, state: state, openSince: rules.firstOpenDay(at: now), prefix: "") where !aboutAnUnreadNumber(issue.field) {
                    let (column, line) = Self.csvColumn(of: issue.field, village: village, state: state,
                                                        pathLines: pathLines[id] ?? [:], firstLine: firstLine)
                    issues.append((line, .init(field: "line \(line).\(column)", message: "第 \(line) 行：\(issue.message)")))
                }
            }
            if !issues.isEmpty {
                let ordered = issues.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }.map(\.element.issue)
                throw DomainError(.validationFailed, "导入文件有 \(issues.count) 处错误，整个文件未导入", details: ordered)
            }
            let given = order.compactMap { villages[$0.id] }
            // A file sent again (a retried upload) changes nothing and is not written or audited again.
            let saved = given.filter { state.villages[$0.id] != $0 }
            let created = saved.filter { state.villages[$0.id] == nil }.count
            let result = ImportResult(rows: rows.count, villages: given.count, created: created,
                                      updated: saved.count - created, unchanged: given.count - saved.count)
            if saved.isEmpty { return .noWrite(result) }
            let units = Set(saved.map(\.unit)).sorted().map { state.unit($0)?.name ?? $0 }
            let whose = units.count <= 3 ? units.joined(separator: "、") : "\(units.count) 个乡镇街道"
            let audit = self.auditEntry(principal, "village.import", target: "villages",
                                        summary: "导入 \(rows.count) 行（\(whose)）：新增 \(created) 个村，更新 \(saved.count - created) 个村", at: now)
            return .write(LoggedChange(.villagesSaved(saved), audit: audit), result)
        }
    }

    /// A village rule's field as the CSV's column, on the line it concerns: `targets.gas` is the `households` of
    /// the gas line, or its `path` when there is no such path, or when the path is missing from the file.
    private static func csvColumn(of field: String, village: Village, state: CampaignState, pathLines: [String: Int],
                                  firstLine: Int) -> (column: String, line: Int) {
        switch field {
        case "id": return ("village_id", firstLine)
        case "name": return ("village_name", firstLine)
        case "targets": return ("path", firstLine)
        default:
            guard field.hasPrefix("targets.") else { return (field, firstLine) }
            let path = String(field.dropFirst("targets.".count))
            let line = pathLines[path] ?? firstLine
            return (state.path(path) != nil && village.targets[path] != nil ? "households" : "path", line)
        }
    }

    /// A path's name without quotation marks or spaces: the plan writes 分户式"煤改电", a clerk types 分户式煤改电.
    static func plainName(_ name: String) -> String {
        String(name.unicodeScalars.filter { !"\"“”'‘’ ".unicodeScalars.contains($0) && !CharacterSet.whitespaces.contains($0) })
    }

    /// Targets as a clerk reads them in the audit trail: the plan's path names.
    static func describe(_ targets: [String: Int], in state: CampaignState) -> String {
        targets.sorted { $0.key < $1.key }.map { "\(state.path($0.key)?.name ?? $0.key) \($0.value) 户" }.joined(separator: "，")
    }
}
