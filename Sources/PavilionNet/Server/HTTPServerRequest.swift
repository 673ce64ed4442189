import PavilionCrypto

/// A complete request as a handler sees it.
public struct HTTPServerRequest: Sendable {
    /// The parsed start line and headers.
    public var head: HTTPRequestHead
    /// The whole body (chunked coding removed).
    public var body: [UInt8]
    /// The client's address, e.g. `127.0.0.1:53122`.
    public var remoteAddress: String
    /// The TLS session, nil on plain HTTP.
    public var tls: TLSSessionInfo?
    /// A process-unique id of the connection that carried the request.
    public var connectionID: UInt64

    /// The method, e.g. `GET`.
    public var method: String { head.method }
    /// The target as sent.
    public var target: String { head.target }
    /// The path part of the target (before `?`).
    public var path: String {
        let target = head.target.utf8
        guard let mark = target.firstIndex(of: UInt8(ascii: "?")) else { return head.target }
        return String(decoding: target[..<mark], as: UTF8.self)
    }
    /// The query part of the target (after `?`), if any.
    public var query: String? {
        let target = head.target.utf8
        guard let mark = target.firstIndex(of: UInt8(ascii: "?")) else { return nil }
        return String(decoding: target[target.index(after: mark)...], as: UTF8.self)
    }
    /// The header fields.
    public var headers: HTTPHeaders { head.headers }
}

/// What a handler answers. The server adds `content-length` and `connection`.
public struct HTTPServerResponse: Sendable {
    /// The status code.
    public var status: Int
    /// Header fields; `content-length`, `transfer-encoding` and `connection` are set by the server.
    public var headers: HTTPHeaders
    /// The body.
    public var body: [UInt8]
    /// When true the server writes nothing and closes the connection (the
    /// nginx "444" idiom). Default false. See ``dropConnection``.
    public var dropsConnection: Bool

    /// - Parameters: the fields above.
    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
        dropsConnection = false
    }

    /// Close the connection without sending a byte of response: for fault
    /// injection (a DP simulator's "reset") and for dropping abusive clients.
    /// Requests pipelined behind this one are dropped with it.
    public static var dropConnection: HTTPServerResponse {
        var response = HTTPServerResponse(status: 444)
        response.dropsConnection = true
        return response
    }

    /// An RFC 9457 problem-details response (`application/problem+json`).
    /// - Parameters:
    ///   - status: the HTTP status.
    ///   - code: a stable machine code, e.g. `body_too_large`.
    ///   - title: a short human summary.
    ///   - detail: what happened in this instance.
    public static func problem(status: Int, code: String, title: String, detail: String) -> HTTPServerResponse {
        HTTPServerResponse(status: status, headers: ["content-type": "application/problem+json"],
                           body: ProblemDetails(status: status, code: code, title: title, detail: detail).json)
    }
}

/// Handles one request. Runs in a task whose executor preference is the
/// connection's event loop: its nonisolated code runs on the loop thread and
/// must not block (long CPU work or blocking I/O stalls every connection of
/// that loop; hand it to a queue or thread of its own and await it).
public typealias HTTPHandler = @Sendable (HTTPServerRequest) async -> HTTPServerResponse
