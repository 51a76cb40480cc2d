/// Why a request could not be read. Each maps to the status the server answers before closing.
public struct HTTPParseError: Error, Equatable, Sendable {
    public let status: Int
    public let code: String
    /// Chinese, for the error body.
    public let message: String

    static func bad(_ message: String) -> HTTPParseError {
        HTTPParseError(status: 400, code: "bad_request", message: "请求格式错误：\(message)")
    }

    static let requestLineTooLong = HTTPParseError(status: 414, code: "uri_too_long", message: "请求行过长")
    static let headersTooLarge = HTTPParseError(status: 431, code: "headers_too_large", message: "请求头过大或字段过多")
    static let bodyTooLarge = HTTPParseError(status: 413, code: "body_too_large", message: "请求体过大")
    static let versionNotSupported = HTTPParseError(status: 505, code: "http_version_not_supported", message: "只支持 HTTP/1.1 和 HTTP/1.0")
    static let transferCodingNotImplemented = HTTPParseError(status: 501, code: "not_implemented", message: "只支持 Transfer-Encoding: chunked")
    static let expectationFailed = HTTPParseError(status: 417, code: "expectation_failed", message: "只支持 Expect: 100-continue")
    static let headerTimeout = HTTPParseError(status: 408, code: "request_timeout", message: "请求头未在时限内发完")
    static let bodyTimeout = HTTPParseError(status: 408, code: "request_timeout", message: "请求体未在时限内发完")
}
