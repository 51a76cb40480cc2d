extension Unicode.Scalar {
    /// A control character (Cc: C0, DEL, C1) or the Unicode line or paragraph separator: what can break a line
    /// of text or hide in it. Names and titles refuse them; the chat bulletin and the access log print them
    /// harmlessly.
    public var breaksLines: Bool {
        // Cc is exactly U+0000–001F and U+007F–009F, and stays so (Unicode's stability policy); compared as
        // numbers, since the access log asks this of every request's path and the property lookup cost more.
        value < 0x20 || (0x7F...0x9F).contains(value) || value == 0x2028 || value == 0x2029
    }
}
