/// The cumulative counts of one village's path, in the order the work goes:
/// 确户 confirmed ≥ 签约 signed ≥ 安装 installed ≥ 验收 accepted ≥ 通暖 operating.
public struct Funnel: Codable, Sendable, Equatable {
    public var confirmed: Int
    public var signed: Int
    public var installed: Int
    public var accepted: Int
    public var operating: Int

    public init(confirmed: Int = 0, signed: Int = 0, installed: Int = 0, accepted: Int = 0, operating: Int = 0) {
        self.confirmed = confirmed
        self.signed = signed
        self.installed = installed
        self.accepted = accepted
        self.operating = operating
    }

    public static let zero = Funnel()

    /// The stages in funnel order, with their JSON field and Chinese names.
    public enum Stage: String, CaseIterable, Sendable {
        case confirmed, signed, installed, accepted, operating

        public var field: String { rawValue }

        public var chinese: String {
            switch self {
            case .confirmed: "确户"
            case .signed: "签约"
            case .installed: "安装"
            case .accepted: "验收"
            case .operating: "通暖"
            }
        }
    }

    /// Made once: `allCases` builds a new array at every use, and the checks of every report use this a dozen times.
    public static let stages: [Stage] = Stage.allCases

    /// A stage's count, by a switch: a key path's projection was a tenth of deciding a report on the WAL writer.
    public subscript(stage: Stage) -> Int {
        get {
            switch stage {
            case .confirmed: confirmed
            case .signed: signed
            case .installed: installed
            case .accepted: accepted
            case .operating: operating
            }
        }
        set {
            switch stage {
            case .confirmed: confirmed = newValue
            case .signed: signed = newValue
            case .installed: installed = newValue
            case .accepted: accepted = newValue
            case .operating: operating = newValue
            }
        }
    }

    public static func + (lhs: Funnel, rhs: Funnel) -> Funnel {
        Funnel(confirmed: lhs.confirmed + rhs.confirmed, signed: lhs.signed + rhs.signed,
               installed: lhs.installed + rhs.installed, accepted: lhs.accepted + rhs.accepted,
               operating: lhs.operating + rhs.operating)
    }

    public static func - (lhs: Funnel, rhs: Funnel) -> Funnel {
        Funnel(confirmed: lhs.confirmed - rhs.confirmed, signed: lhs.signed - rhs.signed,
               installed: lhs.installed - rhs.installed, accepted: lhs.accepted - rhs.accepted,
               operating: lhs.operating - rhs.operating)
    }

    public static func += (lhs: inout Funnel, rhs: Funnel) { lhs = lhs + rhs }
}

/// Which village and path a funnel belongs to.
public struct ProgressKey: Hashable, Sendable, Codable, Comparable {
    public var village: String
    public var path: String

    public init(village: String, path: String) {
        self.village = village
        self.path = path
    }

    public static func < (lhs: ProgressKey, rhs: ProgressKey) -> Bool {
        (lhs.village, lhs.path) < (rhs.village, rhs.path)
    }
}
