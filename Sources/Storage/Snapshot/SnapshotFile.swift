import CZlib
import Foundation

/// One file of a snapshot: its whole text, or a writer that hands the text over in pieces. A state's large files
/// are streamed so that a checkpoint never holds a second copy of the state in memory as text.
public indirect enum SnapshotFile {
    case data(Data)
    case streamed((inout SnapshotFileWriter) throws -> Void)
    /// A file whose name fixes its text (for example a numbered range of records that never change): where the
    /// snapshot before held a file of the same name, a checkpoint links that file instead of writing it again, so
    /// that a checkpoint costs what changed, not the whole state.
    case sealed(SnapshotFile)

    /// Hands the whole text to `writer`: at once, or in the pieces the stream makes.
    func write(into writer: inout SnapshotFileWriter) throws {
        switch self {
        case .data(let data): try writer.write([UInt8](data))
        case .streamed(let write): try write(&writer)
        case .sealed(let file): try file.write(into: &writer)
        }
    }

    public var isSealed: Bool { if case .sealed = self { true } else { false } }

    /// The whole text, in memory (tests, and whatever wants the bytes rather than a file).
    public func materialized() throws -> Data {
        var text = Data()
        var writer = SnapshotFileWriter { text.append(contentsOf: $0) }
        try write(into: &writer)
        return text
    }
}

/// Takes a streamed snapshot file's pieces in order, keeping their count and CRC-32 as it goes.
public struct SnapshotFileWriter {
    private let emit: ([UInt8]) throws -> Void
    private(set) var byteCount = 0
    private var crc: UInt = 0

    public init(emit: @escaping ([UInt8]) throws -> Void) {
        self.emit = emit
    }

    public mutating func write(_ bytes: [UInt8]) throws {
        try emit(bytes)
        byteCount += bytes.count
        crc = bytes.withUnsafeBufferPointer { CZlib.crc32(crc, $0.baseAddress, uInt($0.count)) }
    }

    /// The same text as `Checksum.hex` gives for the whole file.
    var checksumHex: String { Checksum.hex(crc: crc) }
}
