/// Rules that flag a report as unlikely without refusing it (API.md: warnings).
/// The state is a parameter, not a property: kept in the struct, it was copied for every report (as in ReportValidator).
struct PlausibilityRules {
    let unit: String
    let date: LocalDate
    let villages: [VillageProgress]
    let thresholds: PlausibilityThresholds

    func warnings(in state: CampaignState) -> [ReportWarning] {
        jumps(in: state) + unchanged(in: state)
    }

    /// `implausible_jump`: installed grew since the previous reported day by more than a share of the target. A
    /// village's first report has nothing to grow from: its counts are all the season's work so far, not a day's.
    private func jumps(in state: CampaignState) -> [ReportWarning] {
        guard let previous = state.timelines[unit]?.effective(onOrBefore: date.adding(days: -1)) else { return [] }
        let since = previous.date == date.adding(days: -1) ? "一天内" : "较\(previous.date.chineseMonthDay)"
        return villages.compactMap { entry in
            guard let village = state.villages[entry.village], let target = village.targets[entry.path],
                  let before = previous.counts[entry.key]?.installed else { return nil }
            let jump = entry.counts.installed - before
            guard jump > thresholds.jumpMinHouseholds, Double(jump) > Double(target) * thresholds.jumpShareOfTarget else { return nil }
            return ReportWarning(rule: "implausible_jump",
                                 message: "\(village.name)安装数\(since)增加 \(jump) 户（任务 \(target) 户），请核实")
        }
    }

    /// `unchanged_below_target`: the counts the day has with this report equal those of the last N reported days
    /// while installed is below target. The message counts the whole run of such reports.
    private func unchanged(in state: CampaignState) -> [ReportWarning] {
        guard let timeline = state.timelines[unit], thresholds.unchangedDays > 0,
              let before = timeline.days(before: date, count: 1).last else { return [] }
        // Villages this report omits keep their counts: from an earlier revision of the same day, if there is one.
        var merged = timeline.effective(onOrBefore: date)?.counts ?? [:]
        for entry in villages { merged[entry.key] = entry.counts }
        guard before.counts == merged, before.sameCountsRun >= thresholds.unchangedDays else { return [] }
        // Below target on a retrofit path (clean coal is none: as lagging's `stalled` judges it).
        let scope = CompletionScope(season: state.season(containing: date), in: state)
        let belowTarget = merged.contains { key, counts in
            scope.counts(key.path) && (state.villages[key.village]?.targets[key.path] ?? 0) > counts.installed
        }
        guard belowTarget else { return [] }
        return [ReportWarning(rule: "unchanged_below_target",
                              message: "连续 \(before.sameCountsRun + 1) 次报送进度无变化且未完成改造任务，请说明原因")]
    }
}
