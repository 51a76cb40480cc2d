import Foundation
import Storage

/// The departments' and companies' dated tasks (职责分工).
extension Campaign {
    public func createTask(unit: String, title: String, due: LocalDate, note: String?, by principal: Principal) async throws -> DutyTask {
        let now = self.now()
        let id = TokenSecret.newID(prefix: "task_")
        return try await store.commit { state in
            guard state.unit(unit) != nil else {
                throw DomainError(.unknownUnit, "没有单位“\(unit)”", details: [.init(field: "unit", message: "没有这个单位")])
            }
            let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
            if title.isEmpty || Self.isLonger(title, than: 200) || title.unicodeScalars.contains(where: \.breaksLines) {
                throw DomainError.invalid("title", "请填写任务名称（不超过 200 字，不含换行等控制字符）")
            }
            try self.checkLength(note, field: "note", noun: "说明")
            let task = DutyTask(id: id, unit: unit, title: title, due: due, status: .open, note: note,
                                createdAt: now, doneOn: nil, updates: [])
            let audit = self.auditEntry(principal, "task.create", target: id, summary: "\(state.unit(unit)?.name ?? unit)：\(title)，\(due) 前完成", at: now)
            return .write(LoggedChange(.taskSaved(task), audit: audit), task)
        }
    }

    public func updateTask(id: String, status: DutyTask.Status?, note: String?, by principal: Principal) async throws -> DutyTask {
        let now = self.now()
        let today = rules.time.localDate(of: now)
        return try await store.commit { state in
            guard var task = state.tasks[id] else { throw DomainError(.notFound, "没有编号为 \(id) 的任务") }
            guard principal.mayActFor(unit: task.unit) else { throw DomainError(.forbidden, "只能更新本单位的任务") }
            if status == nil && note == nil { throw DomainError.invalid("status", "请填写 status 或 note") }
            if task.updates.count >= self.rules.maxUpdatesPerTask {
                throw DomainError.invalid("id", "此任务已有 \(task.updates.count) 次更新，达到上限 \(self.rules.maxUpdatesPerTask) 次，请联系领导小组办公室")
            }
            try self.checkLength(note, field: "note", noun: "说明")
            let newStatus = status ?? task.status
            let update = DutyTask.Update(at: now, by: principal.label, status: newStatus, note: note)
            let doneOn = newStatus == .done ? (task.doneOn ?? today) : nil
            task.record(update, doneOn: doneOn)
            let audit = self.auditEntry(principal, "task.update", target: id,
                                        summary: "\(task.title)：\(newStatus.chinese)\(note.map { "，\($0)" } ?? "")", at: now)
            return .write(LoggedChange(.taskUpdated(id: id, update: update, doneOn: doneOn), audit: audit), task)
        }
    }

    /// `overdue`: nil for every task, else only those that are (or are not) overdue today.
    public func tasks(unit: String?, overdue: Bool?) -> [DutyTask] {
        let today = self.today
        return read { state in
            state.tasks.values
                .filter { unit == nil || $0.unit == unit }
                .filter { task in overdue.map { ($0 == (task.status != .done && task.due < today)) } ?? true }
                .sorted { ($0.due, $0.unit, $0.id) < ($1.due, $1.unit, $1.id) }
        }
    }
}
