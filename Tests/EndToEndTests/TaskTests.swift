import Foundation
import Testing
import TestSupport

/// Tasks (职责分工) as the office keeps them: checked when assigned, safe to send twice, correctable, withdrawable.
@Suite struct TaskTests {
    func tasks(_ f: CampaignFixture, _ query: String = "") async throws -> [[String: Any]] {
        try await f.office.get("/api/v1/tasks\(query)").json["tasks"] as? [[String: Any]] ?? []
    }

    func auditActions(_ f: CampaignFixture) async throws -> [String] {
        let entries = try await f.office.get("/api/v1/audit?from=2021-10-01&to=2021-12-31").json["entries"] as? [[String: Any]] ?? []
        return entries.compactMap { $0["action"] as? String }.filter { $0.hasPrefix("task.") }
    }

    @Test func assignmentIsCheckedAndASecondSendMakesNoSecondTask() async throws {
        let f = try await CampaignFixture.start(villages: false)
        defer { f.stop() }
        // An office assigns and supervises; a date outside every season is a slip; control characters are no text.
        let refusals: [([String: Any], Int, String)] = [
            (["unit": "leading-group-office", "title": "自查", "due": "2021-10-20"], 422, "unit"),
            (["unit": "grid", "title": "增容", "due": "1900-01-01"], 422, "due"),
            (["unit": "grid", "title": "增容", "due": "2021-10-20", "note": "响铃\u{07}"], 422, "note"),
            (["unit": "grid", "title": "-增容\u{202E}", "due": "2021-10-20"], 422, "title"),
        ]
        for (body, status, field) in refusals {
            let reply = try await f.office.post("/api/v1/tasks", json: body)
            #expect(reply.status == status && reply.errorFields == [field], "\(body): \(reply.text)")
        }
        let body = ["unit": "grid", "title": "下团堡乡配套电网增容", "due": "2021-10-20"]
        let first = try await f.office.post("/api/v1/tasks", json: body)
        #expect(first.status == 201)
        let id = try #require(first.json["id"] as? String)
        let again = try await f.office.post("/api/v1/tasks", json: body)
        #expect(again.status == 409 && again.errorFields == ["title"] && again.text.contains(id), "\(again.text)")
        // The company named as the plan writes it is the same unit: the same task again.
        var byName = body
        byName["unit"] = "山西地电朔州分公司"
        #expect(try await f.office.post("/api/v1/tasks", json: byName).status == 409)
        #expect(try await tasks(f).count == 1)
        #expect(try await auditActions(f) == ["task.create"])
    }

