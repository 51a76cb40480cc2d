import Testing
@testable import Domain

/// `breaksLines` compares numbers for speed; it must say exactly what the Unicode property says.
@Suite struct LineBreakingCharactersTests {
    @Test func everyScalarAgreesWithItsGeneralCategory() {
        var disagreeing: [UInt32] = []
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue } // surrogates
            let expected = scalar.properties.generalCategory == .control || value == 0x2028 || value == 0x2029
            if scalar.breaksLines != expected { disagreeing.append(value) }
        }
        #expect(disagreeing.isEmpty, "\(disagreeing.prefix(10))")
    }
}
