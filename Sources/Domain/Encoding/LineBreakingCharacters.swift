extension Unicode.Scalar {
    /// A control character (Cc: C0, DEL, C1) or the Unicode line or paragraph separator: what can break a line
    /// of text or hide in it. Names and titles refuse them; the chat bulletin and the access log print them
    /// harmlessly.
    public var breaksLines: Bool {
        properties.generalCategory == .control || value == 0x2028 || value == 0x2029
    }
}
