import Foundation

/// The parsed start line and headers of a request.
public struct HTTPRequestHead: Sendable, Hashable {
    /// The method token, e.g. `POST`.
    public var method: String
    /// The request target as sent, e.g. `/v1/verifications?x=1`.
    public var target: String
    /// The protocol version.
    public var version: HTTPVersion
    /// The header fields in order.
    public var headers: HTTPHeaders
    /// Whether the client wants the connection kept open after the response.
    public var keepAlive: Bool
}

/// Limits the request parser enforces.
public struct HTTPRequestLimits: Sendable, Hashable {
    /// The longest request line (method, target, version); longer → 414.
    public var maxRequestLineBytes: Int
    /// The largest header section including the request line; larger → 431.
    public var maxHeaderBytes: Int
    /// The most header fields; more → 431.
    public var maxHeaderCount: Int
    /// The largest body (after chunked decoding); larger → 413.
    public var maxBodyBytes: Int

    /// - Parameters: the limits above; defaults 8 KiB, 16 KiB, 100 fields, 1 MiB.
    public init(maxRequestLineBytes: Int = 8 * 1024, maxHeaderBytes: Int = 16 * 1024,
                maxHeaderCount: Int = 100, maxBodyBytes: Int = 1024 * 1024) {
        self.maxRequestLineBytes = maxRequestLineBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
    }
}

/// An incremental HTTP/1.1 request parser: a state machine fed bytes as
/// they arrive, yielding one complete request at a time.
///
/// Policy (RFC 9112, strict where leniency enables request smuggling):
/// lines must end in CRLF (bare LF and bare CR are refused); obs-fold is
/// refused; header names must be tokens; values may not hold control bytes;
/// a request with both Content-Length and Transfer-Encoding, with more than
/// one Content-Length, or with a transfer coding other than exactly
/// `chunked` is refused; HTTP/1.1 needs exactly one Host. After an error
/// the parser stays failed: the connection must be closed.
///
/// Pipelined requests stay buffered; call `next()` again after handling one.
public struct HTTPRequestParser: Sendable {
    /// What the caller should do next.
    public enum Action: Sendable, Hashable {
        /// Feed more bytes.
        case needMoreData
        /// A complete request.
        case request(HTTPRequestHead, body: [UInt8])
        /// The request is malformed or over a limit; answer `error.status` and close.
        case failed(HTTPParserError)
    }

    /// Where the parser is within the current request (for timeouts).
    public enum Phase: Sendable, Hashable {
        /// Between requests, no bytes buffered.
        case idle
        /// Some of the head has arrived.
        case head
        /// The head is complete and the body is arriving.
        case body
        /// A previous error; nothing more will parse.
        case failed
    }

    private enum Framing: Sendable {
        case length(Int)
        case chunked(ChunkedDecoder)
    }

    private enum State: Sendable {
        case head(HeadScanner)
        case body(HTTPRequestHead, Framing, [UInt8])
        case failed(HTTPParserError)
    }

    private var buffer: [UInt8] = []
    private var readIndex = 0
    private var state = State.head(HeadScanner(start: 0))
    /// The limits in force.
    public let limits: HTTPRequestLimits

    /// - Parameter limits: size limits.
    public init(limits: HTTPRequestLimits = HTTPRequestLimits()) { self.limits = limits }

    /// Bytes received but not yet consumed by a returned request.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// The phase of the request in progress.
    public var phase: Phase {
        switch state {
        case .head: return bufferedByteCount == 0 ? .idle : .head
        case .body: return .body
        case .failed: return .failed
        }
    }

    /// Append received bytes.
    public mutating func append(_ bytes: some Collection<UInt8>) { buffer.append(contentsOf: bytes) }

    /// Parse as far as the buffered bytes allow.
    /// - Returns: the next action; after `.request`, call again for pipelined requests.
    public mutating func next() -> Action {
        switch state {
        case .failed(let error):
            return .failed(error)
        case .head(var scanner):
            switch scanner.scan(buffer, firstLineLimit: limits.maxRequestLineBytes,
                                firstLineError: .init(.uriTooLong, "request line exceeds \(limits.maxRequestLineBytes) bytes"),
                                headLimit: limits.maxHeaderBytes, maxFields: limits.maxHeaderCount) {
            case .needMoreData:
                state = .head(scanner)
                return .needMoreData
            case .failed(let error):
                return fail(error)
            case .complete(let lines, let end):
                switch makeHead(lines) {
                case .failure(let error): return fail(error)
                case .success(let (head, framing)):
                    readIndex = end
                    state = .body(head, framing, [])
                    return next()
                }
            }
        case .body(let head, var framing, var body):
            state = .failed(.init(.truncated, "re-entered"))  // avoid copying `body` while we mutate it
            switch framing {
            case .length(let length):
                let need = length - body.count
                let take = min(need, buffer.count - readIndex)
                if take > 0 {
                    body.append(contentsOf: buffer[readIndex..<(readIndex + take)])
                    readIndex += take
                }
                if body.count < length {
                    state = .body(head, framing, body)
                    return .needMoreData
                }
            case .chunked(var decoder):
                switch decoder.decode(buffer, index: &readIndex, body: &body, maxBody: limits.maxBodyBytes,
                                      maxTrailer: limits.maxHeaderBytes) {
                case .needMoreData:
                    framing = .chunked(decoder)
                    state = .body(head, framing, body)
                    return .needMoreData
                case .failed(let error):
                    return fail(error)
                case .done:
                    break
                }
            }
            buffer.removeFirst(readIndex)
            readIndex = 0
            state = .head(HeadScanner(start: 0))
            return .request(head, body: body)
        }
    }

