/// Rules that flag a report as unlikely without refusing it (API.md: warnings).
/// The state is a parameter, not a property: kept in the struct, it was copied for every report (as in ReportValidator).
struct PlausibilityRules {
    let unit: String
    let date: LocalDate
    let villages: [VillageProgress]
    let thresholds: PlausibilityThresholds

    func warnings(in state: CampaignState) -> [ReportWarning] {
        // Both rules look back at the last reported day before this one: found once (the one thread that decides
        // every write has no time to spare).
        guard let timeline = state.timelines[unit],
              let previous = timeline.effective(onOrBefore: date.adding(days: -1)) else { return [] }
        var warnings = jumps(since: previous, in: state)
        if let stalled = unchanged(since: previous, timeline: timeline, in: state) { warnings.append(stalled) }
        return warnings
    }

    /// `implausible_jump`: installed grew since the previous reported day by more than a share of the target. A
    /// village's first report has nothing to grow from: its counts are all the season's work so far, not a day's.
    private func jumps(since previous: UnitTimeline.Day, in state: CampaignState) -> [ReportWarning] {
        var warnings: [ReportWarning] = []
        for entry in villages {
            guard let before = previous.counts[entry.key]?.installed else { continue }
            let jump = entry.counts.installed - before
            guard jump > thresholds.jumpMinHouseholds, let village = state.villages[entry.village],
                  let target = village.targets[entry.path],
                  Double(jump) > Double(target) * thresholds.jumpShareOfTarget else { continue }
            let since = previous.date == date.adding(days: -1) ? "一天内" : "较\(previous.date.chineseMonthDay)"
            warnings.append(ReportWarning(rule: "implausible_jump",
                                          message: "\(village.name)安装数\(since)增加 \(jump) 户（任务 \(target) 户），请核实"))
        }
        return warnings
    }

    /// `unchanged_below_target`: the counts the day has with this report equal those of the last N reported days
    /// while installed is below target. The message counts the whole run of such reports.
    private func unchanged(since previous: UnitTimeline.Day, timeline: UnitTimeline, in state: CampaignState) -> ReportWarning? {
        guard thresholds.unchangedDays > 0, previous.sameCountsRun >= thresholds.unchangedDays else { return nil }
        // Villages this report omits keep their counts: from an earlier revision of the same day if there is one,
        // else from the previous day (nil here: nothing else to compare).
        let sameDay = timeline.effective(onOrBefore: date).flatMap { $0.date == date ? $0.counts : nil }
        guard dayCounts(keeping: sameDay, equal: previous.counts) else { return nil }
        // Below target on a retrofit path (clean coal is none: as lagging's `stalled` judges it). The day's counts
        // are the previous day's, just found equal.
        let scope = CompletionScope(season: state.season(containing: date), in: state)
        let belowTarget = previous.counts.contains { key, counts in
            scope.counts(key.path) && (state.villages[key.village]?.targets[key.path] ?? 0) > counts.installed
        }
        guard belowTarget else { return nil }
        return ReportWarning(rule: "unchanged_below_target",
                             message: "连续 \(previous.sameCountsRun + 1) 次报送进度无变化且未完成改造任务，请说明原因")
    }

    /// Whether the day's counts with this report equal `before`: the report's villages laid over `kept` (an
    /// earlier revision's counts of the same day; nil: the counts before, carried). Compared without building
    /// them, which copied the day's counts for every report on the writer's thread. (The validator has refused a
    /// village named twice by now.)
    private func dayCounts(keeping kept: [ProgressKey: Funnel]?, equal before: [ProgressKey: Funnel]) -> Bool {
        guard villages.allSatisfy({ before[$0.key] == $0.counts }) else { return false }
        guard let kept else { return true }
        // The report's villages are all in `before`, with its counts. So the two are equal when no village of
        // `before` is missing and every village the day kept with other counts than before is one the report names
        // (counted, not searched for: a search of the report for each kept village is quadratic).
        var added = 0, replaced = 0
        for entry in villages {
            guard let counts = kept[entry.key] else { added += 1; continue }
            if counts != before[entry.key] { replaced += 1 }
        }
        guard kept.count + added == before.count else { return false }
        var differing = 0
        for (key, counts) in kept where before[key] != counts { differing += 1 }
        return differing == replaced
    }
}
