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

/// What writing a snapshot did.
struct SnapshotWriting: Equatable {
    /// Bytes written: the manifest, and the files linked from the snapshot before, not counted.
    var bytes = 0
    /// Bytes of the files that are not sealed (the manifest's `unsealedBytes`).
    var unsealedBytes = 0
    /// The snapshot before, whose sealed files were linked (nil: none was, every file was written).
    var linkedFrom: UInt64?
    /// Files linked from it, and how many of their bytes were read back and checked first.
    var linked = 0
    var checkedBytes = 0
    /// The last linked file read back: the next checkpoint reads on from the one after it.
    var checkedThrough: String?
    /// Sealed files of the snapshot before that could not be read back or no longer matched their checksum, and which:
    /// written anew from the state instead.
    var damaged: [String: String] = [:]
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

    /// The linked files read back per checkpoint: a quarter of the bytes it writes, and at least this many. (As many as
    /// it wrote doubled a checkpoint's disk reads and writes under load; a quarter still goes round every file.)
    static let minimumCheckBytes = 16 << 20

    /// Writes the snapshot `sequence` of `files` into `folder`. `linking`: a sealed file the newest snapshot in
    /// `folder` also holds is linked from it rather than written. Linked files are read back first, round the list
    /// from the one after `checkedThrough`, a quarter as many bytes as are written (at least `minimumCheck`): a sealed
    /// file is otherwise never read again until a restart, when a block the disk lost since could no longer be
    /// written anew from memory. One that no longer matches its checksum is written anew.
    @discardableResult
    static func write(_ files: [String: SnapshotFile], sequence: UInt64, into folder: String, fileSystem fs: any FileSystem,
                      linking: Bool = false, checkedThrough: String? = nil, minimumCheck: Int = minimumCheckBytes,
                      failpoint: (String) throws -> Void = { _ in }) throws -> SnapshotWriting {
        let final = folder + "/" + name(sequence)
        let temporary = final + ".tmp"
        let previous = linking ? newestManifest(in: folder, before: sequence, fileSystem: fs) : nil
        if fs.exists(temporary) { try fs.remove(temporary) }
        try fs.makeDirectory(temporary)
        try failpoint("snapshot.created-temp")
        var sums: [String: String] = [:]
        var done = SnapshotWriting()
        func write(_ file: String, _ content: SnapshotFile) throws {
            let path = temporary + "/" + file
            let handle = try fs.openForAppend(path)
            var writtenBehind = 0
            defer { handle.close() }
            var writer = SnapshotFileWriter { bytes in
                try handle.append(bytes)
                if handle.size >= writtenBehind + writeBehindStep {
                    try handle.writeBehind()
                    writtenBehind = handle.size
                }
            }
            try content.write(into: &writer)
            sums[file] = writer.checksumHex
            done.bytes += writer.byteCount
            if !content.isSealed { done.unsealedBytes += writer.byteCount }
            try fs.syncFile(path)
        }
        let linkable = files.keys.filter { files[$0]!.isSealed && previous?.files[$0] != nil }.sorted()
        for (file, content) in files.sorted(by: { $0.key < $1.key }) where !linkable.contains(file) { try write(file, content) }
        if let previous {
            done.linkedFrom = previous.sequence
            let budget = max(done.bytes / 4, minimumCheck)
            let next = linkable.firstIndex { $0 > (checkedThrough ?? "") } ?? 0
            for file in linkable[next...] + linkable[..<next] {
                let source = folder + "/" + name(previous.sequence) + "/" + file
                if done.checkedBytes < budget {
                    done.checkedThrough = file
                    let problem: String?
                    do {
                        let text = try fs.readFileFromDevice(source)
                        done.checkedBytes += text.count
                        problem = Checksum.hex(text) == previous.files[file] ? nil : "its checksum differs"
                    } catch {
                        problem = "\(error)"
                    }
                    if let problem {
                        done.damaged[file] = problem
                        try write(file, files[file]!)
                        continue
                    }
                }
                // Its checksum as the snapshot before recorded it: a linked file damaged since still fails the next load.
                if (try? fs.link(source, to: temporary + "/" + file)) != nil {
                    sums[file] = previous.files[file]
                    done.linked += 1
                } else {
                    try write(file, files[file]!)
                }
            }
        }
        try failpoint("snapshot.files-written")
        let manifest = try JSONEncoder.sorted.encode(SnapshotManifest(sequence: sequence, files: sums, unsealedBytes: done.unsealedBytes,
                                                                        checkedThrough: done.checkedThrough ?? checkedThrough))
        try fs.writeFile(temporary + "/manifest.json", manifest)
        try fs.syncFile(temporary + "/manifest.json")
        try fs.syncDirectory(temporary)
        try failpoint("snapshot.manifest-written")
        if fs.exists(final) { try fs.remove(final) }
        try fs.rename(temporary, to: final)
        try failpoint("snapshot.renamed")
        try fs.syncDirectory(folder)
        try failpoint("snapshot.folder-synced")
        return done
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
    /// `unsealedBytes`: as its manifest says, at most every file's (without its word: every file's); `checkedThrough`:
    /// as its manifest says.
    static func latest(in folder: String, fileSystem fs: any FileSystem) throws
        -> (sequence: UInt64, files: [String: Data], unsealedBytes: Int, checkedThrough: String?)? {
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
        return (newest, files, min(manifest.unsealedBytes ?? total, total), manifest.checkedThrough)
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return encoder
    }
}
