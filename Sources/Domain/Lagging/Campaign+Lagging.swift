extension LaggingReport {
    /// The thresholds a query may set, each read by `thresholds(from:defaults:)`.
    public static let queryNames: Set<String> = ["missedNotice", "missedCriticize", "missedRefer", "lateNotice", "lateCriticize",
                                                 "behindCriticizePoints", "behindReferPoints", "stalledNotice", "stalledCriticize",
                                                 "overdueReferDays"]

    /// Per-query overrides of the config thresholds, named like the config keys.
    public static func thresholds(from query: [String: String], defaults: LaggingThresholds) throws -> LaggingThresholds {
        var t = defaults
        func int(_ name: String, _ target: inout Int) throws {
            guard let text = query[name] else { return }
            guard let value = Int(text), value >= 0 else {
                // All digits and still no Int: a whole number, too large, not "no integer".
                let tooLarge = !text.isEmpty && text.utf8.allSatisfy { $0 &- UInt8(ascii: "0") < 10 }
                throw DomainError.invalid(name, "\(name) \(tooLarge ? "超出范围" : "须为非负整数")，收到“\(echo: text)”")
            }
            target = value
        }
        func double(_ name: String, _ target: inout Double) throws {
            guard let text = query[name] else { return }
            guard let value = Double(text), value >= 0, value.isFinite else { throw DomainError.invalid(name, "\(name) 须为非负数，收到“\(echo: text)”") }
            target = value
        }
        try int("missedNotice", &t.missedNotice)
        try int("missedCriticize", &t.missedCriticize)
        try int("missedRefer", &t.missedRefer)
        try int("lateNotice", &t.lateNotice)
        try int("lateCriticize", &t.lateCriticize)
        try double("behindCriticizePoints", &t.behindCriticizePoints)
        try double("behindReferPoints", &t.behindReferPoints)
        try int("stalledNotice", &t.stalledNotice)
        try int("stalledCriticize", &t.stalledCriticize)
        try int("overdueReferDays", &t.overdueReferDays)
        // Counts that mean something: 0 missed days listed no one more than 1 did, and a "run" of one report is
        // every report, so stalledNotice=0 (taken for "off") called every unfinished unit stalled and referred it.
        let minimums: [(String, Int, Int)] = [
            ("missedNotice", t.missedNotice, 1), ("missedCriticize", t.missedCriticize, 1), ("missedRefer", t.missedRefer, 1),
            ("lateNotice", t.lateNotice, 1), ("lateCriticize", t.lateCriticize, 1),
            ("stalledNotice", t.stalledNotice, 2), ("stalledCriticize", t.stalledCriticize, 2),
        ]
        for (name, value, minimum) in minimums where value < minimum {
            let why = name.hasPrefix("stalled") ? "停滞指连续至少 2 次报送安装数不变" : "次数门槛从 1 起"
            throw DomainError.invalid(name, "\(name) 至少为 \(minimum)（\(why)），收到 \(value)")
        }
        // Each rule's levels rise with its threshold: ?missedNotice=3 beside missedCriticize=2 made criticism
        // come before the notice.
        let ladders: [(String, Double, String, Double)] = [
            ("missedNotice", Double(t.missedNotice), "missedCriticize", Double(t.missedCriticize)),
            ("missedCriticize", Double(t.missedCriticize), "missedRefer", Double(t.missedRefer)),
            ("lateNotice", Double(t.lateNotice), "lateCriticize", Double(t.lateCriticize)),
            ("behindCriticizePoints", t.behindCriticizePoints, "behindReferPoints", t.behindReferPoints),
            ("stalledNotice", Double(t.stalledNotice), "stalledCriticize", Double(t.stalledCriticize)),
        ]
        for (lower, low, higher, high) in ladders where low > high {
            let named = query[higher] != nil && query[lower] == nil ? higher : lower
            throw DomainError.invalid(named, "\(lower)（\(low.formatted())）不能大于 \(higher)（\(high.formatted())）：越严重的处理门槛应越高")
        }
        return t
    }
}

extension Campaign {
    public func lagging(from: LocalDate, to: LocalDate, thresholds: LaggingThresholds, minimumLevel: LaggingLevel?) throws -> LaggingReport {
        guard from <= to else { throw DomainError.invalid("from", "from 不能晚于 to") }
        guard to - from < 366 else { throw DomainError.invalid("to", "一次最多查询 366 天") }
        guard to <= today else { throw DomainError(.futureDate, "to 不能晚于今天（\(today)）", details: [.init(field: "to", message: "日期晚于今天")]) }
        let rules = self.rules
        let now = self.now()
        return read { state in
            LaggingReport(state: state, season: state.season(containing: to).map(effective),
                          rules: rules, now: now, from: from, to: to,
                          thresholds: thresholds, minimumLevel: minimumLevel)
        }
    }
}
