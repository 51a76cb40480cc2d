import Foundation
import Testing
import TestSupport

/// A bit flipped in the middle of the WAL, through the real binary: `serve` refuses to start and `verify` reports
/// it, both naming the segment and the offset, and neither changes a byte of the folder (docs/storage.md, Recovery).
@Suite struct StartupRefusalTests {
    /// A stopped server's folder whose WAL holds acknowledged records. A graceful stop would checkpoint and leave
    /// no record to damage, so the server is killed instead, once every write has been answered: nothing is in
    /// flight, so the WAL ends cleanly.
    func folderWithAcknowledgedRecords() async throws -> URL {
        let server = try ServerProcess.start()
        let client = APIClient(baseURL: server.baseURL, token: try server.adminToken)
        for index in 0..<6 {
            let reply = try await client.post("/api/v1/villages", json: [
                "id": "refusal-\(index)", "name": "村", "unit": "xiatuanpu", "area": "rural", "targets": ["biomass": 10]])
            #expect(reply.status == 201, "\(reply.text)")
        }
        server.kill9()
        return server.dataFolder
    }

    /// Where each record of a segment begins, by the documented layout: a u32 little-endian length of the bytes
    /// after it, then a 21-byte header (checksum, type, sequence, segment) and the payload.
    func recordStarts(_ bytes: Data) -> [Int] {
        let bytes = [UInt8](bytes)
        var starts: [Int] = []
        var offset = 0
        while offset + 4 <= bytes.count {
            let length = (0..<4).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
            if length == 0 { break } // the zeros the writer reserves after its records
            starts.append(offset)
            offset += 4 + length
        }
        return starts
    }

    /// Every file under the folder by relative path, but `LOCK`: it holds the pid of the last process to take the
    /// lock, and taking it is how `serve` learns the folder is free.
    func contents(_ folder: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = try #require(FileManager.default.enumerator(atPath: folder.path))
        for case let path as String in enumerator where path != "LOCK" {
            let url = folder.appendingPathComponent(path)
            var isFolder: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder)
            files[path] = isFolder.boolValue ? Data() : try Data(contentsOf: url)
        }
        return files
    }

    @Test func aFlippedBitInAMiddleWALRecordStopsServeAndVerifyNamingFileAndOffset() async throws {
        let folder = try await folderWithAcknowledgedRecords()
        let segments = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("wal").path)
            .filter { $0.hasSuffix(".wal") }.sorted()
        let segment = folder.appendingPathComponent("wal").appendingPathComponent(try #require(segments.last))
        var bytes = try Data(contentsOf: segment)
        let starts = recordStarts(bytes)
        // The migrations, the bootstrap token and the villages: enough records for one with others after it.
        try #require(starts.count >= 3, "\(starts.count) records in \(segment.path)")
        let damaged = starts[starts.count / 2]
        let next = starts[starts.count / 2 + 1]
        // A byte of the payload, well past the 25 bytes of length and header.
        bytes[(damaged + 25 + next) / 2] ^= 0x10
        try bytes.write(to: segment)
        let before = try contents(folder)

        // `timeout`: a server that started anyway is stopped, and the test fails instead of hanging.
        let binary = RepositoryPaths.binary.path
        let serve = try Shell.run("timeout -s KILL 30 '\(binary)' serve --port 0 --data '\(folder.path)'"
                                  + " --config '\(RepositoryPaths.defaultConfig.path)' --migrations '\(RepositoryPaths.migrations.path)'")
        #expect(serve.status != 0)
        #expect(!serve.output.contains("listening on"), "\(serve.output)")
        #expect(serve.error.contains(segment.path), "\(serve.error)")
        #expect(serve.error.contains("offset \(damaged)"), "\(serve.error)")
        #expect(serve.error.contains("cleanheat verify"), "\(serve.error)")
        #expect(try contents(folder) == before, "serve changed the folder")

        let verify = try Shell.run("'\(binary)' verify '\(folder.path)'")
        let report = verify.output + verify.error
        #expect(verify.status != 0)
        #expect(report.contains(segment.path), "\(report)")
        #expect(report.contains("offset \(damaged)"), "\(report)")
        #expect(try contents(folder) == before, "verify changed the folder")
    }

    /// A typo in `--data` must not answer from a new, empty campaign: only serve and migrate begin a data folder.
    @Test func commandsOtherThanServeAndMigrateRefuseAFolderThatDoesNotExist() throws {
        let missing = try RepositoryPaths.makeTemporaryFolder("typo").appendingPathComponent("data")
        let binary = RepositoryPaths.binary.path
        let common = "--data '\(missing.path)' --config '\(RepositoryPaths.defaultConfig.path)' --migrations '\(RepositoryPaths.migrations.path)'"
        for command in ["token list", "token create --role admin --label ops", "backup --to '\(missing.path)-backup'",
                        "checkpoint", "migrate --status"] {
            let run = try Shell.run("'\(binary)' \(command) \(common)")
            #expect(run.status != 0, "\(command)")
            #expect(run.error.contains("no data folder at \(missing.path)"), "\(command): \(run.error)")
            #expect(!run.error.contains("Usage: cleanheat <subcommand>"), "a refusal, not a usage error: \(run.error)")
            #expect(!FileManager.default.fileExists(atPath: missing.path), "\(command) created the folder")
        }
        // An existing folder that is no data folder (`--data /tmp`) is refused too, and left as it was.
        let other = try RepositoryPaths.makeTemporaryFolder("not-data")
        let onOther = try Shell.run("'\(binary)' token list --data '\(other.path)' --config '\(RepositoryPaths.defaultConfig.path)'")
        #expect(onOther.status != 0 && onOther.error.contains("no data folder"), "\(onOther.error)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: other.path).isEmpty)
        #expect(try Shell.run("'\(binary)' migrate \(common)").status == 0)
        #expect(FileManager.default.fileExists(atPath: missing.path))
    }
}
