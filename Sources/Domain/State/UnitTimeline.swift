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

    /// The effective counts of the last reported day on or before `date`.
    public func effective(onOrBefore date: LocalDate) -> Day? {
        var low = 0, high = days.count
        while low < high {
            let mid = (low + high) / 2
            if days[mid].date <= date { low = mid + 1 } else { high = mid }
        }
        return low == 0 ? nil : days[low - 1]
    }

    /// Dates reported within a range, in order.
    public func reportedDates(from: LocalDate, to: LocalDate) -> [LocalDate] {
        days.lazy.map(\.date).filter { $0 >= from && $0 <= to }
    }

    /// Re-derives `date` and the later days from the latest revisions of the unit's days. Only `date`'s own
    /// revision changed, so once a re-derived day equals what it was, every later day is unchanged too and
    /// the rest is kept: a back-dated report costs the days it actually changes, not the rest of the season.
    mutating func rebuild(from date: LocalDate, unitDays: [LocalDate: UnitDay]) {
        var start = days.count
        while start > 0 && days[start - 1].date >= date { start -= 1 }
        var previous = start > 0 ? days[start - 1] : nil
        let old = Array(days[start...])
        var oldIndex = 0
        var rebuilt: [Day] = []
        for day in unitDays.keys.filter({ $0 >= date }).sorted() {
            guard let revision = unitDays[day]?.latest else { continue }
            var counts = previous?.counts ?? [:]
            for village in revision.villages { counts[village.key] = village.counts }
            let next = Day(date: day, counts: counts, fuel: revision.fuel ?? previous?.fuel ?? FuelDelivered())
            while oldIndex < old.count && old[oldIndex].date < day { oldIndex += 1 }
            if oldIndex < old.count && old[oldIndex] == next {
                days.replaceSubrange(start..., with: rebuilt + old[oldIndex...])
                return
            }
            if oldIndex < old.count && old[oldIndex].date == day { oldIndex += 1 }
            rebuilt.append(next)
            previous = next
        }
        days.replaceSubrange(start..., with: rebuilt)
    }
}
