import Foundation
import Testing
import TestSupport

/// Reports are published to readers lazily (docs/storage.md, "Publication"): a request that reads waits for every
/// report acknowledged (201, or 200 for a revision) before it, even while other reports keep the writer busy.
@Suite struct ReadYourWritesTests {
    @Test(.timeLimit(.minutes(2))) func aReportAnsweredIsInTheNextReadWhileOtherReportsStream() async throws {
        let f = try await CampaignFixture.start()
        defer { f.stop() }
        let streaming = Task {
            // 滋润乡 revises its day again and again: each revision a record, so batches keep coming.
            var answered = 0
            for round in 0..<150 where !Task.isCancelled {
                let body = CampaignFixture.report(date: "2021-10-15", [60, 50, 40, 30, 20], village: "zr-nancun", path: "biomass",
                                                  extra: ["nextDayPlan": "第\(round)次：继续推进南村生物质炉具安装"])
                if [200, 201].contains(try await f.zirun.post("/api/v1/reports", json: body).status) { answered += 1 }
            }
            return answered
        }
        var stale: [String] = []
        for round in 0..<40 {
            let plan = "核对第\(round)次：东村剩余户安装"
            let posted = try await f.xiatuanpu.post("/api/v1/reports", json: CampaignFixture.report(
                date: "2021-10-15", [320, 300, 250, 200, 180], extra: ["nextDayPlan": plan]))
            try #require([200, 201].contains(posted.status), "\(posted.text)") // 201 the day's first, 200 a revision
            let revision = try #require(posted.json["revision"] as? Int)
            let read = try await f.office.get("/api/v1/reports/xiatuanpu/2021-10-15")
            if read.json["revision"] as? Int != revision || read.json["nextDayPlan"] as? String != plan {
                stale.append("round \(round): posted revision \(revision), read \(read.json["revision"] ?? "nil")")
            }
        }
        #expect(stale.isEmpty, "\(stale)")
        #expect(try await streaming.value > 100, "the other unit's reports kept coming meanwhile")
    }
}
