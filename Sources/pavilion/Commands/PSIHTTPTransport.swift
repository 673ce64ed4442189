import Foundation
import PavilionCore
import PavilionNet
import PavilionPrivacy

/// A ``PSITransport`` over PavilionNet's HTTP client (`pavilion psi query`).
/// Every failure becomes a ``PSIError``: `.transport` when the server cannot
/// be reached or answers with an error status (its problem detail quoted),
/// `.malformedMessage` when a success body does not parse.
struct PSIHTTPTransport: PSITransport {
    let client: HTTPClient
    let endpoint: Endpoint
    static let timeout = Duration.seconds(300)

    init(group: EventLoopGroup, endpoint: Endpoint) throws {
        // The largest answer: a cardinality session's digests (12 bytes per client element).
        client = try HTTPClient(group: group, configuration: HTTPClientConfiguration(maxResponseBytes: 1 << 30))
        self.endpoint = endpoint
    }

    /// Parse `http://HOST:PORT` (no path).
    /// - Throws: ``UsageError`` for anything else.
    static func endpoint(_ url: String) throws(UsageError) -> Endpoint {
        guard let parsed = URLComponents(string: url), parsed.scheme == "http", let host = parsed.host, !host.isEmpty,
              parsed.path.isEmpty || parsed.path == "/", parsed.query == nil else {
            throw UsageError("--server must be http://HOST:PORT, not '\(url)'")
        }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        return Endpoint(scheme: .http, host: bare, port: parsed.port ?? 80)
    }

    private func send(_ method: String, _ target: String, body: [UInt8] = [], expect: Int = 200) async throws(PSIError) -> [UInt8] {
        var headers = HTTPHeaders()
        if !body.isEmpty { headers = ["Content-Type": "application/octet-stream"] }
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
        let body = try await send("GET", "/psi/v1/info")
        do { return try JSONDecoder().decode(PSIServerInfo.self, from: Data(body)) } catch {
            throw PSIError(.malformedMessage, "the server's /psi/v1/info is not PSI server info")
        }
    }

    func evaluate(_ points: [UInt8]) async throws(PSIError) -> [UInt8] {
        try await send("POST", "/psi/v1/evaluate", body: points)
    }

    func page(offset: Int, count: Int) async throws(PSIError) -> [UInt8] {
        try await send("GET", "/psi/v1/set?offset=\(offset)&count=\(count)")
    }

    func openSession() async throws(PSIError) -> String {
        let body = try await send("POST", "/psi/v1/sessions", expect: 201)
        guard let json = try? JSONParser().parse(bytes: body), case .string(let id)? = json["session"],
              id.count == 32, id.allSatisfy(\.isHexDigit) else {
            throw PSIError(.malformedMessage, "the server's session answer has no session id")
        }
        return id
    }

    func addToSession(_ id: String, _ points: [UInt8]) async throws(PSIError) {
        _ = try await send("POST", "/psi/v1/sessions/\(id)/points", body: points, expect: 204)
    }

    func finishSession(_ id: String) async throws(PSIError) -> [UInt8] {
        try await send("POST", "/psi/v1/sessions/\(id)/finish")
    }
}
