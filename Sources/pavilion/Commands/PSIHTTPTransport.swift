import Foundation
import PavilionCore
import PavilionNet
import PavilionPrivacy

/// A ``PSITransport`` over PavilionNet's HTTP client (`pavilion psi query`);
/// the message layout is ``PSIHTTPSender``'s.
/// The messages go under a base path: `/psi/v1` for `pavilion psi serve`
/// (a `--server` URL without a path), or the URL's path, such as the host's
/// `/v1/privacy/psi/{set}`.
/// With an API key every request carries `Authorization: Bearer`.
/// Every failure becomes a ``PSIError``: `.transport` when the server cannot
/// be reached or answers with an error status (its problem detail quoted),
/// `.malformedMessage` when a success body does not parse.
struct PSIHTTPTransport: PSIHTTPSender {
    let client: HTTPClient
    let endpoint: Endpoint
    /// The path the messages go under, without a trailing `/`.
    let base: String
    /// The API key, sent as `Authorization: Bearer`; `nil` for none.
    let key: String?
    static let timeout = Duration.seconds(300)

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

    func send(method: String, target: String, body: [UInt8], expect: Int) async throws(PSIError) -> [UInt8] {
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
            throw PSIError(.transport, "\(method) \(target): the server answered \(response.status): \(Self.problemDetail(response.body))")
        }
        return response.body
    }
}
