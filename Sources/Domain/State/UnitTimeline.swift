/// A unit's effective counts day by day: each reported day's revisions laid over the day before, so villages
/// a report omits keep their last counts (an earlier revision's of the same day, else an earlier day's). Derived from the reports; never stored.
public struct UnitTimeline: Sendable, Equatable {
    public struct Day: Sendable, Equatable {
        public var date: LocalDate
        public var counts: [ProgressKey: Funnel]
        public var fuel: FuelDelivered
        /// Reported days in a row, ending with this one, whose counts are these (1 when the day before differs).
        public var sameCountsRun = 1
    }

    /// Reported dates in order. Plain numbers: a copy of them costs no reference counting.
    private var dates: [LocalDate] = []
    /// The day of each date in `dates`. Kept in blocks, so a changed day copies its block, not the season.
    private var dayByDate = DayMap<Day>()

    init() {}

    /// The reported days on or before `date`, in date order.
    public func days(onOrBefore date: LocalDate) -> [Day] { dates[..<endIndex(onOrBefore: date)].map(day(at:)) }

    /// The last reported day.
    public var latest: Day? { dates.last.map(day(at:)) }

    private func day(at date: LocalDate) -> Day {
        guard let day = dayByDate[date] else { preconditionFailure("timeline date \(date) without its day") }
        return day
    }

    /// The effective counts of the last reported day on or before `date`.
    public func effective(onOrBefore date: LocalDate) -> Day? {
        let end = endIndex(onOrBefore: date)
        return end == 0 ? nil : day(at: dates[end - 1])
    }

    /// The reported dates after `date`, in order.
    public func dates(after date: LocalDate) -> ArraySlice<LocalDate> { dates[endIndex(onOrBefore: date)...] }

    /// The last `count` (or fewer) reported days before `date`, oldest first.
    public func days(before date: LocalDate, count: Int) -> [Day] {
        var end = endIndex(onOrBefore: date)
        if end > 0 && dates[end - 1] == date { end -= 1 }
        return dates[max(0, end - count)..<end].map(day(at:))
    }

    /// The index after the last date on or before `date` (binary search: dates are in order).
    private func endIndex(onOrBefore date: LocalDate) -> Int {
        var low = 0, high = dates.count
        while low < high {
            let mid = (low + high) / 2
            if dates[mid] <= date { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// The whole timeline of a unit's reported days.
    init(deriving unitDays: DayMap<UnitDay>) {
        var dates = unitDays.dates.sorted().makeIterator()
        relayOut(from: nil, unitDays: unitDays) { _ in dates.next() }
    }

    /// After `date` got a revision (or was first reported): re-derives `date` and the later
    /// days. Every other reported day is already laid out, so the dates to visit are `date` and those after it
    /// here, with no scan of the unit's reports; and once a re-derived day equals what it was, every later day
    /// is unchanged too: a back-dated report costs the days it actually changes, not the rest of the season.
    mutating func rebuild(from date: LocalDate, unitDays: DayMap<UnitDay>) {
        let start = endIndex(onOrBefore: date.adding(days: -1))
        // `date`, then the later dates already laid out, read as the walk gets to them: the walk usually stops
        // within a day or two, and listing every later date first cost more than the rest of the rebuild.
        var first: LocalDate? = date
        var source = start
        relayOut(from: start > 0 ? dates[start - 1] : nil, unitDays: unitDays) { dates in
            if let next = first {
                first = nil
                return next
            }
            while source < dates.count {
                let next = dates[source]
                source += 1
                if next != date { return next }
            }
            return nil
        }
    }

    /// Lays out the days of the dates `nextDate` gives (ascending, after `previousDate`; it is shown the dates as
    /// they were), stopping at the first day that comes out as it was: every later one is unchanged too.
    private mutating func relayOut(from previousDate: LocalDate?, unitDays: DayMap<UnitDay>,
                                   nextDate: ([LocalDate]) -> LocalDate?) {
        var previous = previousDate.map(day(at:))
        let datesBefore = dates
        var added: [LocalDate] = []
        while let date = nextDate(datesBefore) {
            guard let unitDay = unitDays[date] else { continue }
            var counts = previous?.counts ?? [:]
            for (key, reported) in unitDay.reportedCounts { counts[key] = reported }
            let run = previous.map { $0.counts == counts ? $0.sameCountsRun + 1 : 1 } ?? 1
            let next = Day(date: date, counts: counts, fuel: unitDay.reportedFuel ?? previous?.fuel ?? FuelDelivered(),
                           sameCountsRun: run)
            let old = dayByDate[date]
            if old == next { break }
            if old == nil { added.append(date) }
            dayByDate[date] = next
            previous = next
        }
        // Reports are never removed, so a walk only adds dates: every one when deriving afresh, and at most the
        // first (`date`) when rebuilding, as the rest come from the dates already laid out. Either way they go in
        // as one run where the first belongs.
        if let first = added.first { dates.insert(contentsOf: added, at: endIndex(onOrBefore: first)) }
    }
}
