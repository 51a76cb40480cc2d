/// A draft of the supervision office's notice (督查通报), units grouped by level.
public enum LaggingNoticeText {
    public static func render(_ report: LaggingReport) -> String {
        let (fromYear, _, _) = report.from.components
        let (toYear, _, _) = report.to.components
        // A window across New Year names both years.
        let end = toYear == fromYear ? report.to.chineseMonthDay : "\(toYear)年\(report.to.chineseMonthDay)"
        // One day is named once, not as "10月13日—10月13日".
        let window = report.from == report.to ? "\(fromYear)年\(report.from.chineseMonthDay)" : "\(fromYear)年\(report.from.chineseMonthDay)—\(end)"
        var lines = ["关于清洁取暖工作进展情况的督查通报",
                     "（\(window)）", "",
                     "根据\(citation(of: report.planTitle))关于建立健全例会、报告、督察制度的要求，区政府督查室对各乡镇街道和相关部门、企业清洁取暖工作进展情况进行了督查。现将有关情况通报如下：", ""]
        let numerals = ["一", "二", "三"]
        var section = 0
        for level in LaggingLevel.allCases.reversed() {
            let units = report.units.filter { $0.level == level }
            guard !units.isEmpty else { continue }
            let heading: String = switch level {
            case .refer: "移交纪检部门严肃问责"
            case .criticize: "予以通报批评"
            case .notice: "予以提醒"
            }
            lines.append("\(numerals[section])、\(heading)（\(units.count) 个单位）")
            section += 1
            for (index, unit) in units.enumerated() {
                lines.append("\(index + 1). \(unit.name)：" + unit.reasons.map(\.detail).joined(separator: "；") + "。")
            }
            lines.append("")
        }
        if report.units.isEmpty, let minimum = report.minimumLevel, minimum > .notice {
            // Units below the level asked for were left out: nothing here says they are fine.
            lines.append("本期未发现需\(minimum.chinese)及以上处理的单位。")
            lines.append("")
        } else if report.units.isEmpty && report.daysPastDeadline == 0 {
            // Nothing was due yet (outside the season, or before the day's deadline): "everyone reported on time"
            // would be a false statement.
            lines.append(report.reportingDays == 0 ? "本期不在报送期内，无报送要求，未发现需督查的情况。"
                                                   : "本期报送时限尚未届满，暂无可督查的报送情况。")
            lines.append("")
        } else if report.units.isEmpty {
            // "Everyone reported on time" holds only when a single missed or late day would have listed a unit;
            // with thresholds raised, units may have missed days below them.
            let t = report.thresholds
            let everyoneOnTime = t.missedNotice <= 1 && t.lateNotice <= 1
            lines.append((everyoneOnTime ? "本期各单位均按时报送，" : "本期") + "未发现达到督查标准的工作拖拉、进度缓慢情形。")
            lines.append("")
        } else {
            // The plan (六、三) sets no deadline for the answer, so the notice invents none.
            lines.append("请被通报单位认真查找原因，制定整改措施，倒排工期、挂图作战，并将整改情况报区清洁取暖领导小组办公室。")
            lines.append("")
        }
        lines.append("朔城区人民政府督查室")
        let (year, month, day) = report.drawnOn.components
        lines.append("\(year)年\(month)月\(day)日")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `《朔州市朔城区2021年冬季清洁取暖实施方案》（朔区政办发〔2021〕38号）` from the season's title, its document number
    /// (the part from `（`) outside the brackets, as official documents cite one another.
    static func citation(of title: String?) -> String {
        guard let title, !title.isEmpty else { return "《清洁取暖实施方案》" }
        guard let open = title.firstIndex(of: "（") else { return "《\(title)》" }
        return "《\(title[..<open])》\(title[open...])"
    }
}
