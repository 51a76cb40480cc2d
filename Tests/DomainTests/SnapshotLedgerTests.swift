import Foundation
import Logging
import Storage
import Testing
import TestSupport
@testable import Domain

/// Report revisions and audit entries are written to the snapshot in the order they were stored, in numbered files
/// whose names fix their text: what lets a checkpoint link a full file instead of writing it again.
@Suite struct SnapshotLedgerTests {
    static let perFile = CampaignState.ledgerFileRecords

    /// A full file and two revisions in the next, alternating between two units and two days.
    static func builder(reports: Int = perFile + 2) throws -> StateBuilder {
        var b = try StateBuilder()
        try b.village("a", unit: "xiatuanpu", targets: ["biomass": 100_000])
        try b.village("z", unit: "zirun", targets: ["biomass": 100_000])
        for n in 0..<reports {
            let (unit, village) = n % 2 == 0 ? ("xiatuanpu", "a") : ("zirun", "z")
            try b.report(unit, n % 3 == 0 ? "2021-10-14" : "2021-10-15", [(village, "biomass", [n, n, n, 0, 0])], audited: true)
        }
        return b
    }

    static func texts(_ files: [String: SnapshotFile]) throws -> [String: Data] { try files.mapValues { try $0.materialized() } }

    @Test func fullLedgerFilesKeepTheirNameAndTextAsReportsArrive() throws {
        var b = try Self.builder()
        let before = try b.state.snapshotFiles()
        let first = CampaignState.ledgerFileName("reports", first: 1, last: Self.perFile)
        let firstAudit = CampaignState.ledgerFileName("audit", first: 1, last: Self.perFile)
        #expect(before.keys.filter { $0.hasPrefix("reports-") }.sorted()
                == [first, CampaignState.ledgerFileName("reports", first: Self.perFile + 1, last: Self.perFile + 2)])
        #expect(before.keys.filter { $0.hasPrefix("audit-") }.count == 2)
        #expect(try #require(before[first]).isSealed && before["report-days.json"]?.isSealed == false)

        try b.report("zirun", "2021-10-16", [("z", "biomass", [1, 1, 1, 0, 0])], audited: true)
        let after = try b.state.snapshotFiles()
        // The full files are the same text under the same name; the last one grew and so has a new name.
        #expect(try after[first]?.materialized() == before[first]?.materialized())
        #expect(try after[firstAudit]?.materialized() == before[firstAudit]?.materialized())
        let last = CampaignState.ledgerFileName("reports", first: Self.perFile + 1, last: Self.perFile + 3)
        #expect(after.keys.filter { $0.hasPrefix("reports-") }.sorted() == [first, last])
        let lastText = String(decoding: try #require(after[last]).materialized(), as: UTF8.self)
        #expect(lastText.contains(#""date" : "2021-10-16""#) && lastText.contains(#""unit" : "zirun""#))
    }

    @Test func aLoadedLedgerWritesTheSameFilesAgain() throws {
        let b = try Self.builder()
        let files = try Self.texts(try b.state.snapshotFiles())
        let restored = try CampaignState(snapshotFiles: files)
        #expect(restored.unitDays == b.state.unitDays)
        #expect(restored.timelines == b.state.timelines)
        // Same order of revisions and entries, so the same files byte for byte: a full one can be linked after a restart.
        #expect(try Self.texts(try restored.snapshotFiles()) == files)
    }

    @Test func aSnapshotFromBeforeTheLedgerLoadsAndIsWrittenAsALedger() throws {
        let b = try Self.builder(reports: 7)
        var files = try Self.texts(try b.state.snapshotFiles())
        // The files as a server before the ledger wrote them (its hand writer matched JSONEncoder byte for byte).
        let days = b.state.unitDays.values.flatMap(\.values).sorted { ($0.unit, $0.date) < ($1.unit, $1.date) }
        let entries = b.state.audit.keys.sorted().flatMap { b.state.audit[$0]!.entries }
        for name in files.keys where name.hasPrefix("reports-") || name.hasPrefix("audit-") || name == "report-days.json" || name == "reports.json" {
            files[name] = nil
        }
        files["reports.json"] = try CampaignState.encoder.encode(days)
        files["audit.json"] = try CampaignState.encoder.encode(entries)

        let restored = try CampaignState(snapshotFiles: files)
        #expect(restored.unitDays == b.state.unitDays)
        #expect(restored.audit.keys.sorted().flatMap { restored.audit[$0]!.entries } == entries)
        let rewritten = try restored.snapshotFiles()
        #expect(try rewritten["reports.json"]?.materialized() == CampaignState.reportsNotice && rewritten["report-days.json"] != nil)
        #expect(rewritten.keys.contains(CampaignState.ledgerFileName("reports", first: 1, last: 7)))
        #expect(try CampaignState(snapshotFiles: try Self.texts(rewritten)).unitDays == b.state.unitDays)
    }

