import Foundation
import PavilionCore

/// A ``PSITransport`` that carries each PSI message as one HTTP request under
/// a base path, over whatever HTTP client the conformer has: the command
/// line's (`pavilion psi query`) or the host's connector transport (a
/// connector's `PV_STEP_PSI`). A conformer only sends; the message layout
/// and the parsing of answers live here once.
///
/// | message | request | success |
/// |---|---|---|
/// | info | `GET {base}/info` (`psi serve`, a base of `/psi/v1`) or `GET {base}` (a host's `/v1/privacy/psi/{set}`) | 200 JSON ``PSIServerInfo`` |
/// | evaluate | `POST {base}/evaluate` | 200 points |
/// | page | `GET {base}/set?offset=&count=` | 200 digests or points |
/// | open session | `POST {base}/sessions` | 201 `{"session": ID}` |
/// | add to session | `POST {base}/sessions/ID/points` | 204 |
/// | finish session | `POST {base}/sessions/ID/finish` | 200 digests |
public protocol PSIHTTPSender: PSITransport {
    /// The path the messages go under, starting with `/`, without a trailing `/`.
    var base: String { get }

    /// Send one message and return the body of a response whose status is `expect`.
    /// - Parameters:
    ///   - method: `GET` or `POST`.
    ///   - target: the base path plus the message's suffix and query.
    ///   - body: binary points, or empty.
    ///   - expect: the success status.
    /// - Returns: the response body.
    /// - Throws: ``PSIError`` `.transport` when the server cannot be reached
    ///   or answers with another status.
    func send(method: String, target: String, body: [UInt8], expect: Int) async throws(PSIError) -> [UInt8]
}

extension PSIHTTPSender {
    /// The base path of `pavilion psi serve`, whose info is at `{base}/info`.
    public static var serveBase: String { "/psi/v1" }

    public func info() async throws(PSIError) -> PSIServerInfo {
        let target = base == Self.serveBase ? base + "/info" : base
        let body = try await send(method: "GET", target: target, body: [], expect: 200)
        do { return try JSONDecoder().decode(PSIServerInfo.self, from: Data(body)) } catch {
            throw PSIError(.malformedMessage, "the server's info at \(base) is not PSI server info")
        }
    }

    public func evaluate(_ points: [UInt8]) async throws(PSIError) -> [UInt8] {
        try await send(method: "POST", target: base + "/evaluate", body: points, expect: 200)
    }

    public func page(offset: Int, count: Int) async throws(PSIError) -> [UInt8] {
        try await send(method: "GET", target: base + "/set?offset=\(offset)&count=\(count)", body: [], expect: 200)
    }

    public func openSession() async throws(PSIError) -> String {
        let body = try await send(method: "POST", target: base + "/sessions", body: [], expect: 201)
        guard let json = try? JSONParser().parse(bytes: body), case .string(let id)? = json["session"],
              id.count == 32, id.allSatisfy(\.isHexDigit) else {
            throw PSIError(.malformedMessage, "the server's session answer has no session id")
        }
        return id
    }

    public func addToSession(_ id: String, _ points: [UInt8]) async throws(PSIError) {
        _ = try await send(method: "POST", target: base + "/sessions/\(id)/points", body: points, expect: 204)
    }

    public func finishSession(_ id: String) async throws(PSIError) -> [UInt8] {
        try await send(method: "POST", target: base + "/sessions/\(id)/finish", body: [], expect: 200)
    }

    /// The detail of an error response: its RFC 9457 `detail`, or its first 500 bytes.
    /// - Parameter body: the error response's body.
    public static func problemDetail(_ body: [UInt8]) -> String {
        if let json = try? JSONParser().parse(bytes: body), case .string(let text)? = json["detail"] { return text }
        return String(decoding: body.prefix(500), as: UTF8.self)
    }
}
