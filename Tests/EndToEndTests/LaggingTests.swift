import Foundation
import Testing
import TestSupport

/// The supervision rules (docs/lagging.md) over a week of reports, each at and just below its boundaries.
@Suite struct LaggingTests {
    static let week = (from: "2021-10-11", to: "2021-10-17")
    /// Leaves only the rule under test: the straight-line rule would list every unit of a test week.
    static let noSchedule = "behindCriticizePoints=1000&behindReferPoints=1000"

    /// Posts an empty on-time (or late) report for `unit` on each of `days` (October 2021).
    static func report(_ f: CampaignFixture, _ unit: String, days: [Int], late: Set<Int> = [], villages: [[String: Any]] = []) async throws {
        for day in days {
            let date = String(format: "2021-10-%02d", day)
            try await f.admin.setClock("\(date)T\(late.contains(day) ? "19" : "12"):00:00+08:00")
            let reply = try await f.office.post("/api/v1/reports", json: ["unit": unit, "date": date, "villages": villages])
            guard reply.status == 201 else { throw FixtureError.setup("\(unit) \(date): \(reply.text)") }
        }
    }

    static func levels(_ reply: APIClient.Reply) -> [String: String] {
        Dictionary(uniqueKeysWithValues: (reply.json["units"] as? [[String: Any]] ?? []).compactMap { unit in
            (unit["unit"] as? String).map { ($0, unit["level"] as? String ?? "") }
        })
    }

    @Test func missedReportsNoticeCriticizeRefer() async throws {
        let f = try await CampaignFixture.start(villages: false)
        defer { f.stop() }
        // A clean previous week, so that no unit is escalated for it.
        for unit in ["xiatuanpu", "zirun", "limin", "yaozitou"] { try await Self.report(f, unit, days: Array(4...10)) }
        try await Self.report(f, "xiatuanpu", days: Array(11...17))
        try await Self.report(f, "zirun", days: Array(11...16))          // 1 missed
        try await Self.report(f, "limin", days: [11, 12, 13, 14, 15])    // 2 missed
        try await Self.report(f, "yaozitou", days: [11, 12, 13, 14])     // 3 missed
        _ = try await f.office.post("/api/v1/exemptions", json: ["unit": "shalenghe", "from": "2021-10-11", "to": "2021-10-17", "reason": "疫情封控"])
        try await f.admin.setClock("2021-10-18T09:00:00+08:00")
        let reply = try await f.supervisor.get("/api/v1/lagging?from=\(Self.week.from)&to=\(Self.week.to)&\(Self.noSchedule)")
        #expect(reply.status == 200)
        let levels = Self.levels(reply)
        #expect(levels["xiatuanpu"] == nil)
        #expect(levels["zirun"] == "notice")
        #expect(levels["limin"] == "criticize")
        #expect(levels["yaozitou"] == "refer")
        #expect(levels["shalenghe"] == nil)
        #expect(levels["nancheng"] == "refer")
        let units = reply.json["units"] as? [[String: Any]] ?? []
        let order = units.compactMap { $0["level"] as? String }
        #expect(order == order.sorted { ["refer": 0, "criticize": 1, "notice": 2][$0]! < ["refer": 0, "criticize": 1, "notice": 2][$1]! })
        let limin = units.first { $0["unit"] as? String == "limin" }
        let reason = (limin?["reasons"] as? [[String: Any]])?.first
        #expect(reason?["code"] as? String == "missed_reports")
        #expect(reason?["count"] as? Int == 2)
        #expect(reason?["dates"] as? [String] == ["2021-10-16", "2021-10-17"])
        // Thresholds as query parameters, and the level filter.
        let stricter = try await f.supervisor.get("/api/v1/lagging?from=\(Self.week.from)&to=\(Self.week.to)&\(Self.noSchedule)&missedRefer=2")
        #expect(Self.levels(stricter)["limin"] == "refer")
        let onlyRefer = try await f.supervisor.get("/api/v1/lagging?from=\(Self.week.from)&to=\(Self.week.to)&\(Self.noSchedule)&level=refer")
        #expect(Set(Self.levels(onlyRefer).values) == ["refer"])
    }

