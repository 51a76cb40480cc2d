import Foundation
import Testing
import Storage
@testable import API

/// Storage trouble that is not a refused write still answers as the contract's 503, never as a 500 `internal`.
@Suite struct ErrorRenderingTests {
    @Test(arguments: [
        StoreError.closed as any Error, // the store closing under a request while the server stops
        FileSystemError(call: "write", path: "/data/snapshot-1.tmp/reports.json", errno: ENOSPC), // a checkpoint on a full disk
    ])
    func storageStatesAre503StorageUnavailable(error: any Error) throws {
        let response = ErrorRendering.response(for: error)
        #expect(response.status == 503)
        #expect(response.headers["Retry-After"] == "60")
        let body = try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
        let details = try #require(body["error"] as? [String: Any])
        #expect(details["code"] as? String == "storage_unavailable")
        #expect((details["message"] as? String)?.contains("存储暂时无法写入") == true)
    }

    @Test func anythingElseUnforeseenIsA500WithoutDetails() throws {
        struct Unforeseen: Error {}
        let response = ErrorRendering.response(for: Unforeseen())
        #expect(response.status == 500)
        #expect(!String(decoding: response.body, as: UTF8.self).contains("Unforeseen"))
    }
}
