import Domain

/// Gathers a body's field errors as it is read, so that one answer names every field at fault (a report missing
/// two counts named only the first, and the clerk fixed one, sent again and met the next).
struct FieldErrors {
    private var errors: [DomainError] = []

    /// The value, or nil with its field errors kept; any other error (a malformed body) is thrown at once.
    mutating func read<T>(_ body: () throws -> T) throws -> T? {
        do {
            return try body()
        } catch let error as DomainError where error.kind == .validationFailed && !error.details.isEmpty {
            errors.append(error)
            return nil
        }
    }

    /// One error alone is thrown as it was; several as one, counting their fields.
    func throwIfAny() throws {
        guard let first = errors.first else { return }
        if errors.count == 1 { throw first }
        let issues = errors.flatMap(\.details)
        throw DomainError(.validationFailed, "请求体有 \(issues.count) 处错误", details: issues)
    }
}
