import Foundation

/// The manifest of a snapshot folder: the sequence number it covers and each file's checksum, itself checksummed.
struct SnapshotManifest: Codable, Equatable {
    var sequence: UInt64
    var files: [String: String]
    /// The bytes its checkpoint wrote, files linked from the snapshot before not counted (absent in manifests written
    /// before files were linked): what the next checkpoint's cost is weighed against.
    var written: Int?
    var checksum: String

    init(sequence: UInt64, files: [String: String], written: Int? = nil) {
        self.sequence = sequence
        self.files = files
        self.written = written
        self.checksum = ""
        self.checksum = computedChecksum
    }

    var computedChecksum: String {
        var canonical = "\(sequence)|" + files.keys.sorted().map { "\($0)=\(files[$0] ?? "")" }.joined(separator: ",")
        if let written { canonical += "|written=\(written)" }
        return Checksum.hex(Data(canonical.utf8))
    }
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

    /// Returns the bytes written, the manifest and the linked files aside. `reusing`: the sequence of the snapshot in
    /// `folder` before this one, whose sealed files this one links rather than writes (nil: write every file).
    @discardableResult
    static func write(_ files: [String: SnapshotFile], sequence: UInt64, into folder: String, fileSystem fs: any FileSystem,
                      reusing previous: UInt64? = nil, failpoint: (String) throws -> Void = { _ in }) throws -> Int {
        let final = folder + "/" + name(sequence)
        // Unreadable or damaged: nothing is linked from it, every file is written.
        let reusable = previous.flatMap { try? Snapshot.manifest(of: $0, in: folder, fileSystem: fs) }
        let temporary = final + ".tmp"
        if fs.exists(temporary) { try fs.remove(temporary) }
        try fs.makeDirectory(temporary)
        try failpoint("snapshot.created-temp")
        var sums: [String: String] = [:]
        var total = 0
        for (file, content) in files.sorted(by: { $0.key < $1.key }) {
            let path = temporary + "/" + file
            // Its checksum as the snapshot before recorded it: a linked file damaged since still fails the next load.
            if content.isSealed, let reusable, let sum = reusable.files[file],
               (try? fs.link(folder + "/" + name(reusable.sequence) + "/" + file, to: path)) != nil {
                sums[file] = sum
                continue
            }
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
            total += writer.byteCount
            try fs.syncFile(path)
        }
        try failpoint("snapshot.files-written")
        let manifest = try JSONEncoder.sorted.encode(SnapshotManifest(sequence: sequence, files: sums, written: total))
        try fs.writeFile(temporary + "/manifest.json", manifest)
        try fs.syncFile(temporary + "/manifest.json")
        try fs.syncDirectory(temporary)
        try failpoint("snapshot.manifest-written")
        if fs.exists(final) { try fs.remove(final) }
        try fs.rename(temporary, to: final)
        try failpoint("snapshot.renamed")
        try fs.syncDirectory(folder)
        try failpoint("snapshot.folder-synced")
        return total
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
    /// `written`: the bytes its checkpoint wrote (without its manifest's word: every file's).
    static func latest(in folder: String, fileSystem fs: any FileSystem) throws
        -> (sequence: UInt64, files: [String: Data], written: Int)? {
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
        return (newest, files, manifest.written ?? files.values.reduce(0) { $0 + $1.count })
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return encoder
    }
}
