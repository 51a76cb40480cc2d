import Testing
@testable import Domain

/// The day map answers like a dictionary by date, whichever of its 32-day blocks a date falls in.
@Suite struct DayMapTests {
    @Test func behavesLikeADictionaryByDate() throws {
        var generator = SystemRandomNumberGenerator()
        let first = try #require(LocalDate("2021-08-01"))
        var map = DayMap<Int>()
        var reference: [LocalDate: Int] = [:]
        for step in 0..<2_000 {
            let date = first.adding(days: Int.random(in: 0..<200, using: &generator))
            switch Int.random(in: 0..<4, using: &generator) {
            case 0:
                map[date] = nil
                reference[date] = nil
            case 1:
                map[date, default: 0] += step
                reference[date, default: 0] += step
            default:
                map[date] = step
                reference[date] = step
            }
            #expect(map[date] == reference[date])
        }
        #expect(Set(map.dates) == Set(reference.keys))
        #expect(map.values.sorted() == reference.values.sorted())
        var emptied = map
        for date in reference.keys { emptied[date] = nil }
        #expect(emptied.isEmpty && emptied == DayMap<Int>())
    }

    @Test func aCopyDoesNotSeeLaterChanges() throws {
        let date = try #require(LocalDate("2021-10-15"))
        var map = DayMap<String>()
        map[date] = "a"
        let shared = map
        map[date] = "b"
        map[date.adding(days: 1)] = "c"
        #expect(shared[date] == "a" && shared[date.adding(days: 1)] == nil)
        #expect(map[date] == "b" && map != shared)
    }
}
