import Foundation
import Storage

/// What `POST /reports` answers.
public struct ReportReceipt: Sendable, Equatable {
    public var unit: String
    public var date: LocalDate
    public var revision: Int
    public var status: Timeliness
    public var submittedAt: Date
    public var warnings: [ReportWarning]
    /// True when this call stored the unit-day's first revision (201).
    public var created: Bool
}

extension Campaign {
    /// Validates and stores a day's report (API.md, Daily reports). Nothing is stored on a refusal or a dry run,
    /// and a body identical to the latest revision answers that revision again.
    public func submitReport(_ submission: ReportSubmission, by principal: Principal, dryRun: Bool = false) async throws -> ReportReceipt {
        // A blank correction is none: stored, "   " read as a correction in the report and as none in the bulletin;
        // and a form that always sends "" is not refused for it.
        var given = submission
        if !Self.hasVisibleText(given.correction) { given.correction = nil }
        if !Self.hasVisibleText(given.nextDayPlan) { given.nextDayPlan = nil } // likewise: "" or "\u{3164}" is no plan
        let submission = given
        let now = self.now()
        let rules = self.rules
        // Judged here, on the caller's thread, though answered in their turn below: the texts need no state, and the
        // one thread that decides every write has no time to spare.
        let textIssues = Self.textIssues(submission, rules: rules)
        // Likewise the dates, which need only the clock and the rules.
        let today = rules.time.localDate(of: now)
        let date = submission.date ?? today
        let settled = rules.settlement(of: date)
        let lateIfFirst = rules.deadlinePassed(date, at: now)
        return try await store.commit { state in
            let unit = try Self.reportingUnit(of: submission, principal: principal, state: state)
            // The unit's days and timeline looked up once: each lookup hashes the unit's id.
            let unitDays = state.unitDays[unit]
            let timeline = state.timelines[unit]
            let existing = unitDays?[date]
            let latest = existing?.latest
            // A returned day resubmitted as it was is the unit's answer (figures checked and confirmed): it is stored,
            // and the day goes back to received. Otherwise an identical body changes nothing, and is answered as the
            // first was before any check of the date: a returned day's resubmission past the window, retried after a
            // lost answer, was refused 409 though it was stored.
            if let latest, latest.sameContent(as: submission), let day = existing, day.review.state != .returned {
                return .noWrite(ReportReceipt(unit: unit, date: date, revision: latest.revision, status: day.status,
                                              submittedAt: latest.submittedAt, warnings: latest.warnings, created: false))
            }
            try Self.checkDate(date, unit: unit, principal: principal, today: today, now: now, state: state, rules: rules)

            let base = timeline?.effective(onOrBefore: date)
            let later = ReportValidator.LaterReports(timeline: timeline, unitDays: unitDays, after: date, submission: submission)
            let (figureIssues, unknownVillage) = ReportValidator(unit: unit, submission: submission, base: base, later: later, rules: rules,
                                                           settledOn: settled < today ? settled : nil).issues(in: state)
            // The texts' mistakes with the figures' (they were answered first, alone, and the rest only on a resend).
            let issues = textIssues + figureIssues
            if !issues.isEmpty {
                let kind: DomainError.Kind = unknownVillage ? .unknownVillage : .validationFailed
                throw DomainError(kind, "报送内容有 \(issues.count) 处错误，请逐项修改后重新报送", details: issues)
            }
            let status = existing?.status
                ?? (lateIfFirst ? .late : .onTime)
            let warnings = PlausibilityRules(unit: unit, date: date, villages: submission.villages,
                                             thresholds: rules.plausibility).warnings(in: state)
            let revisionNumber = (existing?.revisions.count ?? 0) + 1
            let receipt = ReportReceipt(unit: unit, date: date, revision: revisionNumber, status: status,
                                        submittedAt: now, warnings: warnings, created: revisionNumber == 1)
            if dryRun { return .noWrite(receipt) }
            let revision = ReportRevision(revision: revisionNumber, submittedAt: now, submittedBy: principal.tokenID,
                                          villages: submission.villages, fuel: submission.fuel,
                                          issues: submission.issues ?? latest?.issues ?? [],
                                          nextDayPlan: submission.nextDayPlan, reporter: submission.reporter,
                                          correction: submission.correction, warnings: warnings)
            let audit = self.auditEntry(principal, "report.submit", target: "\(unit)/\(date)",
                                        summary: "\(state.unit(unit)?.name ?? unit) \(date.chineseMonthDay) 第 \(revisionNumber) 版，\(submission.villages.count) 条村级进度，\(status == .onTime ? "按时" : "迟报")",
                                        at: now)
            return .write(LoggedChange(.reportSubmitted(unit: unit, date: date, status: status, revision: revision), audit: audit),
                          receipt)
        }
    }

