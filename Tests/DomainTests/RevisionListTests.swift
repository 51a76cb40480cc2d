import Foundation
import Testing
@testable import Domain

/// The paged revision list reads, compares and encodes like the flat array it replaced, across chunk (8) and
/// page (512) boundaries.
@Suite struct RevisionListTests {
    func revision(_ number: Int) -> ReportRevision {
        ReportRevision(revision: number, submittedAt: Date(timeIntervalSince1970: Double(number)), submittedBy: "t",
                       villages: [], fuel: nil, issues: ["\(number)"], nextDayPlan: nil, reporter: nil, correction: nil,
                       warnings: [])
    }

    @Test(arguments: [0, 1, 7, 8, 9, 40, 511, 512, 513, 1100])
    func behavesLikeAnArray(count: Int) throws {
        let flat = (1...max(1, count)).prefix(count).map(revision)
        var list = RevisionList()
        for item in flat { list.append(item) }
        #expect(list.count == count)
        #expect(Array(list) == flat)
        #expect(list.last == flat.last && list.first == flat.first)
        #expect(list.indices.allSatisfy { list[$0] == flat[$0] })
        #expect(list == RevisionList(flat))
        let shared = list
        list.append(revision(99))
        #expect(Array(shared) == flat) // a copy taken before the append does not see it
        let ours = try JSONSerialization.jsonObject(with: JSONEncoder().encode(shared)) as? NSArray
        let theirs = try JSONSerialization.jsonObject(with: JSONEncoder().encode(flat)) as? NSArray
        #expect(ours != nil && ours == theirs)
        #expect(try JSONDecoder().decode(RevisionList.self, from: JSONEncoder().encode(flat)) == shared)
    }
}
