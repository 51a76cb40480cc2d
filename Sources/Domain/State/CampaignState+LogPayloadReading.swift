import Foundation

/// Reading WAL records back at recovery (and, with UTC instants, the revisions of a snapshot's reports.json). A report record is read by hand, through `JSONValue`: JSONDecoder was
/// most of the time a restart took. Anything the hand reader does not recognise in full (another change, a
/// missing or mistyped field) goes to JSONDecoder, which reads it or says precisely what is wrong.
extension CampaignState {
    public static func change(fromLogPayload payload: [UInt8]) throws -> LoggedChange {
        let data = Data(payload)
        if let change = reportSubmitted(from: data) { return change }
        return try JSONDecoder().decode(LoggedChange.self, from: data)
    }

    /// The record of a submitted report, or nil for anything else.
    static func reportSubmitted(from data: Data) -> LoggedChange? {
        // A change is an enum: its object has exactly one member, as JSONDecoder insists.
        guard case .object(let root)? = try? JSONValue.parse(data), let change = JSONMembers(root["change"]),
              change.object.members.count == 1, let report = change.object("reportSubmitted"),
              let unit = report.string("unit"), let date = report.string("date").flatMap(LocalDate.init),
              let status = report.string("status").flatMap(Timeliness.init(rawValue:)),
              let revision = report.object("revision").flatMap({ revision(from: $0, instant: walInstant) }) else { return nil }
        var audit: AuditEntry?
        if let value = root["audit"], value != .null {
            guard let entry = JSONMembers(value).flatMap({ auditEntry(from: $0, instant: walInstant) }) else { return nil }
            audit = entry
        }
        return LoggedChange(.reportSubmitted(unit: unit, date: date, status: status, revision: revision), audit: audit)
    }

    /// WAL records hold instants as JSONEncoder's default does, seconds since 2001.
    static func walInstant(_ members: JSONMembers, _ key: String) -> Date? {
        members.double(key).map(Date.init(timeIntervalSinceReferenceDate:))
    }

    /// Snapshot files hold them as UTC strings (`Timestamp.utcString`).
    static func snapshotInstant(_ members: JSONMembers, _ key: String) -> Date? {
        members.string(key).flatMap(Timestamp.parseUTC)
    }

    static func revision(from r: JSONMembers, instant: (JSONMembers, String) -> Date?) -> ReportRevision? {
        guard let number = r.int("revision"), let at = instant(r, "submittedAt"), let by = r.string("submittedBy"),
              let villageValues = r.array("villages"), let issueValues = r.array("issues"),
              let warningValues = r.array("warnings") else { return nil }
        var villages: [VillageProgress] = []
        for value in villageValues {
            guard let v = JSONMembers(value), let village = v.string("village"), let path = v.string("path"),
                  let confirmed = v.int("confirmed"), let signed = v.int("signed"), let installed = v.int("installed"),
                  let accepted = v.int("accepted"), let operating = v.int("operating") else { return nil }
            villages.append(VillageProgress(village: village, path: path, counts: Funnel(
                confirmed: confirmed, signed: signed, installed: installed, accepted: accepted, operating: operating)))
        }
        var issues: [String] = []
        for value in issueValues {
            guard case .string(let issue) = value else { return nil }
            issues.append(issue)
        }
        var warnings: [ReportWarning] = []
        for value in warningValues {
            guard let w = JSONMembers(value), let rule = w.string("rule"), let message = w.string("message") else { return nil }
            warnings.append(ReportWarning(rule: rule, message: message))
        }
        var fuel: FuelDelivered?
        if let f = r.optional("fuel") {
            guard let f = JSONMembers(f), let coal = f.double("cleanCoalTons"), let biomass = f.double("biomassTons") else { return nil }
            fuel = FuelDelivered(cleanCoalTons: coal, biomassTons: biomass)
        }
        var reporter: ReporterContact?
        if let c = r.optional("reporter") {
            guard let c = JSONMembers(c), let name = c.string("name"), let phone = c.optionalString("phone") else { return nil }
            reporter = ReporterContact(name: name, phone: phone)
        }
        guard let plan = r.optionalString("nextDayPlan"), let correction = r.optionalString("correction") else { return nil }
        return ReportRevision(revision: number, submittedAt: at, submittedBy: by,
                              villages: villages, fuel: fuel, issues: issues, nextDayPlan: plan, reporter: reporter,
                              correction: correction, warnings: warnings)
    }

    static func auditEntry(from a: JSONMembers, instant: (JSONMembers, String) -> Date?) -> AuditEntry? {
        guard let at = instant(a, "at"), let date = a.string("date").flatMap(LocalDate.init), let tokenID = a.string("tokenID"),
              let tokenLabel = a.string("tokenLabel"), let role = a.string("role").flatMap(Role.init(rawValue:)),
              let action = a.string("action"), let target = a.string("target"), let summary = a.string("summary") else { return nil }
        return AuditEntry(at: at, date: date, tokenID: tokenID, tokenLabel: tokenLabel,
                          role: role, action: action, target: target, summary: summary)
    }
}
