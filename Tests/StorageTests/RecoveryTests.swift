import Foundation
import Testing
import TestSupport
@testable import Storage

/// CHECKLISTS.md, Storage 2–4: torn tails are cut, corruption in the middle refuses to open.
@Suite struct RecoveryTests {
    func copy(_ folder: URL) throws -> URL {
        let target = try RepositoryPaths.makeTemporaryFolder("store-copy").appendingPathComponent("data")
        try FileManager.default.copyItem(at: folder, to: target)
        try? FileManager.default.removeItem(at: target.appendingPathComponent("LOCK"))
        return target
    }

    @Test func everythingAcknowledgedSurvivesACrash() async throws {
        let folder = try await crashedToyFolder(records: 50)
        let reopened = try ToyStore.openToy(folder)
        #expect(reopened.values.count == 50)
        #expect(reopened.values["k49"] == "value-49")
        try reopened.close()
    }

    @Test func tornTailAtEveryOffsetOfTheLastRecordIsCutAndTheNextAppendSurvives() async throws {
        let folder = try await crashedToyFolder(records: 5)
        let segment = try #require(try walFiles(folder).last)
        #expect(try Data(contentsOf: segment).count >= ToyStore.toyOptions.segmentReserveBytes, "zeros reserved after the records")
        let bytes = try records(of: segment)
        let scan = SegmentScan(bytes: [UInt8](bytes), segment: UInt64(segment.lastPathComponent.prefix(20)) ?? 0)
        let lastStart = bytes.count - (scan.records.last.map { $0.encoded().count } ?? 0)
        for cut in lastStart..<bytes.count {
            let trial = try copy(folder)
            let trialSegment = try #require(try walFiles(trial).last)
            // Every other cut inside the reserved zeros, as a crash mid-write leaves it there.
            try (bytes.prefix(cut) + Data(count: cut % 2 == 0 ? 4096 : 0)).write(to: trialSegment)
            let store = try ToyStore.openToy(trial)
            #expect(store.values.count == 4, "cut at \(cut)")
            #expect(store.values["k4"] == nil)
            #expect(try Data(contentsOf: trialSegment).count == lastStart)
            if cut > lastStart {
                #expect(FileManager.default.fileExists(atPath: trialSegment.path + ".broken"))
            }
            try await store.put("after", "cut")
            store.abandon()
            let again = try ToyStore.openToy(trial)
            #expect(again.values["after"] == "cut")
            #expect(again.values.count == 5)
            again.abandon()
        }
    }

    /// The bytes a cut removes are kept for inspection, a second cut's beside the first's, never over them.
    @Test func aSecondTornTailInTheSameSegmentKeepsTheFirstCopy() async throws {
        let folder = try await crashedToyFolder(records: 5)
        let segment = try #require(try walFiles(folder).last)
        let bytes = try records(of: segment)
        try bytes.dropLast(3).write(to: segment)
        let first = try ToyStore.openToy(folder)
        try await first.put("after", "cut")
        first.abandon()
        let firstCopy = try Data(contentsOf: URL(fileURLWithPath: segment.path + ".broken"))
        try (try records(of: segment) + Data([1, 2, 3, 4, 5]) + Data(count: 100)).write(to: segment)
        try ToyStore.openToy(folder).abandon()
        #expect(try Data(contentsOf: URL(fileURLWithPath: segment.path + ".broken")) == firstCopy)
        #expect(try Data(contentsOf: URL(fileURLWithPath: segment.path + ".broken.2")) == Data([1, 2, 3, 4, 5]))
    }

    /// Cutting a torn tail drops bytes: the operator must be told, at warning level, which file, where and how much.
    @Test func cuttingATornTailLogsAWarningNamingTheFileAndOffset() async throws {
        let folder = try await crashedToyFolder(records: 5)
        let segment = try #require(try walFiles(folder).last)
        let bytes = try records(of: segment)
        let cut = bytes.count - 3 // the last record loses its last three bytes
        try bytes.prefix(cut).write(to: segment)
        let lastStart = SegmentScan(bytes: [UInt8](bytes.prefix(cut)), segment: UInt64(segment.lastPathComponent.prefix(20)) ?? 0).validBytes
        let logs = CapturedLogs()
        let store = try ToyStore.open(folder: folder, logger: logs.logger)
        #expect(store.values.count == 4)
        store.abandon()
        let warnings = logs.lines.filter { $0.level == .warning }
        #expect(warnings.count == 1, "\(logs.lines.map(\.message))")
        let warning = try #require(warnings.first)
        #expect(warning.message.contains("torn"))
        #expect(warning.metadata["file"]?.description == segment.path)
        #expect(warning.metadata["offset"]?.description == "\(lastStart)")
        #expect(warning.metadata["bytes"]?.description == "\(cut - lastStart)")
    }

