import CZlib
import Foundation

/// One file of a snapshot: its whole text, or a writer that hands the text over in pieces. A state's large files
/// are streamed so that a checkpoint never holds a second copy of the state in memory as text.
public enum SnapshotFile {
    case data(Data)
    case streamed((inout SnapshotFileWriter) throws -> Void)

    /// Hands the whole text to `writer`: at once, or in the pieces the stream makes.
    func write(into writer: inout SnapshotFileWriter) throws {
        switch self {
        case .data(let data): try writer.write([UInt8](data))
        case .streamed(let write): try write(&writer)
        }
    }

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
