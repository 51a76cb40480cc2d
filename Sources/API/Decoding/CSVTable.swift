import Domain

/// RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF line ends. Rows carry their line numbers.
enum CSVTable {
    struct Row {
        let line: Int
        let fields: [String]
    }

    static func parse(_ text: String) throws -> [Row] {
        var rows: [Row] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var line = 1
        var rowLine = 1
        var iterator = Array(text.unicodeScalars)[...]
        func endRow() {
            fields.append(field)
            field = ""
            // An empty line, or a row of empty cells (`,,,,,`: Excel writes one for cells touched and cleared), is
            // no row.
            if !fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { rows.append(Row(line: rowLine, fields: fields)) }
            fields = []
        }
        while let scalar = iterator.popFirst() {
            if inQuotes {
                if scalar == "\"" {
                    if iterator.first == "\"" { field.unicodeScalars.append("\""); iterator.removeFirst() } else { inQuotes = false }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where field.isEmpty: inQuotes = true
            case ",": fields.append(field); field = ""
            case "\r" where iterator.first == "\n": continue
            case "\n", "\r":
                endRow()
                line += 1
                rowLine = line
            default: field.unicodeScalars.append(scalar)
            }
        }
        if inQuotes { throw DomainError.invalid("line \(rowLine)", "第 \(rowLine) 行：引号未闭合") }
        if !field.isEmpty || !fields.isEmpty { endRow() }
        return rows
    }
}