    @Test func lateReportsNoticeAndCriticize() async throws {
        let f = try await CampaignFixture.start(villages: false)
        defer { f.stop() }
        for unit in ["xiatuanpu", "zirun", "limin"] { try await Self.report(f, unit, days: Array(4...10)) }
        try await Self.report(f, "zirun", days: Array(11...17), late: [12, 14, 16])   // 3 late
        try await Self.report(f, "limin", days: Array(11...17), late: [13])           // 1 late
        try await Self.report(f, "xiatuanpu", days: Array(11...17))
        try await f.admin.setClock("2021-10-18T09:00:00+08:00")
        let reply = try await f.office.get("/api/v1/lagging?from=\(Self.week.from)&to=\(Self.week.to)&\(Self.noSchedule)")
        let levels = Self.levels(reply)
        #expect(levels["zirun"] == "criticize")
        #expect(levels["limin"] == "notice")
        #expect(levels["xiatuanpu"] == nil)
    }

    @Test func behindScheduleAndStalled() async throws {
        let f = try await CampaignFixture.start(villages: false)
        defer { f.stop() }
        for (id, unit, targets) in [("a", "xiatuanpu", ["biomass": 100]), ("b", "zirun", ["biomass": 100]),
                                    ("c", "limin", ["biomass": 100, "clean_coal": 100]), ("d", "yaozitou", ["biomass": 100]),
                                    ("e", "nanyulin", ["biomass": 5000])] {
            let reply = try await f.office.post("/api/v1/villages", json: ["id": id, "name": id, "unit": unit, "area": "rural", "targets": targets])
            #expect(reply.status == 201)
        }
        func counts(_ village: String, _ installed: Int) -> [[String: Any]] {
            [["village": village, "path": "biomass", "confirmed": 100, "signed": 100, "installed": installed, "accepted": 0, "operating": 0]]
        }
        // At 10-17 the straight line from 07-26 to 10-31 expects 83/97 = 85.6%.
        try await Self.report(f, "xiatuanpu", days: [17], villages: counts("a", 90))   // ahead: not listed
        try await Self.report(f, "zirun", days: [17], villages: counts("b", 70))       // 15.6 points behind: criticize
        // 35.6 points behind: refer. Its clean coal, all installed, counts toward no completion (with it: 75%).
        try await Self.report(f, "limin", days: [17], villages: counts("c", 50)
            + [["village": "c", "path": "clean_coal", "confirmed": 100, "signed": 100, "installed": 100, "accepted": 0, "operating": 0]])
        // 617/5000 = 12.34% prints as 12.3%: the points behind are 85.6 - 12.3, as the notice prints them (not 73.2).
        try await Self.report(f, "nanyulin", days: [17], villages: [["village": "e", "path": "biomass", "confirmed": 5000, "signed": 5000,
                                                                     "installed": 617, "accepted": 0, "operating": 0]])
        for day in 13...17 { try await Self.report(f, "yaozitou", days: [day], villages: counts("d", 80)) } // 5 equal reports
        try await f.admin.setClock("2021-10-18T09:00:00+08:00")
        let reply = try await f.supervisor.get("/api/v1/lagging?from=2021-10-17&to=2021-10-17")
        let units = reply.json["units"] as? [[String: Any]] ?? []
        func reason(_ unit: String, _ code: String) -> [String: Any]? {
            (units.first { $0["unit"] as? String == unit }?["reasons"] as? [[String: Any]])?.first { $0["code"] as? String == code }
        }
        #expect(reason("xiatuanpu", "behind_schedule") == nil)
        #expect(reason("zirun", "behind_schedule")?["level"] as? String == "criticize")
        #expect(reason("zirun", "behind_schedule")?["pointsBehind"] as? Double == 15.6)
        #expect(reason("zirun", "behind_schedule")?["expectedRate"] as? Double == 0.8557)
        #expect(reason("limin", "behind_schedule")?["level"] as? String == "refer")
        #expect(reason("limin", "behind_schedule")?["target"] as? Int == 100 && reason("limin", "behind_schedule")?["installed"] as? Int == 50)
        #expect(reason("nanyulin", "behind_schedule")?["pointsBehind"] as? Double == 73.3)
        #expect(reason("nanyulin", "behind_schedule")?["detail"] as? String
            == "进度滞后：截至10月17日应完成 85.6%，实际完成 12.3%（安装 617/5000 户），落后 73.3 个百分点")
        #expect(reason("yaozitou", "stalled")?["level"] as? String == "criticize")
        #expect(reason("yaozitou", "stalled")?["reports"] as? Int == 5)
        let fewer = try await f.supervisor.get("/api/v1/lagging?from=2021-10-17&to=2021-10-17&stalledCriticize=6")
        let stalled = ((fewer.json["units"] as? [[String: Any]])?.first { $0["unit"] as? String == "yaozitou" }?["reasons"] as? [[String: Any]])?
            .first { $0["code"] as? String == "stalled" }
        #expect(stalled?["level"] as? String == "notice")
        // A unit the plan names with no registered village is 0% done against the line.
        #expect(reason("beiwangzhuang", "behind_schedule")?["level"] as? String == "refer")
    }

    /// A day counts as missed only once its deadline has passed; a filtered notice does not say all is well.
    @Test func todayBeforeTheDeadlineIsNotMissedAndAFilteredNoticeSaysWhatItLeftOut() async throws {
        let f = try await CampaignFixture.start(villages: false, clock: "2021-10-16T09:00:00+08:00")
        defer { f.stop() }
        func missed(_ reply: APIClient.Reply, _ unit: String) -> Int? {
            ((reply.json["units"] as? [[String: Any]])?.first { $0["unit"] as? String == unit }?["reasons"] as? [[String: Any]])?
                .first { $0["code"] as? String == "missed_reports" }?["count"] as? Int
        }
        let morning = try await f.supervisor.get("/api/v1/lagging?from=2021-10-14&to=2021-10-16&\(Self.noSchedule)")
        #expect(missed(morning, "beicheng") == 2)
        // Today alone at 09:00: nothing was due yet, which is not "everyone reported on time".
        let todayOnly = try await f.supervisor.get("/api/v1/lagging?from=2021-10-16&to=2021-10-16&\(Self.noSchedule)&format=text").text
        #expect(todayOnly.contains("本期报送时限尚未届满") && !todayOnly.contains("均按时报送"), "\(todayOnly)")
        try await f.admin.setClock("2021-10-16T18:00:01+08:00")
        let evening = try await f.supervisor.get("/api/v1/lagging?from=2021-10-14&to=2021-10-16&\(Self.noSchedule)")
        #expect(missed(evening, "beicheng") == 3)
        // Thresholds raised past every unit's misses list none, and the notice does not call that "on time".
        let raised = "missedNotice=100&missedCriticize=100&missedRefer=100&stalledNotice=100&stalledCriticize=100"
        let lenient = try await f.supervisor.get("/api/v1/lagging?from=2021-10-14&to=2021-10-16&\(Self.noSchedule)&\(raised)&format=text").text
        #expect(lenient.contains("本期未发现达到督查标准的工作拖拉、进度缓慢情形。") && !lenient.contains("均按时报送"), "\(lenient)")
        // Every unit is at notice for one missed day; asking for criticize and above lists none, and says only that.
        let oneDay = "from=2021-10-15&to=2021-10-15&\(Self.noSchedule)"
        #expect(Self.levels(try await f.supervisor.get("/api/v1/lagging?\(oneDay)")).values.allSatisfy { $0 == "notice" })
        let filtered = try await f.supervisor.get("/api/v1/lagging?\(oneDay)&level=criticize&format=text")
        #expect(filtered.text.contains("本期未发现需通报批评及以上处理的单位。"))
        #expect(!filtered.text.contains("均按时报送"))
        #expect(filtered.text.contains("（2021年10月15日）\n"), "one day is named once: \(filtered.text)")
        let json = try await f.supervisor.get("/api/v1/lagging?\(oneDay)&level=criticize")
        #expect(json.json["minimumLevel"] as? String == "criticize")
    }

    @Test func overdueTasksAndRepeatedCriticism() async throws {
        let f = try await CampaignFixture.start(villages: false)
        defer { f.stop() }
        // Assigned on 10-08; a due date already past is refused (a typo would make a department overdue the day
        // it is assigned, and a past due date can no longer be corrected).
        try await f.admin.setClock("2021-10-08T09:00:00+08:00")
        let past = try await f.office.post("/api/v1/tasks", json: ["unit": "grid", "title": "补办事项", "due": "2021-10-07"])
        #expect(past.status == 422 && past.errorFields == ["due"], "\(past.text)")
        let grid = try await f.office.post("/api/v1/tasks", json: ["unit": "grid", "title": "下团堡乡配套电网增容", "due": "2021-10-10"])
        #expect(grid.status == 201)
        let movedBack = try await f.office.patch("/api/v1/tasks/\(try #require(grid.json["id"] as? String))", json: ["due": "2021-10-01"])
        #expect(movedBack.status == 422 && movedBack.errorFields == ["due"], "\(movedBack.text)")
        let heat = try await f.office.post("/api/v1/tasks", json: ["unit": "heat-company", "title": "南邢家河片区换热站调试", "due": "2021-10-15"])
        let done = try await f.office.post("/api/v1/tasks", json: ["unit": "gas-company", "title": "煤改气管网试压", "due": "2021-10-12"])
        let doneID = try #require(done.json["id"] as? String)
        try await f.admin.setClock("2021-10-15T10:00:00+08:00")
        // 1,000 characters but 501,000 Unicode scalars (each "a" carries 500 combining accents): too long, as a
        // megabyte per note once let a task's history outgrow a WAL record.
        let heavy = String(repeating: "a" + String(repeating: "\u{0301}", count: 500), count: 1_000)
        let refused = try await f.office.patch("/api/v1/tasks/\(doneID)", json: ["note": heavy])
        #expect(refused.status == 422 && refused.errorFields == ["note"])
        let answered = try await f.office.patch("/api/v1/tasks/\(doneID)", json: ["status": "done", "note": "已完成"])
        #expect(answered.status == 200)
        // The task the update answered is the task a WAL replay makes of it (a server started on a copy of the
        // folder, as a crash would leave it).
        let copy = try RepositoryPaths.makeTemporaryFolder("tasks-replay").appendingPathComponent("data")
        try FileManager.default.copyItem(at: f.server.dataFolder, to: copy)
        let replaying = try ServerProcess.start(dataFolder: copy)
        let replayed = try await APIClient(baseURL: replaying.baseURL, token: f.office.token).get("/api/v1/tasks?unit=gas-company")
        replaying.stop()
        // What is stored, that is: overdue and daysOverdue are the answering server's today (the copy runs on the
        // real clock).
        let stored = { (task: [String: Any]) in task.filter { $0.key != "overdue" && $0.key != "daysOverdue" } }
        let task = try #require((replayed.json["tasks"] as? [[String: Any]])?.first)
        #expect(NSDictionary(dictionary: stored(task)).isEqual(to: stored(answered.json)), "\(task) \(answered.json)")
        // 滋润乡 misses two days in each of two weeks: criticized twice → refer.
        try await Self.report(f, "zirun", days: [4, 5, 6, 7, 8] + [11, 12, 13, 14, 15])
        try await f.admin.setClock("2021-10-18T09:00:00+08:00")
        let reply = try await f.supervisor.get("/api/v1/lagging?from=\(Self.week.from)&to=\(Self.week.to)&\(Self.noSchedule)")
        let levels = Self.levels(reply)
        #expect(levels["grid"] == "refer")          // 7 days overdue
        #expect(levels["heat-company"] == "criticize") // 2 days overdue
        #expect(levels["gas-company"] == "criticize") // done on 10-15, three days late: overdue within the week
        #expect(levels["zirun"] == "refer")
        let zirun = (reply.json["units"] as? [[String: Any]])?.first { $0["unit"] as? String == "zirun" }
        let repeated = (zirun?["reasons"] as? [[String: Any]])?.first { $0["code"] as? String == "repeated" }
        // It says what the previous window showed, not that a sanction was issued (none may have been).
        #expect((repeated?["detail"] as? String)?.contains("亦有达到通报批评标准的问题，本期仍未改正") == true, "\(String(describing: repeated))")
        // A window is judged as it stood at its end: on 10-14 grid was 4 days overdue and the gas task 2 (done only
        // on 10-15), the heat task not yet due; and the same query gives the same answer after the task is done.
        let before = Self.levels(try await f.supervisor.get("/api/v1/lagging?from=2021-10-11&to=2021-10-14&\(Self.noSchedule)"))
        #expect(before["grid"] == "criticize" && before["heat-company"] == nil && before["gas-company"] == "criticize", "\(before)")
        try await f.admin.setClock("2021-10-20T09:00:00+08:00")
        let gridID = try #require(grid.json["id"] as? String)
        #expect(try await f.office.patch("/api/v1/tasks/\(gridID)", json: ["status": "done"]).status == 200)
        let again = Self.levels(try await f.supervisor.get("/api/v1/lagging?from=\(Self.week.from)&to=\(Self.week.to)&\(Self.noSchedule)"))
        #expect(again["grid"] == "refer")
        // The notice tells a task finished late from one still open at the window's end.
        let notice = try await f.supervisor.get("/api/v1/lagging?from=\(Self.week.from)&to=\(Self.week.to)&\(Self.noSchedule)&format=text").text
        #expect(notice.contains("“煤改气管网试压”（10月12日到期，逾期 3 天后于10月15日完成）"), "\(notice)")
        #expect(notice.contains("“下团堡乡配套电网增容”（10月10日到期，逾期 7 天仍未完成）"), "\(notice)")
        // Reopened on 10-20, the gas task was still done on 10-15..10-17: last week's notice does not change.
        #expect(try await f.office.patch("/api/v1/tasks/\(doneID)", json: ["status": "in_progress", "note": "复查发现漏点"]).status == 200)
        let reread = try await f.supervisor.get("/api/v1/lagging?from=\(Self.week.from)&to=\(Self.week.to)&\(Self.noSchedule)&format=text").text
        #expect(reread == notice, "\(reread)")
        #expect(reread.contains("“煤改气管网试压”（10月12日到期，逾期 3 天后于10月15日完成）"), "\(reread)")
        let tasks = try await f.supervisor.get("/api/v1/tasks?overdue=true") // now: grid is done; heat and (reopened) gas are not
        #expect((tasks.json["tasks"] as? [Any])?.count == 2)
        // Each says so, and by how much on 10-20: heat due 10-15, gas due 10-12.
        let days = (tasks.json["tasks"] as? [[String: Any]] ?? []).map { ($0["overdue"] as? Bool, $0["daysOverdue"] as? Int) }
        #expect(days.map(\.0) == [true, true] && days.compactMap(\.1).sorted() == [5, 8], "\(tasks.text)")
        // overdue=false is the others, not "no filter"; absent is all.
        let notOverdue = try await f.supervisor.get("/api/v1/tasks?overdue=false").json["tasks"] as? [[String: Any]]
        let all = try await f.supervisor.get("/api/v1/tasks").json["tasks"] as? [[String: Any]]
        #expect(notOverdue?.count == (all?.count ?? 0) - 2)
        #expect(try await f.zirun.patch("/api/v1/tasks/\(doneID)", json: ["status": "open"]).status == 403)
        // A reporter reads its own unit's tasks only.
        #expect((try await f.zirun.get("/api/v1/tasks").json["tasks"] as? [Any])?.isEmpty == true)
        #expect(try await f.zirun.get("/api/v1/tasks?unit=grid").status == 403)
        // The heat task, 2 days overdue at the end of that week, is done on 10-20: the next week lists it as late,
        // but one late task across two weeks is no repeated failing (it was referred, "本期仍未改正" beside "完成").
        // The gas task, reopened and still open, is: referred.
        #expect(try await f.office.patch("/api/v1/tasks/\(try #require(heat.json["id"] as? String))", json: ["status": "done"]).status == 200)
        try await f.admin.setClock("2021-10-25T09:00:00+08:00")
        let next = try await f.supervisor.get("/api/v1/lagging?from=2021-10-18&to=2021-10-24&\(Self.noSchedule)")
        #expect(Self.levels(next)["heat-company"] == "criticize" && Self.levels(next)["gas-company"] == "refer", "\(next.text)")
        // GET /tasks says a done task was late, and by how much: due 10-15, done 10-20.
        let heatTask = (try await f.office.get("/api/v1/tasks?unit=heat-company").json["tasks"] as? [[String: Any]])?.first
        #expect(heatTask?["overdue"] as? Bool == false && heatTask?["daysLate"] as? Int == 5, "\(String(describing: heatTask))")
    }

    /// campaign.maxUpdatesPerTask: past it an update is refused and nothing is stored.
    @Test func aTaskKeepsAtMostTheConfiguredNumberOfUpdates() async throws {
        let config = try RepositoryPaths.makeTemporaryFolder("task-limit").appendingPathComponent("config.json")
        try Data(#"{"campaign": {"maxUpdatesPerTask": 2}}"#.utf8).write(to: config)
        let f = try await CampaignFixture.start(config: config, villages: false)
        defer { f.stop() }
        let created = try await f.office.post("/api/v1/tasks", json: ["unit": "grid", "title": "下团堡乡配套电网增容", "due": "2021-10-20"])
        let id = try #require(created.json["id"] as? String)
        for note in ["勘测完成", "材料到场"] {
            #expect(try await f.office.patch("/api/v1/tasks/\(id)", json: ["note": note]).status == 200)
        }
        let third = try await f.office.patch("/api/v1/tasks/\(id)", json: ["note": "开始施工"])
        #expect(third.status == 422 && third.errorFields == ["id"], "\(third.text)")
        let task = try #require((try await f.office.get("/api/v1/tasks?unit=grid").json["tasks"] as? [[String: Any]])?.first)
        #expect((task["updates"] as? [Any])?.count == 2 && task["note"] as? String == "材料到场")
    }

    @Test func noticeTextAndBadQueries() async throws {
        let f = try await CampaignFixture.start(villages: false)
        defer { f.stop() }
        try await Self.report(f, "zirun", days: Array(4...10) + [11, 12, 13, 14, 15])
        try await f.admin.setClock("2021-10-18T09:00:00+08:00")
        let text = try await f.supervisor.get("/api/v1/lagging?from=\(Self.week.from)&to=\(Self.week.to)&\(Self.noSchedule)&format=text")
        #expect(text.status == 200)
        let lines = text.text.split(separator: "\n").map(String.init)
        #expect(lines.first == "关于清洁取暖工作进展情况的督查通报")
        #expect(lines.contains { $0.hasPrefix("根据《朔州市朔城区2021年冬季清洁取暖实施方案》（朔区政办发〔2021〕38号）关于建立健全例会") })
        #expect(!text.text.contains("三日内"))
        #expect(lines.contains("（2021年10月11日—10月17日）"))
        #expect(lines.contains { $0.hasPrefix("一、移交纪检部门严肃问责") })
        #expect(lines.contains { $0.hasPrefix("二、予以通报批评") })
        #expect(lines.contains { $0.contains("滋润乡：未报 2 天（10月16日、10月17日）") })
        #expect(lines.suffix(2) == ["朔城区人民政府督查室", "2021年10月18日"])
        // A window with no reporting day says so, not that everyone reported on time.
        let offSeason = try await f.supervisor.get("/api/v1/lagging?from=2021-07-01&to=2021-07-20&format=text").text
        #expect(offSeason.contains("本期不在报送期内") && !offSeason.contains("均按时报送"))
        #expect(offSeason.contains("（2021年7月1日—7月20日）"))
        #expect(offSeason.contains("根据《朔州市朔城区2021年冬季清洁取暖实施方案》（朔区政办发〔2021〕38号）"), "\(offSeason)")
        // A query the domain refuses is a bad query parameter (400), named, as for /audit.
        #expect(try await f.supervisor.get("/api/v1/lagging?from=2021-10-11&to=2021-10-19").errorCode == "future_date")
        for (query, field) in [("from=2021-10-17&to=2021-10-11", "from"), ("from=2020-10-11&to=2021-10-17", "to"),
                               ("from=2021-10-11&to=2021-10-17&missedNotice=x", "missedNotice"),
                               ("from=2021-10-11&to=2021-10-17&behindReferPoints=nan", "behindReferPoints"),
                               // A misspelt threshold is named, not left out of the answer.
                               ("from=2021-10-11&to=2021-10-17&missedNotic=3", "missedNotic"),
                               // Levels rise with their thresholds: notice at 3 missed days beside criticism at 2 is refused.
                               ("from=2021-10-11&to=2021-10-17&missedNotice=3", "missedNotice"),
                               ("from=2021-10-11&to=2021-10-17&behindReferPoints=5", "behindReferPoints"),
                               // A run of one report is every report: stalled=0 (taken for "off") called all unfinished
                               // units stalled and referred them; a count of 0 misses listed no one more than 1.
                               ("from=2021-10-11&to=2021-10-17&stalledNotice=0&stalledCriticize=0", "stalledNotice"),
                               ("from=2021-10-11&to=2021-10-17&stalledNotice=1", "stalledNotice"),
                               ("from=2021-10-11&to=2021-10-17&lateNotice=0", "lateNotice"),
                               ("from=2021-10-11&to=2021-10-17&missedRefer=99999999999999999999", "missedRefer")] {
            let reply = try await f.supervisor.get("/api/v1/lagging?\(query)")
            #expect(reply.status == 400 && reply.errorCode == "bad_query" && reply.errorFields == [field], "\(query): \(reply.text)")
        }
        #expect(try await f.supervisor.get("/api/v1/lagging?from=2021-10-11&to=2021-10-17&level=severe").status == 400)
        #expect(try await f.supervisor.get("/api/v1/lagging?from=2021-10-11").status == 400)
        #expect(try await f.zirun.get("/api/v1/lagging?from=2021-10-11&to=2021-10-17").status == 403)
        // A window across New Year names both years.
        try await f.admin.setClock("2022-01-03T09:00:00+08:00")
        let newYear = try await f.supervisor.get("/api/v1/lagging?from=2021-12-27&to=2022-01-02&format=text").text
        #expect(newYear.contains("（2021年12月27日—2022年1月2日）"))
    }
}