    private static func reportingUnit(of submission: ReportSubmission, principal: Principal, state: CampaignState) throws -> String {
        let unit: String
        let asTyped: String // for the message: what the client wrote, not the id it stood for
        if principal.role == .reporter {
            guard let own = principal.unit else { throw DomainError(.forbidden, "此令牌未绑定报送单位") }
            if let named = submission.unit, named != own, state.unit(idOrName: named)?.id != own {
                throw DomainError.forbidden("unit", "只能报送本单位（\(state.unit(own)?.name ?? own)）的进度，不能代报“\(echo: state.unit(named)?.name ?? named)”")
            }
            // A department's or company's reporter updates its tasks; daily reports are the townships' (API.md: the
            // role or unit scope does not allow it → 403, not an unknown unit).
            if state.unit(own)?.kind != .township {
                throw DomainError(.forbidden, "本单位（\(state.unit(own)?.name ?? own)）不报送每日进度，只更新承担的任务")
            }
            unit = own
            asTyped = own
        } else {
            guard let named = submission.unit, !named.isEmpty else {
                throw DomainError.invalid("unit", "请填写报送单位 unit（如 xiatuanpu）")
            }
            unit = state.unitID(named) // the plan's name (滋润乡) stands for the id
            asTyped = named
        }
        guard let found = state.unit(unit), found.kind == .township else {
            throw DomainError(.unknownUnit, "“\(echo: asTyped)”不是报送单位（乡镇、街道）的编号（如 zirun，见 GET /api/v1/units）",
                              details: [.init(field: "unit", message: "没有这个乡镇或街道")])
        }
        return unit
    }

    private static func checkDate(_ date: LocalDate, unit: String, principal: Principal, today: LocalDate, now: Date,
                                  state: CampaignState, rules: CampaignRules) throws {
        if date > today {
            throw DomainError(.futureDate, "不能报送未来日期 \(date)（今天是 \(today)）",
                              details: [.init(field: "date", message: "日期晚于今天")])
        }
        guard rules.isReportingDay(date, in: state) else { throw rules.outsideSeason(date, in: state) }
        guard principal.role == .reporter, today - date > rules.lateWindowDays else { return }
        if let reopening = state.reopenings[unit]?[date], !CampaignRules.isPast(reopening.until, at: now) { return }
        // 退回 asks the unit to resubmit (API.md): the return itself lets it, past the window, until it has.
        if state.unitDay(unit, date)?.review.state == .returned { return }
        throw DomainError(.periodClosed, "\(date) 的报送已截止（只能补报 \(rules.lateWindowDays) 天内的日期），如需补报请联系领导小组办公室",
                          details: [.init(field: "date", message: "超过补报期限")])
    }

    private static func textIssues(_ submission: ReportSubmission, rules: CampaignRules) -> [DomainError.FieldIssue] {
        var issues: [DomainError.FieldIssue] = []
        let listed = submission.issues ?? []
        // A list too long is named as one mistake, not its entries one by one (thousands of them, as it may be).
        let tooMany = listed.count > rules.maxIssuesPerReport
        if tooMany { issues.append(.init(field: "issues", message: "问题最多 \(rules.maxIssuesPerReport) 条")) }
        for (index, text) in listed.enumerated() where !tooMany {
            if Self.isLonger(text, than: rules.maxTextLength) {
                issues.append(.init(field: "issues[\(index)]", message: "每条问题不超过 \(rules.maxTextLength) 字"))
            } else if !Self.hasVisibleText(text) {
                // An empty entry printed as "；；" in the chat bulletin.
                issues.append(.init(field: "issues[\(index)]", message: "第 \(index + 1) 条问题是空的，请填写内容或删去这一条"))
            } else if Self.hasControlCharacters(text) {
                issues.append(.init(field: "issues[\(index)]", message: "第 \(index + 1) 条问题含有控制字符或文字方向控制符，请删去"))
            }
        }
        for (field, text) in [("nextDayPlan", submission.nextDayPlan), ("correction", submission.correction),
                              ("reporter.name", submission.reporter?.name), ("reporter.phone", submission.reporter?.phone)] {
            guard let text else { continue }
            if Self.isLonger(text, than: rules.maxTextLength) {
                issues.append(.init(field: field, message: "不超过 \(rules.maxTextLength) 字"))
            } else if Self.hasControlCharacters(text) {
                issues.append(.init(field: field, message: "含有控制字符或文字方向控制符，请删去"))
            } else if field == "reporter.name", !Self.hasVisibleText(text) {
                issues.append(.init(field: field, message: "请填写报送人姓名（不报报送人时请删去 reporter）"))
            }
        }
        return issues
    }

