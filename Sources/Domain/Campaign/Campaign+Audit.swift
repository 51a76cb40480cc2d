extension Campaign {
    /// Every write of the district-local days `from` through `to`, in order.
    public func auditEntries(from: LocalDate, to: LocalDate) -> [AuditEntry] {
        read { state in from.through(to).flatMap { state.audit[$0]?.entries ?? [] } }
    }
}
