/// Header fields kept as an ordered list, as they came on the wire.
/// Duplicates are decided on purpose by the parser, never silently merged (RFC 9110 §5.3).
public struct HTTPFields: Sendable, Equatable, Sequence {
    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public private(set) var fields: [Field]

    public init(_ fields: [Field] = []) {
        self.fields = fields
    }

    public init(_ pairs: KeyValuePairs<String, String>) {
        self.fields = pairs.map { Field(name: $0.key, value: $0.value) }
    }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    /// The first value of a field, by case-insensitive name.
    public subscript(name: String) -> String? {
        get { fields.first { $0.name.caseInsensitiveEquals(name) }?.value }
        set {
            fields.removeAll { $0.name.caseInsensitiveEquals(name) }
            if let newValue { fields.append(Field(name: name, value: newValue)) }
        }
    }

    /// A list field's value: its lines joined with commas, which RFC 9110 §5.3 makes the same as one line
    /// (`Accept-Encoding: br` and `Accept-Encoding: gzip` on two lines allow gzip). Nil when absent.
    public func list(_ name: String) -> String? {
        let lines = values(name)
        return lines.count <= 1 ? lines.first : lines.joined(separator: ", ")
    }

    public func values(_ name: String) -> [String] {
        // One pass: a filter and a map made an array in between for every field present.
        var values: [String] = []
        for field in fields where field.name.caseInsensitiveEquals(name) { values.append(field.value) }
        return values
    }

    /// How many lines a field has: the checks of every request ask this, and `values` made an array to count.
    public func occurrences(of name: String) -> Int {
        var count = 0
        for field in fields where field.name.caseInsensitiveEquals(name) { count += 1 }
        return count
    }

    public func contains(_ name: String) -> Bool {
        fields.contains { $0.name.caseInsensitiveEquals(name) }
    }

    public mutating func append(name: String, value: String) {
        fields.append(Field(name: name, value: value))
    }

    public mutating func remove(_ name: String) {
        fields.removeAll { $0.name.caseInsensitiveEquals(name) }
    }
}

extension String {
    @inlinable
    func caseInsensitiveEquals(_ other: String) -> Bool {
        let a = utf8, b = other.utf8
        guard a.count == b.count else { return false }
        for (x, y) in zip(a, b) where x != y {
            // ASCII case folding is enough: field names are tokens (RFC 9110 §5.1).
            if x | 0x20 != y | 0x20 || !((x | 0x20) >= 0x61 && (x | 0x20) <= 0x7A) { return false }
        }
        return true
    }
}
