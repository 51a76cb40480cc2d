// Usage: peer PORT PLAN_FILE. Serves GET /healthz, GET /api/v1/plan (the file's bytes, fixed) and
// POST /api/v1/reports (decoded into Codable structs, answered 201, kept nowhere).
import Foundation
import Hummingbird

struct VillageProgress: Codable {
    var village: String
    var path: String
    var confirmed: Int
    var signed: Int
    var installed: Int
    var accepted: Int
    var operating: Int
}

struct Fuel: Codable {
    var cleanCoalTons: Double
    var biomassTons: Double
}

struct Reporter: Codable {
    var name: String
    var phone: String
}

struct Report: Codable {
    var unit: String
    var date: String
    var villages: [VillageProgress]
    var fuel: Fuel
    var issues: [String]
    var nextDayPlan: String
    var reporter: Reporter
}

struct Acknowledgement: ResponseEncodable {
    var unit: String
    var date: String
    var villages: Int
    var received: Bool
}

let arguments = CommandLine.arguments
let port = arguments.count > 1 ? Int(arguments[1]) ?? 8090 : 8090
let planPath = arguments.count > 2 ? arguments[2] : "plan.json"
let planBytes = try Data(contentsOf: URL(fileURLWithPath: planPath))
let planBody = ByteBuffer(bytes: planBytes)

let router = Router()
router.get("healthz") { _, _ in "ok" }
router.get("api/v1/plan") { _, _ in
    Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: planBody))
}
router.post("api/v1/reports") { request, context -> EditedResponse<Acknowledgement> in
    let report = try await request.decode(as: Report.self, context: context)
    return EditedResponse(status: .created, response: Acknowledgement(
        unit: report.unit, date: report.date, villages: report.villages.count, received: true))
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
print("listening on http://127.0.0.1:\(port)")
try await app.runService()
