/// A unit-day's revisions in fixed-size chunks. The writer appends to a copy of the state that readers still
/// share; with one flat array each new revision copied every earlier one of that day (quadratic when a day is
/// revised often), with chunks it copies one chunk and the list of chunks. JSON: a plain array.
public struct RevisionList: RandomAccessCollection, Sendable, Equatable, Codable {
    static let chunkSize = 16
    private var chunks: [[ReportRevision]] = []
    public private(set) var count = 0

    public init(_ revisions: [ReportRevision] = []) {
        for revision in revisions { append(revision) }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }
    public subscript(position: Int) -> ReportRevision { chunks[position / Self.chunkSize][position % Self.chunkSize] }

    mutating func append(_ revision: ReportRevision) {
        if let last = chunks.indices.last, chunks[last].count < Self.chunkSize {
            chunks[last].append(revision)
        } else {
            chunks.append([revision])
        }
        count += 1
    }

    public static func == (a: RevisionList, b: RevisionList) -> Bool { a.elementsEqual(b) }

    public init(from decoder: any Decoder) throws {
        self.init(try [ReportRevision](from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try Array(self).encode(to: encoder)
    }
}
