import Foundation
import Synchronization

public struct RateLimitSettings: Sendable, Equatable {
    /// Requests one token may make per minute (a token bucket refilled continuously).
    public var perTokenPerMinute: Int = 600
    /// Failed authentications one client address may make per minute before it gets 429.
    public var failedAuthPerMinute: Int = 30
    public init() {}
}

/// Token buckets per token and failure counts per client address. Memory is bounded: buckets are
/// dropped once full again, failure windows once expired.
final class RateLimiter: Sendable {
    private struct Bucket { var tokens: Double; var updated: TimeInterval }
    private struct Failures { var count: Int; var windowStart: TimeInterval }

    private let settings: RateLimitSettings
    private let state = Mutex<(buckets: [String: Bucket], failures: [String: Failures])>(([:], [:]))

    init(settings: RateLimitSettings) { self.settings = settings }

    private var now: TimeInterval { ProcessInfo.processInfo.systemUptime }

    /// Takes one request from the token's bucket; returns seconds to wait when it is empty.
    func take(token: String) -> Int? {
        let capacity = Double(settings.perTokenPerMinute)
        guard capacity > 0 else { return nil }
        let perSecond = capacity / 60
        let now = self.now
        return state.withLock { state in
            var bucket = state.buckets[token] ?? Bucket(tokens: capacity, updated: now)
            bucket.tokens = min(capacity, bucket.tokens + (now - bucket.updated) * perSecond)
            bucket.updated = now
            defer {
                if state.buckets.count > 100_000 { state.buckets = state.buckets.filter { $0.value.tokens < capacity } }
            }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                state.buckets[token] = bucket
                return nil
            }
            state.buckets[token] = bucket
            return max(1, Int(((1 - bucket.tokens) / perSecond).rounded(.up)))
        }
    }

    func recordFailedAuth(client: String) {
        let now = self.now
        state.withLock { state in
            var entry = state.failures[client] ?? Failures(count: 0, windowStart: now)
            if now - entry.windowStart >= 60 { entry = Failures(count: 0, windowStart: now) }
            entry.count += 1
            state.failures[client] = entry
            if state.failures.count > 100_000 {
                state.failures = state.failures.filter { now - $0.value.windowStart < 60 }
                // Still full of fresh entries (many addresses failing at once): forget them rather than filter the
                // whole map again on every failure under the lock.
                if state.failures.count > 50_000 { state.failures.removeAll(keepingCapacity: true) }
            }
        }
    }

    /// Seconds the client must wait when it failed authentication too often this minute.
    func failedAuthBlock(client: String) -> Int? {
        let limit = settings.failedAuthPerMinute
        guard limit > 0 else { return nil }
        let now = self.now
        return state.withLock { state in
            guard let entry = state.failures[client], now - entry.windowStart < 60, entry.count >= limit else { return nil }
            return max(1, Int((60 - (now - entry.windowStart)).rounded(.up)))
        }
    }
}
