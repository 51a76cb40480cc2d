import Foundation
import Synchronization

/// Where the domain gets "now". The executable passes the system clock, or a settable one under `--test-clock`.
public protocol CampaignClock: Sendable {
    func now() -> Date
}

public struct SystemClock: CampaignClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that stands still at whatever instant it was last set to (until set, it reads the system clock).
public final class SettableClock: CampaignClock {
    private let fixed = Mutex<Date?>(nil)

    public init() {}

    public func set(_ instant: Date) { fixed.withLock { $0 = instant } }

    public func now() -> Date { fixed.withLock { $0 } ?? Date() }
}
