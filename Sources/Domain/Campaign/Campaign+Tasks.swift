import Foundation
import Storage

/// The departments' and companies' dated tasks (职责分工).
extension Campaign {
    public func createTask(unit: String, title: String, due: LocalDate, note: String?, by principal: Principal) async throws -> DutyTask {
        let now = self.now()
        let today = rules.time.localDate(of: now)
        let id = TokenSecret.newID(prefix: "task_")
        return try await store.commit { state in
            let unit = state.unitID(unit) // the id, also where the name was given
            try Self.checkAssignee(unit, in: state)
            let title = try Self.checkTitle(title)
            try self.checkDue(due, today: today, in: state)
            try self.checkFreeText(note, field: "note", noun: "说明")
            // A create sent again (curl's retry after a lost answer) must not make a second task that lagging counts.
            try Self.checkNoTwin(unit: unit, title: title, due: due, except: nil, in: state)
            let task = DutyTask(id: id, unit: unit, title: title, due: due, status: .open, note: note,
                                createdAt: now, doneOn: nil, updates: [])
            let audit = self.auditEntry(principal, "task.create", target: id, summary: "\(state.unit(unit)?.name ?? unit)：\(title)，\(due) 前完成", at: now)
            return .write(LoggedChange(.taskSaved(task), audit: audit), task)
        }
    }

    /// The offices assign and supervise tasks (方案 四); one assigned to them would be criticized in its own notice.
    private static func checkAssignee(_ unit: String, in state: CampaignState) throws {
        guard let found = state.unit(unit) else {
            throw DomainError(.unknownUnit, "没有单位“\(echo: unit)”", details: [.init(field: "unit", message: "没有这个单位")])
        }
        if !Unit.Kind.carryingTasks.contains(found.kind) {
            throw DomainError.invalid("unit", "“\(found.name)”是办公室，负责分派和督办任务，不承担任务")
        }
    }

    /// Returns the title trimmed.
    private static func checkTitle(_ title: String) throws -> String {
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        if !hasVisibleText(title) || isLonger(title, than: 200) || !isOneLine(title) {
            throw DomainError.invalid("title", "请填写任务名称（不超过 200 字，不含换行等控制字符）")
        }
        return title
    }

    /// A due date outside every season (1900-01-01 by a slip) made a task tens of thousands of days overdue; one
    /// already past made a task overdue the day it was given (a department referred to discipline inspection for
    /// a typo), and a past due date can no longer be corrected.
    private func checkDue(_ due: LocalDate, today: LocalDate, in state: CampaignState) throws {
        guard rules.isReportingDay(due, in: state) else { throw rules.outsideSeason(due, field: "due", in: state) }
        if due < today { throw DomainError.invalid("due", "期限 \(due) 早于今天（\(today)）：任务的期限须为今天或以后") }
    }

    private static func checkNoTwin(unit: String, title: String, due: LocalDate, except id: String?, in state: CampaignState) throws {
        let twin = state.tasks.values.first { $0.id != id && $0.unit == unit && $0.title == title && $0.due == due && $0.status != .done }
        if let twin {
            throw DomainError(.alreadyExists, "\(state.unit(unit)?.name ?? unit)已有同名、同期限的未完成任务（\(twin.id)），修改请用 PATCH /api/v1/tasks/\(twin.id)",
                              details: [.init(field: "title", message: "任务已存在：\(twin.id)")])
        }
    }

    /// The office corrects a task's title or due date (a slip, a rescheduled duty). A due date that has been met or
    /// passed is settled: lagging reads it for past windows, and moving it would rewrite published notices
    /// (a task assigned by mistake is withdrawn instead). The audit trail keeps the old values.
    public func editTask(id: String, title: String?, due: LocalDate?, by principal: Principal) async throws -> DutyTask {
        let now = self.now()
        let today = rules.time.localDate(of: now)
        return try await store.commit { state in
            guard Permission.allows(principal.role, .editTask) else {
                throw DomainError(.forbidden, "只有领导小组办公室可以修改任务名称和期限")
            }
            guard var task = state.tasks[id] else { throw DomainError(.notFound, "没有编号为 \(echo: id) 的任务") }
            let before = task
            if let title { task.title = try Self.checkTitle(title) }
            if let due, due != task.due {
                if task.status == .done || task.due < today {
                    throw DomainError.invalid("due", "任务\(task.status == .done ? "已完成" : "已过期限（\(task.due)）")，期限不能再改；若系误派，请撤销后重新布置")
                }
                try self.checkDue(due, today: today, in: state)
                task.due = due
            }
            if task == before { return .noWrite(task) }
            try Self.checkNoTwin(unit: task.unit, title: task.title, due: task.due, except: id, in: state)
            let audit = self.auditEntry(principal, "task.edit", target: id,
                                        summary: "\(state.unit(task.unit)?.name ?? task.unit)：\(task.title)，\(task.due) 前完成（原：\(before.title)，\(before.due) 前完成）", at: now)
            return .write(LoggedChange(.taskSaved(task), audit: audit), task)
        }
    }

