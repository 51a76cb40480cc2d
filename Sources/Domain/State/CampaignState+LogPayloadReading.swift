import Foundation

/// Reading WAL records back at recovery. A report record is read by hand, through `JSONValue`: JSONDecoder was
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
        guard case .object(let root)? = try? JSONValue.parse(data),
              let report = Fields(root["change"])?.object("reportSubmitted"),
              let unit = report.string("unit"), let date = report.string("date").flatMap(LocalDate.init),
              let status = report.string("status").flatMap(Timeliness.init(rawValue:)),
              let revision = report.object("revision").flatMap(revision(from:)) else { return nil }
        var audit: AuditEntry?
        if let value = root["audit"], value != .null {
            guard let entry = Fields(value).flatMap(auditEntry(from:)) else { return nil }
            audit = entry
        }
        return LoggedChange(.reportSubmitted(unit: unit, date: date, status: status, revision: revision), audit: audit)
    }

    private static func revision(from r: Fields) -> ReportRevision? {
        guard let number = r.int("revision"), let at = r.double("submittedAt"), let by = r.string("submittedBy"),
              let villageValues = r.array("villages"), let issueValues = r.array("issues"),
              let warningValues = r.array("warnings") else { return nil }
        var villages: [VillageProgress] = []
        for value in villageValues {
            guard let v = Fields(value), let village = v.string("village"), let path = v.string("path"),
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
            guard let w = Fields(value), let rule = w.string("rule"), let message = w.string("message") else { return nil }
            warnings.append(ReportWarning(rule: rule, message: message))
        }
        var fuel: FuelDelivered?
        if let f = r.optional("fuel") {
            guard let f = Fields(f), let coal = f.double("cleanCoalTons"), let biomass = f.double("biomassTons") else { return nil }
            fuel = FuelDelivered(cleanCoalTons: coal, biomassTons: biomass)
        }
        var reporter: ReporterContact?
        if let c = r.optional("reporter") {
            guard let c = Fields(c), let name = c.string("name"), let phone = c.optionalString("phone") else { return nil }
            reporter = ReporterContact(name: name, phone: phone)
        }
        guard let plan = r.optionalString("nextDayPlan"), let correction = r.optionalString("correction") else { return nil }
        return ReportRevision(revision: number, submittedAt: Date(timeIntervalSinceReferenceDate: at), submittedBy: by,
                              villages: villages, fuel: fuel, issues: issues, nextDayPlan: plan, reporter: reporter,
                              correction: correction, warnings: warnings)
    }

    private static func auditEntry(from a: Fields) -> AuditEntry? {
        guard let at = a.double("at"), let date = a.string("date").flatMap(LocalDate.init), let tokenID = a.string("tokenID"),
              let tokenLabel = a.string("tokenLabel"), let role = a.string("role").flatMap(Role.init(rawValue:)),
              let action = a.string("action"), let target = a.string("target"), let summary = a.string("summary") else { return nil }
        return AuditEntry(at: Date(timeIntervalSinceReferenceDate: at), date: date, tokenID: tokenID, tokenLabel: tokenLabel,
                          role: role, action: action, target: target, summary: summary)
    }

    /// Typed reads of an object's members; nil when absent or of another type.
    private struct Fields {
        let object: JSONObject

        init?(_ value: JSONValue?) {
            guard case .object(let object)? = value else { return nil }
            self.object = object
        }

        func string(_ key: String) -> String? {
            if case .string(let text)? = object[key] { return text }
            return nil
        }

        func double(_ key: String) -> Double? {
            if case .number(let number)? = object[key] { return number }
            return nil
        }

        /// As JSONDecoder reads an `Int`: integral, and exactly representable.
        func int(_ key: String) -> Int? {
            guard let number = double(key), number == number.rounded(), abs(number) < 9e15 else { return nil }
            return Int(number)
        }

        func object(_ key: String) -> Fields? { Fields(object[key]) }

        func array(_ key: String) -> [JSONValue]? {
            if case .array(let items)? = object[key] { return items }
            return nil
        }

        /// A member that may be absent or null (JSONDecoder's `decodeIfPresent`).
        func optional(_ key: String) -> JSONValue? {
            guard let value = object[key], value != .null else { return nil }
            return value
        }

        /// An optional string: `.some(nil)` when absent or null, nil when of another type.
        func optionalString(_ key: String) -> Optional<String?> {
            guard let value = optional(key) else { return .some(nil) }
            guard case .string(let text) = value else { return nil }
            return .some(text)
        }
    }
}
