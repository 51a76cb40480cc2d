import Foundation

/// Turns a response value into wire bytes: status line, the handler's fields, then the framing and
/// connection fields the server owns (RFC 9112 §6, §9.6).
enum ResponseSerializer {
    /// `announceKeepAlive`: an HTTP/1.0 client that asked to keep the connection assumes it closes unless told
    /// otherwise (RFC 9112 §9.3, Appendix C.2.2), and would wait for an end that never comes.
    static func serialize(_ response: HTTPResponse, headOnly: Bool, keepAlive: Bool, announceKeepAlive: Bool = false) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256 + (headOnly ? 0 : response.body.count))
        // Digits and literals appended as bytes: interpolated strings here were a tenth of serializing.
        bytes += "HTTP/1.1 ".utf8
        appendDecimal(response.status, to: &bytes)
        bytes.append(0x20)
        bytes += reason(response.status).utf8
        bytes += "\r\n".utf8
        for field in response.headers where !isServerOwned(field.name) {
            bytes += field.name.utf8
            bytes += ": ".utf8
            bytes += field.value.utf8
            bytes += "\r\n".utf8
        }
        bytes += "Date: ".utf8
        bytes += HTTPDate.now().utf8
        bytes += "\r\n".utf8
        // 1xx, 204 and 304 carry no Content-Length (RFC 9110 §8.6).
        if response.status != 204 && response.status != 304 && response.status >= 200 {
            bytes += "Content-Length: ".utf8
            appendDecimal(response.body.count, to: &bytes)
            bytes += "\r\n".utf8
        }
        if !keepAlive {
            bytes += "Connection: close\r\n".utf8
        } else if announceKeepAlive {
            bytes += "Connection: keep-alive\r\n".utf8
        }
        bytes += "\r\n".utf8
        if !headOnly && response.status != 204 && response.status != 304 { bytes += response.body }
        return bytes
    }

    private static func appendDecimal(_ value: Int, to bytes: inout [UInt8]) {
        var divisor = 1
        while divisor <= value / 10 { divisor *= 10 }
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        } while divisor > 0
    }

    private static func isServerOwned(_ name: String) -> Bool {
        name.caseInsensitiveEquals("Content-Length") || name.caseInsensitiveEquals("Connection")
            || name.caseInsensitiveEquals("Date") || name.caseInsensitiveEquals("Transfer-Encoding")
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 201: "Created"
        case 204: "No Content"
        case 304: "Not Modified"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 413: "Content Too Large"
        case 414: "URI Too Long"
        case 415: "Unsupported Media Type"
        case 417: "Expectation Failed"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 503: "Service Unavailable"
        case 505: "HTTP Version Not Supported"
        default: "Status"
        }
    }
}
