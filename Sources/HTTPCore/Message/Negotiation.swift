/// Proactive negotiation (RFC 9110 §12): the weights a client gives the items of `Accept` or `Accept-Encoding`.
public enum Negotiation {
    /// The items of a comma-separated list, lowercased, with their weights (`q`, 1 when absent). An item whose
    /// weight is not a qvalue (§12.4.2) is left out.
    static func weightedItems(_ header: String) -> [(item: String, weight: Double)] {
        header.lowercased().split(separator: ",").compactMap { element in
            let parts = element.split(separator: ";").map { String($0.trimmingOptionalWhitespace()) }
            guard let item = parts.first, !item.isEmpty else { return nil }
            var weight = 1.0
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingOptionalWhitespace() }
                guard pair.count == 2, pair[0] == "q" else { continue }
                guard let value = qvalue(pair[1]) else { return nil }
                weight = value
            }
            return (item, weight)
        }
    }

    /// `0`, `0.5`, `1.000`: at most three decimals, never above 1.
    private static func qvalue(_ text: String) -> Double? {
        guard let first = text.first, first == "0" || first == "1", text.count <= 5 else { return nil }
        if text.count > 1 {
            let decimals = text.dropFirst(2)
            guard text.dropFirst().first == ".", decimals.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            if first == "1" && decimals.contains(where: { $0 != "0" }) { return nil }
        }
        return Double(text)
    }

    /// The offered media type (`type/subtype`) the client prefers (§12.5.1). Each offer takes the weight of the
    /// most specific range that matches it (`type/subtype`, then `type/*`, then `*/*`); the highest weight above 0
    /// wins, a tie going to the earlier offer. No `Accept` prefers the first offer; nil when none is acceptable.
    public static func preferredMediaType(accept: String?, offers: [String]) -> String? {
        guard let accept else { return offers.first }
        let ranges = weightedItems(accept)
        var best: (offer: String, weight: Double)?
        for offer in offers {
            let type = offer.lowercased().split(separator: "/").first.map(String.init) ?? offer
            let weight = ranges.first { $0.item == offer.lowercased() }?.weight
                ?? ranges.first { $0.item == type + "/*" }?.weight
                ?? ranges.first { $0.item == "*/*" }?.weight
                ?? 0
            if weight > 0 && weight > (best?.weight ?? 0) { best = (offer, weight) }
        }
        return best?.offer
    }

    /// Whether to answer in `coding` under `Accept-Encoding` (§12.5.3): its weight (listed, else `*`'s) is above 0
    /// and not below identity's (listed, else `*`'s) where the client gives one (`gzip;q=0.5, identity` asks for
    /// no coding). A coding listed twice counts at its lower weight: a refusal anywhere in the list stands.
    public static func accepts(coding: String, in header: String?, aliases: [String] = []) -> Bool {
        guard let header else { return false }
        let items = weightedItems(header)
        func weight(_ names: [String]) -> Double? { items.filter { names.contains($0.item) }.map(\.weight).min() }
        guard let chosen = weight([coding] + aliases) ?? weight(["*"]), chosen > 0 else { return false }
        return chosen >= weight(["identity"]) ?? weight(["*"]) ?? 0
    }
}
