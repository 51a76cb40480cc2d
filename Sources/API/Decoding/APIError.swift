import Domain

/// Refusals the API itself makes, before the domain sees a request.
enum APIError: Error {
    case malformedJSON(String)
    case badQuery(parameter: String, message: String)
    case unsupportedMediaType(expected: String)
    case unauthorized(String)
    case forbidden(String)
    case notFound(String)
    case rateLimited(retryAfter: Int)
}
