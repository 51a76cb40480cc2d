/// The bulletin as the office pastes it into the work group chat: Chinese, numbers as an official writes them.
public enum BulletinText {
    public static func render(_ b: Bulletin) -> String {
        let (year, month, day) = b.date.components
        var lines: [String] = []
        lines.append("朔城区冬季清洁取暖工作日报")
        lines.append("（\(year)年\(month)月\(day)日）")
        lines.append("")
        lines.append("一、报送情况")
        let s = b.submission
        // Before the deadline a unit without a report has not reported yet; only after it has it missed the day.
        let missing = BulletinCSV.statusName("missing", deadlinePassed: b.deadlinePassed)
        var submission = "应报单位 \(s.expected.count) 个，按时报送 \(s.onTime.count) 个"
        submission += s.late.count > 0 ? "，迟报 \(s.late.count) 个（\(names(s.late.units))）" : "，无迟报"
        submission += s.missing.count > 0 ? "，\(missing) \(s.missing.count) 个（\(names(s.missing.units))）" : "，无未报"
        if s.exempt.count > 0 { submission += "，免报 \(s.exempt.count) 个（\(names(s.exempt.units))）" }
        // Outside the reporting period no report is taken: "应报单位 0 个…无未报" said less than that.
        if !b.byUnit.isEmpty && b.byUnit.allSatisfy({ $0.status == "not_due" }) {
            submission = "\(month)月\(day)日不在报送期内，无需报送"
        }
        lines.append(submission + "。")
        lines.append("")
        lines.append("二、全区进度")
        let d = b.district
        var district = d.planTarget.map { "计划改造 \($0) 户，" } ?? ""
        district += "已确户 \(d.confirmed) 户、签约 \(d.signed) 户、安装 \(d.installed) 户（较昨日\(signed(d.dayChange.installed))户）、"
        district += "验收 \(d.accepted) 户、通暖 \(d.operating) 户，完成率 \(percent(d.exactRate))。"
        lines.append(district)
        lines.append("")
        lines.append("三、分路径进度")
        for (index, line) in b.byPath.enumerated() {
            let f = line.figures
            let target = f.planTarget.map { "计划 \($0) 户" } ?? "登记 \(f.rosterTarget) 户"
            lines.append("\(index + 1). \(line.name)：\(target)，安装 \(f.installed) 户（较昨日\(signed(f.dayChange.installed))户），验收 \(f.accepted) 户，完成率 \(percent(f.exactRate))")
        }
        lines.append("")
        lines.append("四、各单位进度排名（按安装完成率）")
        for line in b.byUnit {
            let f = line.figures
            // No retrofit household registered (none, or clean coal only): "完成率 0.0%（安装 0/0 户）" read as a unit
            // that did nothing of a task it has.
            var text = f.rosterTarget == 0 && f.installed == 0 ? "\(line.rank). \(line.name)：尚未登记改造任务户"
                : "\(line.rank). \(line.name)：完成率 \(percent(f.exactRate))（安装 \(f.installed)/\(f.rosterTarget) 户，较昨日\(signed(f.dayChange.installed))户）"
            switch line.status {
            case "late": text += "，迟报"
            case "missing": text += "，\(missing)" + carried(line)
            case "exempt": text += "，免报" + carried(line) // its figures are carried as a missing unit's are
            case "not_due": text += "，非报送日"
            default: break
            }
            // Why the figures moved (a drop shows bare otherwise), and the office's doubt or return, on the unit's line.
            if let correction = line.correction {
                text += "（\(correction.latest ? "" : "第\(correction.revision)版")更正：\(inBrackets(correction.text))）"
            }
            if let review = line.review, review.state == .questioned || review.state == .returned {
                text += "（\(review.state == .questioned ? "存疑" : "退回")\(review.note.map { "：\(inBrackets($0))" } ?? "")）"
            }
            lines.append(text)
        }
        lines.append("")
        lines.append("五、存在问题")
        if b.issues.isEmpty {
            lines.append("各单位未报告问题。")
        } else {
            for unit in b.issues { lines.append("\(unit.name)：\(unit.issues.map(oneLine).joined(separator: "；"))") }
        }
        lines.append("")
        lines.append("朔城区清洁取暖领导小组办公室")
        lines.append("\(year)年\(month)月\(day)日")
        return lines.joined(separator: "\n") + "\n"
    }

