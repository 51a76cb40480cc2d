import Foundation
import Domain
import HTTPCore
import Storage

/// Every error becomes the contract's JSON shape with the status API.md fixes.
enum ErrorRendering {
    static func response(for error: any Error) -> HTTPResponse {
        switch error {
        case let error as DomainError:
            let (message, details) = bounded(error.message, error.details)
            return .error(status(of: error.kind), code: error.kind.rawValue, message: message, details: details)
        case let error as APIError:
            return response(for: error)
        case let error as StorageUnavailable:
            // Read-only until a restart (a failed fsync is never retried): waiting alone will not bring writes back,
            // so no Retry-After. "未确认保存": a write of the batch that failed may still be found after the restart.
            return storageUnavailable("存储无法写入（\(error.reason)），本次提交未确认保存；须由管理员排除故障并重启服务后才能恢复写入，请联系管理员",
                                      retryAfter: nil)
        // A store closing under a request (the server is stopping) or a disk that is full or failing under a file
        // operation (an admin checkpoint) is the storage's state, not a fault in the server: 503. Any other file
        // error (a wrong path, a bad descriptor) is a bug of ours, and stays a 500.
        case StoreError.closed:
            return storageUnavailable("服务正在停止，本次提交未保存，请稍后重试")
        case let error as FileSystemError where diskStates.contains(error.errno):
            // A refused checkpoint loses nothing: the WAL holds every write.
            return storageUnavailable("存储暂时无法写入（\(String(cString: strerror(error.errno)))），请联系管理员")
        case let error as ChangeTooLarge:
            return .error(413, code: "change_too_large",
                          message: "本次修改连同已有内容共 \(error.bytes) 字节，超过单条记录上限 \(error.limit) 字节，未保存")
        default:
            return .error(500, code: "internal", message: "服务器内部错误，请联系管理员")
        }
    }

    /// An answer names at most this many fields: a file or body with thousands of mistakes is fixed from the first
    /// ones, and its answer stays a few kilobytes, not megabytes the server spends its time writing.
    static let maxDetails = 100
    /// Characters (scalars) of an answer's message, a detail's message and a detail's field at most (README).
    private static let messageLimit = 2_000, detailLimit = 500, fieldLimit = 200

    /// The first `maxDetails` issues, each text within bounds (they may quote what the client sent); the message
    /// says how many were left out.
    static func bounded(_ message: String, _ issues: [DomainError.FieldIssue]) -> (String, [(field: String, message: String)]) {
        let details = issues.prefix(maxDetails).map {
            (field: DomainError.shortened($0.field, to: fieldLimit), message: DomainError.shortened($0.message, to: detailLimit))
        }
        let omitted = issues.count > maxDetails ? "（共 \(issues.count) 处，列出前 \(maxDetails) 处）" : ""
        return (bounded(message) + omitted, details)
    }

    private static func bounded(_ message: String) -> String { DomainError.shortened(message, to: messageLimit) }

    /// errno values that describe the disk, not the call: full, over quota, failing, read-only, out of descriptors.
    private static let diskStates: Set<Int32> = [ENOSPC, EDQUOT, EFBIG, EIO, EROFS, EMFILE, ENFILE]

    private static func storageUnavailable(_ message: String, retryAfter: Int? = 60) -> HTTPResponse {
        var headers = HTTPFields()
        if let retryAfter { headers["Retry-After"] = String(retryAfter) }
        return .error(503, code: "storage_unavailable", message: message, headers: headers)
    }

    static func status(of kind: DomainError.Kind) -> Int {
        switch kind {
        case .validationFailed, .futureDate, .outsideSeason, .unknownVillage, .unknownUnit: 422
        case .periodClosed, .alreadyExists, .busy: 409
        case .notFound: 404
        case .forbidden: 403
        }
    }

    private static func response(for error: APIError) -> HTTPResponse {
        switch error {
        // These quote the request too (a key, a parameter, a header): cut as a DomainError's texts are.
        case .malformedJSON(let message):
            return .error(400, code: "malformed_json", message: bounded(message))
        case let .badQuery(parameter, message):
            let (message, details) = bounded(message, [.init(field: parameter, message: message)])
            return .error(400, code: "bad_query", message: message, details: details)
        case .unsupportedMediaType(let expected):
            return .error(415, code: "unsupported_media_type", message: "请求体须为 \(expected)（请设置 Content-Type: \(expected)）")
        case .unsupportedContentEncoding(let coding):
            // RFC 9110 §15.5.16: an Accept-Encoding in the answer says which codings a body may have (none).
            return .error(415, code: "unsupported_media_type",
                          message: "请求体不能压缩（Content-Encoding: \(echo: coding)），请发送未压缩的内容",
                          details: [("Content-Encoding", "只接受未压缩的请求体")], headers: HTTPFields(["Accept-Encoding": "identity"]))
        case .unauthorized(let message):
            var headers = HTTPFields()
            headers["WWW-Authenticate"] = "Bearer"
            return .error(401, code: "unauthorized", message: bounded(message), headers: headers)
        case .forbidden(let message):
            return .error(403, code: "forbidden", message: bounded(message))
        case .notFound(let message):
            return .error(404, code: "not_found", message: bounded(message))
        case .rateLimited(let retryAfter):
            var headers = HTTPFields()
            headers["Retry-After"] = String(retryAfter)
            return .error(429, code: "rate_limited", message: "请求过于频繁，请 \(retryAfter) 秒后再试", headers: headers)
        }
    }
}
