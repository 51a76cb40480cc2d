/// A village or community confirmed for retrofit (确村确户), with its target households per path.
public struct Village: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var unit: String
    /// `urban` or `rural`.
    public var area: String
    /// Households to retrofit, by path id.
    public var targets: [String: Int]

    public init(id: String, name: String, unit: String, area: String, targets: [String: Int]) {
        self.id = id
        self.name = name
        self.unit = unit
        self.area = area
        self.targets = targets
    }
}
