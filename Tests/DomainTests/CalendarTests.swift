import Foundation
import Testing
@testable import Domain

@Suite struct LocalDateTests {
    @Test func parsesOnlyRealDaysInTheExactShape() {
        #expect(LocalDate("2021-10-15")?.description == "2021-10-15")
        #expect(LocalDate("2024-02-29") != nil)
        for bad in ["2021-02-29", "2021-13-01", "2021-1-5", "2021/10/15", "20211015", "2021-10-15T00:00", "", "abcd-ef-gh"] {
            #expect(LocalDate(bad) == nil, "\(bad)")
        }
    }

    @Test func arithmeticAcrossMonthsAndYears() throws {
        let d = day("2021-12-31")
        #expect(d.adding(days: 1).description == "2022-01-01")
        let end = day("2022-04-15"), start = day("2021-07-26")
        #expect(end - start == 263)
        #expect(LocalDate("1970-01-01")?.dayNumber == 0)
        #expect(d.chineseMonthDay == "12月31日")
    }

    @Test func districtTimeIgnoresTheMachineZone() throws {
        let time = try #require(DistrictTime(identifier: "Asia/Shanghai"))
        let instant = try #require(DistrictTime.parseTimestamp("2021-10-15T17:59:00+08:00"))
        #expect(time.localDate(of: instant).description == "2021-10-15")
        #expect(time.rfc3339(instant) == "2021-10-15T17:59:00+08:00")
        let lateNight = try #require(DistrictTime.parseTimestamp("2021-10-15T16:30:00Z"))
        #expect(time.localDate(of: lateNight).description == "2021-10-16")
        let deadline = time.instant(on: day("2021-10-15"), at: TimeOfDay(hour: 18, minute: 0))
        #expect(time.rfc3339(deadline) == "2021-10-15T18:00:00+08:00")
        // Other zones, as a config may name one: `Z` for no offset, a sign and minutes for the rest.
        #expect(try #require(DistrictTime(identifier: "UTC")).rfc3339(lateNight) == "2021-10-15T16:30:00Z")
        #expect(try #require(DistrictTime(identifier: "America/St_Johns")).rfc3339(lateNight) == "2021-10-15T14:00:00-02:30")
        #expect(TimeOfDay("18:00") == TimeOfDay(hour: 18, minute: 0))
        #expect(TimeOfDay("6pm") == nil && TimeOfDay("24:00") == nil)
    }

    @Test func timestampsRoundTripToTheMillisecond() throws {
        let date = Timestamp.floor(Date(timeIntervalSince1970: 1_634_291_940.123_9))
        let text = Timestamp.utcString(date)
        #expect(text == "2021-10-15T09:59:00.123Z")
        #expect(Timestamp.parseUTC(text) == date)
    }

    @Test func timestampsReadOnlyTheShapeTheyAreWrittenIn() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            // 1950 to 2100: before 1970 the day and second are floored, not truncated.
            let instant = Date(timeIntervalSince1970: Double.random(in: -631_152_000...4_102_444_800, using: &generator))
            let date = Timestamp.floor(instant)
            #expect(date <= instant && instant.timeIntervalSince(date) < 0.001, "\(instant.timeIntervalSince1970)")
            #expect(Timestamp.floor(date) == date)
            #expect(Timestamp.parseUTC(Timestamp.utcString(date)) == date, "\(Timestamp.utcString(date))")
        }
        for text in ["2021-10-15T09:59:00.123", "2021-10-15T09:59:00.123Z ", "2021-10-15 09:59:00.123Z",
                     "2021-10-15T09:59:00,123Z", "2021-10-15T09-59:00.123Z", "2021/10/15T09:59:00.123Z",
                     "2021-10-15T24:00:00.000Z", "2021-10-15T09:60:00.000Z", "2021-10-15T09:59:60.000Z",
                     "2021-02-29T09:59:00.000Z", "2021-13-01T09:59:00.000Z", "2021-10-15T0a:59:00.123Z",
                     "2021-10-15T+9:59:00.123Z", "2021-10-15T09:59:00.12aZ", "２０21-10-15T09:59:00.123Z", ""] {
            #expect(Timestamp.parseUTC(text) == nil, "\(text)")
        }
    }

    @Test func rfc3339AndWallClockInZonesWithAndWithoutDaylightSaving() throws {
        let shanghai = try #require(DistrictTime(identifier: "Asia/Shanghai"))
        let instant = try #require(DistrictTime.parseTimestamp("2021-10-15T09:59:07Z"))
        #expect(shanghai.rfc3339(instant) == "2021-10-15T17:59:07+08:00")
        #expect(shanghai.timeOfDay(of: instant) == TimeOfDay(hour: 17, minute: 59))
        #expect(try #require(DistrictTime(identifier: "UTC")).rfc3339(instant) == "2021-10-15T09:59:07Z")
        let newYork = try #require(DistrictTime(identifier: "America/New_York"))
        #expect(newYork.rfc3339(instant) == "2021-10-15T05:59:07-04:00")
        let winter = try #require(DistrictTime.parseTimestamp("2022-01-01T03:30:00Z"))
        #expect(newYork.rfc3339(winter) == "2021-12-31T22:30:00-05:00")
        #expect(newYork.localDate(of: winter) == LocalDate("2021-12-31"))
        // Local wall time back to the instant, on both sides of a daylight-saving change.
        for (day, expected) in [("2021-11-06", "2021-11-06T18:00:00-04:00"), ("2021-11-08", "2021-11-08T18:00:00-05:00")] {
            let date = try #require(LocalDate(day))
            #expect(newYork.rfc3339(newYork.instant(on: date, at: TimeOfDay(hour: 18, minute: 0))) == expected)
        }
        let beforeEpoch = try #require(DistrictTime.parseTimestamp("1969-12-31T23:00:00Z"))
        #expect(shanghai.rfc3339(beforeEpoch) == "1970-01-01T07:00:00+08:00")
        #expect(try #require(DistrictTime(identifier: "UTC")).localDate(of: beforeEpoch) == LocalDate("1969-12-31"))
    }
}

@Suite struct ChineseDateListTests {
    @Test func threeOrMoreConsecutiveDaysAreOneSpan() {
        let dates = ["2021-10-01", "2021-10-02", "2021-10-04", "2021-10-05", "2021-10-06", "2021-10-07", "2021-10-31", "2021-11-01", "2021-11-02"]
            .compactMap(LocalDate.init)
        #expect(LocalDate.chineseList(dates) == "10月1日、10月2日、10月4日至10月7日、10月31日至11月2日")
        #expect(LocalDate.chineseList([]) == "")
        #expect(LocalDate.chineseList(["2021-12-31"].compactMap(LocalDate.init)) == "12月31日")
    }
}

@Suite struct ZeroPaddedDigitsTests {
    @Test(arguments: [
        (0, 1, "0"), (0, 0, "0"), (7, 2, "07"), (-7, 2, "-07"), (12345, 2, "12345"), (12345, 10, "0000012345"),
        (2021, 4, "2021"), (Int.max, 1, "9223372036854775807"), (Int.min, 1, "-9223372036854775808"), (5, 25, String(repeating: "0", count: 24) + "5"),
    ])
    func digitsAreAtLeastTheWidthAndNeverCut(_ value: Int, _ width: Int, _ expected: String) {
        var text = Array("x".utf8)
        appendZeroPadded(value, width, to: &text)
        #expect(String(decoding: text, as: UTF8.self) == "x" + expected)
    }
}
