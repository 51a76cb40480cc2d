import Domain
import CThreadName
import Foundation
import HTTPCore
import Storage

/// Health, metrics and the test clock: open routes, no token.
extension CleanheatAPI {
    static let operationsRoutes: [APIRoute] = [
        APIRoute("GET", "/healthz", nil, readsAcknowledgedWrites: false) { api, _ in
            switch api.campaign.store.health {
            case .writable:
                return .json(200, Data(#"{"status":"ok"}"#.utf8))
            case .readOnly(let reason):
                return try api.renderer.response(503, ["status": "read_only", "reason": reason])
            }
        },
        APIRoute("GET", "/metrics", nil, readsAcknowledgedWrites: false) { api, _ in
            .text(200, api.metrics.exposition(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        },
    ]

    /// Online backup and checkpoint of the running server's store (admin).
    static let storageRoutes: [APIRoute] = [
        APIRoute("POST", "/api/v1/admin/backup", .operateStorage) { api, request in
            let body = try request.json()
            try body.allowOnly(["to"])
            let folder = try body.requiredString("to")
            guard folder.hasPrefix("/") else { throw DomainError.invalid("to", "to 须为服务器上的绝对路径") }
            // A NUL ends a path for the system: the copy landed elsewhere than the answer said.
            guard !folder.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw DomainError.invalid("to", "to 不能含有控制字符")
            }
            do {
                try await onOwnThread { try api.campaign.store.backup(to: URL(fileURLWithPath: folder, isDirectory: true)) }
            } catch StoreError.backupInsideDataFolder {
                throw DomainError.invalid("to", "备份目标 \(folder) 在数据文件夹之内，请选数据文件夹以外的文件夹")
            } catch let error as FileSystemError {
                // The target is the caller's choice: a folder in use or out of reach is their error, not the server's.
                switch error.errno {
                case EBUSY:
                    throw DomainError(.busy, "另一个备份正在进行，请等它完成后再试",
                                      details: [.init(field: "to", message: "备份进行中")])
                case EEXIST:
                    throw DomainError(.alreadyExists, "备份目标 \(folder) 不是空文件夹，请换一个新的或空的文件夹",
                                      details: [.init(field: "to", message: "不是空文件夹")])
                case ENOTDIR:
                    throw DomainError.invalid("to", "备份目标 \(error.path) 不是文件夹，请给出一个新的或空的文件夹")
                case ENOSPC, EDQUOT, EFBIG:
                    throw DomainError.invalid("to", "备份目标 \(folder) 所在磁盘空间不足或文件超过大小限制（\(String(cString: strerror(error.errno)))），"
                                              + "已写入的部分已删除；请换一个空间足够的位置")
                default:
                    let reason = String(cString: strerror(error.errno))
                    throw DomainError.invalid("to", "无法在 \(error.path) 写入备份（\(error.call)：\(reason)）")
                }
            }
            api.logger.notice("online backup written", metadata: ["to": "\(folder)"])
            return try api.renderer.response(200, ["backup": folder])
        },
        APIRoute("POST", "/api/v1/admin/checkpoint", .operateStorage) { api, _ in
            try await onOwnThread { try api.campaign.store.checkpoint() }
            return try api.renderer.response(200, ["checkpoint": "written"])
        },
    ]

    /// Runs blocking work (a backup or a checkpoint: seconds on a season's state) on a thread of its own and waits
    /// for it without blocking: run in place it held the event loop, and every connection on it, for as long.
    private static func onOwnThread(_ work: @escaping @Sendable () throws -> Void) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let thread = Thread {
                _ = cthreadname_set("storage-op") // for top -H and perf
                continuation.resume(with: Result { try work() })
            }
            thread.start()
        }
    }

    static let testClockRoutes: [APIRoute] = [
        APIRoute("POST", "/api/v1/_test/clock", nil, readsAcknowledgedWrites: false) { api, request in
            let body = try request.json()
            try body.allowOnly(["now"])
            let now = try body.timestamp("now")
            api.testClock?.set(now)
            return try api.renderer.response(200, ["now": api.campaign.rules.time.rfc3339(now)])
        },
    ]
}
