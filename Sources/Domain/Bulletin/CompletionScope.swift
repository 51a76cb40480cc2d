/// Which counts make up completion (docs/bulletin.md): those of the paths the season's plan sets households for.
/// Clean coal (清洁煤过渡) has none: it covers whom the retrofit misses and is no retrofit. A date before every
/// season is judged by the first one (the plan it leads up to): a bulletin of the day before the season began
/// counted clean coal in, the next day's did not. With no season at all, every path counts.
/// The one rule for the bulletin's district and unit lines, the summary's unit totals and lagging's rules.
struct CompletionScope {
    let season: Season?

    /// `season`: the season of the date in question (`CampaignState.season(containing:)`), nil before the first.
    init(season: Season?, in state: CampaignState) {
        self.season = season ?? state.firstSeason
    }

    func counts(_ path: String) -> Bool { season?.countsTowardCompletion(path) ?? true }

    /// The counts of the paths in scope, added up.
    func total(_ counts: [ProgressKey: Funnel]?) -> Funnel {
        (counts ?? [:]).reduce(.zero) { self.counts($1.key.path) ? $0 + $1.value : $0 }
    }

    /// A unit's roster households on the paths in scope.
    func target(of unit: String, in roster: RosterTargets) -> Int {
        (roster.byUnitAndPath[unit] ?? [:]).reduce(0) { counts($1.key) ? $0 + $1.value : $0 }
    }
}
