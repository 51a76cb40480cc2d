import Foundation
import Domain
import HTTPCore
import Storage

/// Every error becomes the contract's JSON shape with the status API.md fixes.
enum ErrorRendering {
    static func response(for error: any Error) -> HTTPResponse {
        switch error {
        case let error as DomainError:
            return .error(status(of: error.kind), code: error.kind.rawValue, message: error.message,
                          details: error.details.map { ($0.field, $0.message) })
        case let error as APIError:
            return response(for: error)
        case let error as StorageUnavailable:
            return storageUnavailable(error.reason, notSaved: true)
        // A store closing under a request (the server is stopping) or a disk that is full or failing under a file
        // operation (an admin checkpoint) is the storage's state, not a fault in the server: 503. Any other file
        // error (a wrong path, a bad descriptor) is a bug of ours, and stays a 500.
        case StoreError.closed:
            return storageUnavailable("服务正在停止", notSaved: true)
        case let error as FileSystemError where diskStates.contains(error.errno):
            return storageUnavailable(String(cString: strerror(error.errno)), notSaved: false)
        case let error as ChangeTooLarge:
            return .error(413, code: "change_too_large",
                          message: "本次修改连同已有内容共 \(error.bytes) 字节，超过单条记录上限 \(error.limit) 字节，未保存")
        default:
            return .error(500, code: "internal", message: "服务器内部错误，请联系管理员")
        }
    }

    /// errno values that describe the disk, not the call: full, over quota, failing, read-only, out of descriptors.
    private static let diskStates: Set<Int32> = [ENOSPC, EDQUOT, EFBIG, EIO, EROFS, EMFILE, ENFILE]

    /// `notSaved`: the request was a write that did not happen (a refused checkpoint loses nothing: the WAL has it).
    private static func storageUnavailable(_ reason: String, notSaved: Bool) -> HTTPResponse {
        var headers = HTTPFields()
        headers["Retry-After"] = "60"
        return .error(503, code: "storage_unavailable",
                      message: "存储暂时无法写入（\(reason)）\(notSaved ? "，数据未保存" : "")，请稍后重试并联系管理员", headers: headers)
    }

    static func status(of kind: DomainError.Kind) -> Int {
        switch kind {
        case .validationFailed, .futureDate, .outsideSeason, .unknownVillage, .unknownUnit: 422
        case .periodClosed, .alreadyExists: 409
        case .notFound: 404
        case .forbidden: 403
        }
    }

    private static func response(for error: APIError) -> HTTPResponse {
        switch error {
        case .malformedJSON(let message):
            return .error(400, code: "malformed_json", message: message)
        case let .badQuery(parameter, message):
            return .error(400, code: "bad_query", message: message, details: [(parameter, message)])
        case .unsupportedMediaType(let expected):
            return .error(415, code: "unsupported_media_type", message: "请求体须为 \(expected)（请设置 Content-Type: \(expected)）")
        case .unauthorized(let message):
            var headers = HTTPFields()
            headers["WWW-Authenticate"] = "Bearer"
            return .error(401, code: "unauthorized", message: message, headers: headers)
        case .forbidden(let message):
            return .error(403, code: "forbidden", message: message)
        case .notFound(let message):
            return .error(404, code: "not_found", message: message)
        case .rateLimited(let retryAfter):
            var headers = HTTPFields()
            headers["Retry-After"] = String(retryAfter)
            return .error(429, code: "rate_limited", message: "请求过于频繁，请 \(retryAfter) 秒后再试", headers: headers)
        }
    }
}
