/// An organisation of section 四 of the plan: a township or street office (the reporting units),
/// a district department, a company, or the leading-group office.
public struct Unit: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case township, department, company, office

        /// Townships and streets report and register villages.
        public static let reporting: Set<Kind> = [.township]
        /// The offices assign and supervise tasks (方案 四); every other unit may carry one.
        public static let carryingTasks: Set<Kind> = [.township, .department, .company]
    }

    public var id: String
    public var name: String
    public var kind: Kind
    public var duties: [String]

    public init(id: String, name: String, kind: Kind, duties: [String] = []) {
        self.id = id
        self.name = name
        self.kind = kind
        self.duties = duties
    }
}
