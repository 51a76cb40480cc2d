/// Anything that answers requests. The router is one too, so responders compose.
public protocol HTTPResponder: Sendable {
    /// Called when the head is parsed, before any body byte is read (and before `100 Continue` is sent).
    /// A response rejects the request at once: authentication failures never wait for the body.
    func screen(_ head: HTTPRequestHead) async -> HTTPResponse?

    func respond(to request: HTTPRequest) async -> HTTPResponse
}

extension HTTPResponder {
    public func screen(_ head: HTTPRequestHead) async -> HTTPResponse? { nil }
}