    @Test func zeroFilledTailIsTreatedAsTorn() async throws {
        let folder = try await crashedToyFolder(records: 5)
        let segment = try #require(try walFiles(folder).last)
        var bytes = try records(of: segment)
        // A zeroed last "sector" over the final record, then extra zeros.
        let zeroFrom = bytes.count - 20
        bytes.replaceSubrange(zeroFrom..<bytes.count, with: Data(count: 20))
        bytes.append(Data(count: 512))
        try bytes.write(to: segment)
        let store = try ToyStore.openToy(folder)
        #expect(store.values.count == 4)
        try await store.put("next", "ok")
        store.abandon()
        #expect(try ToyStore.openToy(folder).values["next"] == "ok")
    }

    @Test func aFlippedBitInAMiddleRecordRefusesToOpenAndChangesNothing() async throws {
        let folder = try await crashedToyFolder(records: 10)
        let segment = try #require(try walFiles(folder).last)
        var bytes = try Data(contentsOf: segment)
        let middle = try records(of: segment).count / 2
        bytes[middle] ^= 0x10
        try bytes.write(to: segment)
        let before = try Data(contentsOf: segment)
        #expect {
            _ = try ToyStore.openToy(folder)
        } throws: { error in
            guard case let StoreError.corruption(file, offset, _) = error else { return false }
            return file == segment.path && (offset ?? 0) > 0 && (offset ?? 0) <= middle
        }
        #expect(try Data(contentsOf: segment) == before)
        #expect(!FileManager.default.fileExists(atPath: segment.path + ".broken"))
        let report = ToyStore.verify(folder: folder)
        #expect(!report.isSound)
        #expect(report.description.contains(segment.path))
        #expect(try Data(contentsOf: segment) == before)
    }

    /// Open repairs a folder only once all of it checks out: a stray temporary folder (a checkpoint cut short)
    /// beside corruption is not removed either, so the folder the operator copies aside is the one that failed.
    @Test func aRefusedOpenRepairsNothing() async throws {
        let folder = try await crashedToyFolder(records: 10)
        let stray = folder.appendingPathComponent(Snapshot.name(3) + ".tmp")
        try FileManager.default.createDirectory(at: stray, withIntermediateDirectories: false)
        try Data("{}".utf8).write(to: stray.appendingPathComponent("values.json"))
        let segment = try #require(try walFiles(folder).last)
        var bytes = try Data(contentsOf: segment)
        bytes[try records(of: segment).count / 2] ^= 0x10
        try bytes.write(to: segment)
        #expect(throws: StoreError.self) { _ = try ToyStore.openToy(folder) }
        #expect(FileManager.default.fileExists(atPath: stray.appendingPathComponent("values.json").path))
        #expect(try Data(contentsOf: segment) == bytes)
    }

    /// Replay decodes the next window of records on another thread while it applies the current one: the
    /// changes still apply exactly in order across windows, and a record that does not decode is named.
    @Test func replayAppliesInOrderAcrossWindowsAndNamesARecordThatDoesNotDecode() throws {
        let count = 5_000 // over two windows of 2,048 and a part
        let records = try (0..<count).map { index in
            WALRecord(sequence: UInt64(index + 1), segment: 1,
                      payload: try ToyState.logPayload(of: .append(key: "k\(index % 3)", suffix: "\(index),")))
        }
        var state = ToyState()
        try Recovery.replay(records[...], into: &state, path: "wal/1.wal", offset: { $0 * 100 })
        for key in 0..<3 {
            #expect(state.values["k\(key)"] == stride(from: key, to: count, by: 3).map { "\($0)," }.joined())
        }
        var damaged = records
        damaged[4_500].payload = Array(#"{"nonsense": true}"#.utf8)
        var partial = ToyState()
        #expect {
            try Recovery.replay(damaged[...], into: &partial, path: "wal/1.wal", offset: { $0 * 100 })
        } throws: { error in
            "\(error)".contains("record 4501 does not apply") && "\(error)".contains("wal/1.wal")
                && "\(error)".contains("offset 450000")
        }
        // Everything before the damaged record was applied, nothing after it.
        #expect(partial.values.values.reduce(0) { $0 + $1.split(separator: ",").count } == 4_500)
    }

    /// The repair path truncates at the offset `verify` names: for a record that does not apply (a change kind an
    /// older binary does not know) it named offset 0, and following the docs would have cut the whole segment.
    @Test func aRecordThatDoesNotApplyIsNamedAtItsOwnOffset() async throws {
        let folder = try await crashedToyFolder(records: 5)
        let segment = folder.appendingPathComponent("wal/00000000000000000001.wal")
        let good = try records(of: segment)
        let unknown = WALRecord(sequence: 6, segment: 1, payload: Array(#"{"futureChange": {"x": 1}}"#.utf8)).encoded()
        try (good + unknown).write(to: segment)
        let report = ToyStore.verify(folder: folder)
        #expect(!report.isSound && report.description.contains("at offset \(good.count):"), "\(report)")
    }

    @Test func checkpointThenRecoveryFromSnapshotPlusWAL() async throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("store")
        var options = ToyStore.toyOptions
        options.checkpointEveryRecords = 10
        let store = try ToyStore.openToy(folder, options: options)
        for index in 0..<25 { try await store.commit { _ in .write(.append(key: "log", suffix: "\(index),"), ()) } }
        store.abandon()
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(names.contains { $0.hasPrefix("snapshot-") })
        let reopened = try ToyStore.openToy(folder)
        #expect(reopened.values["log"] == (0..<25).map { "\($0)," }.joined())
        // Read while a store writes it, a folder can look damaged (segments go after each checkpoint): refused.
        let inUse = ToyStore.verify(folder: folder)
        #expect(!inUse.isSound && inUse.description.contains("in use by process \(getpid())"), "\(inUse)")
        // A running server's folder is copied by its admin endpoint: the CLI's backup would be refused the same way.
        #expect(inUse.description.contains("POST /api/v1/admin/backup") && !inUse.description.contains("backup --to"), "\(inUse)")
        try reopened.close()
        #expect(ToyStore.verify(folder: folder).isSound)
    }

    /// A command that only read leaves the folder as it found it: no snapshot written on the way out.
    @Test func closingWithoutACheckpointWritesNoSnapshotAndLosesNothing() async throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("store")
        let store = try ToyStore.openToy(folder)
        for index in 0..<5 { try await store.put("k\(index)", "v") }
        try store.close(checkpointing: false)
        try store.close(checkpointing: false) // twice is harmless
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).allSatisfy { !$0.hasPrefix("snapshot-") })
        let reopened = try ToyStore.openToy(folder)
        #expect(reopened.values.count == 5)
        try reopened.close()
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).contains { $0.hasPrefix("snapshot-") })
    }

    /// An empty folder (or a backup that failed before writing anything) is no data folder, whatever else it is.
    @Test func verifyCallsAFolderWithoutSnapshotOrRecordsNoDataFolder() throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("store")
        let report = ToyStore.verify(folder: folder)
        #expect(!report.isSound && report.description.contains("not a data folder"), "\(report)")
        let file = folder.appendingPathComponent("notes.txt")
        try Data("x".utf8).write(to: file)
        let notFolder = ToyStore.verify(folder: file)
        #expect(!notFolder.isSound && notFolder.description.contains("notes.txt: not a folder"), "\(notFolder)")
    }

    @Test func theFolderLockRefusesASecondOpenNamingThePid() async throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("store")
        let store = try ToyStore.openToy(folder)
        #expect {
            _ = try ToyStore.openToy(folder)
        } throws: { error in
            guard case let StoreError.folderLocked(_, pid) = error else { return false }
            return pid == String(getpid())
        }
        try store.close()
        try ToyStore.openToy(folder).close()
    }

    /// `verify` holds the folder while it reads (a shared lock, which another verify may share): a server or
    /// command starting meanwhile is refused, naming the verifying process, and starts once the check is done.
    @Test func aVerifyInProgressKeepsAServerFromStarting() async throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("store")
        try ToyStore.openToy(folder).close()
        let lock = folder.appendingPathComponent("LOCK")
        try Data("4242\n".utf8).write(to: lock) // the last server's pid, long gone
        var hold: DataFolderLock.SharedHold? = try DataFolderLock.holdShared(folder.path)
        #expect(try String(contentsOf: lock, encoding: .utf8) == "\(getpid())\n", "the verifier names itself")
        var second: DataFolderLock.SharedHold? = try DataFolderLock.holdShared(folder.path)
        #expect {
            _ = try ToyStore.openToy(folder)
        } throws: { error in
            guard case let StoreError.folderLocked(_, pid) = error else { return false }
            return pid == String(getpid())
        }
        #expect(hold != nil && second != nil)
        (hold, second) = (nil, nil)
        try ToyStore.openToy(folder).close()
        // A copied folder's LOCK may be a symbolic link to anything: the hold never writes through it.
        let outside = folder.deletingLastPathComponent().appendingPathComponent("precious-\(UUID())")
        try Data("keep me".utf8).write(to: outside)
        try FileManager.default.removeItem(at: lock)
        try FileManager.default.createSymbolicLink(at: lock, withDestinationURL: outside)
        withExtendedLifetime(try DataFolderLock.holdShared(folder.path)) {}
        #expect(try String(contentsOf: outside, encoding: .utf8) == "keep me")
    }

    /// A folder whose snapshot went missing, closed cleanly (its WAL is one empty segment named after the records
    /// the snapshot held): no new, empty store over the old one's files, but corruption naming the missing records.
    @Test func aMissingSnapshotIsRefusedEvenWhenTheWALHoldsNoRecord() async throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("store")
        let store = try ToyStore.openToy(folder)
        for index in 0..<5 { try await store.put("k\(index)", "v") }
        try store.close()
        let snapshot = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.path).first { $0.hasPrefix("snapshot-") })
        try FileManager.default.moveItem(at: folder.appendingPathComponent(snapshot),
                                        to: folder.deletingLastPathComponent().appendingPathComponent(snapshot + "-aside-\(UUID())"))
        #expect {
            _ = try ToyStore.openToy(folder)
        } throws: { error in
            guard case let StoreError.corruption(_, offset, reason) = error else { return false }
            return offset == nil && reason.contains("records 1…5 are missing")
        }
        let report = ToyStore.verify(folder: folder)
        #expect(!report.isSound && report.description.contains("records 1…5 are missing"), "\(report)")
    }

    /// A lock our own process let go of can still be held for a moment by a copy of its descriptor (a child
    /// being spawned has one until it execs): the open waits that out instead of refusing.
    @Test func aLockOurOwnProcessIsLettingGoIsWaitedFor() async throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("store")
        let path = folder.appendingPathComponent("LOCK").path
        let copy = open(path, O_RDWR | O_CREAT, 0o644)
        #expect(flock(copy, LOCK_EX | LOCK_NB) == 0)
        let pid = Array("\(getpid())\n".utf8)
        _ = pwrite(copy, pid, pid.count, 0)
        let letGo = Thread { usleep(30_000); close(copy) }
        letGo.start()
        let store = try ToyStore.openToy(folder)
        try store.close()
    }
}

