/// An organisation of section 四 of the plan: a township or street office (the reporting units),
/// a district department, a company, or the leading-group office.
public struct Unit: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case township, department, company, office
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
