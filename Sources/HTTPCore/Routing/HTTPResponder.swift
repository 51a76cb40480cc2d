/// Anything that answers requests. The router is one too, so responders compose.
public protocol HTTPResponder: Sendable {
    /// Called when the head is parsed, before any body byte is read (and before `100 Continue` is sent).
    /// A refusal answers at once: authentication failures never wait for the body.
    func screen(_ head: HTTPRequestHead) async -> Screening

    func respond(to request: HTTPRequest) async -> HTTPResponse
}

extension HTTPResponder {
    public func screen(_ head: HTTPRequestHead) async -> Screening { .proceed(context: nil) }
}

/// What screening a request's head decided.
public enum Screening: Sendable {
    /// Read the body and call `respond`. `context` (what screening learned, e.g. who is asking and which route
    /// matched) reaches it as `HTTPRequest.screening`, so it is not worked out twice.
    case proceed(context: (any Sendable)?)
    /// Answer this at once; the body is never read.
    case refuse(HTTPResponse)
}
