import Foundation

/// Days a unit need not report (免报): neither expected nor missing.
public struct Exemption: Codable, Sendable, Equatable {
    public var id: String
    public var unit: String
    public var from: LocalDate
    public var to: LocalDate
    public var reason: String
    public var createdAt: Date

    public func covers(_ date: LocalDate) -> Bool { date >= from && date <= to }
}
