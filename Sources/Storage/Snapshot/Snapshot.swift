import Foundation

/// The manifest of a snapshot folder: the sequence number it covers and each file's checksum, itself checksummed.
struct SnapshotManifest: Codable, Equatable {
    var sequence: UInt64
    var files: [String: String]
    /// The bytes of its files that are not sealed: what every checkpoint writes again, however little changed, and
    /// what the next one's share rule weighs the WAL against. Absent in manifests from before sealed files; left out
    /// of the checksum, so that a server from before them still reads the manifest (a hint for scheduling, not data).
    var unsealedBytes: Int?
    /// The last linked file its checkpoint read back: the next one reads on from there, after a restart too. Outside
    /// the checksum, like `unsealedBytes`.
    var checkedThrough: String?
    var checksum: String

    init(sequence: UInt64, files: [String: String], unsealedBytes: Int? = nil, checkedThrough: String? = nil) {
        self.sequence = sequence
        self.files = files
        self.unsealedBytes = unsealedBytes
        self.checkedThrough = checkedThrough
        self.checksum = ""
        self.checksum = computedChecksum
    }

    var computedChecksum: String {
        let canonical = "\(sequence)|" + files.keys.sorted().map { "\($0)=\(files[$0] ?? "")" }.joined(separator: ",")
        return Checksum.hex(Data(canonical.utf8))
    }
}

/// A snapshot as recovery reads it.
struct LoadedSnapshot {
    var sequence: UInt64
    var files: [String: Data]
    /// As its manifest says, at most every file's size (without its word: every file's).
    var unsealedBytes: Int
    /// As its manifest says.
    var checkedThrough: String?
}

/// Snapshot folders `snapshot-<sequence>/`: the state's JSON files plus `manifest.json`.
/// Written under a temporary name, synced, renamed, and the data folder synced: a crash at any step leaves
/// either the old snapshot or the new one, never half of one.
enum Snapshot {
    static func name(_ sequence: UInt64) -> String { String(format: "snapshot-%020llu", sequence) }

    static func sequence(ofName name: String) -> UInt64? {
        guard name.hasPrefix("snapshot-"), !name.hasSuffix(".tmp") else { return nil }
        return UInt64(name.dropFirst("snapshot-".count))
    }

    /// A snapshot file is handed to the disk in steps of this size as it is written: left to one fsync at the end,
    /// hundreds of megabytes stalled the WAL's syncs meanwhile (up to 110 ms each under load, measured).
    static let writeBehindStep = 4 << 20

    /// Writes the snapshot `sequence` of `files` into `folder`. `linking`: a sealed file the newest snapshot in
    /// `folder` also holds is linked from it rather than written, after a share of such files is read back
    /// (`SnapshotFolderWriter.link`, from the one after `checkedThrough`).
    @discardableResult
    static func write(_ files: [String: SnapshotFile], sequence: UInt64, into folder: String, fileSystem fs: any FileSystem,
                      linking: Bool = false, checkedThrough: String? = nil,
                      minimumCheck: Int = SnapshotFolderWriter.minimumCheckBytes,
                      failpoint: (String) throws -> Void = { _ in }) throws -> SnapshotWriteOutcome {
        let final = folder + "/" + name(sequence)
        let temporary = final + ".tmp"
        let previous = linking ? newestManifest(in: folder, before: sequence, fileSystem: fs) : nil
        if fs.exists(temporary) { try fs.remove(temporary) }
        try fs.makeDirectory(temporary)
        try failpoint("snapshot.created-temp")
        var writer = SnapshotFolderWriter(path: temporary, fileSystem: fs)
        let sorted = files.sorted { $0.key < $1.key }
        func isLinkable(_ file: String, _ content: SnapshotFile) -> Bool { content.isSealed && previous?.files[file] != nil }
        for (file, content) in sorted where !isLinkable(file, content) { try writer.write(file, content) }
        if let previous {
            try writer.link(sorted.filter { isLinkable($0.key, $0.value) }, from: folder + "/" + name(previous.sequence), manifest: previous,
                            checkingAfter: checkedThrough, minimumCheck: minimumCheck, failpoint: failpoint)
        }
        try failpoint("snapshot.files-written")
        let outcome = writer.outcome
        let manifest = try JSONEncoder.sorted.encode(SnapshotManifest(sequence: sequence, files: writer.sums, unsealedBytes: outcome.unsealedBytes,
                                                                        checkedThrough: outcome.checkedThrough ?? checkedThrough))
        try fs.writeFile(temporary + "/manifest.json", manifest)
        try fs.syncFile(temporary + "/manifest.json")
        try fs.syncDirectory(temporary)
        try failpoint("snapshot.manifest-written")
        if fs.exists(final) { try fs.remove(final) }
        try fs.rename(temporary, to: final)
        try failpoint("snapshot.renamed")
        try fs.syncDirectory(folder)
        try failpoint("snapshot.folder-synced")
        return outcome
    }

    /// The manifest of the newest snapshot in `folder` before `sequence`, if it reads and checks out: whatever the
    /// store last recorded, as a checkpoint that failed after its rename may have removed the one before it.
    private static func newestManifest(in folder: String, before sequence: UInt64, fileSystem fs: any FileSystem) -> SnapshotManifest? {
        guard let newest = (try? fs.list(folder))?.compactMap(Snapshot.sequence(ofName:)).filter({ $0 < sequence }).max() else { return nil }
        return try? manifest(of: newest, in: folder, fileSystem: fs)
    }

    /// The manifest of the snapshot `sequence` in `folder`, checked against its own checksum.
    static func manifest(of sequence: UInt64, in folder: String, fileSystem fs: any FileSystem) throws -> SnapshotManifest {
        let manifestPath = folder + "/" + name(sequence) + "/manifest.json"
        guard let manifest = try? JSONDecoder().decode(SnapshotManifest.self, from: fs.readFile(manifestPath)),
              manifest.checksum == manifest.computedChecksum, manifest.sequence == sequence else {
            throw StoreError.corruption(file: manifestPath, offset: nil, reason: "snapshot manifest missing or damaged")
        }
        return manifest
    }

    /// The newest snapshot, verified. A damaged newest snapshot is corruption: never fall back silently.
    static func latest(in folder: String, fileSystem fs: any FileSystem) throws -> LoadedSnapshot? {
        guard let newest = try fs.list(folder).compactMap(sequence(ofName:)).max() else { return nil }
        let directory = folder + "/" + name(newest)
        let manifest = try manifest(of: newest, in: folder, fileSystem: fs)
        var files: [String: Data] = [:]
        for (file, sum) in manifest.files {
            let path = directory + "/" + file
            guard let data = try? fs.readFile(path), Checksum.hex(data) == sum else {
                throw StoreError.corruption(file: path, offset: nil, reason: "snapshot file missing or its checksum differs")
            }
            files[file] = data
        }
        let total = files.values.reduce(0) { $0 + $1.count }
        // Outside the checksum: a damaged figure must not hold checkpoints off for good.
        return LoadedSnapshot(sequence: newest, files: files, unsealedBytes: max(0, min(manifest.unsealedBytes ?? total, total)),
                              checkedThrough: manifest.checkedThrough)
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return encoder
    }
}
