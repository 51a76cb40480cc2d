import Foundation
import Testing
@testable import API

@Suite struct CSVTableTests {
    @Test func quotedFieldsDoubledQuotesAndLineNumbers() throws {
        let rows = try CSVTable.parse("a,b\r\n\"x,1\",\"say \"\"hi\"\"\"\r\n\r\nlast,row")
        #expect(rows.map(\.line) == [1, 2, 4])
        #expect(rows[1].fields == ["x,1", "say \"hi\""])
        #expect(rows[2].fields == ["last", "row"])
    }

    /// Excel saves cells that were touched and cleared as rows of empty cells: like empty lines, they are no rows.
    @Test func rowsOfEmptyCellsAreSkipped() throws {
        let rows = try CSVTable.parse("a,b\r\n1,2\r\n,\r\n , \r\n3,4\r\n")
        #expect(rows.map(\.line) == [1, 2, 5])
    }

    @Test func unclosedQuoteNamesItsLine() {
        #expect(throws: (any Error).self) { try CSVTable.parse("a,b\n\"open,1\n") }
    }

    @Test func gb18030IsDetectedWhenNotUTF8() throws {
        // "南村" in GB18030.
        let bytes = Data([0xC4, 0xCF, 0xB4, 0xE5])
        #expect(try TextDecoding.decode(bytes, contentType: "text/csv") == "南村")
        #expect(try TextDecoding.decode(bytes, contentType: "text/csv; charset=GBK") == "南村")
        #expect(try TextDecoding.decode(Data([0xEF, 0xBB, 0xBF]) + Data("南村".utf8), contentType: "text/csv") == "南村")
    }
}
