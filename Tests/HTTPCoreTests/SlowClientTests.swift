import Foundation
import Testing
import TestSupport

/// slowhttptest (Debian's package) against a live server with the production timeouts: slow headers
/// (slowloris), slow body (R-U-Dead-Yet) and slow read. Service must stay available throughout, judged both by
/// slowhttptest's own probe and by ours: a normal request every 100 ms on a new connection.
@Suite struct SlowClientTests {
    static let tool = "/usr/bin/slowhttptest"

    @Test(arguments: [
        ["-H", "-u", "/echo"],
        ["-B", "-u", "/echo", "-s", "65536"],
        ["-X", "-u", "/big", "-k", "10", "-n", "1", "-w", "512", "-y", "1024", "-z", "32"],
    ])
    func serviceStaysAvailable(mode: [String]) async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.tool) else {
            Issue.record("slowhttptest is not installed (.ci/run installs it)")
            return
        }
        let server = try TestServer { $0.headerTimeout = 10; $0.bodyTimeout = 30; $0.keepAliveTimeout = 60 }
        var arguments = ["-c", "200", "-r", "100", "-i", "1", "-l", "5", "-p", "5"] // -p: the probe's patience, for a loaded CI machine
        for (index, argument) in mode.enumerated() {
            arguments.append(mode[max(0, index - 1)] == "-u" ? "http://127.0.0.1:\(server.port)\(argument)" : argument)
        }
        // A file, not a pipe: nobody reads until it ends.
        let outputFile = try RepositoryPaths.makeTemporaryFolder("slowhttptest").appendingPathComponent("output.txt")
        let attack = try ChildProcess(executable: Self.tool, arguments: arguments,
                                      environment: ProcessInfo.processInfo.environment,
                                      output: .file(outputFile), error: .file(outputFile))
        let (answered, failures) = try await onDedicatedThread { () -> (Int, [String]) in
            Thread.sleep(forTimeInterval: 1) // let the slow connections open
            var answered = 0
            var failures: [String] = []
            while attack.isRunning {
                do {
                    let probe = try server.client()
                    try probe.send("GET /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    let answer = try probe.readResponse()
                    if answer.status == 200 { answered += 1 } else { failures.append("status \(answer.status)") }
                } catch {
                    failures.append("\(error)")
                }
                Thread.sleep(forTimeInterval: 0.1)
            }
            return (answered, failures)
        }
        let report = try String(contentsOf: outputFile, encoding: .utf8)
            .replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        let connected = report.split(separator: "\n").compactMap { line -> Int? in
            guard line.hasPrefix("connected:") else { return nil }
            return Int(line.dropFirst("connected:".count).trimmingCharacters(in: .whitespaces))
        }
        #expect((connected.max() ?? 0) >= 100, "the attack must really hold connections open:\n\(report)")
        #expect(!report.contains("service available:   NO"), "\(report)")
        #expect(report.contains("service available:   YES"))
        #expect(failures.isEmpty)
        #expect(answered >= 10)
        await server.stop()
    }
}
