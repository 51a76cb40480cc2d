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
        #expect(TimeOfDay("18:00") == TimeOfDay(hour: 18, minute: 0))
        #expect(TimeOfDay("6pm") == nil && TimeOfDay("24:00") == nil)
    }

    @Test func timestampsRoundTripToTheMillisecond() throws {
        let date = Timestamp.floor(Date(timeIntervalSince1970: 1_634_291_940.123_456))
        let text = Timestamp.utcString(date)
        #expect(text == "2021-10-15T09:59:00.123Z")
        #expect(Timestamp.parseUTC(text) == date)
    }
}
