import Dispatch
import Foundation

/// From a parsed head to a written answer: screening, `100 Continue`, the body, the handler, errors.
extension Connection {
    func screen(_ parsed: ParsedHead) {
        phase = .busy
        loop.noteRequestProgress()
        disarm()
        // A declared body over the limit is refused before anything else, without reading it.
        if case .length(let length) = parsed.framing, length > configuration.maxBodyBytes {
            fail(.bodyTooLarge(limit: configuration.maxBodyBytes), head: parsed.head)
            return
        }
        let responder = self.responder
        let head = parsed.head
        if let body = bodyAlreadyHere(parsed) {
            // Nothing left to read (no body, or all of it came with the head, as from most clients): screen and
            // answer in one go. A refusal keeps the connection, its body being read.
            runHandler {
                let response: HTTPResponse
                switch await responder.screen(head) {
                case .refuse(let refusal): response = refusal
                case .proceed(let context): response = await responder.respond(to: HTTPRequest(head: head, body: body, screening: context))
                }
                self.loop.run { self.send(response, for: parsed, keepAlive: parsed.keepAlive) }
            }
            return
        }
        runHandler {
            let screening = await responder.screen(head)
            self.loop.run { self.screened(parsed, screening) }
        }
    }

    /// The request's whole body when no more of it is to be read: empty without one, taken from the buffer when
    /// all of a `Content-Length` body is there and no `100 Continue` is awaited. Nil otherwise.
    private func bodyAlreadyHere(_ parsed: ParsedHead) -> Data? {
        switch parsed.framing {
        case .none:
            return Data()
        case .length(let length) where !parsed.expectContinue && buffer.count >= length:
            // Copied as one block: `Data(buffer[0..<length])` went through the generic sequence path, four
            // allocations for a 600-byte body.
            let body = buffer.withUnsafeBufferPointer { Data(buffer: UnsafeBufferPointer(rebasing: $0[0..<length])) }
            buffer.removeFirst(length)
            return body
        default:
            return nil
        }
    }

