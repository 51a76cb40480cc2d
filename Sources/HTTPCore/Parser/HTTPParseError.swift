/// Why a request could not be read. Each maps to the status the server answers before closing.
public struct HTTPParseError: Error, Equatable, Sendable {
    public let status: Int
    public let code: String
    /// Chinese, for the error body.
    public let message: String

    static func bad(_ message: String) -> HTTPParseError {
        HTTPParseError(status: 400, code: "bad_request", message: "请求格式错误：\(message)")
    }

    // The limits are named, so that whoever is refused knows what to send instead.
    static func requestLineTooLong(limit: Int) -> HTTPParseError {
        HTTPParseError(status: 414, code: "uri_too_long", message: "请求行超过 \(limit) 字节的上限，请缩短地址或查询参数")
    }

    static func headersTooLarge(bytes: Int, fields: Int) -> HTTPParseError {
        HTTPParseError(status: 431, code: "headers_too_large", message: "请求头超过上限（最多 \(bytes) 字节、\(fields) 个字段）")
    }

    static func bodyTooLarge(limit: Int) -> HTTPParseError {
        HTTPParseError(status: 413, code: "body_too_large", message: "请求体超过 \(limit) 字节的上限")
    }
    static let versionNotSupported = HTTPParseError(status: 505, code: "http_version_not_supported", message: "只支持 HTTP/1.1 和 HTTP/1.0")
    static let transferCodingNotImplemented = HTTPParseError(status: 501, code: "not_implemented", message: "只支持 Transfer-Encoding: chunked")
    static let expectationFailed = HTTPParseError(status: 417, code: "expectation_failed", message: "只支持 Expect: 100-continue")
    static let headerTimeout = HTTPParseError(status: 408, code: "request_timeout", message: "请求头未在时限内发完")
    static let bodyTimeout = HTTPParseError(status: 408, code: "request_timeout", message: "请求体未在时限内发完")
}
