import Domain
import HTTPCore

/// The village roster (确村确户).
extension CleanheatAPI {
    static let csvHeader = ["unit", "village_id", "village_name", "area", "path", "households"]

    static let villageRoutes: [APIRoute] = [
        APIRoute("GET", "/api/v1/villages", .readVillages, queries: ["unit"]) { api, request in
            let villages = try api.campaign.villages(unit: try api.unitQuery(request, kinds: Unit.Kind.reporting, why: "只有乡镇和街道登记村"), for: try request.caller)
            return try api.renderer.response(200, Wrapped(key: "villages", value: villages))
        },
        APIRoute("GET", "/api/v1/villages/{id}", .readVillages) { api, request in
            try api.renderer.response(200, try api.campaign.village(request.parameter("id"), for: try request.caller))
        },
        APIRoute("POST", "/api/v1/villages", .writeVillage) { api, request in
            let village = try decodeVillage(try request.json(), pathID: nil, ownUnit: try request.caller.scopedUnit,
                                        paths: api.campaign.read { $0.paths.count })
            let saved = try await api.campaign.saveVillage(village, replacing: false, by: try request.caller)
            return try api.renderer.response(201, saved.village)
        },
        APIRoute("PUT", "/api/v1/villages/{id}", .writeVillage) { api, request in
            let village = try decodeVillage(try request.json(), pathID: request.parameter("id"), ownUnit: try request.caller.scopedUnit,
                                        paths: api.campaign.read { $0.paths.count })
            let saved = try await api.campaign.saveVillage(village, replacing: true, by: try request.caller)
            return try api.renderer.response(saved.created ? 201 : 200, saved.village)
        },
        APIRoute("POST", "/api/v1/villages/import", .importVillages) { api, request in
            try request.requireContentType("text/csv")
            let text = try TextDecoding.decode(request.http.body, contentType: request.http.headers["Content-Type"])
            let (rows, malformed) = try importRows(CSVTable.parse(text))
            let result = try await api.campaign.importVillages(rows, malformedLines: malformed, by: try request.caller)
            return try api.renderer.response(200, ImportView(result))
        },
    ]

    private struct ImportView: Encodable {
        let rows: Int, villages: Int, created: Int, updated: Int, unchanged: Int
        init(_ r: ImportResult) { rows = r.rows; villages = r.villages; created = r.created; updated = r.updated; unchanged = r.unchanged }
    }

    /// The data rows, and the lines that are no row (a wrong number of columns), for the domain to name beside the rest.
    private static func importRows(_ table: [CSVTable.Row]) throws -> ([VillageImportRow], malformed: [Int: String]) {
        guard let header = table.first else { throw DomainError.invalid("body", "文件为空：第一行须为表头 \(csvHeader.joined(separator: ","))") }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard names == csvHeader else {
            // The first column that differs, by itself: the whole line quoted short cut away a last column's typo.
            let column = zip(names, csvHeader).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                ?? min(names.count, csvHeader.count)
            let wanted = column < csvHeader.count ? csvHeader[column] : "（没有这一列）"
            let given = column < header.fields.count ? "“\(echo: header.fields[column])”" : "（缺这一列）"
            throw DomainError.invalid("line 1", "第 1 行表头须为 \(csvHeader.joined(separator: ","))：第 \(column + 1) 列应为 \(wanted)，收到 \(given)")
        }
        var malformed: [Int: String] = [:]
        let rows: [VillageImportRow] = table.dropFirst().compactMap { row in
            guard row.fields.count == csvHeader.count else {
                malformed[row.line] = "应有 \(csvHeader.count) 列，实有 \(row.fields.count) 列"
                return nil
            }
            let f = row.fields.map { $0.trimmingCharacters(in: .whitespaces) }
            return VillageImportRow(line: row.line, unit: f[0], villageID: f[1], villageName: f[2], area: f[3], path: f[4], households: f[5])
        }
        return (rows, malformed)
    }

    /// `ownUnit`: a reporter's unit, which its villages belong to when the body leaves `unit` out (as its reports do).
    /// `paths`: how many paths there are; more targets than that are refused as one mistake before any is read (a
    /// megabyte of them was otherwise named one by one on the WAL writer).
    static func decodeVillage(_ body: JSONFields, pathID: String?, ownUnit: String?, paths: Int = .max) throws -> Village {
        try body.allowOnly(["id", "name", "unit", "area", "targets"])
        let id = try body.string("id", required: pathID == nil) ?? pathID ?? ""
        if let pathID, id != pathID { throw DomainError.invalid("id", "请求体中的 id“\(echo: id)”与路径中的“\(echo: pathID)”不一致") }
        var targets: [String: Int] = [:]
        if let object = try body.object("targets") {
            if object.object.keys.count > paths {
                throw DomainError.invalid("targets", "targets 最多 \(paths) 条路径（见 GET /api/v1/paths），收到 \(object.object.keys.count) 条")
            }
            for key in object.object.keys.sorted() { targets[key] = try object.int(key, required: true) }
        } else {
            throw DomainError.invalid("targets", "缺少必填字段 targets（各路径改造户数）")
        }
        let unit = try body.string("unit", required: ownUnit == nil) ?? ownUnit ?? ""
        return Village(id: id, name: try body.requiredString("name"), unit: unit,
                       area: try body.requiredString("area"), targets: targets)
    }
}
