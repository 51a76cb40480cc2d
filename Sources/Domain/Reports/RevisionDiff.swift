/// What changed between two revisions of a unit's day, field by field. Counts and fuel are compared as the day
/// stood after each revision (villages a revision omits keep an earlier revision's counts, fuel the latest given:
/// what the bulletin counts), so a correction that sends one village does not read as deleting the others. The
/// texts are each revision's own.
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

    /// `carried`: the unit's last reported day before this one, whose counts and fuel the day starts from.
    public init(day: UnitDay, carried: UnitTimeline.Day?, from old: ReportRevision, to new: ReportRevision) {
        self.unit = day.unit
        self.date = day.date
        self.from = old.revision
        self.to = new.revision
        var changes: [Change] = []
        func note(_ field: String, _ a: String?, _ b: String?) {
            if a != b { changes.append(Change(field: field, old: a, new: b)) }
        }
        let (before, fuelBefore) = Self.effective(day.revisions, through: old.revision, from: carried)
        let (after, fuelAfter) = Self.effective(day.revisions, through: new.revision, from: carried)
        for key in Set(before.keys).union(after.keys).sorted() {
            for stage in Funnel.stages {
                note("villages[\(key.village)/\(key.path)].\(stage.field)",
                     before[key].map { String($0[stage]) }, after[key].map { String($0[stage]) })
            }
        }
        note("fuel.cleanCoalTons", fuelBefore.map { "\($0.cleanCoalTons)" }, fuelAfter.map { "\($0.cleanCoalTons)" })
        note("fuel.biomassTons", fuelBefore.map { "\($0.biomassTons)" }, fuelAfter.map { "\($0.biomassTons)" })
        note("issues", old.issues.joined(separator: "；"), new.issues.joined(separator: "；"))
        note("nextDayPlan", old.nextDayPlan, new.nextDayPlan)
        note("reporter.name", old.reporter?.name, new.reporter?.name)
        note("reporter.phone", old.reporter?.phone, new.reporter?.phone)
        note("correction", old.correction, new.correction)
        self.changes = changes
    }

    /// The day's counts and fuel after revision `number`: its revisions up to it laid over the day it carries on
    /// from, as the timeline lays them.
    private static func effective(_ revisions: RevisionList, through number: Int,
                                  from carried: UnitTimeline.Day?) -> ([ProgressKey: Funnel], FuelDelivered?) {
        var counts = carried?.counts ?? [:]
        var fuel = carried?.fuel
        for revision in revisions where revision.revision <= number {
            for entry in revision.villages { counts[entry.key] = entry.counts }
            if let given = revision.fuel { fuel = given }
        }
        return (counts, fuel)
    }
}