    /// More than `limit` characters, counted as Unicode scalars: a character may carry any number of combining
    /// marks, so counting characters let a 1,000-character note be a megabyte. A text of no more bytes than the
    /// limit has no more scalars either, so most texts are judged by their byte count alone (a tenth of deciding
    /// a report, when every text's characters were counted).
    static func isLonger(_ text: String, than limit: Int) -> Bool {
        text.utf8.count > limit && text.unicodeScalars.count > limit
    }

    /// A free text (a note, a reason): within the length limit, and no control characters, which reports refuse
    /// too (they would reach the audit trail, the chat notice and a clerk's terminal as they are).
    func checkFreeText(_ text: String?, field: String, noun: String) throws {
        guard let text else { return }
        if Self.isLonger(text, than: rules.maxTextLength) {
            throw DomainError.invalid(field, "\(noun)不超过 \(rules.maxTextLength) 字")
        }
        if Self.hasControlCharacters(text) {
            throw DomainError.invalid(field, "\(noun)含有控制字符或文字方向控制符，请删去后重新提交")
        }
    }

    /// C0 controls other than tab and line ends, DEL, C1 controls (U+0080-U+009F, UTF-8 C2 80-C2 9F; U+009B is a
    /// terminal's CSI), and the bidirectional embeddings, overrides and isolates (U+202A-U+202E, E2 80 AA-AE;
    /// U+2066-U+2069, E2 81 A6-A9), which make the chat show other text than was stored (Unicode TR #36): never
    /// meant as text in a report.
    static func hasControlCharacters(_ text: String) -> Bool {
        var previous: UInt8 = 0, beforePrevious: UInt8 = 0
        for byte in text.utf8 {
            if (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) || byte == 0x7F { return true }
            if previous == 0xC2 && byte >= 0x80 && byte <= 0x9F { return true }
            if beforePrevious == 0xE2 && previous == 0x80 && byte >= 0xAA && byte <= 0xAE { return true }
            if beforePrevious == 0xE2 && previous == 0x81 && byte >= 0xA6 && byte <= 0xA9 { return true }
            beforePrevious = previous
            previous = byte
        }
        return false
    }

    /// A name shown on one line (a task title, a village name, a token label): no line break of any kind, and
    /// none of the characters report texts refuse.
    static func isOneLine(_ text: String) -> Bool {
        !text.unicodeScalars.contains(where: \.breaksLines) && !hasControlCharacters(text)
    }

    /// Whether a text has anything a reader sees: not only white space (line breaks included), format characters
    /// such as a zero-width space, the ones Unicode says to ignore when nothing can show them (Hangul fillers,
    /// variation selectors, the grapheme joiner), nor the blank braille pattern. Asked of the scalars directly:
    /// trimming through Foundation cost a fifth of validating a report.
    static func hasVisibleText(_ text: String?) -> Bool {
        (text ?? "").unicodeScalars.contains { scalar in
            // Printable ASCII and CJK ideographs, most of what clerks write, are visible without a look-up in the
            // Unicode tables (which cost about a microsecond per report).
            if (0x21...0x7E).contains(scalar.value) || (0x4E00...0x9FFF).contains(scalar.value) { return true }
            let properties = scalar.properties
            return !properties.isWhitespace && properties.generalCategory != .format
                && !properties.isDefaultIgnorableCodePoint && scalar.value != 0x2800
        }
    }

    // MARK: Reading

    public func reports(on date: LocalDate, unit: String?, for principal: Principal) throws -> [UnitDay] {
        // Another unit's list is refused, as its single reports are, not answered as an empty one.
        if let unit, !principal.mayActFor(unit: unit) { throw DomainError.forbidden("unit", "只能查看本单位的报送") }
        return read { state in
            let units = principal.scopedUnit.map { [$0] } ?? unit.map { [$0] } ?? state.unitDays.keys.sorted()
            return units.filter { unit == nil || $0 == unit }.compactMap { state.unitDay($0, date) }
        }
    }

    /// The unit's last reported day before `date`: what a day's report carries on from.
    public func carriedInto(unit: String, date: LocalDate) -> UnitTimeline.Day? {
        read { $0.timelines[unit]?.effective(onOrBefore: date.adding(days: -1)) }
    }

    public func report(unit: String, date: LocalDate, for principal: Principal) throws -> UnitDay {
        guard principal.mayActFor(unit: unit) else { throw DomainError.forbidden("unit", "只能查看本单位的报送") }
        guard let day = read({ $0.unitDay(unit, date) }) else {
            throw DomainError(.notFound, "\(read { $0.unit(unit)?.name } ?? unit)没有 \(date) 的报送")
        }
        return day
    }
}