    private func screened(_ parsed: ParsedHead, _ screening: Screening) {
        guard !isClosed(phase) else { return }
        var parsed = parsed
        switch screening {
        case .refuse(let refusal):
            // The body was never read, so the connection cannot be reused.
            send(refusal, for: parsed, keepAlive: false)
            return
        case .proceed(let context):
            parsed.screening = context
        }
        if parsed.expectContinue {
            // RFC 9110 §10.1.1: the client waits for this before sending the body.
            enqueue(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8), then: nil)
        }
        switch parsed.framing {
        case .length(let length):
            phase = .body(parsed, remaining: length, received: [])
        case .chunked:
            phase = .chunked(parsed, ChunkedBodyDecoder(maxBodyBytes: configuration.maxBodyBytes, maxTrailerBytes: configuration.maxHeaderBytes,
                                                           maxTrailerFields: configuration.maxHeaderCount))
        case .none:
            dispatch(HTTPRequest(head: parsed.head, screening: parsed.screening), parsed: parsed)
            return
        }
        bodyStarted = DispatchTime.now()
        arm(configuration.bodyTimeout)
        resumeReading()
        process()
    }

    /// The body's deadline: `bodyTimeout` after it began, plus 1/rate s per byte received, so that only a body
    /// slower than the minimum rate on average times out (re-arming on any progress let a trickle live for ever).
    func extendBodyDeadline(received: Int) {
        deadline = bodyStarted + configuration.bodyTimeout + Double(received) / max(configuration.bodyMinimumBytesPerSecond, 1)
    }

    func dispatch(_ request: HTTPRequest, parsed: ParsedHead) {
        phase = .busy
        disarm()
        let responder = self.responder
        runHandler {
            let response = await responder.respond(to: request)
            self.loop.run { self.send(response, for: parsed, keepAlive: parsed.keepAlive) }
        }
    }

    /// Runs `work` on the connection's one task, which lives as long as the connection and runs its handlers one
    /// request at a time: a task made per request (its creation, executor preference and first allocations) cost
    /// more than that.
    private func runHandler(_ work: @escaping HandlerWork) {
        if let idle = idleHandlerTask {
            idleHandlerTask = nil
            idle.resume(returning: work)
            return
        }
        // The task is still finishing the handler before (a pipelined request was read as it answered): it takes
        // this one next. Or there is no task yet.
        nextHandler = work
        guard !handlerTaskStarted else { return }
        handlerTaskStarted = true
        server.handlerTaskBegan()
        // The server weakly: the task may end after the server is gone (a connection released at its shutdown).
        Task(executorPreference: loop) { [weak server = self.server] in
            await self.serveHandlers()
            server?.handlerTaskEnded()
        }
    }

    /// The connection task's body, in a function of its own that runs on its caller's executor (nonisolated(nonsending),
    /// the package's default): in the task's closure it made one more executor check per request (`swift_task_switch`,
    /// counted by a uprobe: 9 per report POST, 8 this way).
    private func serveHandlers() async {
        while let work = await nextHandlerWork() { await work() }
    }

    private func nextHandlerWork() async -> HandlerWork? {
        // A pipelined request already waits: back through the loop's queue first, as a new task's first job would
        // go. Taken at once, a client pipelining a megabyte of requests kept its loop from every other socket.
        if nextHandler != nil { await Task.yield() }
        return await withUnsafeContinuation { continuation in
            loop.run {
                if let work = self.nextHandler {
                    self.nextHandler = nil
                    continuation.resume(returning: work)
                } else if self.released {
                    continuation.resume(returning: nil)
                } else {
                    self.idleHandlerTask = continuation
                }
            }
        }
    }

    /// On release: the connection's task ends (after a handler already handed to it, which runs as it always did;
    /// its answer goes nowhere).
    func endHandlerTask() {
        idleHandlerTask?.resume(returning: nil)
        idleHandlerTask = nil
    }

    /// Answers a request that could not be read, then closes.
    func fail(_ error: HTTPParseError, head: HTTPRequestHead? = nil) {
        // A body's failure (timeout, bad chunk) is logged under the request it belongs to, not as "- -".
        var bodyHead: HTTPRequestHead? {
            switch phase {
            case .body(let parsed, _, _), .chunked(let parsed, _): parsed.head
            default: nil
            }
        }
        let head = head ?? bodyHead ?? HTTPRequestHead(method: leadingMethod() ?? "-", target: "-", remoteAddress: remoteAddress)
        phase = .busy
        disarm()
        let response = HTTPResponse.error(error.status, code: error.code, message: error.message)
        write(response, head: head, keepAlive: false, answeredByServer: true)
    }

    /// The method a refused head began with, when it is one (a request line too long, too many fields): the log
    /// and the metrics then say GET, not "-".
    private func leadingMethod() -> String? {
        var start = 0
        while start < buffer.count, buffer[start] == 13 || buffer[start] == 10 { start += 1 } // empty lines before it
        guard let space = buffer[start..<min(buffer.count, start + 21)].firstIndex(of: ByteClasses.sp), space > start,
              buffer[start..<space].allSatisfy({ ByteClasses.token[Int($0)] }) else { return nil }
        return String(decoding: buffer[start..<space], as: UTF8.self)
    }

    func send(_ response: HTTPResponse, for parsed: ParsedHead, keepAlive: Bool) {
        guard !isClosed(phase) else { return }
        // A client that half-closed after pipelining still gets an answer to every request it sent: the
        // connection closes after the answer to the last one buffered. (An empty line after a body, which old
        // clients add, is no request.)
        write(response, head: parsed.head, keepAlive: keepAlive && !shutdownBegun.isSet && (!peerClosed || !holdsOnlyEmptyLines))
    }

    private func write(_ response: HTTPResponse, head: HTTPRequestHead, keepAlive: Bool, answeredByServer: Bool = false) {
        var response = response
        compressIfAccepted(&response, head: head)
        let bytes = ResponseSerializer.serialize(response, headOnly: head.method == "HEAD", keepAlive: keepAlive,
                                                 announceKeepAlive: head.version == .http10)
        let elapsed = ContinuousClock.now - requestStarted
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        var record = AccessRecord(method: head.method, target: head.target, status: response.status,
                                  bytes: response.body.count, duration: seconds, remoteAddress: remoteAddress)
        record.answeredByServer = answeredByServer
        observer?.requestCompleted(record)
        loop.noteRequestProgress()
        enqueue(bytes) { [weak self] in
            guard let self else { return }
            if keepAlive {
                self.phase = .head
                self.headTriedUpTo = 0
                // Empty lines after a body (old clients send a CRLF) begin no request (RFC 9112 §2.2): still idle.
                self.arm(self.holdsOnlyEmptyLines ? self.configuration.keepAliveTimeout : self.configuration.headerTimeout)
                self.headDeadlineArmed = !self.holdsOnlyEmptyLines
                self.resumeReading()
                self.process()
            } else {
                self.close(lingering: true)
            }
        }
    }

    private func compressIfAccepted(_ response: inout HTTPResponse, head: HTTPRequestHead) {
        guard response.body.count >= configuration.compressionMinBytes, response.status != 204, response.status != 304,
              response.headers["Content-Encoding"] == nil else { return }
        // A route's own Vary (the bulletin varies by Accept) is kept.
        response.headers["Vary"] = response.headers["Vary"].map { $0 + ", Accept-Encoding" } ?? "Accept-Encoding"
        guard Gzip.accepted(by: head.headers.list("Accept-Encoding")), let compressed = Gzip.compress(response.body),
              compressed.count < response.body.count else { return }
        response.body = compressed
        response.headers["Content-Encoding"] = "gzip"
    }
}
