/// The summary for Excel (the weekly meeting's table, the monthly report): one row per unit, as the bulletin's CSV,
/// written as `BulletinCSV.document` writes it. Counts are the retrofit's (clean coal
/// apart), as the JSON's unit totals.
public enum SummaryCSV {
    public static let header = ["单位", "单位编号", "应报天数", "按时", "迟报", "未报", "免报",
                                "确户", "签约", "安装", "验收", "通暖", "期间确户", "期间签约", "期间安装", "期间验收", "期间通暖"]

    public static func render(_ summary: Summary) -> String {
        var rows = [header]
        for line in summary.byUnit {
            let stages = Funnel.stages
            rows.append([line.name, line.unit, String(line.expected), String(line.onTime), String(line.late), String(line.missing),
                         String(line.exempt)] + stages.map { String(line.counts[$0]) } + stages.map { String(line.change[$0]) })
        }
        return BulletinCSV.document(rows)
    }
}
