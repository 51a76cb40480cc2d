extension Campaign {
    public func units(kind: Unit.Kind?) -> [Unit] {
        read { state in state.units.filter { kind == nil || $0.kind == kind } }
    }

    /// The paths with config filling the amounts the plan leaves to another standard.
    public func paths() -> [HeatingPath] {
        read { $0.paths }.map { path in
            guard let override = rules.subsidyOverrides[path.id] else { return path }
            var path = path
            if path.subsidy.centralPerHousehold == nil { path.subsidy.centralPerHousehold = override.centralPerHousehold }
            if path.subsidy.cityPerHousehold == nil { path.subsidy.cityPerHousehold = override.cityPerHousehold }
            return path
        }
    }

    /// The season's plan and roster progress; the current season when `seasonID` is nil.
    public func plan(seasonID: String?) -> PlanProgress? {
        let today = self.today
        return read { state in
            let season = seasonID.map { state.season($0) } ?? state.season(containing: today) ?? state.seasons.last
            return season.map { PlanProgress(season: effective($0), state: state) }
        }
    }
}