    /// A reporter's text as one line of the chat bulletin: line breaks and other control characters become
    /// spaces, so a report cannot start a paragraph of its own (a forged notice) or carry terminal escapes.
    static func oneLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: \.breaksLines) else { return text }
        // A break of any kind is one space, CR LF (Windows) included: it became two.
        var flat = String.UnicodeScalarView()
        var previous: Unicode.Scalar?
        for scalar in text.unicodeScalars {
            defer { previous = scalar }
            if scalar == "\n" && previous == "\r" { continue }
            flat.append(scalar.breaksLines ? " " : scalar)
        }
        return String(flat)
    }

    static func names(_ units: [UnitRef]) -> String { units.map(\.name).joined(separator: "、") }

    /// `+120`, `-3`, `±0` — an official's day-on-day change.
    static func signed(_ value: Int) -> String {
        value > 0 ? " +\(value) " : value < 0 ? " \(value) " : " ±0 "
    }

    /// A reporter's or the office's text set inside the line's own （…）: one line, trimmed, without brackets of its
    /// own around it (（存疑：（请核实））).
    private static func inBrackets(_ text: String) -> String {
        var text = oneLine(text).trimmingCharacters(in: .whitespaces)
        while enclosedInBrackets(text) { text = String(text.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces) }
        return text
    }

    /// Whether the first （ closes at the last ）: `（请核实）` is, `（系统）安装数更正（详见附件）` is not.
    private static func enclosedInBrackets(_ text: String) -> Bool {
        guard text.count > 2, text.first == "（", text.last == "）" else { return false }
        var depth = 0
        for (index, character) in text.enumerated() {
            if character == "（" { depth += 1 } else if character == "）" { depth -= 1 }
            if depth == 0 { return index == text.count - 1 }
        }
        return false
    }

    /// Where a unit's figures come from an earlier report, the chat says from which day (the JSON says `stale`).
    private static func carried(_ line: Bulletin.UnitLine) -> String {
        line.stale ? "（数据沿用\(line.lastReportDate?.chineseMonthDay ?? "")报送）" : ""
    }

    /// 0.2683 → `26.8%`.
    static func percent(_ rate: Double) -> String {
        let tenths = ProgressFigures.tenthsOfAPercent(rate)
        return "\(tenths / 10).\(tenths % 10)%"
    }
}

/// One row per unit, UTF-8 with a BOM and CRLF line ends, as Excel on a Chinese Windows machine opens it.
public enum BulletinCSV {
    public static let header = ["单位", "单位编号", "报送状态", "排名", "任务户数", "确户", "签约", "安装", "验收", "通暖", "完成率", "较昨日安装", "数据是否沿用",
                                "更正说明", "审核"]

    public static func render(_ b: Bulletin) -> String {
        var rows = [header]
        for line in b.byUnit {
            let f = line.figures
            rows.append([line.name, line.unit, statusName(line.status, deadlinePassed: b.deadlinePassed), String(line.rank), String(f.rosterTarget),
                         String(f.confirmed), String(f.signed), String(f.installed), String(f.accepted), String(f.operating),
                         BulletinText.percent(f.exactRate), String(f.dayChange.installed), line.stale ? "是" : "否",
                         line.correction?.labelled ?? "", line.review.map { $0.state == .received ? "" : $0.state.chinese + ($0.note.map { "：\($0)" } ?? "") } ?? ""])
        }
        return document(rows)
    }

    /// Rows as Excel on a Chinese Windows machine opens them: UTF-8 with a BOM, CRLF, every field `quote`d.
    static func document(_ rows: [[String]]) -> String {
        "\u{FEFF}" + rows.map { $0.map(quote).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    /// As the text says it: a unit without a report has not reported yet before the deadline, missed it after.
    static func statusName(_ status: String, deadlinePassed: Bool) -> String {
        switch status {
        case "on_time": "按时"
        case "late": "迟报"
        case "exempt": "免报"
        case "not_due": "非报送日"
        default: deadlinePassed ? "未报" : "尚未报送"
        }
    }

    /// Digits with an optional sign, point and percent: what the bulletin writes as a number (not `-inf`).
    static func isPlainNumber(_ field: String) -> Bool {
        Double(field.hasSuffix("%") ? String(field.dropLast()) : field) != nil
            && field.allSatisfy { $0.isASCII && ($0.isNumber || "+-.%".contains($0)) }
    }

    /// RFC 4180: quote a field holding a comma, quote or line break; double its quotes. A text that Excel would
    /// take for a formula (=, +, -, @, tab, CR first; OWASP's CSV injection) gets a leading `'`; numbers, negative
    /// ones included, stay numbers. Today's cells are the plan's names and figures, none typed by a reporter: this
    /// holds for whatever column is added next.
    static func quote(_ field: String) -> String {
        var field = field
        if let first = field.first, "=+-@\t\r".contains(first), !Self.isPlainNumber(field) { field = "'" + field }
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
