/// Reads one WAL segment and says how it ends: cleanly (at the end of the file, or where only the zeros reserved
/// ahead of the records follow), with a torn tail (a crash mid-append, or a power cut that lost bytes not yet
/// synced), or with corruption (a bad record that a later good record says was synced).
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
        func judged(_ reason: String) -> Ending {
            Self.judge(bytes, at: offset, segment: segment, expected: records.last.map { $0.sequence + 1 } ?? segment, reason: reason)
        }
        while offset < bytes.count {
            // No record is zero bytes long: zeros to the end are the reserved space, and a clean end.
            if bytes[offset] == 0, bytes[offset...].allSatisfy({ $0 == 0 }) {
                reservedBytes = bytes.count - offset
                return
            }
            switch WALRecord.decode(bytes, at: offset) {
            case .record(let record, let next):
                guard record.segment == segment else {
                    ending = judged("record of segment \(record.segment)")
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
                ending = judged("partial record")
                return
            case .invalid(let reason):
                ending = judged(reason)
                return
            }
        }
    }

    /// The bad record at `offset` would have had sequence `expected`. With no good record of this segment after it,
    /// it is a torn tail. With one, it is corruption, unless it has the shape of a write a power cut lost: a whole
    /// 512-byte sector of zeros where records were (no record holds such a run; a lost page reads as the zeros the
    /// segment reserved, or as a hole) while every good record after it was written before it was synced (their
    /// `durable` is below `expected`; type-1 records do not say, so they count as synced). Then none of it was
    /// acknowledged, and it is a torn tail too. A flipped bit or garbage is always corruption.
    private static func judge(_ bytes: [UInt8], at offset: Int, segment: UInt64, expected: UInt64, reason: String) -> Ending {
        var candidate = offset + 1
        var firstGood: Int?
        while candidate + WALRecord.legacyHeaderSize <= bytes.count {
            // Cheap filter before the checksum: the segment field must match.
            if bytes.readLittleEndianUInt64(at: candidate + 17) == segment,
               case .record(let record, let next) = WALRecord.decode(bytes, at: candidate) {
                if firstGood == nil {
                    firstGood = candidate
                    guard hasZeroSector(bytes[offset..<candidate]) else { return .corrupt(at: offset, reason: reason) }
                }
                if record.durable.map({ $0 >= expected }) ?? true { return .corrupt(at: offset, reason: reason) }
                candidate = next
                continue
            }
            candidate += 1
        }
        return .torn(at: offset, reason: reason)
    }

    static let sectorSize = 512

    /// A sector-aligned run of `sectorSize` zeros within `bytes` (file offsets).
    private static func hasZeroSector(_ bytes: ArraySlice<UInt8>) -> Bool {
        var start = (bytes.startIndex + sectorSize - 1) / sectorSize * sectorSize
        while start + sectorSize <= bytes.endIndex {
            if bytes[start..<(start + sectorSize)].allSatisfy({ $0 == 0 }) { return true }
            start += sectorSize
        }
        return false
    }
}
