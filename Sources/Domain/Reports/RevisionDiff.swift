/// What changed between two revisions of a unit's day, field by field.
public struct RevisionDiff: Encodable, Sendable, Equatable {
    public struct Change: Encodable, Sendable, Equatable {
        public var field: String
        public var old: String?
        public var new: String?
    }

    public var unit: String
    public var date: LocalDate
    public var from: Int
    public var to: Int
    public var changes: [Change]

    public init(unit: String, date: LocalDate, from old: ReportRevision, to new: ReportRevision) {
        self.unit = unit
        self.date = date
        self.from = old.revision
        self.to = new.revision
        var changes: [Change] = []
        func note(_ field: String, _ a: String?, _ b: String?) {
            if a != b { changes.append(Change(field: field, old: a, new: b)) }
        }
        let before = Dictionary(old.villages.map { ($0.key, $0.counts) }, uniquingKeysWith: { _, last in last })
        let after = Dictionary(new.villages.map { ($0.key, $0.counts) }, uniquingKeysWith: { _, last in last })
        for key in Set(before.keys).union(after.keys).sorted() {
            for stage in Funnel.stages {
                note("villages[\(key.village)/\(key.path)].\(stage.field)",
                     before[key].map { String($0[stage]) }, after[key].map { String($0[stage]) })
            }
        }
        note("fuel.cleanCoalTons", old.fuel.map { "\($0.cleanCoalTons)" }, new.fuel.map { "\($0.cleanCoalTons)" })
        note("fuel.biomassTons", old.fuel.map { "\($0.biomassTons)" }, new.fuel.map { "\($0.biomassTons)" })
        note("issues", old.issues.joined(separator: "；"), new.issues.joined(separator: "；"))
        note("nextDayPlan", old.nextDayPlan, new.nextDayPlan)
        note("reporter.name", old.reporter?.name, new.reporter?.name)
        note("reporter.phone", old.reporter?.phone, new.reporter?.phone)
        note("correction", old.correction, new.correction)
        self.changes = changes
    }
}
