import Domain
import HTTPCore

/// The departments' and companies' tasks (职责分工).
extension CleanheatAPI {
    static let taskRoutes: [APIRoute] = [
        APIRoute("POST", "/api/v1/tasks", .createTask) { api, request in
            let body = try request.json()
            try body.allowOnly(["unit", "title", "due", "note"])
            guard let due = try body.date("due", required: true) else { throw DomainError.invalid("due", "缺少 due") }
            let task = try await api.campaign.createTask(unit: try body.requiredString("unit"), title: try body.requiredString("title"),
                                                         due: due, note: try body.string("note"), by: try request.caller)
            return try api.renderer.response(201, TaskView(task, today: api.campaign.today))
        },
        APIRoute("PATCH", "/api/v1/tasks/{id}", .updateTask) { api, request in
            let body = try request.json()
            try body.allowOnly(["status", "note", "title", "due"])
            if body.has("title") || body.has("due") {
                // Correcting the task itself is the office's (the domain checks who asks, before any field); its
                // progress is the unit's. One record each, so not mixed.
                guard Permission.allows(try request.caller.role, .editTask) else {
                    throw DomainError.forbidden(body.has("title") ? "title" : "due", "只有领导小组办公室可以修改任务名称和期限")
                }
                if body.has("status") || body.has("note") {
                    throw DomainError.invalid(body.has("status") ? "status" : "note", "修改任务名称、期限与更新进展请分两次提交")
                }
                let task = try await api.campaign.editTask(id: request.parameter("id"), title: try body.string("title"),
                                                           due: try body.date("due"), by: try request.caller)
                return try api.renderer.response(200, TaskView(task, today: api.campaign.today))
            }
            var status: DutyTask.Status?
            if let text = try body.string("status") {
                guard let parsed = DutyTask.Status(rawValue: text) else {
                    throw DomainError.invalid("status", "status 只能是 open、in_progress 或 done")
                }
                status = parsed
            }
            let task = try await api.campaign.updateTask(id: request.parameter("id"), status: status,
                                                         note: try body.string("note"), by: try request.caller)
            return try api.renderer.response(200, TaskView(task, today: api.campaign.today))
        },
        APIRoute("DELETE", "/api/v1/tasks/{id}", .editTask) { api, request in
            try await api.campaign.withdrawTask(id: request.parameter("id"), by: try request.caller)
            return HTTPResponse(status: 204)
        },
        APIRoute("GET", "/api/v1/tasks", .readTasks, queries: ["unit", "overdue"]) { api, request in
            // A reporter sees its own unit's tasks, the ones it may update (API.md, Auth); others see every unit's.
            var unit = try api.unitQuery(request, kinds: Unit.Kind.carryingTasks, why: "办公室不承担任务")
            if let own = try request.caller.scopedUnit {
                if let asked = unit, asked != own {
                    throw DomainError.forbidden("unit", "只能查看本单位（\(api.campaign.read { $0.unit(own)?.name } ?? own)）的任务")
                }
                unit = own
            }
            // overdue=true: only overdue tasks; overdue=false: only the others; absent: all.
            let overdue = request.query("overdue") == nil ? nil : try request.boolQuery("overdue")
            let today = api.campaign.today
            let tasks = api.campaign.tasks(unit: unit, overdue: overdue).map { TaskView($0, today: today) }
            return try api.renderer.response(200, Wrapped(key: "tasks", value: tasks))
        },
    ]

    /// A task with what the supervision office asks of it first: whether it is overdue today, and by how many days
    /// (`GET /tasks?overdue=true` selects by the same rule).
    private struct TaskView: Encodable {
        let task: DutyTask
        let today: LocalDate
        init(_ task: DutyTask, today: LocalDate) { (self.task, self.today) = (task, today) }

        func encode(to encoder: any Encoder) throws {
            try task.encode(to: encoder)
            var container = encoder.container(keyedBy: AnyKey.self)
            let days = task.daysOpenPastDue(on: today)
            try container.encode(days > 0, forKey: AnyKey("overdue"))
            try container.encode(days, forKey: AnyKey("daysOverdue"))
            // A task done late says by how much (a done task is never `overdue`, and the list hid that it had been).
            if task.status == .done, let doneOn = task.doneOn { try container.encode(task.daysOverdue(at: doneOn), forKey: AnyKey("daysLate")) }
        }
    }
}