    private mutating func fail(_ error: HTTPParserError) -> Action {
        state = .failed(error)
        return .failed(error)
    }

    private func makeHead(_ lines: [Range<Int>]) -> Result<(HTTPRequestHead, Framing), HTTPParserError> {
        guard let requestLine = lines.first else { return .failure(.init(.invalidRequestLine, "missing request line")) }
        // method SP request-target SP HTTP-version, single spaces.
        var parts: [Range<Int>] = []
        var start = requestLine.lowerBound
        for i in requestLine where buffer[i] == HTTPSyntax.sp {
            parts.append(start..<i)
            start = i + 1
        }
        parts.append(start..<requestLine.upperBound)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }) else {
            return .failure(.init(.invalidRequestLine, "request line is not `method target version`"))
        }
        guard parts[0].allSatisfy({ HTTPSyntax.isTokenChar(buffer[$0]) }) else {
            return .failure(.init(.invalidMethod, "method is not a token"))
        }
        guard parts[1].allSatisfy({ HTTPSyntax.isVisible(buffer[$0]) }) else {
            return .failure(.init(.invalidTarget, "request target contains a control, space or non-ASCII byte"))
        }
        let target = String(decoding: buffer[parts[1]], as: UTF8.self)
        guard target.hasPrefix("/") || target == "*" || target.hasPrefix("http://") || target.hasPrefix("https://") else {
            return .failure(.init(.invalidTarget, "request target must be origin-form"))
        }
        let versionText = String(decoding: buffer[parts[2]], as: UTF8.self)
        let version: HTTPVersion
        switch versionText {
        case "HTTP/1.1": version = .http11
        case "HTTP/1.0": version = .http10
        default:
            let looksLikeHTTP = versionText.count == 8 && versionText.hasPrefix("HTTP/")
            return .failure(looksLikeHTTP ? .init(.unsupportedVersion, "\(versionText) is not supported")
                                          : .init(.invalidRequestLine, "malformed HTTP version"))
        }
        var headers = HTTPHeaders()
        for line in lines.dropFirst() {
            switch HTTPSyntax.parseField(buffer, line) {
            case .success(let (name, value)): headers.add(name: name, value: value)
            case .failure(let error): return .failure(error)
            }
        }
        let hosts = headers.values(for: "host")
        if hosts.count > 1 { return .failure(.init(.duplicateHost, "more than one Host header")) }
        if version == .http11 && hosts.isEmpty { return .failure(.init(.missingHost, "HTTP/1.1 request without Host")) }

        let connection = headers.values(for: "connection").flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let keepAlive = version == .http11 ? !connection.contains("close") : connection.contains("keep-alive")

        let lengths = headers.values(for: "content-length")
        let codings = headers.values(for: "transfer-encoding")
        let framing: Framing
        if !codings.isEmpty {
            guard lengths.isEmpty else {
                return .failure(.init(.contentLengthWithTransferEncoding, "both Content-Length and Transfer-Encoding"))
            }
            guard version == .http11 else {
                return .failure(.init(.unsupportedTransferEncoding, "Transfer-Encoding in an HTTP/1.0 request"))
            }
            guard codings.count == 1, codings[0].lowercased() == "chunked" else {
                return .failure(.init(.unsupportedTransferEncoding, "only `Transfer-Encoding: chunked` is supported"))
            }
            framing = .chunked(ChunkedDecoder())
        } else if let first = lengths.first {
            guard lengths.count == 1 else { return .failure(.init(.duplicateContentLength, "more than one Content-Length")) }
            guard let length = HTTPSyntax.parseContentLength(first) else {
                return .failure(.init(.invalidContentLength, "Content-Length is not a decimal number"))
            }
            guard length <= limits.maxBodyBytes else {
                return .failure(.init(.bodyTooLarge, "body of \(length) bytes exceeds \(limits.maxBodyBytes)"))
            }
            framing = .length(length)
        } else {
            framing = .length(0)
        }
        let head = HTTPRequestHead(method: String(decoding: buffer[parts[0]], as: UTF8.self), target: target,
                                   version: version, headers: headers, keepAlive: keepAlive)
        return .success((head, framing))
    }
}
