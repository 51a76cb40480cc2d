/// A unit's effective counts day by day: each reported day's latest revision laid over the day before,
/// so villages a report omits keep their last counts. Derived from the reports; never stored.
public struct UnitTimeline: Sendable, Equatable {
    public struct Day: Sendable, Equatable {
        public var date: LocalDate
        public var counts: [ProgressKey: Funnel]
        public var fuel: FuelDelivered
    }

    /// Reported days in date order.
    public private(set) var days: [Day] = []

    init() {}

    /// The effective counts of the last reported day on or before `date`.
    public func effective(onOrBefore date: LocalDate) -> Day? {
        let end = endIndex(onOrBefore: date)
        return end == 0 ? nil : days[end - 1]
    }

    /// The last `count` (or fewer) reported days before `date`, oldest first.
    public func days(before date: LocalDate, count: Int) -> ArraySlice<Day> {
        var end = endIndex(onOrBefore: date)
        if end > 0 && days[end - 1].date == date { end -= 1 }
        return days[max(0, end - count)..<end]
    }

    /// The index after the last day on or before `date` (binary search: days are in date order).
    private func endIndex(onOrBefore date: LocalDate) -> Int {
        var low = 0, high = days.count
        while low < high {
            let mid = (low + high) / 2
            if days[mid].date <= date { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// Dates reported within a range, in order.
    public func reportedDates(from: LocalDate, to: LocalDate) -> [LocalDate] {
        days.lazy.map(\.date).filter { $0 >= from && $0 <= to }
    }

    /// The whole timeline of a unit's reported days.
    init(deriving unitDays: [LocalDate: UnitDay]) {
        relayOut(from: 0, dates: unitDays.keys.sorted(), unitDays: unitDays)
    }

    /// After `date`'s latest revision changed (or `date` was first reported): re-derives `date` and the later
    /// days. Every other reported day is already laid out, so the dates to visit are `date` and those after it
    /// here, with no scan of the unit's reports; and once a re-derived day equals what it was, every later day
    /// is unchanged too: a back-dated report costs the days it actually changes, not the rest of the season.
    mutating func rebuild(from date: LocalDate, unitDays: [LocalDate: UnitDay]) {
        var start = days.count
        while start > 0 && days[start - 1].date >= date { start -= 1 }
        // Dates only (no slice kept alive), so `days` stays uniquely referenced for the in-place replace.
        let dates = [date] + days[start...].lazy.map(\.date).filter { $0 != date }
        relayOut(from: start, dates: dates, unitDays: unitDays)
    }

    /// Replaces `days[start...]` with the days derived for `dates` (ascending), keeping the old tail from the
    /// first re-derived day that comes out unchanged.
    private mutating func relayOut(from start: Int, dates: [LocalDate], unitDays: [LocalDate: UnitDay]) {
        var previous = start > 0 ? days[start - 1] : nil
        var rebuilt: [Day] = []
        var oldIndex = start
        for day in dates {
            guard let revision = unitDays[day]?.latest else { continue }
            var counts = previous?.counts ?? [:]
            for village in revision.villages { counts[village.key] = village.counts }
            let next = Day(date: day, counts: counts, fuel: revision.fuel ?? previous?.fuel ?? FuelDelivered())
            while oldIndex < days.count && days[oldIndex].date < day { oldIndex += 1 }
            if oldIndex < days.count && days[oldIndex] == next {
                days.replaceSubrange(start..<oldIndex, with: rebuilt)
                return
            }
            if oldIndex < days.count && days[oldIndex].date == day { oldIndex += 1 }
            rebuilt.append(next)
            previous = next
        }
        days.replaceSubrange(start..., with: rebuilt)
    }
}
