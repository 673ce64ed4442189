import PavilionNet

/// A data-provider base URL, `http(s)://host[:port][/base]`, split into the
/// client's ``Endpoint`` and the path prefix every connector request path is
/// joined to.
public struct EndpointURL: Sendable, Hashable, CustomStringConvertible {
    /// Scheme, host and port.
    public let endpoint: Endpoint
    /// The base path without a trailing `/` (empty for none).
    public let basePath: String
    /// The URL as `scheme://host:port/base`, made once: the connectivity
    /// state is keyed by it and looked up several times per verification.
    public let description: String

    /// Parse a base URL.
    /// - Parameter text: `http://127.0.0.1:18080` or `https://dp.example/api`.
    /// - Returns: `nil` unless the scheme is http or https, the host is
    ///   non-empty, the port is 1...65535, and there is no query, fragment or
    ///   user info.
    public init?(_ text: String) {
        let scheme: Endpoint.Scheme
        var rest: Substring
        if text.hasPrefix("https://") {
            scheme = .https
            rest = text.dropFirst(8)
        } else if text.hasPrefix("http://") {
            scheme = .http
            rest = text.dropFirst(7)
        } else {
            return nil
        }
        guard !rest.contains(where: { $0 == "?" || $0 == "#" || $0 == "@" || $0 == " " }) else { return nil }
        let authority = rest.prefix { $0 != "/" }
        rest = rest.dropFirst(authority.count)
        var host = Substring(authority)
        var port: Int?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let p = Int(after.dropFirst()) else { return nil }
                port = p
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            guard let p = Int(authority[authority.index(after: colon)...]) else { return nil }
            port = p
        }
        guard !host.isEmpty else { return nil }
        if let port, !(1...65535).contains(port) { return nil }
        var base = String(rest)
        while base.hasSuffix("/") { base.removeLast() }
        endpoint = Endpoint(scheme: scheme, host: String(host), port: port)
        basePath = base
        description = "\(endpoint)\(base)"
    }

    /// The request target for a connector's path (which starts with `/`).
    public func target(for path: String) -> String { basePath + path }
}
