import Foundation

/// The rules of docs/lagging.md, each a function of the state, the window and the thresholds.
struct LaggingRules {
    let state: CampaignState
    let season: Season?
    let rules: CampaignRules
    /// The query's now: a day whose deadline is still ahead is not missed yet. (Tasks are judged as they stood at the
    /// window's end, `to`, so that last week's notice comes out the same today.)
    let now: Date
    let thresholds: LaggingThresholds
    /// The roster at the dates the rules are asked about (the window's end and the previous window's), worked out
    /// once: each walks every village.
    let rosters: [LocalDate: RosterTargets]

    /// Reporting units in the plan's order, then every other unit that has tasks.
    func candidateUnits() -> [Unit] {
        let reporting = DayStatus.reportingUnits(of: season, state: state)
        let withTasks = Set(state.tasks.values.map(\.unit))
        return reporting + state.units.filter { withTasks.contains($0.id) && !reporting.contains($0) }
    }

    func reasons(for unit: Unit, from: LocalDate, to: LocalDate) -> [LaggingReason] {
        var reasons: [LaggingReason] = []
        if unit.kind == .township && (season?.reportingUnits.contains(unit.id) ?? true) {
            reasons += [missed(unit, from, to), late(unit, from, to), behindSchedule(unit, at: to), stalled(unit, upTo: to)].compactMap { $0 }
        }
        if let overdue = overdueTasks(unit, from: from, at: to) { reasons.append(overdue) }
        return reasons
    }

    private func expectedDays(_ from: LocalDate, _ to: LocalDate) -> [LocalDate] {
        from.through(to).filter { rules.isReportingDay($0, in: state) }
    }

    /// `missed_reports`: expected days (in the season, not exempt, deadline passed) without a report.
    func missed(_ unit: Unit, _ from: LocalDate, _ to: LocalDate) -> LaggingReason? {
        let dates = expectedDays(from, to).filter {
            rules.deadlinePassed($0, at: now) && !state.isExempt(unit.id, on: $0) && state.unitDay(unit.id, $0) == nil
        }
        let t = thresholds
        let level: LaggingLevel? = dates.count >= t.missedRefer ? .refer : dates.count >= t.missedCriticize ? .criticize
            : dates.count >= t.missedNotice ? .notice : nil
        guard let level, !dates.isEmpty else { return nil }
        var reason = LaggingReason(code: "missed_reports", level: level,
                                   detail: "未报 \(dates.count) 天（\(LocalDate.chineseList(dates))）")
        reason.count = dates.count
        reason.dates = dates
        return reason
    }

    /// `late_reports`: days whose first report came after the deadline.
    func late(_ unit: Unit, _ from: LocalDate, _ to: LocalDate) -> LaggingReason? {
        let dates = expectedDays(from, to).filter { !state.isExempt(unit.id, on: $0) && state.unitDay(unit.id, $0)?.status == .late }
        let t = thresholds
        let level: LaggingLevel? = dates.count >= t.lateCriticize ? .criticize : dates.count >= t.lateNotice ? .notice : nil
        guard let level, !dates.isEmpty else { return nil }
        var reason = LaggingReason(code: "late_reports", level: level,
                                   detail: "迟报 \(dates.count) 天（\(LocalDate.chineseList(dates))）")
        reason.count = dates.count
        reason.dates = dates
        return reason
    }

    /// `behind_schedule`: installed ÷ roster target below the straight line from season start (0) to deadline (1).
    /// A unit the plan names that has registered no village counts as 0% done.
    func behindSchedule(_ unit: Unit, at date: LocalDate) -> LaggingReason? {
        guard let season, date >= season.start else { return nil }
        let span = max(1, season.deadline - season.start)
        let expected = min(1, Double(date - season.start) / Double(span))
        let target = completionTarget(of: unit, on: date)
        let named = season.targets.contains { $0.units.contains(unit.id) }
        guard target > 0 || named else { return nil }
        let installed = state.timelines[unit.id]?.effective(onOrBefore: date).map { installedTowardCompletion($0.counts) } ?? 0
        let actual = target > 0 ? Double(installed) / Double(target) : 0
        // The difference of the two percentages the notice prints, so that its own subtraction adds up.
        let points = Double(ProgressFigures.tenthsOfAPercent(expected) - ProgressFigures.tenthsOfAPercent(actual)) / 10
        let level: LaggingLevel? = points >= thresholds.behindReferPoints ? .refer
            : points >= thresholds.behindCriticizePoints ? .criticize : nil
        guard let level else { return nil }
        var reason = LaggingReason(code: "behind_schedule", level: level,
                                   detail: target > 0
                                       ? "进度滞后：截至\(date.chineseMonthDay)应完成 \(BulletinText.percent(expected))，实际完成 \(BulletinText.percent(actual))（安装 \(installed)/\(target) 户），落后 \(points) 个百分点"
                                       : "进度滞后：方案列明的改造任务尚未登记确村确户，截至\(date.chineseMonthDay)应完成 \(BulletinText.percent(expected))")
        reason.expectedRate = (expected * 10_000).rounded() / 10_000
        reason.actualRate = (actual * 10_000).rounded() / 10_000
        reason.pointsBehind = points
        reason.installed = installed
        reason.target = target
        return reason
    }

