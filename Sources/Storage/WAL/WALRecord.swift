import CZlib
import Foundation

/// One WAL record: `length | checksum | type | sequence | segment | payload`.
///
/// - `length` (u32 LE): bytes after the length field.
/// - `checksum` (u32 LE): CRC-32 (zlib) of everything after it: type, sequence, segment, payload.
/// - `type` (u8): 1 = change.
/// - `sequence` (u64 LE): grows by one per record, across segments.
/// - `segment` (u64 LE): the first sequence number of the segment the record was written to, so bytes of an
///   old segment can never replay as part of another.
/// - `payload`: the change as JSON.
struct WALRecord: Equatable {
    static let headerSize = 4 + 4 + 1 + 8 + 8
    static let changeType: UInt8 = 1
    /// Larger lengths are damage, not data: no change comes near this.
    static let maxPayload = 64 << 20

    var sequence: UInt64
    var segment: UInt64
    var payload: [UInt8]

    func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        Self.append(sequence: sequence, segment: segment, payload: payload, to: &bytes)
        return bytes
    }

    /// Appends the record's bytes to `bytes`: a batch's records go into one buffer without copies of their own.
    static func append(sequence: UInt64, segment: UInt64, payload: [UInt8], to bytes: inout [UInt8]) {
        let start = bytes.count
        bytes.appendLittleEndian(UInt32(headerSize - 4 + payload.count))
        bytes.appendLittleEndian(UInt32(0)) // the checksum, once the bytes it covers are in place
        bytes.append(changeType)
        bytes.appendLittleEndian(sequence)
        bytes.appendLittleEndian(segment)
        bytes.append(contentsOf: payload)
        let checksum = Checksum.crc32(bytes[(start + 8)...])
        withUnsafeBytes(of: checksum.littleEndian) { bytes.replaceSubrange((start + 4)..<(start + 8), with: $0) }
    }

    enum Decoded {
        case record(WALRecord, next: Int)
        /// Not enough bytes for the record the length announces.
        case incomplete
        /// The bytes at this offset are not a valid record.
        case invalid(String)
    }

    static func decode(_ bytes: [UInt8], at offset: Int) -> Decoded {
        guard bytes.count - offset >= 4 else { return .incomplete }
        let length = Int(bytes.readLittleEndianUInt32(at: offset))
        guard length >= headerSize - 4, length - (headerSize - 4) <= maxPayload else { return .invalid("bad length \(length)") }
        guard bytes.count - offset - 4 >= length else { return .incomplete }
        let stored = bytes.readLittleEndianUInt32(at: offset + 4)
        let body = bytes[(offset + 8)..<(offset + 4 + length)]
        guard Checksum.crc32(body) == stored else { return .invalid("checksum mismatch") }
        guard body.first == changeType else { return .invalid("unknown record type") }
        let start = body.startIndex
        let record = WALRecord(sequence: bytes.readLittleEndianUInt64(at: start + 1),
                               segment: bytes.readLittleEndianUInt64(at: start + 9),
                               payload: Array(body[(start + 17)...]))
        return .record(record, next: offset + 4 + length)
    }
}

enum Checksum {
    static func crc32<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        let value = bytes.withContiguousStorageIfAvailable { buffer in
            CZlib.crc32(0, buffer.baseAddress, uInt(buffer.count))
        } ?? Array(bytes).withUnsafeBufferPointer { CZlib.crc32(0, $0.baseAddress, uInt($0.count)) }
        return UInt32(truncatingIfNeeded: value)
    }

    static func hex(_ data: Data) -> String {
        hex(crc: data.withUnsafeBytes { CZlib.crc32(0, $0.baseAddress?.assumingMemoryBound(to: UInt8.self), uInt($0.count)) })
    }

    /// A running zlib CRC-32 as the manifests write it.
    static func hex(crc: UInt) -> String { String(format: "%08x", UInt32(truncatingIfNeeded: crc)) }
}

extension Array where Element == UInt8 {
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    func readLittleEndianUInt32(at offset: Int) -> UInt32 {
        var value: UInt32 = 0
        for i in 0..<4 { value |= UInt32(self[offset + i]) << (8 * i) }
        return value
    }

    func readLittleEndianUInt64(at offset: Int) -> UInt64 {
        var value: UInt64 = 0
        for i in 0..<8 { value |= UInt64(self[offset + i]) << (8 * i) }
        return value
    }
}
