import Dispatch
import Foundation

/// Reading: the socket into the buffer, and the state machine over what is buffered (head, body, chunks).
extension Connection {
    /// `toTheEnd`: read until the socket says "would block" or "closed" even after a short read, so that a
    /// request sent together with the client's FIN is answered knowing the client is gone (`Connection: close`,
    /// released at once).
    func readAvailable(toTheEnd: Bool = false) {
        guard case let phase = phase, !isClosed(phase) else { return }
        // Full already (pipelined requests waiting behind an answer the client does not read): read nothing more.
        if buffer.count > maxBufferedBytes {
            suspendReading()
            return
        }
        let chunk = loop.readBuffer
        var progressed = false
        readLoop: while true {
            switch transport.read(into: chunk) {
            case .bytes(let count):
                buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[0..<count]))
                progressed = true
                if buffer.count > maxBufferedBytes {
                    suspendReading()
                    break readLoop
                }
                if count < chunk.count && transport.shortReadDrains && !toTheEnd { break readLoop }
            case .wouldBlock:
                break readLoop
            case .wantsWritable:
                readWaitsForWritable = true
                updateInterest()
                break readLoop
            case .wantsReadable, .closed:
                peerClosed = true
                suspendReading()
                break readLoop
            }
        }
        if progressed { process() }
        guard peerClosed else { return }
        // The client ended its side mid-request: say so (it may still read), then close.
        switch self.phase {
        case .head: peerEndedDuringHead()
        case .body, .chunked: fail(.bad("请求体不完整，对方已结束发送"))
        case .busy, .closed: break
        }
    }

    /// Whether parsing the head again could tell more than last time: a line has ended since (the parser's
    /// answer changes only then), or 4 KiB came without one (a line may have passed its limit). Parsing from the
    /// start on every read made a head trickled in byte by byte cost quadratic time: a few such clients pinned
    /// both cores.
    private func headWorthParsing() -> Bool {
        guard headTriedUpTo > 0, headTriedUpTo <= buffer.count else { return true }
        return buffer.count - headTriedUpTo >= 4096 || buffer[headTriedUpTo...].contains(ByteClasses.lf)
    }

    /// Nothing but CR and LF: no request begun (old clients send an empty line after a body).
    var holdsOnlyEmptyLines: Bool { buffer.allSatisfy { $0 == ByteClasses.cr || $0 == ByteClasses.lf } }

    /// The client ended its side while the next head was due: nothing begun closes quietly, a part of a head is 400.
    private func peerEndedDuringHead() {
        if holdsOnlyEmptyLines { close() } else { fail(.bad("请求头不完整，对方已结束发送")) }
    }

    func suspendReading() {
        guard !readSuspended else { return }
        readSuspended = true
        updateInterest()
    }

    /// Not while the buffer is over its cap: each answer to a client that reads slowly or not at all let another
    /// 64 KiB in, and such a client grew one connection's buffer by tens of megabytes a second.
    func resumeReading() {
        guard readSuspended, !peerClosed, buffer.count <= maxBufferedBytes else { return }
        readSuspended = false
        updateInterest()
    }

    func isClosed(_ phase: Phase) -> Bool {
        if case .closed = phase { return true }
        return false
    }

    /// Advances the state machine over buffered bytes as far as it can.
    func process() {
        while true {
            switch phase {
            case .head:
                guard !buffer.isEmpty else { return }
                if draining && !drainAdmitsOneRequest { close(); return }
                let parser = RequestHeadParser(maxRequestLineBytes: configuration.maxRequestLineBytes,
                                               maxHeaderBytes: configuration.maxHeaderBytes,
                                               maxHeaderCount: configuration.maxHeaderCount)
                let parsed: ParsedHead?
                do {
                    if headWorthParsing() {
                        parsed = try parser.parse(buffer, from: 0, remoteAddress: remoteAddress)
                        // Marked only when the parser ran: a skipped read moving the mark let a line without LF,
                        // sent in pieces under 4 KiB, grow past its limit unparsed (no 414/431).
                        if parsed == nil { headTriedUpTo = buffer.count }
                    } else {
                        parsed = nil
                    }
                } catch let error as HTTPParseError {
                    fail(error)
                    return
                } catch {
                    fail(.bad("无法解析"))
                    return
                }
                guard let parsed else {
                    if peerClosed { peerEndedDuringHead(); return }
                    // Empty lines alone begin no request (RFC 9112 §2.2): the connection is still idle.
                    if !headDeadlineArmed && !holdsOnlyEmptyLines {
                        arm(configuration.headerTimeout)
                        headDeadlineArmed = true
                    }
                    return
                }
                headDeadlineArmed = false
                headTriedUpTo = 0
                buffer.removeFirst(parsed.consumed)
                drainAdmitsOneRequest = false
                requestStarted = ContinuousClock.now
                screen(parsed)
                return
            case .body(let head, let remaining, var received):
                // The phase lets go of the body first, so that appending does not copy it (which made a body
                // sent in many small pieces cost quadratic time).
                phase = .busy
                let take = min(remaining, buffer.count)
                received.append(contentsOf: buffer[0..<take])
                buffer.removeFirst(take)
                if take == remaining {
                    dispatch(HTTPRequest(head: head.head, body: Data(received), screening: head.screening), parsed: head)
                    return
                }
                phase = .body(head, remaining: remaining - take, received: received)
                if peerClosed { fail(.bad("请求体不完整，对方已结束发送")); return }
                extendBodyDeadline(received: received.count)
                resumeReading()
                return
            case .chunked(let head, var decoder):
                phase = .busy // as for .body: the decoder's body is not copied by the append
                do {
                    let used = try decoder.consume(buffer, from: 0)
                    buffer.removeFirst(used)
                    if decoder.isDone {
                        dispatch(HTTPRequest(head: head.head, body: Data(decoder.body), trailers: decoder.trailers, screening: head.screening),
                                 parsed: head)
                        return
                    }
                    phase = .chunked(head, decoder)
                    if peerClosed { fail(.bad("请求体不完整，对方已结束发送")); return }
                    extendBodyDeadline(received: decoder.wireBytes)
                    resumeReading()
                } catch let error as HTTPParseError {
                    fail(error, head: head.head)
                } catch {
                    fail(.bad("分块格式错误"), head: head.head)
                }
                return
            case .busy, .closed:
                return
            }
        }
    }
}
