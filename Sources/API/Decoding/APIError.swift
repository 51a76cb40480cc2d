import Domain

/// Refusals the API itself makes, before the domain sees a request.
enum APIError: Error {
    case malformedJSON(String)
    case badQuery(parameter: String, message: String)
    case unsupportedMediaType(expected: String)
    case unsupportedContentEncoding(String)
    case unauthorized(String)
    case forbidden(String)
    case notFound(String)
    case rateLimited(retryAfter: Int)
}

extension APIError {
    /// For a GET whose only inputs are its query: the domain's refusal of a value (a reversed or too long date
    /// range, a threshold that is not a number) is a bad query parameter, 400, as API.md and /audit have it.
    static func queryChecked<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DomainError where error.kind == .validationFailed {
            throw APIError.badQuery(parameter: error.details.first?.field ?? "", message: error.message)
        }
    }
}
