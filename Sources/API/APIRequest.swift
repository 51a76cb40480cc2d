import Domain
import Foundation
import HTTPCore

/// A request as a handler sees it: the HTTP message, path parameters, and who is asking.
struct APIRequest: Sendable {
    let http: HTTPRequest
    let parameters: RouteParameters
    let principal: Principal?

    /// The authenticated principal; routes with an action always have one.
    var caller: Principal {
        get throws {
            guard let principal else { throw APIError.unauthorized("缺少令牌") }
            return principal
        }
    }

    func parameter(_ name: String) -> String { parameters[name] ?? "" }

    func query(_ name: String) -> String? { http.query(name) }

    func dateParameter(_ name: String) throws -> LocalDate {
        let text = parameter(name)
        guard let date = LocalDate(text) else { throw APIError.badQuery(parameter: name, message: "\(name) 须为日期 YYYY-MM-DD，收到“\(echo: text)”") }
        return date
    }

    func dateQuery(_ name: String, required: Bool) throws -> LocalDate? {
        guard let text = query(name) else {
            if required { throw APIError.badQuery(parameter: name, message: "缺少查询参数 \(name)（YYYY-MM-DD）") }
            return nil
        }
        guard let date = LocalDate(text) else { throw APIError.badQuery(parameter: name, message: "\(name) 须为日期 YYYY-MM-DD，收到“\(echo: text)”") }
        return date
    }

    func boolQuery(_ name: String) throws -> Bool {
        switch query(name) {
        case nil, "false", "0": return false
        case "true", "1", "": return true
        case let other?: throw APIError.badQuery(parameter: name, message: "\(name) 只能是 true 或 false（也可写 1、0），收到“\(echo: other)”")
        }
    }

    /// The body as a JSON object, after checking it is declared `application/json`.
    func json() throws -> JSONFields {
        try requireContentType("application/json")
        return try JSONFields.parse(http.body)
    }

    func requireContentType(_ expected: String) throws {
        // The media type, without parameters such as `charset`; cut on bytes, as Character splitting was costly.
        let declared = http.headers["Content-Type"].map { value in
            value[..<(value.utf8.firstIndex(of: UInt8(ascii: ";")) ?? value.endIndex)].trimmingOptionalWhitespace().lowercased()
        }
        guard declared == expected else { throw APIError.unsupportedMediaType(expected: expected) }
        // A `charset` on JSON is not looked at: RFC 8259 §11 defines none, and it has no effect on a compliant
        // recipient; the body is read as UTF-8, and bytes that are not UTF-8 are 400.
        // A compressed body (curl --data-binary of a .gz with Content-Encoding: gzip) is not read as if it were the
        // JSON or CSV itself: RFC 9110 §8.4.1 asks a 415 for a coding the server does not take.
        if let coding = http.headers["Content-Encoding"], !["", "identity"].contains(coding.trimmingOptionalWhitespace().lowercased()) {
            throw APIError.unsupportedContentEncoding(coding)
        }
    }

    /// `?format=` wins over `Accept`: `json`, `text` or `csv`.
    func format(allowed: [String] = ["json", "text", "csv"]) throws -> String {
        if let format = query("format") {
            guard allowed.contains(format) else {
                throw APIError.badQuery(parameter: "format", message: "format 只能是 \(allowed.joined(separator: "、"))")
            }
            return format
        }
        // Accept as RFC 9110 weighs it (axios sends `application/json, text/plain, */*` and wants JSON); where the
        // client accepts none of them, JSON anyway rather than 406: curl users read errors better than nothing.
        let mediaTypes = ["json": "application/json", "text": "text/plain", "csv": "text/csv"]
        let offers = allowed.compactMap { mediaTypes[$0] }
        let preferred = Negotiation.preferredMediaType(accept: http.headers.list("Accept"), offers: offers)
        return mediaTypes.first { $0.value == preferred }?.key ?? "json"
    }
}

extension CleanheatAPI {
    /// The `{unit}` of a path: a township's id, or its name as the plan writes it; anything else is 404 (a name was
    /// answered "下团堡乡没有 10月15日 的报送" of a day that had three revisions).
    func unitParameter(_ request: APIRequest) throws -> String {
        let text = request.parameter("unit")
        guard let found = campaign.read({ $0.unit(idOrName: text) }), found.kind == .township else {
            throw APIError.notFound("没有报送单位“\(echo: text)”（乡镇、街道的编号见 GET /api/v1/units）")
        }
        return found.id
    }

    /// A `unit` filter must name a unit of a kind the list can hold: a misspelt id (or a company on the village
    /// list) answered an empty list, as if the unit had nothing. `why`: what the list holds, said when the unit is
    /// of another kind.
    func unitQuery(_ request: APIRequest, kinds: Set<Domain.Unit.Kind>, why: String) throws -> String? {
        guard let unit = request.query("unit") else { return nil }
        guard let found = campaign.read({ $0.unit(idOrName: unit) }) else {
            throw APIError.badQuery(parameter: "unit", message: "没有单位“\(echo: unit)”（单位编号见 GET /api/v1/units）")
        }
        guard kinds.contains(found.kind) else {
            throw APIError.badQuery(parameter: "unit", message: "“\(found.name)”不是此列表的单位（\(why)）")
        }
        return found.id
    }
}
