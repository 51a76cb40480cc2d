import Foundation
import Storage

/// The office's actions on a unit's day: review, reopening, exemptions (API.md).
extension Campaign {
    public func setReview(unit: String, date: LocalDate, state reviewState: Review.State, note: String?,
                          by principal: Principal) async throws -> Review {
        let now = self.now()
        return try await store.commit { state in
            guard state.unitDay(unit, date) != nil else { throw DomainError(.notFound, "\(state.unit(unit)?.name ?? unit)没有 \(date) 的报送") }
            try self.checkFreeText(note, field: "note", noun: "说明")
            // A blank note printed as "（存疑：  ）" in the chat: leave it out instead, or say something.
            if let note, !Self.hasVisibleText(note) { throw DomainError.invalid("note", "说明不能只有空白：请填写内容，或不填 note") }
            let review = Review(state: reviewState, note: note, by: principal.label, at: now,
                                revision: state.unitDay(unit, date)?.latest?.revision)
            let audit = self.auditEntry(principal, "report.review", target: "\(unit)/\(date)",
                                        summary: "\(state.unit(unit)?.name ?? unit) \(date.chineseMonthDay) 第 \(review.revision.map(String.init) ?? "?") 版审核：\(reviewState.chinese)\(note.map { "，\($0)" } ?? "")", at: now)
            return .write(LoggedChange(.reviewSet(unit: unit, date: date, review: review), audit: audit), review)
        }
    }

    public func reopen(unit: String, date: LocalDate, until: Date, reason: String, by principal: Principal) async throws -> Reopening {
        let now = self.now()
        return try await store.commit { state in
            guard let found = state.unit(unit), found.kind == .township else {
                throw DomainError(.notFound, "没有报送单位“\(echo: unit)”")
            }
            if until <= now { throw DomainError.invalid("until", "补报截止时间须晚于现在") }
            // Reopening a day no report may be made for (outside the season, or not yet come) would open nothing.
            if date > self.rules.time.localDate(of: now) {
                throw DomainError(.futureDate, "\(date) 尚未到来，无需补报", details: [.init(field: "date", message: "日期晚于今天")])
            }
            if !self.rules.isReportingDay(date, in: state) { throw self.rules.outsideSeason(date, in: state) }
            if !Self.hasVisibleText(reason) { throw DomainError.invalid("reason", "请填写补报原因") }
            try self.checkFreeText(reason, field: "reason", noun: "原因")
            let reopening = Reopening(until: Timestamp.floor(until), reason: reason, by: principal.label, at: now)
            let audit = self.auditEntry(principal, "report.reopen", target: "\(unit)/\(date)",
                                        summary: "允许\(found.name)补报 \(date.chineseMonthDay)，至 \(self.rules.time.localDate(of: until).chineseMonthDay)\(self.rules.time.timeOfDay(of: until))：\(reason)", at: now)
            return .write(LoggedChange(.reportReopened(unit: unit, date: date, reopening: reopening), audit: audit), reopening)
        }
    }

    public func addExemption(unit: String, from: LocalDate, to: LocalDate, reason: String, by principal: Principal) async throws -> Exemption {
        let now = self.now()
        let id = TokenSecret.newID(prefix: "exm_")
        return try await store.commit { state in
            guard let found = state.unit(idOrName: unit), found.kind == .township else {
                throw DomainError(.unknownUnit, "没有报送单位“\(echo: unit)”", details: [.init(field: "unit", message: "没有这个乡镇或街道")])
            }
            let unit = found.id // the id from here on, also where the name was given
            if to < from { throw DomainError.invalid("to", "结束日期不能早于开始日期") }
            if to - from >= 366 { throw DomainError.invalid("to", "免报期不能超过一年（366 天）") } // both ends counted
            // No reporting day in it exempts nothing (a typo'd year); the same exemption twice is a retry.
            if !from.through(to).contains(where: { self.rules.isReportingDay($0, in: state) }) {
                throw self.rules.outsideSeason(from, through: to, field: "from", in: state)
            }
            // The body is checked whole before it is held against what exists: a blank reason is the body's mistake.
            if !Self.hasVisibleText(reason) { throw DomainError.invalid("reason", "请填写免报原因") }
            try self.checkFreeText(reason, field: "reason", noun: "原因")
            if let same = state.exemptions.values.first(where: { $0.unit == unit && $0.from == from && $0.to == to }) {
                throw DomainError(.alreadyExists, "\(found.name) \(from) 至 \(to) 已有免报记录（\(same.id)）",
                                  details: [.init(field: "from", message: "同一单位同一期间已免报")])
            }
            // Overlapping records made one day exempt twice over: withdrawing one left it exempt, to a clerk's surprise.
            let overlapping = state.exemptions.values.filter { $0.unit == unit && $0.from <= to && from <= $0.to }
                .sorted { $0.from < $1.from }
            if !overlapping.isEmpty {
                // The first five by name, and how many: a year over single days could overlap 365 records.
                let named = overlapping.prefix(5)
                let records = named.map { "\($0.from) 至 \($0.to)（\($0.id)）" }.joined(separator: "、")
                    + (overlapping.count > 5 ? " 等 \(overlapping.count) 条" : "")
                let paths = named.map { "DELETE /api/v1/exemptions/\($0.id)" }.joined(separator: "、")
                throw DomainError(.alreadyExists, "\(found.name)已有免报记录 \(records)，与本次期间重叠；要改期，请先撤销（\(paths)\(overlapping.count > 5 ? "……" : "")，列表见 GET /api/v1/exemptions）再登记",
                                  details: [.init(field: "from", message: "与已有免报期间重叠")])
            }
            let exemption = Exemption(id: id, unit: unit, from: from, to: to, reason: reason, createdAt: now)
            let audit = self.auditEntry(principal, "exemption.add", target: id,
                                        summary: "\(found.name) \(from) 至 \(to) 免报：\(reason)", at: now)
            return .write(LoggedChange(.exemptionAdded(exemption), audit: audit), exemption)
        }
    }

    public func removeExemption(id: String, by principal: Principal) async throws {
        let now = self.now()
        try await store.commit { state in
            guard let exemption = state.exemptions[id] else { throw DomainError(.notFound, "没有编号为 \(echo: id) 的免报记录") }
            let audit = self.auditEntry(principal, "exemption.remove", target: id,
                                        summary: "撤销\(state.unit(exemption.unit)?.name ?? exemption.unit) \(exemption.from) 至 \(exemption.to) 免报", at: now)
            return .write(LoggedChange(.exemptionRemoved(id: id), audit: audit), ())
        }
    }

    /// A reporter sees its own unit's (whether its days are excused), the district roles every unit's.
    public func exemptions(for principal: Principal) -> [Exemption] {
        read { state in
            state.exemptions.values.filter { principal.mayActFor(unit: $0.unit) }
                .sorted { ($0.from, $0.unit, $0.id) < ($1.from, $1.unit, $1.id) }
        }
    }
}
