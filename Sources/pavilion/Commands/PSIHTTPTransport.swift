import Foundation
import PavilionCore
import PavilionNet
import PavilionPrivacy

/// A ``PSITransport`` over PavilionNet's HTTP client (`pavilion psi query`).
/// The messages go under a base path: `/psi/v1` for `pavilion psi serve`
/// (a `--server` URL without a path), or the URL's path, such as the host's
/// `/v1/privacy/psi/{set}`. The server info is `GET /psi/v1/info` from
/// `psi serve`, and `GET` of the base path itself from a host.
/// With an API key every request carries `Authorization: Bearer`.
/// Every failure becomes a ``PSIError``: `.transport` when the server cannot
/// be reached or answers with an error status (its problem detail quoted),
/// `.malformedMessage` when a success body does not parse.
struct PSIHTTPTransport: PSITransport {
    let client: HTTPClient
    let endpoint: Endpoint
    /// The path the messages go under, without a trailing `/`.
    let base: String
    /// The API key, sent as `Authorization: Bearer`; `nil` for none.
    let key: String?
    static let timeout = Duration.seconds(300)
    /// Where `pavilion psi serve` answers.
    static let serveBase = "/psi/v1"

    init(group: EventLoopGroup, server: (endpoint: Endpoint, base: String), key: String? = nil) throws {
        // The largest answer: a cardinality session's digests (12 bytes per client element).
        client = try HTTPClient(group: group, configuration: HTTPClientConfiguration(maxResponseBytes: 1 << 30))
        endpoint = server.endpoint
        base = server.base
        self.key = key
    }

    /// Parse `http[s]://HOST[:PORT][/PATH]`: the endpoint, and the base path (`/psi/v1` when there is none).
    /// - Throws: ``UsageError`` for anything else.
    static func server(_ url: String) throws(UsageError) -> (endpoint: Endpoint, base: String) {
        guard let parsed = URLComponents(string: url), let scheme = parsed.scheme.flatMap(Endpoint.Scheme.init(rawValue:)),
              let host = parsed.host, !host.isEmpty, parsed.query == nil, parsed.fragment == nil,
              parsed.percentEncodedPath.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw UsageError("--server must be http[s]://HOST[:PORT][/PATH], not '\(url)'")
        }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        var path = parsed.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        return (Endpoint(scheme: scheme, host: bare, port: parsed.port), path.isEmpty ? serveBase : path)
    }

    private func send(_ method: String, _ suffix: String, body: [UInt8] = [], expect: Int = 200) async throws(PSIError) -> [UInt8] {
        let target = base + suffix
        var headers = HTTPHeaders()
        if !body.isEmpty { headers.add(name: "Content-Type", value: "application/octet-stream") }
        if let key { headers.add(name: "Authorization", value: "Bearer \(key)") }
        let request = HTTPClientRequest(method: method, target: target, headers: headers, body: body)
        let response: HTTPClientResponse
        do {
            response = try await client.send(request, to: endpoint, deadline: .now + Self.timeout)
        } catch {
            throw PSIError(.transport, "\(method) \(endpoint)\(target): \(error)")
        }
        guard response.status == expect else {
            var detail = String(decoding: response.body.prefix(500), as: UTF8.self)
            if let json = try? JSONParser().parse(bytes: response.body), case .string(let text)? = json["detail"] { detail = text }
            throw PSIError(.transport, "\(method) \(target): the server answered \(response.status): \(detail)")
        }
        return response.body
    }

    func info() async throws(PSIError) -> PSIServerInfo {
        let body = try await send("GET", base == Self.serveBase ? "/info" : "")
        do { return try JSONDecoder().decode(PSIServerInfo.self, from: Data(body)) } catch {
            throw PSIError(.malformedMessage, "the server's info at \(base) is not PSI server info")
        }
    }

    func evaluate(_ points: [UInt8]) async throws(PSIError) -> [UInt8] {
        try await send("POST", "/evaluate", body: points)
    }

    func page(offset: Int, count: Int) async throws(PSIError) -> [UInt8] {
        try await send("GET", "/set?offset=\(offset)&count=\(count)")
    }

    func openSession() async throws(PSIError) -> String {
        let body = try await send("POST", "/sessions", expect: 201)
        guard let json = try? JSONParser().parse(bytes: body), case .string(let id)? = json["session"],
              id.count == 32, id.allSatisfy(\.isHexDigit) else {
            throw PSIError(.malformedMessage, "the server's session answer has no session id")
        }
        return id
    }

    func addToSession(_ id: String, _ points: [UInt8]) async throws(PSIError) {
        _ = try await send("POST", "/sessions/\(id)/points", body: points, expect: 204)
    }

    func finishSession(_ id: String) async throws(PSIError) -> [UInt8] {
        try await send("POST", "/sessions/\(id)/finish")
    }
}
