import Foundation

/// What writing a snapshot did.
struct SnapshotWriteOutcome: Equatable {
    /// Bytes written: the manifest, and the files linked from the snapshot before, not counted.
    var bytes = 0
    /// Bytes of the files that are not sealed (the manifest's `unsealedBytes`): what the share rule weighs.
    var unsealedBytes = 0
    /// The snapshot before, whose sealed files were linked (nil: none was, every file was written).
    var linkedFrom: UInt64?
    /// Files linked from it, and how many of their bytes were read back and checked first.
    var linked = 0
    var checkedBytes = 0
    /// The last linked file read back: the next checkpoint reads on from the one after it.
    var checkedThrough: String?
    /// Sealed files of the snapshot before that could not be read back or no longer matched their checksum, and why:
    /// written anew from the state instead.
    var damaged: [String: String] = [:]
    /// Sealed files that could not be linked (a file system without hard links, a file at its link limit), and why:
    /// written instead. Every checkpoint then writes the whole state again, which the store warns about.
    var notLinked: [String: String] = [:]
}

/// Fills a snapshot's temporary folder: each file written and synced, or linked from the snapshot before.
struct SnapshotFolderWriter {
    /// The linked files read back per checkpoint: a quarter of the bytes it writes, and at least this many. (As many as
    /// it wrote doubled a checkpoint's disk reads and writes under load; a quarter still goes round every file.)
    static let minimumCheckBytes = 16 << 20

    let path: String
    let fileSystem: any FileSystem
    /// Each file's checksum, for the manifest.
    private(set) var sums: [String: String] = [:]
    private(set) var outcome = SnapshotWriteOutcome()

    init(path: String, fileSystem: any FileSystem) {
        self.path = path
        self.fileSystem = fileSystem
    }

    mutating func write(_ file: String, _ content: SnapshotFile) throws {
        let filePath = path + "/" + file
        let handle = try fileSystem.openForAppend(filePath)
        var writtenBehind = 0
        defer { handle.close() }
        var writer = SnapshotFileWriter { bytes in
            try handle.append(bytes)
            if handle.size >= writtenBehind + Snapshot.writeBehindStep {
                try handle.writeBehind()
                writtenBehind = handle.size
            }
        }
        try content.write(into: &writer)
        sums[file] = writer.checksumHex
        outcome.bytes += writer.byteCount
        if !content.isSealed { outcome.unsealedBytes += writer.byteCount }
        try fileSystem.syncFile(filePath)
    }

    /// Links `files` from `source`, the snapshot `manifest` describes. First reads back some of them from the device,
    /// round the list from the one after `checkingAfter`, a quarter as many bytes as were written (at least
    /// `minimumCheck`): a sealed file is otherwise never read again until a restart, when a block the disk lost since
    /// could no longer be written anew from memory. One that cannot be read or no longer matches is written anew.
    mutating func link(_ files: [(key: String, value: SnapshotFile)], from source: String, manifest: SnapshotManifest,
                       checkingAfter checkedThrough: String?, minimumCheck: Int, failpoint: (String) throws -> Void = { _ in }) throws {
        outcome.linkedFrom = manifest.sequence
        let budget = max(outcome.bytes / 4, minimumCheck)
        let next = files.firstIndex { $0.key > (checkedThrough ?? "") } ?? 0
        for (file, content) in files[next...] + files[..<next] {
            guard let sum = manifest.files[file] else { try write(file, content); continue }
            if outcome.checkedBytes < budget, let problem = readBack(file, in: source, against: sum) {
                outcome.damaged[file] = problem
                try write(file, content)
                continue
            }
            // The crash tests stop before a file is linked (just read back, or not) and after.
            try failpoint("snapshot.linking")
            do {
                try fileSystem.link(source + "/" + file, to: path + "/" + file)
                // Its checksum as the snapshot before recorded it: a linked file damaged since still fails the next load.
                sums[file] = sum
                outcome.linked += 1
            } catch {
                outcome.notLinked[file] = "\(error)"
                try write(file, content)
            }
            try failpoint("snapshot.linked")
        }
    }

    /// What is wrong with `file` in the folder `source` against its checksum `sum`, or nil when it checks out.
    private mutating func readBack(_ file: String, in source: String, against sum: String) -> String? {
        outcome.checkedThrough = file
        do {
            let text = try fileSystem.readFileFromDevice(source + "/" + file)
            outcome.checkedBytes += text.count
            return Checksum.hex(text) == sum ? nil : "its checksum differs"
        } catch {
            return "\(error)"
        }
    }
}
