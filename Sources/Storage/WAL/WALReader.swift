/// Reads one WAL segment and says how it ends: cleanly (at the end of the file, or where only the zeros reserved
/// ahead of the records follow), with a torn tail (a crash mid-append), or with corruption (a bad record that good
/// records follow).
struct SegmentScan {
    enum Ending: Equatable {
        case clean
        case torn(at: Int, reason: String)
        case corrupt(at: Int, reason: String)
    }

    var records: [WALRecord] = []
    /// Where each record begins, in step with `records`: what an error about a record names.
    var offsets: [Int] = []
    /// Where the last good record ends.
    var validBytes = 0
    /// Zero bytes after the records, to the end: space the writer reserved and had not written yet.
    var reservedBytes = 0
    var ending = Ending.clean

    init(bytes: [UInt8], segment: UInt64) {
        var offset = 0
        while offset < bytes.count {
            // No record is zero bytes long: zeros to the end are the reserved space, and a clean end.
            if bytes[offset] == 0, bytes[offset...].allSatisfy({ $0 == 0 }) {
                reservedBytes = bytes.count - offset
                return
            }
            switch WALRecord.decode(bytes, at: offset) {
            case .record(let record, let next):
                guard record.segment == segment else {
                    ending = Self.judge(bytes, at: offset, segment: segment, reason: "record of segment \(record.segment)")
                    return
                }
                if let last = records.last, record.sequence != last.sequence + 1 {
                    ending = .corrupt(at: offset, reason: "sequence \(record.sequence) after \(last.sequence)")
                    return
                }
                records.append(record)
                offsets.append(offset)
                offset = next
                validBytes = next
            case .incomplete:
                ending = Self.judge(bytes, at: offset, segment: segment, reason: "partial record")
                return
            case .invalid(let reason):
                ending = Self.judge(bytes, at: offset, segment: segment, reason: reason)
                return
            }
        }
    }

    /// A bad record is a torn tail only when no good record of this segment follows it.
    private static func judge(_ bytes: [UInt8], at offset: Int, segment: UInt64, reason: String) -> Ending {
        var candidate = offset + 1
        while candidate + WALRecord.headerSize <= bytes.count {
            // Cheap filter before the checksum: the segment field must match.
            if bytes.readLittleEndianUInt64(at: candidate + 17) == segment,
               case .record = WALRecord.decode(bytes, at: candidate) {
                return .corrupt(at: offset, reason: reason)
            }
            candidate += 1
        }
        return .torn(at: offset, reason: reason)
    }
}
