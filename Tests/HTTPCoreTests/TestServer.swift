import Foundation
import Logging
@testable import HTTPCore

/// A responder for wire tests: `/echo` says what it received, `/big` answers 4 KiB of JSON, `/slow` takes
/// half a second, `/held` waits until the test opens its gate; a bearer token "bad" is refused at screening.
struct EchoResponder: HTTPResponder {
    var router: Router

    init(gate: Gate = Gate()) {
        var router = Router()
        router.add("GET", "/echo") { request, _ in Self.echo(request) }
        router.add("POST", "/echo") { request, _ in Self.echo(request) }
        router.add("GET", "/big") { _, _ in
            .json(200, Data(("{\"items\":[" + (0..<200).map { "\"item-\(String(format: "%04d", $0))\"" }.joined(separator: ",") + "]}").utf8))
        }
        router.add("GET", "/slow") { _, _ in
            try? await Task.sleep(for: .milliseconds(500))
            return .text(200, "slow")
        }
        router.add("GET", "/held") { _, _ in
            await gate.pass()
            return .text(200, "held")
        }
        self.router = router
    }

    static func echo(_ request: HTTPRequest) -> HTTPResponse {
        let trailers = request.trailers.map { "\($0.name)=\($0.value)" }.joined(separator: ";")
        return .text(200, "\(request.method) \(request.head.target) \(request.body.count) \(trailers)")
    }

    func screen(_ head: HTTPRequestHead) async -> Screening {
        head.headers["Authorization"] == "Bearer bad"
            ? .refuse(.error(401, code: "unauthorized", message: "令牌无效", headers: HTTPFields(["WWW-Authenticate": "Bearer"])))
            : .proceed(context: "screened \(head.path)")
    }

    func respond(to request: HTTPRequest) async -> HTTPResponse {
        // What screening learned reaches the handler (the echo routes show it).
        guard request.screening as? String == "screened \(request.path)" else {
            return .text(500, "screening context lost")
        }
        return await router.respond(to: request)
    }
}

/// Holds `/held` requests until the test opens it, so a test can act while a request is surely in flight.
final class Gate: @unchecked Sendable {
    private let lock = NSLock()
    private var opened = false
    private var waiting = 0

    func open() { lock.withLock { opened = true } }
    var waitingCount: Int { lock.withLock { waiting } }

    func pass() async {
        lock.withLock { waiting += 1 }
        while !lock.withLock({ opened }) { try? await Task.sleep(for: .milliseconds(5)) }
    }

    /// Waits until `count` requests are held (or two seconds pass).
    func waitForHeld(_ count: Int) async {
        for _ in 0..<400 where waitingCount < count { try? await Task.sleep(for: .milliseconds(5)) }
    }
}

/// A live server on a free port with short timeouts, for one test.
final class TestServer: @unchecked Sendable {
    let server: HTTPServer
    let port: Int
    let gate = Gate()

    init(_ configure: (inout HTTPServerConfiguration) -> Void = { _ in }) throws {
        var configuration = HTTPServerConfiguration()
        configuration.port = 0
        configuration.headerTimeout = 1
        configuration.bodyTimeout = 1
        configuration.keepAliveTimeout = 1
        configuration.shutdownGrace = 2
        configure(&configuration)
        server = HTTPServer(configuration: configuration, responder: EchoResponder(gate: gate), logger: Logger(label: "test"))
        port = try server.start()
    }

    func client() throws -> RawHTTPClientAlias { try RawHTTPClientAlias(port: port) }

    func stop() async { await server.shutdown() }
}

import TestSupport
typealias RawHTTPClientAlias = RawHTTPClient
