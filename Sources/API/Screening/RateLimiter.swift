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

    private struct State {
        var buckets: [String: Bucket] = [:]
        var failures: [String: Failures] = [:]
        /// When each token last authenticated from each address: an address blocked for failures still serves
        /// the tokens already working from it (a shared proxy), and nothing else, so a guesser learns nothing.
        var successes: [String: [String: TimeInterval]] = [:]
    }

    private let settings: RateLimitSettings
    private let state = Mutex(State())

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
            Self.bound(&state.failures) { now - $0.windowStart < 60 }
        }
    }

    /// Notes that `token` authenticated from `client`. Bounded: 64 tokens per address, 100,000 addresses, entries
    /// older than two minutes dropped when it fills.
    func recordSuccess(client: String, token: String) {
        guard settings.failedAuthPerMinute > 0 else { return }
        let now = self.now
        state.withLock { state in
            if let seen = state.successes[client]?[token], now - seen < 10 { return }
            if (state.successes[client]?.count ?? 0) >= 64 { state.successes[client] = nil }
            state.successes[client, default: [:]][token] = now
            Self.bound(&state.successes) { $0.values.contains { now - $0 < 120 } }
        }
    }

    /// A per-address map past 100,000 entries keeps its live ones; still that full (many addresses at once), it
    /// starts over rather than filter the whole map again on the next call, under the lock.
    private static func bound<Value>(_ map: inout [String: Value], isLive: (Value) -> Bool) {
        guard map.count > 100_000 else { return }
        map = map.filter { isLive($0.value) }
        if map.count > 50_000 { map.removeAll(keepingCapacity: true) }
    }

    /// Whether `token` authenticated from `client` in the last two minutes.
    func trusts(client: String, token: String) -> Bool {
        let now = self.now
        return state.withLock { state in state.successes[client]?[token].map { now - $0 < 120 } ?? false }
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
