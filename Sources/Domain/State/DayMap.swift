/// Values by date, kept in blocks of 32 consecutive days.
///
/// The WAL writer changes a copy of the state that readers still share, so the first change of a batch to a
/// unit's days copies what it touches. A flat dictionary copied every date of the unit (a whole season, per
/// unit, per batch); blocks copy one block of at most 32 dates and the short index of blocks.
public struct DayMap<Value: Sendable>: Sendable {
    private var blocks: [Int: [LocalDate: Value]] = [:]

    public init() {}

    private static func block(of date: LocalDate) -> Int { date.dayNumber >> 5 }

    public subscript(date: LocalDate) -> Value? {
        get { blocks[Self.block(of: date)]?[date] }
        _modify {
            // The block is moved out while it changes, so a block no one else shares is changed in place.
            let key = Self.block(of: date)
            var block = blocks.removeValue(forKey: key) ?? [:]
            defer { if !block.isEmpty { blocks[key] = block } }
            yield &block[date]
        }
    }

    public subscript(date: LocalDate, default value: @autoclosure () -> Value) -> Value {
        get { self[date] ?? value() }
        _modify {
            let key = Self.block(of: date)
            var block = blocks.removeValue(forKey: key) ?? [:]
            defer { blocks[key] = block }
            yield &block[date, default: value()]
        }
    }

    public var isEmpty: Bool { blocks.isEmpty }

    /// Every value, in no particular order.
    public var values: [Value] { blocks.values.flatMap(\.values) }

    /// Every date that has a value, in no particular order.
    public var dates: [LocalDate] { blocks.values.flatMap(\.keys) }
}

extension DayMap: Equatable where Value: Equatable {}
