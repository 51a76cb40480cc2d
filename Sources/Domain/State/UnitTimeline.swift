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
        var dates = unitDays.keys.sorted().makeIterator()
        relayOut(from: 0, unitDays: unitDays) { _ in dates.next() }
    }

    /// After `date`'s latest revision changed (or `date` was first reported): re-derives `date` and the later
    /// days. Every other reported day is already laid out, so the dates to visit are `date` and those after it
    /// here, with no scan of the unit's reports; and once a re-derived day equals what it was, every later day
    /// is unchanged too: a back-dated report costs the days it actually changes, not the rest of the season.
    mutating func rebuild(from date: LocalDate, unitDays: [LocalDate: UnitDay]) {
        let start = endIndex(onOrBefore: date.adding(days: -1))
        // `date`, then the later dates already laid out, read as the walk gets to them: the walk usually stops
        // within a day or two, and listing every later date first cost more than the rest of the rebuild.
        var first: LocalDate? = date
        var source = start
        relayOut(from: start, unitDays: unitDays) { days in
            if let next = first {
                first = nil
                return next
            }
            while source < days.count {
                let next = days[source].date
                source += 1
                if next != date { return next }
            }
            return nil
        }
    }

    /// Replaces `days[start...]` with the days derived for the dates `nextDate` gives (ascending; it is shown
    /// the days as they were), keeping the old tail from the first re-derived day that comes out unchanged.
    /// `days` is changed only on the way out, so it stays uniquely referenced for the in-place replace.
    private mutating func relayOut(from start: Int, unitDays: [LocalDate: UnitDay], nextDate: ([Day]) -> LocalDate?) {
        var previous = start > 0 ? days[start - 1] : nil
        var rebuilt: [Day] = []
        var oldIndex = start
        while let day = nextDate(days) {
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