    /// The unit's roster households on the paths that count toward completion (not clean coal: docs/bulletin.md), as
    /// the roster stood at the end of `date`.
    private func completionTarget(of unit: Unit, on date: LocalDate) -> Int {
        CompletionScope(season: season, in: state).target(of: unit.id, in: rosters[date] ?? state.rosterTargets(for: date, rules: rules))
    }

    private func installedTowardCompletion(_ counts: [ProgressKey: Funnel]) -> Int {
        CompletionScope(season: season, in: state).total(counts).installed
    }

    /// `stalled`: the unit's installed total equal over its last N reports up to `date`, while below target.
    func stalled(_ unit: Unit, upTo date: LocalDate) -> LaggingReason? {
        guard let timeline = state.timelines[unit.id] else { return nil }
        let days = timeline.days(onOrBefore: date)
        guard let last = days.last else { return nil }
        let installed = installedTowardCompletion(last.counts)
        let target = completionTarget(of: unit, on: date)
        guard installed < target else { return nil }
        var run = 0
        for day in days.reversed() {
            guard installedTowardCompletion(day.counts) == installed else { break }
            run += 1
        }
        let level: LaggingLevel? = run >= thresholds.stalledCriticize ? .criticize : run >= thresholds.stalledNotice ? .notice : nil
        guard let level else { return nil }
        var reason = LaggingReason(code: "stalled", level: level,
                                   detail: "连续 \(run) 次报送安装数停留在 \(installed) 户（任务 \(target) 户），进度停滞")
        reason.reports = run
        reason.installed = installed
        reason.target = target
        return reason
    }

    /// `overdue_tasks`: tasks past due and still open at some day of the window: not done, or done late on or
    /// after `from` (counted up to completion). A task created after the window was not part of it.
    func overdueTasks(_ unit: Unit, from: LocalDate, at date: LocalDate) -> LaggingReason? {
        let time = rules.time
        let overdue = state.tasks.values
            .filter { $0.unit == unit.id && time.localDate(of: $0.createdAt) <= date }
            .map { $0.standing(at: date) { time.localDate(of: $0) } } // as it stood at the window's end
            .filter { task in task.daysOverdue(at: date) > 0 && (task.status != .done || (task.doneOn ?? task.due) >= from) }
            .sorted { ($0.due, $0.id) < ($1.due, $1.id) }
        guard !overdue.isEmpty else { return nil }
        let worst = overdue.map { $0.daysOverdue(at: date) }.max() ?? 0
        let level: LaggingLevel = worst >= thresholds.overdueReferDays ? .refer : .criticize
        var reason = LaggingReason(code: "overdue_tasks", level: level,
                                   detail: "任务逾期 \(overdue.count) 项：" + overdue.map(describe(at: date)).joined(separator: "、"))
        reason.count = overdue.count
        reason.tasks = overdue.map { .init(id: $0.id, title: $0.title, due: $0.due, daysOverdue: $0.daysOverdue(at: date)) }
        return reason
    }

    /// Whether `reason` was put right by `date`: overdue tasks all done by then.
    func correctedBy(_ date: LocalDate, _ reason: LaggingReason) -> Bool {
        guard reason.code == "overdue_tasks", let tasks = reason.tasks else { return false }
        return tasks.allSatisfy { overdue in
            state.tasks[overdue.id].map { $0.standing(at: date) { rules.time.localDate(of: $0) }.status == .done } ?? false
        }
    }

    /// A task done late by `date` says so: the public notice must not call a finished task unfinished.
    private func describe(at date: LocalDate) -> (DutyTask) -> String {
        { task in
            let head = "“\(BulletinText.oneLine(task.title))”（\(task.due.chineseMonthDay)到期，逾期 \(task.daysOverdue(at: date)) 天"
            if task.status == .done, let doneOn = task.doneOn, doneOn <= date { return head + "后于\(doneOn.chineseMonthDay)完成）" }
            return head + "仍未完成）"
        }
    }
}