/// The zeros the writer reserves after a segment's records: an end, not damage; and damage all the same where
/// records follow them.
@Suite struct ReservedZerosTests {
    @Test func zerosAfterTheRecordsAreACleanEndCutBackAtOpenSoThatAppendsFollowTheRecords() async throws {
        let folder = try await crashedToyFolder(records: 5)
        let segment = try #require(try walFiles(folder).last)
        let recordBytes = try records(of: segment).count
        let reserve = ToyStore.toyOptions.segmentReserveBytes
        // Topped up to a full reserve whenever less than half of one is left.
        #expect((recordBytes + reserve / 2...recordBytes + reserve).contains(try Data(contentsOf: segment).count))
        #expect(ToyStore.verify(folder: folder).isSound)
        let logs = CapturedLogs()
        let reopened = try ToyStore.open(folder: folder, options: ToyStore.toyOptions, logger: logs.logger)
        #expect(logs.lines.filter { $0.level >= .warning }.isEmpty, "\(logs.lines.map(\.message))")
        #expect(!FileManager.default.fileExists(atPath: segment.path + ".broken"))
        #expect(try Data(contentsOf: segment).count == recordBytes, "cut back to the records at open")
        try await reopened.put("after", "restart")
        reopened.abandon()
        #expect(try ToyStore.openToy(folder).values.count == 6)
        #expect(try records(of: segment).count > recordBytes)
    }

