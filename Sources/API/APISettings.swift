/// The API's own settings from config.
public struct APISettings: Sendable {
    public var rateLimits = RateLimitSettings()
    public init() {}
}
