import Foundation

/// The bulletin as JSON, written by hand with the keys in sorted order. At province scale (1,500 units) the
/// generic JSONEncoder was 60 % of a cold bulletin; this writes the same document (its Encodable form, keys
/// sorted, instants in RFC 3339 with the district's offset) directly. A test holds the two equal.
public enum BulletinJSON {
    public static func render(_ bulletin: Bulletin, time: DistrictTime) -> Data {
        var out = JSONText()
        out.object {
            $0.key("byPath") { out in out.array(bulletin.byPath) { pathLine($0, &$1) } }
            $0.key("byUnit") { out in out.array(bulletin.byUnit) { unitLine($0, &$1) } }
            $0.key("date") { $0.date(bulletin.date) }
            $0.key("deadline") { $0.rfc3339(bulletin.deadline, in: time) }
            $0.key("district") { figures(bulletin.district, &$0) }
            $0.key("generatedAt") { $0.rfc3339(bulletin.generatedAt, in: time) }
            $0.key("issues") { out in out.array(bulletin.issues) { issues($0, &$1) } }
            if let season = bulletin.season { $0.key("season") { $0.string(season) } }
            $0.key("submission") { submission(bulletin.submission, &$0) }
            $0.key("subsidies") { subsidies(bulletin.subsidies, &$0) }
        }
        return Data(out.bytes)
    }

    /// The figures' keys merged in sorted order with a line's own (`extra`, already sorted among themselves).
    private static func figures(_ f: ProgressFigures, _ out: inout JSONText,
                                extra: [(String, (inout JSONText) -> Void)] = []) {
        var fields: [(String, (inout JSONText) -> Void)] = [
            ("accepted", { $0.int(f.accepted) }),
            ("completionRate", { $0.double(f.completionRate) }),
            ("confirmed", { $0.int(f.confirmed) }),
            ("dayChange", { dayChange(f.dayChange, &$0) }),
            ("installed", { $0.int(f.installed) }),
            ("operating", { $0.int(f.operating) }),
            ("planTarget", { out in if let target = f.planTarget { out.int(target) } else { out.null() } }),
            ("rosterTarget", { $0.int(f.rosterTarget) }),
            ("signed", { $0.int(f.signed) }),
        ]
        fields += extra
        fields.sort { $0.0 < $1.0 }
        out.object { object in
            for (name, value) in fields { object.key(name, value) }
        }
    }

    private static func dayChange(_ c: ProgressFigures.DayChange, _ out: inout JSONText) {
        out.object {
            $0.key("accepted") { $0.int(c.accepted) }
            $0.key("confirmed") { $0.int(c.confirmed) }
            $0.key("installed") { $0.int(c.installed) }
            $0.key("operating") { $0.int(c.operating) }
            $0.key("signed") { $0.int(c.signed) }
        }
    }

    private static func pathLine(_ line: Bulletin.PathLine, _ out: inout JSONText) {
        figures(line.figures, &out, extra: [
            ("name", { $0.string(line.name) }),
            ("path", { $0.string(line.path) }),
        ])
    }

    private static func unitLine(_ line: Bulletin.UnitLine, _ out: inout JSONText) {
        figures(line.figures, &out, extra: [
            ("correction", { out in
                guard let correction = line.correction else { return out.null() }
                out.object {
                    $0.key("revision") { $0.int(correction.revision) }
                    $0.key("text") { $0.string(correction.text) }
                }
            }),
            ("review", { out in
                guard let review = line.review else { return out.null() }
                out.object {
                    $0.key("note") { out in if let note = review.note { out.string(note) } else { out.null() } }
                    $0.key("state") { $0.string(review.state.rawValue) }
                }
            }),
            ("lastReportDate", { out in if let date = line.lastReportDate { out.date(date) } else { out.null() } }),
            ("name", { $0.string(line.name) }),
            ("rank", { $0.int(line.rank) }),
            ("stale", { $0.bool(line.stale) }),
            ("status", { $0.string(line.status) }),
            ("unit", { $0.string(line.unit) }),
        ])
    }

    private static func issues(_ entry: Bulletin.UnitIssues, _ out: inout JSONText) {
        out.object {
            $0.key("issues") { out in out.array(entry.issues) { $1.string($0) } }
            $0.key("name") { $0.string(entry.name) }
            $0.key("unit") { $0.string(entry.unit) }
        }
    }

    private static func submission(_ s: Bulletin.Submission, _ out: inout JSONText) {
        func group(_ g: Bulletin.Submission.Group, _ out: inout JSONText) {
            out.object {
                $0.key("count") { $0.int(g.count) }
                $0.key("units") { out in
                    out.array(g.units) { unit, out in
                        out.object {
                            $0.key("id") { $0.string(unit.id) }
                            $0.key("name") { $0.string(unit.name) }
                        }
                    }
                }
            }
        }
        out.object {
            $0.key("exempt") { group(s.exempt, &$0) }
            $0.key("expected") { group(s.expected, &$0) }
            $0.key("late") { group(s.late, &$0) }
            $0.key("missing") { group(s.missing, &$0) }
            $0.key("onTime") { group(s.onTime, &$0) }
        }
    }

    private static func subsidies(_ s: Bulletin.Subsidies, _ out: inout JSONText) {
        out.object {
            $0.key("byPath") { out in
                out.array(s.byPath) { line, out in
                    out.object {
                        $0.key("acceptedHouseholds") { $0.int(line.acceptedHouseholds) }
                        $0.key("central") { out in if let amount = line.central { out.int(amount) } else { out.null() } }
                        $0.key("city") { out in if let amount = line.city { out.int(amount) } else { out.null() } }
                        $0.key("name") { $0.string(line.name) }
                        $0.key("path") { $0.string(line.path) }
                    }
                }
            }
            $0.key("centralTotal") { $0.int(s.centralTotal) }
            $0.key("cityTotal") { $0.int(s.cityTotal) }
            $0.key("unsetPaths") { out in out.array(s.unsetPaths) { $1.string($0) } }
        }
    }
}