    /// A closed segment is never written into again: its reserve goes, or small segments took ten times their
    /// records' room on disk.
    @Test func aClosedSegmentIsCutBackToItsRecords() async throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("store")
        var options = ToyStore.toyOptions
        // A new segment after every second batch: the writer rolls by the size written when it hands a batch over,
        // and the sync thread writes the batch before.
        options.segmentMaxBytes = 1
        let store = try ToyStore.openToy(folder, options: options)
        for index in 0..<6 { try await store.put("k\(index)", "v") }
        let segments = try walFiles(folder)
        #expect(segments.count >= 4)
        for closed in segments.dropLast() {
            #expect(try Data(contentsOf: closed).count == records(of: closed).count, "\(closed.lastPathComponent)")
        }
        store.abandon()
        #expect(try ToyStore.openToy(folder, options: options).values.count == 6)
    }

    @Test func zerosWhereARecordWasThenGoodRecordsAreCorruption() async throws {
        let folder = try await crashedToyFolder(records: 6)
        let segment = try #require(try walFiles(folder).last)
        var bytes = try records(of: segment)
        let scan = SegmentScan(bytes: [UInt8](bytes), segment: 1)
        // The third record's bytes lost (zeros), the ones after it intact.
        bytes.replaceSubrange(scan.offsets[2]..<scan.offsets[3], with: Data(count: scan.offsets[3] - scan.offsets[2]))
        try bytes.write(to: segment)
        #expect {
            _ = try ToyStore.openToy(folder)
        } throws: { error in
            guard case let StoreError.corruption(file, offset, _) = error else { return false }
            return file == segment.path && offset == scan.offsets[2]
        }
    }
}
