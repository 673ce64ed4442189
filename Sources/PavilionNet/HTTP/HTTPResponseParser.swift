import Foundation

/// The parsed status line and headers of a response.
struct HTTPResponseHead: Sendable, Hashable {
    var version: HTTPVersion
    var status: Int
    var reason: String
    var headers: HTTPHeaders
    var keepAlive: Bool
}

/// An incremental HTTP/1.1 response parser (client side), same byte rules as
/// the request parser. Bodies are framed by Content-Length, chunked coding,
/// or the connection closing; HEAD, 1xx, 204 and 304 responses have none.
struct HTTPResponseParser {
    enum Action {
        case needMoreData
        case response(HTTPResponseHead, body: [UInt8])
        case failed(HTTPParserError)
    }

    private enum Framing {
        case length(Int)
        case chunked(ChunkedDecoder)
        case untilClose
    }

    private enum State {
        case head(HeadScanner)
        case body(HTTPResponseHead, Framing, [UInt8])
        case done
        case failed(HTTPParserError)
    }

    private var buffer: [UInt8] = []
    private var readIndex = 0
    private var state = State.head(HeadScanner(start: 0))
    private let isHeadRequest: Bool
    private let maxHeaderBytes: Int
    private let maxBodyBytes: Int

    init(isHeadRequest: Bool, maxHeaderBytes: Int, maxBodyBytes: Int) {
        self.isHeadRequest = isHeadRequest
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
    }

    /// Whether any byte of the response arrived.
    var receivedAny: Bool { !buffer.isEmpty || readIndex > 0 }
    /// Bytes after the response (a server must not send any unasked).
    var leftoverByteCount: Int { buffer.count - readIndex }

    mutating func append(_ bytes: some Collection<UInt8>) { buffer.append(contentsOf: bytes) }

    /// The peer closed: a close-delimited body ends here; anything else is truncated.
    mutating func finishOnEOF() -> Action {
        if case .body(let head, .untilClose, let body) = state {
            state = .done
            return .response(head, body: body)
        }
        return fail(.init(.truncated, "connection closed before the response was complete"))
    }

    mutating func next() -> Action {
        switch state {
        case .done: return .needMoreData
        case .failed(let error): return .failed(error)
        case .head(var scanner):
            switch scanner.scan(buffer, firstLineLimit: maxHeaderBytes,
                                firstLineError: .init(.headerSectionTooLarge, "status line too long"),
                                headLimit: maxHeaderBytes, maxFields: 200) {
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
                    if head.status >= 100 && head.status < 200 {
                        // Interim response (e.g. 100 Continue): skip it.
                        buffer.removeFirst(readIndex)
                        readIndex = 0
                        state = .head(HeadScanner(start: 0))
                        return next()
                    }
                    state = .body(head, framing, [])
                    return next()
                }
            }
        case .body(let head, var framing, var body):
            state = .done
            switch framing {
            case .length(let length):
                let take = min(length - body.count, buffer.count - readIndex)
                if take > 0 {
                    body.append(contentsOf: buffer[readIndex..<(readIndex + take)])
                    readIndex += take
                }
                if body.count < length {
                    state = .body(head, framing, body)
                    return .needMoreData
                }
            case .untilClose:
                body.append(contentsOf: buffer[readIndex...])
                readIndex = buffer.count
                guard body.count <= maxBodyBytes else { return fail(.init(.bodyTooLarge, "response body exceeds \(maxBodyBytes) bytes")) }
                state = .body(head, framing, body)
                return .needMoreData
            case .chunked(var decoder):
                switch decoder.decode(buffer, index: &readIndex, body: &body, maxBody: maxBodyBytes, maxTrailer: maxHeaderBytes) {
                case .needMoreData:
                    framing = .chunked(decoder)
                    state = .body(head, framing, body)
                    return .needMoreData
                case .failed(let error): return fail(error)
                case .done: break
                }
            }
            return .response(head, body: body)
        }
    }

    private mutating func fail(_ error: HTTPParserError) -> Action {
        state = .failed(error)
        return .failed(error)
    }

    private func makeHead(_ lines: [Range<Int>]) -> Result<(HTTPResponseHead, Framing), HTTPParserError> {
        guard let line = lines.first, line.count >= 12 else {
            return .failure(.init(.invalidStatusLine, "status line too short"))
        }
        let text = Array(buffer[line])
        let versionText = String(decoding: text[0..<8], as: UTF8.self)
        let version: HTTPVersion
        switch versionText {
        case "HTTP/1.1": version = .http11
        case "HTTP/1.0": version = .http10
        default: return .failure(.init(.invalidStatusLine, "unsupported version `\(versionText)`"))
        }
        guard text[8] == HTTPSyntax.sp, text[9...11].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              text.count == 12 || text[12] == HTTPSyntax.sp else {
            return .failure(.init(.invalidStatusLine, "malformed status code"))
        }
        let status = text[9...11].reduce(0) { $0 * 10 + Int($1 - 0x30) }
        let reason = text.count > 13 ? String(decoding: text[13...], as: UTF8.self) : ""
        var headers = HTTPHeaders()
        for field in lines.dropFirst() {
            switch HTTPSyntax.parseField(buffer, field) {
            case .success(let (name, value)): headers.add(name: name, value: value)
            case .failure(let error): return .failure(error)
            }
        }
        let connection = headers.values(for: "connection").flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var keepAlive = version == .http11 ? !connection.contains("close") : connection.contains("keep-alive")
        let head = { (alive: Bool) in HTTPResponseHead(version: version, status: status, reason: reason, headers: headers, keepAlive: alive) }

        if isHeadRequest || status == 204 || status == 304 || (status >= 100 && status < 200) {
            return .success((head(keepAlive), .length(0)))
        }
        let codings = headers.values(for: "transfer-encoding")
        let lengths = headers.values(for: "content-length")
        if !codings.isEmpty {
            guard lengths.isEmpty else {
                return .failure(.init(.contentLengthWithTransferEncoding, "both Content-Length and Transfer-Encoding"))
            }
            let last = codings.joined(separator: ",").split(separator: ",").last
                .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            if last == "chunked" {
                guard codings.count == 1, codings[0].lowercased() == "chunked" else {
                    return .failure(.init(.unsupportedTransferEncoding, "only `chunked` transfer coding is supported"))
                }
                return .success((head(keepAlive), .chunked(ChunkedDecoder())))
            }
            keepAlive = false
            return .success((head(false), .untilClose))
        }
        if let first = lengths.first {
            guard lengths.count == 1 else { return .failure(.init(.duplicateContentLength, "more than one Content-Length")) }
            guard let length = HTTPSyntax.parseContentLength(first) else {
                return .failure(.init(.invalidContentLength, "Content-Length is not a decimal number"))
            }
            guard length <= maxBodyBytes else {
                return .failure(.init(.bodyTooLarge, "response body of \(length) bytes exceeds \(maxBodyBytes)"))
            }
            return .success((head(keepAlive), .length(length)))
        }
        return .success((head(false), .untilClose))
    }
}
