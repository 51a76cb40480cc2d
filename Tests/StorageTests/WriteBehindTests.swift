import Foundation
import Testing
import TestSupport
@testable import Storage

/// Snapshot files are handed to the disk in steps while they are written (so that the WAL's syncs meanwhile do not
/// wait behind them); on the real file system the steps must leave every byte where it belongs.
@Suite struct WriteBehindTests {
    @Test func aSnapshotOfManyWriteBehindStepsReadsBackWhole() throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("write-behind").path
        let piece = (0..<65_536).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
        let pieces = 3 * Snapshot.writeBehindStep / piece.count + 7
        let file = SnapshotFile.streamed { writer in
            for index in 0..<pieces { try writer.write([UInt8(truncatingIfNeeded: index)] + piece) }
        }
        let written = try Snapshot.write(["big.json": file], sequence: 9, into: folder, fileSystem: PosixFileSystem())
        #expect(written.bytes == pieces * (piece.count + 1))
        let read = try #require(try Snapshot.latest(in: folder, fileSystem: PosixFileSystem()))
        var expected: [UInt8] = []
        for index in 0..<pieces { expected += [UInt8(truncatingIfNeeded: index)] + piece }
        #expect(read.sequence == 9)
        #expect(read.files["big.json"] == Data(expected))
    }

    /// One write-behind per step of a large file, each at a step's end, and none for a small file.
    @Test func aLargeSnapshotFileIsHandedOverOncePerStep() throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("write-behind").path
        let disk = SimulatedFileSystem()
        try disk.makeDirectory(folder)
        let piece = [UInt8](repeating: 7, count: 65_536)
        let steps = 3
        let big = SnapshotFile.streamed { writer in
            for _ in 0..<(steps * Snapshot.writeBehindStep / piece.count + 1) { try writer.write(piece) }
        }
        try Snapshot.write(["big.json": big, "small.json": .data(Data("{}".utf8))], sequence: 3, into: folder, fileSystem: disk)
        let calls = disk.writeBehinds
        #expect(calls.map(\.size) == (1...steps).map { $0 * Snapshot.writeBehindStep }, "\(calls)")
        #expect(calls.allSatisfy { $0.path.hasSuffix("/big.json") })
    }

    @Test func aWriteBehindThatFailsIsAnError() throws {
        let path = try RepositoryPaths.makeTemporaryFolder("write-behind").appendingPathComponent("file").path
        let file = try PosixFileSystem().openForAppend(path)
        try file.append([UInt8](repeating: 1, count: 4096))
        try file.writeBehind()
        try file.append([UInt8](repeating: 2, count: 4096))
        file.close()
        #expect(throws: FileSystemError.self) { try file.writeBehind() }
    }
}
