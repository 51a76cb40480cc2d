/// A unit-day's revisions: appended to while readers share the state, so an append copies a bounded part
/// (see `AppendOnlyList`). JSON: a plain array.
public typealias RevisionList = AppendOnlyList<ReportRevision>

extension AppendOnlyList: Codable where Element: Codable {
    public init(from decoder: any Decoder) throws {
        self.init(try [Element](from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try Array(self).encode(to: encoder)
    }
}
