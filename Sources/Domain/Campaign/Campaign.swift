import Foundation
import Storage

/// The campaign's operations: each reads the durable state or commits one logged change.
/// Validation runs inside the commit, against the state the change will apply to.
public final class Campaign: Sendable {
    public let store: Store<CampaignState>
    public let rules: CampaignRules
    public let clock: any CampaignClock

    public init(store: Store<CampaignState>, rules: CampaignRules, clock: any CampaignClock) {
        self.store = store
        self.rules = rules
        self.clock = clock
    }

    public func read<R>(_ body: (CampaignState) throws -> R) rethrows -> R {
        try store.read(body)
    }

    /// Returns once `read` sees every acknowledged write. Reports are published lazily (`CampaignState
    /// .isPublishedAtOnce`): a request that reads calls this first, so that a report answered 201 is in what it reads.
    public func awaitAcknowledgedWrites() async {
        await store.awaitAcknowledgedWrites()
    }

    /// Now, to the millisecond (see `Timestamp`).
    public func now() -> Date { Timestamp.floor(clock.now()) }

    public var today: LocalDate { rules.time.localDate(of: clock.now()) }

    func auditEntry(_ principal: Principal, _ action: String, target: String, summary: String, at: Date) -> AuditEntry {
        AuditEntry(at: at, date: rules.time.localDate(of: at), tokenID: principal.tokenID, tokenLabel: principal.label,
                   role: principal.role, action: action, target: target, summary: summary)
    }

    /// The effective deadline and reporting end of a season, config overriding the migration.
    public func effective(_ season: Season) -> Season { rules.effective(season) }
}
