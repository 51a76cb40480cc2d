import API
import Foundation
import Testing
import TestSupport

/// openapi.yaml must describe exactly the routes the server has: no route missing, none invented.
@Suite struct OpenAPIDocumentTests {
    /// `(method, path)` pairs from the document's `paths:` section (two-space path keys, four-space methods).
    func documentedOperations() throws -> Set<String> {
        let text = try String(contentsOf: RepositoryPaths.root.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        var operations: Set<String> = []
        var inPaths = false
        var currentPath: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" { inPaths = true; continue }
            if inPaths, let first = line.first, first != " ", first != "#" { break }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                currentPath = String(line.dropFirst(2).dropLast())
            } else if let path = currentPath, line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":") {
                let method = line.trimmingCharacters(in: .whitespaces).dropLast().uppercased()
                if ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(method) { operations.insert("\(method) \(path)") }
            }
        }
        return operations
    }

    @Test func documentsEveryRouteAndNoOther() throws {
        let served = Set(CleanheatAPI.endpoints(testClock: true).map { "\($0.method) \($0.pattern)" })
        let documented = try documentedOperations()
        #expect(served.count > 30)
        #expect(served.subtracting(documented).sorted() == [], "routes missing from openapi.yaml")
        #expect(documented.subtracting(served).sorted() == [], "openapi.yaml documents routes the server lacks")
    }
}