    @Test func theOfficeCorrectsAndWithdrawsATaskTheUnitOnlyReportsProgress() async throws {
        let f = try await CampaignFixture.start(villages: false)
        defer { f.stop() }
        let created = try await f.office.post("/api/v1/tasks", json: ["unit": "xiatuanpu", "title": "入户安装", "due": "2021-10-20"])
        let id = try #require(created.json["id"] as? String)
        #expect(created.json["overdue"] as? Bool == false && created.json["daysOverdue"] as? Int == 0, "\(created.text)")
        // The unit may report progress, not move its own deadline.
        let moveOwn = try await f.xiatuanpu.patch("/api/v1/tasks/\(id)", json: ["due": "2021-11-30"])
        #expect(moveOwn.status == 403 && moveOwn.errorFields == ["due"], "\(moveOwn.text)")
        #expect(try await f.xiatuanpu.patch("/api/v1/tasks/\(id)", json: ["status": "in_progress"]).status == 200)
        // Sent again (a retried curl): nothing new. A blank note is no note.
        let again = try await f.xiatuanpu.patch("/api/v1/tasks/\(id)", json: ["status": "in_progress"])
        #expect(again.status == 200 && (again.json["updates"] as? [Any])?.count == 1, "\(again.text)")
        let audit = try await f.office.get("/api/v1/audit").json["entries"] as? [[String: Any]] ?? []
        let updates = audit.filter { $0["action"] as? String == "task.update" }.compactMap { $0["summary"] as? String }
        #expect(updates == ["下团堡乡：入户安装：办理中"], "the audit names the unit, and the retry is not in it: \(updates)")
        // An empty PATCH says what it may carry: to the office, its title and due date as well.
        let empty = try await f.office.patch("/api/v1/tasks/\(id)", json: [String: Any]())
        #expect(empty.status == 422 && empty.text.contains("title 或 due"), "\(empty.text)")
        #expect(try await f.xiatuanpu.patch("/api/v1/tasks/\(id)", json: [String: Any]()).text.contains("title") == false)
        let blank = try await f.xiatuanpu.patch("/api/v1/tasks/\(id)", json: ["note": "   "])
        #expect(blank.status == 422 && blank.errorFields == ["note"], "\(blank.text)")
        let mixed = try await f.office.patch("/api/v1/tasks/\(id)", json: ["due": "2021-11-30", "status": "done"])
        #expect(mixed.status == 422 && mixed.errorFields == ["status"], "\(mixed.text)")
        let badDue = try await f.office.patch("/api/v1/tasks/\(id)", json: ["due": "2030-01-01"])
        #expect(badDue.status == 422 && badDue.errorFields == ["due"], "\(badDue.text)")
        let moved = try await f.office.patch("/api/v1/tasks/\(id)", json: ["due": "2021-11-30", "title": "入户安装（第二批）"])
        #expect(moved.status == 200, "\(moved.text)")
        #expect(moved.json["due"] as? String == "2021-11-30" && moved.json["title"] as? String == "入户安装（第二批）")
        #expect(moved.json["status"] as? String == "in_progress") // the progress stays
        #expect(try await f.office.patch("/api/v1/tasks/\(id)", json: ["due": "2021-11-30"]).status == 200) // unchanged: no record
        // A correction may not make the twin a second create is refused for.
        let other = try await f.office.post("/api/v1/tasks", json: ["unit": "xiatuanpu", "title": "材料采购", "due": "2021-11-30"])
        let otherID = try #require(other.json["id"] as? String)
        let twin = try await f.office.patch("/api/v1/tasks/\(otherID)", json: ["title": "入户安装（第二批）"])
        #expect(twin.status == 409 && twin.errorFields == ["title"], "\(twin.text)")
        // A due date met or passed is settled: lagging reads it for past windows.
        #expect(try await f.office.patch("/api/v1/tasks/\(otherID)", json: ["status": "done"]).status == 200)
        let settled = try await f.office.patch("/api/v1/tasks/\(otherID)", json: ["due": "2021-11-20"])
        #expect(settled.status == 422 && settled.errorFields == ["due"] && settled.text.contains("已完成"), "\(settled.text)")
        #expect(try await f.office.delete("/api/v1/tasks/\(otherID)").status == 204)
        #expect(try await f.xiatuanpu.delete("/api/v1/tasks/\(id)").status == 403)
        // Past its due date, not done: the date stands (it is overdue in published notices); a title may still be fixed.
        try await f.admin.setClock("2021-12-01T09:00:00+08:00")
        let passed = try await f.office.patch("/api/v1/tasks/\(id)", json: ["due": "2021-12-31"])
        #expect(passed.status == 422 && passed.errorFields == ["due"] && passed.text.contains("已过期限"), "\(passed.text)")
        #expect(try await f.office.delete("/api/v1/tasks/\(id)").status == 204)
        #expect(try await f.office.delete("/api/v1/tasks/\(id)").status == 404)
        #expect(try await tasks(f).isEmpty)
        #expect(try await auditActions(f) == ["task.create", "task.update", "task.edit", "task.create", "task.update", "task.withdraw", "task.withdraw"])
        // All of it survives a restart: the withdrawal is replayed, not only applied.
        f.server.kill9()
        let restarted = try ServerProcess.start(dataFolder: f.server.dataFolder)
        defer { restarted.stop() }
        let after = try await APIClient(baseURL: restarted.baseURL, token: f.office.token).get("/api/v1/tasks")
        #expect((after.json["tasks"] as? [Any])?.isEmpty == true, "\(after.text)")
    }

    @Test func freeTextsRefuseControlCharactersAsReportsDo() async throws {
        let f = try await CampaignFixture.start(villages: false)
        defer { f.stop() }
        let label = try await f.admin.post("/api/v1/tokens", json: ["role": "office", "label": "a\u{1B}[31mb"])
        #expect(label.status == 422 && label.errorFields == ["label"], "\(label.text)")
        let twoLines = try await f.admin.post("/api/v1/tokens", json: ["role": "office", "label": "办公室\r\n统计员"])
        #expect(twoLines.status == 422 && twoLines.errorFields == ["label"], "\(twoLines.text)")
        let reason = try await f.office.post("/api/v1/exemptions", json: ["unit": "zirun", "from": "2021-10-16", "to": "2021-10-17", "reason": "停电\u{1B}[2J"])
        #expect(reason.status == 422 && reason.errorFields == ["reason"], "\(reason.text)")
        // Bidirectional overrides and isolates in one-line names too; Chinese punctuation (“” — …) is text.
        let bidiLabel = try await f.admin.post("/api/v1/tokens", json: ["role": "office", "label": "统计员\u{202E}员计统"])
        #expect(bidiLabel.status == 422 && bidiLabel.errorFields == ["label"], "\(bidiLabel.text)")
        let bidiName = try await f.office.post("/api/v1/villages", json: ["id": "zr-bidi", "name": "东\u{2066}村", "unit": "zirun", "area": "rural", "targets": ["biomass": 1]])
        #expect(bidiName.status == 422 && bidiName.errorFields == ["name"], "\(bidiName.text)")
        let punctuated = try await f.office.post("/api/v1/villages", json: ["id": "zr-quote", "name": "“东村”—新区…", "unit": "zirun", "area": "rural", "targets": ["biomass": 1]])
        #expect(punctuated.status == 201, "\(punctuated.text)")
    }
}
