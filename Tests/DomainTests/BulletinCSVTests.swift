import Testing
@testable import Domain

/// CSV cells as Excel reads them: RFC 4180 quoting, and no text taken for a formula (OWASP CSV injection).
@Suite struct BulletinCSVTests {
    @Test(arguments: [
        ("下团堡乡", "下团堡乡"),
        ("-5", "-5"), // a negative day change stays a number
        ("12.5%", "12.5%"),
        ("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("+86 138", "'+86 138"),
        ("-增容", "'-增容"),
        ("\tx", "'\tx"),
        ("南城,北城", "\"南城,北城\""),
        ("第一行\n第二行", "\"第一行\n第二行\""),
    ])
    func cellsAreQuotedAndNeverFormulas(field: String, cell: String) {
        #expect(BulletinCSV.quote(field) == cell)
    }
}
