import Foundation
import Logging
import Testing
import TestSupport
@testable import HTTPCore

@Suite struct ServerLifecycleTests {
    @Test func gracefulShutdownFinishesRequestsInFlightAndRefusesNewOnes() async throws {
        // A grace far beyond a loaded CI machine's delays: the poll below for isStopping can wake seconds late.
        let server = try TestServer { $0.keepAliveTimeout = 10; $0.headerTimeout = 10; $0.shutdownGrace = 60 }
        let busy = try server.client()
        try busy.send("GET /held HTTP/1.1\r\nHost: x\r\n\r\n")
        await server.gate.waitForHeld(1)
        let idle = try server.client()
        try idle.send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n")
        _ = try idle.readResponse()
        let stopping = Task { await server.stop() }
        while !server.server.isStopping { try await Task.sleep(for: .milliseconds(5)) }
        // Idle keep-alive connections close as soon as draining begins; the held request is still in flight.
        #expect(idle.isClosed())
        server.gate.open()
        let answer = try busy.readResponse()
        #expect(answer.status == 200)
        #expect(answer.text == "held")
        #expect(answer.header("Connection") == "close")
        await stopping.value
        #expect(throws: (any Error).self) {
            let late = try RawHTTPClient(port: server.port)
            try late.send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n")
            _ = try late.readResponse()
        }
    }

    /// Each connection runs its handlers on one task of its own, for all its requests, ended when it closes.
    @Test func aConnectionsHandlerTaskServesAllItsRequestsAndEndsWithIt() async throws {
        let server = try TestServer { $0.keepAliveTimeout = 10; $0.headerTimeout = 10 }
        var clients: [RawHTTPClient] = []
        for _ in 0..<5 {
            let client = try server.client()
            for _ in 0..<3 {
                try client.send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try client.readResponse().status == 200)
            }
            clients.append(client)
        }
        // Pipelined: the next request is read while the task still finishes the one before.
        try clients[0].send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\nGET /echo HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try clients[0].readResponse().status == 200)
        #expect(try clients[0].readResponse().status == 200)
        #expect(server.server.handlerTasks == 5, "one task per connection, not per request")
        clients.removeAll() // closed
        #expect(try await eventually { server.server.handlerTasks == 0 }, "a closed connection's task ended")
        await server.stop()
    }

    @Test func threeHundredIdleConnectionsDoNotStarveANormalRequest() async throws {
        let server = try TestServer { $0.headerTimeout = 10; $0.keepAliveTimeout = 10 }
        var idle: [RawHTTPClient] = []
        for index in 0..<300 {
            let client = try server.client()
            if index % 2 == 0 { try client.send("GET /echo HTTP/1.1\r\nHost: x\r\nX-Half: ") } // half-sent heads
            idle.append(client)
        }
        let client = try server.client()
        try client.send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponse().status == 200)
        #expect(idle.count == 300)
        await server.stop()
    }

    @Test func tlsServesHTTPSAndDropsPlainHTTP() async throws {
        let folder = try RepositoryPaths.makeTemporaryFolder("cleanheat-tls")
        let cert = folder.appendingPathComponent("cert.pem").path, key = folder.appendingPathComponent("key.pem").path
        let made = try Shell.run("openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 -keyout '\(key)' -out '\(cert)' 2>&1")
        #expect(made.status == 0)
        // Victims idle between their two asks: a slow Python process on a loaded machine must not meet a timeout.
        let server = try TestServer {
            $0.tls = TLSConfiguration(certificatePath: cert, privateKeyPath: key)
            $0.keepAliveTimeout = 60
            $0.headerTimeout = 30
        }
        let https = try Shell.run("curl -sS --cacert '\(cert)' https://localhost:\(server.port)/echo")
        #expect(https.status == 0, "\(https.error)")
        #expect(https.output == "GET /echo 0 ")
        let old = try Shell.run("curl -sS --tlsv1.1 --tls-max 1.1 -k https://localhost:\(server.port)/echo")
        #expect(old.status != 0)
        // TLS 1.2 without forward secrecy (RSA key exchange, CBC): refused; with it, served.
        let weak = try Shell.run("curl -sS --tls-max 1.2 --ciphers AES128-SHA -k https://localhost:\(server.port)/echo")
        #expect(weak.status != 0, "\(weak.output)")
        let strong = try Shell.run("curl -sS --tls-max 1.2 --ciphers ECDHE-RSA-AES128-GCM-SHA256 -k https://localhost:\(server.port)/echo")
        #expect(strong.status == 0 && strong.output == "GET /echo 0 ", "\(strong.error)")
        let plain = try server.client()
        try plain.send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(plain.isClosed(within: 3))

        // Clients that connect and leave without a handshake (a port scan, a TCP health check) must not break
        // established connections on the same loops: OpenSSL's per-thread error queue once carried their
        // failed shutdown into the next read, which then looked like a closed connection.
        let script = folder.appendingPathComponent("poison.py")
        try Data("""
            import socket, ssl, sys, time
            port = int(sys.argv[1])
            ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
            def ask(s):
                s.sendall(b'GET /echo HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n')
                data = b''
                while b'GET /echo 0 ' not in data:
                    chunk = s.recv(4096)
                    if not chunk: return 'closed'
                    data += chunk
                return 'close' if b'Connection: close' in data else 'kept'
            victims = [ctx.wrap_socket(socket.create_connection(('127.0.0.1', port))) for _ in range(8)]
            print([ask(v) for v in victims])
            for _ in range(8):
                p = socket.create_connection(('127.0.0.1', port)); time.sleep(0.05); p.close()
            time.sleep(0.2)
            print([ask(v) for v in victims])
            """.utf8).write(to: script)
        let poisoned = try Shell.run("python3 '\(script.path)' \(server.port)")
        let kept = "['kept', 'kept', 'kept', 'kept', 'kept', 'kept', 'kept', 'kept']"
        #expect(poisoned.output == kept + "\n" + kept + "\n", "\(poisoned.output) \(poisoned.error)")
        await server.stop()
    }

    @Test func curlUploadsAsAReporterWould() async throws {
        let server = try TestServer { $0.headerTimeout = 30; $0.bodyTimeout = 30; $0.keepAliveTimeout = 30 }
        let folder = try RepositoryPaths.makeTemporaryFolder("cleanheat-curl")
        let file = folder.appendingPathComponent("report.json")
        try Data(("{\"pad\":\"" + String(repeating: "x", count: 5_000) + "\"}").utf8).write(to: file)
        // curl, when it sends Expect: 100-continue, waits (here told 30 s) for it: the server must send it at once.
        let started = Date()
        let plain = try Shell.run("curl -sS --expect100-timeout 30 -H 'Content-Type: application/json' -d @'\(file.path)' http://127.0.0.1:\(server.port)/echo")
        #expect(plain.output == "POST /echo 5010 ")
        // Had curl waited out its Expect timeout, this alone would take 30 s; a loaded machine takes a few at most.
        #expect(Date().timeIntervalSince(started) < 15)
        let expecting = try Shell.run("curl -sS -v -H 'Expect: 100-continue' -H 'Content-Type: application/json' -d @'\(file.path)' http://127.0.0.1:\(server.port)/echo")
        #expect(expecting.output == "POST /echo 5010 ")
        #expect(expecting.error.contains("HTTP/1.1 100 Continue"))
        let chunked = try Shell.run("printf 'hello chunks' | curl -sS -T - http://127.0.0.1:\(server.port)/echo -X POST")
        #expect(chunked.output == "POST /echo 12 ")
        let compressed = try Shell.run("curl -sS --compressed -D - http://127.0.0.1:\(server.port)/big")
        #expect(compressed.output.lowercased().contains("content-encoding: gzip"))
        #expect(compressed.output.contains("\"item-0199\""))
        await server.stop()
    }
}
