/// Every action an endpoint performs. The permission rules are this one table.
public enum Action: String, Sendable, CaseIterable {
    case readReference, readPlan
    case manageTokens
    case readVillages, writeVillage, importVillages
    case submitReport, readReports, reviewReport, reopenReport
    case readExemptions, manageExemptions
    case readBulletin, readSummary, readLagging
    case readTasks, createTask, editTask, updateTask
    case readAudit
    case setTestClock
    case operateStorage
}

public enum Permission {
    /// Which roles may perform each action (API.md, Auth). Unit scope is checked separately:
    /// a reporter may act only for its own unit.
    public static let table: [Action: Set<Role>] = [
        .readReference: [.reporter, .office, .supervisor, .admin],
        .readPlan: [.reporter, .office, .supervisor, .admin],
        .manageTokens: [.admin],
        .readVillages: [.reporter, .office, .supervisor, .admin],
        .writeVillage: [.reporter, .office, .admin],
        .importVillages: [.reporter, .office, .admin], // a reporter its own unit's rows only (API.md: registers its own villages)
        .submitReport: [.reporter, .office, .admin],
        .readReports: [.reporter, .office, .supervisor, .admin],
        .reviewReport: [.office, .admin],
        .reopenReport: [.office, .admin],
        .readExemptions: [.reporter, .office, .supervisor, .admin], // a reporter its own unit's only
        .manageExemptions: [.office, .admin],
        .readBulletin: [.reporter, .office, .supervisor, .admin],
        .readSummary: [.office, .supervisor, .admin], // API.md: a reporter reads bulletins, not summaries
        .readLagging: [.office, .supervisor, .admin],
        .readTasks: [.reporter, .office, .supervisor, .admin],
        .createTask: [.office, .admin],
        .editTask: [.office, .admin], // a task's title and due date, or withdrawing it: who assigned it
        .updateTask: [.reporter, .office, .admin],
        .readAudit: [.office, .admin],
        .setTestClock: [.reporter, .office, .supervisor, .admin],
        .operateStorage: [.admin],
    ]

    public static func allows(_ role: Role, _ action: Action) -> Bool {
        table[action]?.contains(role) ?? false
    }
}
