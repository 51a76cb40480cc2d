import Foundation

/// A plain value. The server adds `Date`, `Content-Length` and `Connection`; setting the body through
/// the initialisers keeps `Content-Type` honest.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPFields
    public var body: Data

    public init(status: Int, headers: HTTPFields = HTTPFields(), body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public static func json(_ status: Int, _ body: Data, headers: HTTPFields = HTTPFields()) -> HTTPResponse {
        var headers = headers
        headers["Content-Type"] = "application/json; charset=utf-8"
        return HTTPResponse(status: status, headers: headers, body: body)
    }

    public static func text(_ status: Int, _ text: String, contentType: String = "text/plain; charset=utf-8") -> HTTPResponse {
        var headers = HTTPFields()
        headers["Content-Type"] = contentType
        return HTTPResponse(status: status, headers: headers, body: Data(text.utf8))
    }

    /// The one JSON error shape: `{"error": {"code", "message", "details"?}}`.
    public static func error(_ status: Int, code: String, message: String,
                             details: [(field: String, message: String)] = [],
                             headers: HTTPFields = HTTPFields()) -> HTTPResponse {
        var error: [String: Any] = ["code": code, "message": message]
        if !details.isEmpty {
            error["details"] = details.map { ["field": $0.field, "message": $0.message] }
        }
        let body = (try? JSONSerialization.data(withJSONObject: ["error": error], options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data(#"{"error":{"code":"internal","message":"内部错误"}}"#.utf8)
        return .json(status, body, headers: headers)
    }
}
