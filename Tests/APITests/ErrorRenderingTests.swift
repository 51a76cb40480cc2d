import Foundation
import Testing
import Storage
@testable import API

/// Storage trouble that is not a refused write still answers as the contract's 503, never as a 500 `internal`.
@Suite struct ErrorRenderingTests {
    /// Each says what will bring writes back: read-only mode lasts until a restart; a stop is over soon.
    /// Retry-After only where waiting helps: read-only mode ends with a restart, not with time.
    @Test(arguments: [
        (StorageUnavailable(reason: "fsync: EIO") as any Error, "重启服务", nil), // read-only after a failed sync
        (StoreError.closed as any Error, "服务正在停止", "60"), // the store closing under a request while the server stops
        (FileSystemError(call: "write", path: "/data/snapshot-1.tmp/reports.json", errno: ENOSPC) as any Error, "存储暂时无法写入", "60"), // a checkpoint on a full disk
    ] as [(any Error, String, String?)])
    func storageStatesAre503StorageUnavailable(error: any Error, saying: String, retryAfter: String?) throws {
        let response = ErrorRendering.response(for: error)
        #expect(response.status == 503)
        #expect(response.headers["Retry-After"] == retryAfter)
        let body = try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
        let details = try #require(body["error"] as? [String: Any])
        #expect(details["code"] as? String == "storage_unavailable")
        #expect((details["message"] as? String)?.contains(saying) == true, "\(details)")
    }

    /// A file error that says nothing about the disk (a wrong path, a bad descriptor) is a bug of ours: 500.
    @Test(arguments: [FileSystemError(call: "open", path: "/nowhere", errno: ENOENT) as any Error,
                      FileSystemError(call: "fsync", path: "/data", errno: EBADF) as any Error])
    func anythingElseIsA500WithoutDetails(error: any Error) throws {
        let response = ErrorRendering.response(for: error)
        #expect(response.status == 500)
        #expect(!String(decoding: response.body, as: UTF8.self).contains("nowhere"))
    }
}