    /// A server from before the ledgers reads `reports.json` (by hand, else by JSONDecoder): it must fail on the
    /// notice there rather than start without the reports.
    @Test func aServerFromBeforeTheLedgersCannotReadTheNoticeInReportsJSON() throws {
        let files = try Self.texts(try Self.builder(reports: 3).state.snapshotFiles())
        let notice = try #require(files["reports.json"])
        #expect(CampaignState.reportsFromSnapshot(notice) == nil)
        #expect(throws: DecodingError.self) { try CampaignState.decoder.decode([UnitDay].self, from: notice) }
        #expect(String(decoding: notice, as: UTF8.self).contains("reports-FIRST-LAST.json"))
    }

    @Test func aMissingOrShortLedgerFileIsADamagedSnapshot() throws {
        let b = try Self.builder()
        let files = try Self.texts(try b.state.snapshotFiles())
        let first = CampaignState.ledgerFileName("reports", first: 1, last: Self.perFile)
        var missing = files
        missing[first] = nil
        #expect(throws: DomainError.self) { try CampaignState(snapshotFiles: missing) }

        var short = files
        short[first] = try CampaignState.revisionsFile([StoredRevision]()) { $0 }.materialized()
        #expect(throws: DomainError.self) { try CampaignState(snapshotFiles: short) }

        var missingAudit = files
        missingAudit[CampaignState.ledgerFileName("audit", first: 1, last: Self.perFile)] = nil
        #expect(throws: DomainError.self) { try CampaignState(snapshotFiles: missingAudit) }

        // A day whose revisions the ledger does not hold, as many as report-days.json says.
        var days = try CampaignState.decoder.decode([ReportDayHeader].self, from: try #require(files["report-days.json"]))
        days[0].revisionCount += 1
        var miscounted = files
        miscounted["report-days.json"] = try CampaignState.encoder.encode(days)
        #expect(throws: DomainError.self) { try CampaignState(snapshotFiles: miscounted) }
    }

    /// Through the store, on disk: the second checkpoint links the full ledger files of the first (the same inode), and a
    /// restart from it reads the state the writes made.
    @Test func aCheckpointLinksFullLedgerFilesAndARestartReadsThem() async throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("ledger")
        var logger = Logger(label: "ledger-test")
        logger.logLevel = .critical
        // Only the checkpoints asked for below: one coming due between them would remove the first file's inode.
        var options = StoreOptions()
        options.checkpointEveryRecords = .max
        options.checkpointEveryBytes = .max
        let store = try Store<CampaignState>.open(folder: folder, options: options, logger: logger)
        let expected = try Self.builder(reports: Self.perFile + 5).state
        // The builder's changes again, through the store, 64 writers at a time (one sync carries many).
        // Every report was applied with its audit entry: the two ledgers run side by side.
        let changes = zip(expected.reportLedger, expected.auditLedger).map { p, a in
            LoggedChange(.reportSubmitted(unit: p.unit, date: p.date, status: .onTime, revision: expected.unitDays[p.unit]![p.date]!.revisions[p.index]),
                         audit: expected.audit[a.date]![a.index])
        }
        func commit(_ part: ArraySlice<LoggedChange>) async throws {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for lane in 0..<64 {
                    let mine = part.enumerated().filter { $0.offset % 64 == lane }.map(\.element)
                    group.addTask { for change in mine { try await store.commit { _ in .write(change, ()) } } }
                }
                try await group.waitForAll()
            }
        }
        try await commit(changes[..<Self.perFile])
        try store.checkpoint()
        let full = CampaignState.ledgerFileName("reports", first: 1, last: Self.perFile)
        func inode(_ file: String) throws -> UInt64? {
            let snapshots = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("snapshot-") }
            var info = stat()
            guard let newest = snapshots.max(), stat(folder.path + "/" + newest + "/" + file, &info) == 0 else { return nil }
            return UInt64(info.st_ino)
        }
        let before = try #require(try inode(full))
        try await commit(changes[Self.perFile...])
        try store.checkpoint()
        #expect(try inode(full) == before)
        try store.close()

        let reopened = try Store<CampaignState>.open(folder: folder, options: options, logger: logger)
        let state = reopened.read { $0 }
        #expect(state.reportLedger.count == expected.reportLedger.count)
        #expect(state.auditLedger.count == expected.auditLedger.count)
        // Written concurrently, the revisions of a day arrived in some order: each day holds the same set of them.
        for (unit, days) in expected.unitDays {
            for day in days.values {
                let restored = try #require(state.unitDay(unit, day.date))
                #expect(Set(restored.revisions.map(\.revision)) == Set(day.revisions.map(\.revision)))
            }
        }
        try reopened.close(checkpointing: false)
    }
}
