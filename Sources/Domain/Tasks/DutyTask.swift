import Foundation

/// A dated task the office assigns to a department or company (职责分工, 方案 四).
public struct DutyTask: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable, CaseIterable {
        case open, inProgress = "in_progress", done

        /// As a clerk reads it in the audit trail.
        public var chinese: String {
            switch self {
            case .open: "未完成" // also a reopened task, or one with a progress note
            case .inProgress: "办理中"
            case .done: "已完成"
            }
        }
    }

    public struct Update: Codable, Sendable, Equatable {
        public var at: Date
        public var by: String
        public var status: Status
        public var note: String?
    }

    public var id: String
    public var unit: String
    public var title: String
    public var due: LocalDate
    public var status: Status
    public var note: String?
    public var createdAt: Date
    public var doneOn: LocalDate?
    public var updates: [Update]

    /// Records one update: the one place that says what an update changes, for the answer and for the replay.
    /// `doneOn` is decided once, when the update is made (the day it was first marked done).
    mutating func record(_ update: Update, doneOn: LocalDate?) {
        status = update.status
        if let note = update.note { self.note = note }
        self.doneOn = doneOn
        updates.append(update)
    }

    /// The task as it stood at the end of `date`: its updates made on that day or before (`day` gives an update's
    /// district date), read as `record` reads them. A task reopened later was done then, and last week's notice
    /// stays last week's.
    public func standing(at date: LocalDate, day: (Date) -> LocalDate) -> DutyTask {
        var task = self
        task.status = .open
        task.doneOn = nil
        task.updates = []
        for update in updates {
            let made = day(update.at)
            guard made <= date else { continue }
            task.record(update, doneOn: update.status == .done ? (task.doneOn ?? made) : nil)
        }
        return task
    }

    /// Days a task not done is past due `today`, 0 for a done one: what `GET /tasks` says of it and selects by.
    public func daysOpenPastDue(on today: LocalDate) -> Int { status == .done ? 0 : max(0, today - due) }

    /// Days past due at `date`; 0 when not overdue. A task done late stays overdue up to its completion day.
    public func daysOverdue(at date: LocalDate) -> Int {
        let end = status == .done ? (doneOn ?? due) : date
        return max(0, min(end, date) - due)
    }
}