    /// The office withdraws a task assigned by mistake: it no longer counts anywhere. The audit trail keeps it.
    public func withdrawTask(id: String, by principal: Principal) async throws {
        let now = self.now()
        try await store.commit { state in
            guard Permission.allows(principal.role, .editTask) else { throw DomainError(.forbidden, "只有领导小组办公室可以撤销任务") }
            guard let task = state.tasks[id] else { throw DomainError(.notFound, "没有编号为 \(echo: id) 的任务") }
            let audit = self.auditEntry(principal, "task.withdraw", target: id,
                                        summary: "撤销任务：\(state.unit(task.unit)?.name ?? task.unit)：\(task.title)，\(task.due) 前完成", at: now)
            return .write(LoggedChange(.taskRemoved(id: id), audit: audit), ())
        }
    }

    public func updateTask(id: String, status: DutyTask.Status?, note: String?, by principal: Principal) async throws -> DutyTask {
        let now = self.now()
        let today = rules.time.localDate(of: now)
        return try await store.commit { state in
            guard var task = state.tasks[id] else { throw DomainError(.notFound, "没有编号为 \(echo: id) 的任务") }
            guard principal.mayActFor(unit: task.unit) else { throw DomainError.forbidden("id", "只能更新本单位的任务") }
            if status == nil && note == nil {
                // The office may also correct the title or due date (PATCH takes them apart): said to it alone.
                let office = Permission.allows(principal.role, .editTask) ? "；办公室更正任务名称或期限请填写 title 或 due" : ""
                throw DomainError.invalid("status", "请填写 status 或 note\(office)")
            }
            try self.checkFreeText(note, field: "note", noun: "说明")
            // A blank note replaced the task's note with nothing and was audited as "办理中，   ".
            if let note, !Self.hasVisibleText(note) { throw DomainError.invalid("note", "说明不能为空白；不改说明请不填 note") }
            let newStatus = status ?? task.status
            // The same status again with no note (a retried curl) changes nothing: no update, no audit entry.
            if note == nil && newStatus == task.status { return .noWrite(task) }
            if task.updates.count >= self.rules.maxUpdatesPerTask {
                throw DomainError.invalid("id", "此任务已有 \(task.updates.count) 次更新，达到上限 \(self.rules.maxUpdatesPerTask) 次，请联系领导小组办公室")
            }
            let update = DutyTask.Update(at: now, by: principal.label, status: newStatus, note: note)
            let doneOn = newStatus == .done ? (task.doneOn ?? today) : nil
            task.record(update, doneOn: doneOn)
            let audit = self.auditEntry(principal, "task.update", target: id,
                                        summary: "\(state.unit(task.unit)?.name ?? task.unit)：\(task.title)：\(newStatus.chinese)\(note.map { "，\($0)" } ?? "")", at: now)
            return .write(LoggedChange(.taskUpdated(id: id, update: update, doneOn: doneOn), audit: audit), task)
        }
    }

    /// `overdue`: nil for every task, else only those that are (or are not) overdue today.
    public func tasks(unit: String?, overdue: Bool?) -> [DutyTask] {
        let today = self.today
        return read { state in
            state.tasks.values
                .filter { unit == nil || $0.unit == unit }
                .filter { task in overdue.map { $0 == (task.daysOpenPastDue(on: today) > 0) } ?? true }
                .sorted { ($0.due, $0.unit, $0.id) < ($1.due, $1.unit, $1.id) }
        }
    }
}
