import Foundation
import PavilionCore
import PavilionManifest

/// The host's configuration file, `pavilion.yaml`, as typed values.
///
/// Read with ``load(path:)``: every problem is reported as
/// `path:line:column: error: message` and unknown keys are refused, so a
/// typo never silently falls back to a default. Relative paths are resolved
/// against the folder holding the file. See `docs/operations.md`.
public struct HostConfiguration: Sendable, Hashable {
    /// `listen`: where the API listens.
    public struct Listen: Sendable, Hashable {
        /// An IP literal, e.g. `127.0.0.1` or `::`.
        public var host: String
        /// The TCP port; 0 picks an ephemeral one.
        public var port: Int

        /// - Parameters: the fields above.
        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        /// Whether `host` is a loopback address.
        public var isLoopback: Bool { host == "::1" || host.hasPrefix("127.") }
    }

    /// `tls`: the server certificate (absolute paths once loaded).
    public struct TLS: Sendable, Hashable {
        /// PEM certificate chain, leaf first.
        public var certificate: String
        /// PEM private key of the leaf.
        public var privateKey: String
        /// When set, clients must present a certificate chaining to this PEM CA file.
        public var clientCA: String?

        /// - Parameters: the fields above.
        public init(certificate: String, privateKey: String, clientCA: String? = nil) {
            self.certificate = certificate
            self.privateKey = privateKey
            self.clientCA = clientCA
        }
    }

    /// `limits`: request limits applied by the HTTP server.
    public struct Limits: Sendable, Hashable {
        /// Largest request body (413 above). Default 64 KiB.
        public var maxBodyBytes: Int = 64 * 1024
        /// Largest header section (431 above). Default 16 KiB.
        public var maxHeaderBytes: Int = 16 * 1024
        /// Time allowed for the TLS handshake and the request head. Default 10 s.
        public var headerTimeoutMs: Int = 10_000
        /// Time allowed for a whole verification (the verification budget). Default 15 s.
        public var requestTimeoutMs: Int = 15_000
        /// How long a keep-alive connection may sit idle. Default 60 s.
        public var idleTimeoutMs: Int = 60_000

        /// The defaults above.
        public init() {}
    }

    /// The file this configuration came from (absolute).
    public var file: String
    /// `listen`.
    public var listen: Listen
    /// `tls`; `nil` when the file says `tls: off` (loopback only).
    public var tls: TLS?
    /// `data_dir`: the store's folder.
    public var dataDirectory: String
    /// `connectors_dir`: the watched manifest folder.
    public var connectorsDirectory: String
    /// `region`: the host's own region name; preferred among regions of equal priority.
    public var region: String?
    /// `limits`.
    public var limits: Limits
    /// `secrets_file`: tenant → connector → name → value (mode 0600 or stricter).
    public var secretsFile: String?
    /// `endpoint_overrides`: connector → region → base URL, replacing the manifest's endpoints.
    public var endpointOverrides: [String: [String: EndpointURL]]
    /// `dp_ca_file`: PEM roots for data-provider TLS; the system roots when `nil`.
    public var dpCAFile: String?
    /// `log_level`.
    public var logLevel: LogLevel
    /// `credentials`: the credential issuer and its signing keys; `nil` when the host issues none.
    public var credentials: CredentialsConfiguration?
    /// `event_loops`: event-loop threads; `nil` for the default
    /// (``HostService/defaultEventLoops``). A change needs a restart.
    public var eventLoops: Int?
    /// `privacy`: probing limit, DP budgets, OPRF limits, the secret file; `nil` for the defaults.
    public var privacy: PrivacyConfiguration?
    /// `connectivity.client_certificates`: tenant → connector → the client
    /// certificate that tenant presents to that connector's data provider.
    public var clientCertificates: [String: [String: TenantClientCertificate]] = [:]

    /// - Parameters: the fields above; defaults for the optional ones.
    public init(file: String, listen: Listen, tls: TLS?, dataDirectory: String, connectorsDirectory: String,
                region: String? = nil, limits: Limits = Limits(), secretsFile: String? = nil,
                endpointOverrides: [String: [String: EndpointURL]] = [:], dpCAFile: String? = nil,
                logLevel: LogLevel = .info, eventLoops: Int? = nil) {
        self.file = file
        self.listen = listen
        self.tls = tls
        self.dataDirectory = dataDirectory
        self.connectorsDirectory = connectorsDirectory
        self.region = region
        self.limits = limits
        self.secretsFile = secretsFile
        self.endpointOverrides = endpointOverrides
        self.dpCAFile = dpCAFile
        self.logLevel = logLevel
        self.eventLoops = eventLoops
    }

    /// Read and check `pavilion.yaml`.
    /// - Parameter path: the file; relative paths inside it are resolved against its folder.
    /// - Returns: the configuration.
    /// - Throws: ``HostConfigurationError`` listing every problem with its position.
    public static func load(path: String) throws(HostConfigurationError) -> HostConfiguration {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let document: YAMLDocument
        do {
            document = try YAMLDocument.load(path: absolute)
        } catch {
            throw HostConfigurationError(diagnostics: error.diagnostics)
        }
        return try parse(document)
    }

    /// Check an already parsed document.
    /// - Parameter document: the YAML document; its `file` anchors relative paths.
    /// - Returns: the configuration.
    /// - Throws: ``HostConfigurationError`` listing every problem with its position.
    public static func parse(_ document: YAMLDocument) throws(HostConfigurationError) -> HostConfiguration {
        var reader = ConfigReader(document: document)
        let base = URL(fileURLWithPath: document.file).deletingLastPathComponent()
        func path(_ text: String) -> String {
            text.hasPrefix("/") ? text : base.appendingPathComponent(text).standardizedFileURL.path
        }
        let root = reader.mapping("", allowed: ["listen", "tls", "data_dir", "connectors_dir", "region", "limits",
                                                "secrets_file", "endpoint_overrides", "dp_ca_file", "log_level", "credentials",
                                                "event_loops", "privacy", "connectivity"])

        var listen = Listen(host: "127.0.0.1", port: 8443)
        if let l = reader.mapping("listen", in: root, required: true, allowed: ["host", "port"]) {
            if let host = reader.string("listen.host", in: l, key: "host", required: true) {
                if host.contains(":") || host.split(separator: ".").count == 4 {
                    listen.host = host
                } else {
                    reader.error("listen.host", "listen.host must be an IP literal (e.g. 127.0.0.1 or ::), not \"\(host)\"")
                }
            }
            if let port = reader.integer("listen.port", in: l, key: "port", required: true, range: 0...65535) {
                listen.port = port
            }
        }

        var tls: TLS?
        if let value = root?["tls"] {
            if value == .bool(false) || value == .string("off") {
                if !listen.isLoopback {
                    reader.error("tls", "tls: off is only allowed when listen.host is a loopback address; \(listen.host) is not")
                }
            } else if let t = reader.mapping("tls", in: root, allowed: ["certificate", "private_key", "client_ca"]) {
                let cert = reader.string("tls.certificate", in: t, key: "certificate", required: true)
                let key = reader.string("tls.private_key", in: t, key: "private_key", required: true)
                let ca = reader.string("tls.client_ca", in: t, key: "client_ca")
                if let cert, let key { tls = TLS(certificate: path(cert), privateKey: path(key), clientCA: ca.map(path)) }
            }
        } else if root != nil {
            reader.error("", "missing key 'tls' (give certificate and private_key, or 'tls: off' on a loopback address)")
        }

        let dataDir = reader.string("data_dir", in: root, key: "data_dir", required: true).map(path) ?? ""
        let connectorsDir = reader.string("connectors_dir", in: root, key: "connectors_dir", required: true).map(path) ?? ""
        let region = reader.string("region", in: root, key: "region")

        var limits = Limits()
        if let l = reader.mapping("limits", in: root, allowed: ["max_body_bytes", "max_header_bytes", "header_timeout_ms",
                                                               "request_timeout_ms", "idle_timeout_ms"]) {
            let max = 1 << 30
            if let v = reader.integer("limits.max_body_bytes", in: l, key: "max_body_bytes", range: 1...max) { limits.maxBodyBytes = v }
            if let v = reader.integer("limits.max_header_bytes", in: l, key: "max_header_bytes", range: 1024...(1 << 20)) {
                limits.maxHeaderBytes = v
            }
            if let v = reader.integer("limits.header_timeout_ms", in: l, key: "header_timeout_ms", range: 1...600_000) {
                limits.headerTimeoutMs = v
            }
            if let v = reader.integer("limits.request_timeout_ms", in: l, key: "request_timeout_ms", range: 1...600_000) {
                limits.requestTimeoutMs = v
            }
            if let v = reader.integer("limits.idle_timeout_ms", in: l, key: "idle_timeout_ms", range: 1...3_600_000) {
                limits.idleTimeoutMs = v
            }
        }

        let secretsFile = reader.string("secrets_file", in: root, key: "secrets_file").map(path)
        let dpCA = reader.string("dp_ca_file", in: root, key: "dp_ca_file").map(path)

        var overrides: [String: [String: EndpointURL]] = [:]
        if let o = reader.mapping("endpoint_overrides", in: root, allowed: nil) {
            for (connector, _) in o.sorted(by: { $0.key < $1.key }) {
                guard let regions = reader.mapping("endpoint_overrides.\(connector)", in: o, allowed: nil) else { continue }
                for (region, _) in regions.sorted(by: { $0.key < $1.key }) {
                    let key = "endpoint_overrides.\(connector).\(region)"
                    guard let text = reader.string(key, in: regions, key: region, required: true) else { continue }
                    if let url = EndpointURL(text) {
                        overrides[connector, default: [:]][region] = url
                    } else {
                        reader.error(key, "\"\(text)\" is not a base URL (http(s)://host[:port][/path])")
                    }
                }
            }
        }

        var logLevel = LogLevel.info
        if let text = reader.string("log_level", in: root, key: "log_level") {
            if let level = LogLevel(rawValue: text) {
                logLevel = level
            } else {
                reader.error("log_level", "log_level must be one of debug, info, warn, error; not \"\(text)\"")
            }
        }

        let credentials = CredentialsConfiguration.parse(&reader, root: root, path: path)
        let eventLoops = reader.integer("event_loops", in: root, key: "event_loops", range: 1...256)
        let privacy = PrivacyConfiguration.parse(&reader, root: root, path: path)
        let clientCertificates = TenantClientCertificate.parse(&reader, root: root, path: path)

        guard reader.problems.isEmpty else { throw HostConfigurationError(diagnostics: reader.problems) }
        var configuration = HostConfiguration(file: document.file, listen: listen, tls: tls, dataDirectory: dataDir,
                                              connectorsDirectory: connectorsDir, region: region, limits: limits,
                                              secretsFile: secretsFile, endpointOverrides: overrides, dpCAFile: dpCA,
                                              logLevel: logLevel, eventLoops: eventLoops)
        configuration.credentials = credentials
        configuration.privacy = privacy
        configuration.clientCertificates = clientCertificates
        return configuration
    }
}

/// Typed reads from a ``YAMLDocument`` that collect positioned problems.
struct ConfigReader {
    let document: YAMLDocument
    private(set) var problems: [Diagnostic] = []

    init(document: YAMLDocument) { self.document = document }

    mutating func error(_ path: String, _ message: String) {
        problems.append(Diagnostic(document.location(of: path), message))
    }

    private func value(at path: String) -> JSONValue? {
        var current: JSONValue? = document.value
        guard !path.isEmpty else { return current }
        for part in path.split(separator: ".") { current = current?[String(part)] }
        return current
    }

    /// The mapping at `path` (`""` for the root), refusing keys outside `allowed` (nil allows any).
    mutating func mapping(_ path: String, in parent: [String: JSONValue]? = nil, required: Bool = false,
                          allowed: Set<String>?) -> [String: JSONValue]? {
        let key = path.split(separator: ".").last.map(String.init) ?? ""
        let node: JSONValue? = path.isEmpty ? document.value : parent?[key]
        guard let node else {
            if required, parent != nil || path.isEmpty {
                let parentPath = path.split(separator: ".").dropLast().joined(separator: ".")
                error(parentPath, "missing key '\(key)'")
            }
            return nil
        }
        guard case .object(let members) = node else {
            error(path, "\(path.isEmpty ? "the document" : "'\(path)'") must be a mapping, not \(node.typeName)")
            return nil
        }
        if let allowed {
            for name in members.keys.sorted() where !allowed.contains(name) {
                let full = path.isEmpty ? name : "\(path).\(name)"
                let hint = allowed.sorted().joined(separator: ", ")
                error(full, "unknown key '\(name)'\(path.isEmpty ? "" : " in '\(path)'") (expected one of: \(hint))")
            }
        }
        return members
    }

    /// The string at `key` of `parent` (also accepts a YAML integer for names).
    mutating func string(_ path: String, in parent: [String: JSONValue]?, key: String, required: Bool = false) -> String? {
        guard let parent else { return nil }
        guard let node = parent[key] else {
            if required {
                let parentPath = path.split(separator: ".").dropLast().joined(separator: ".")
                error(parentPath, "missing key '\(key)'")
            }
            return nil
        }
        guard case .string(let text) = node, !text.isEmpty else {
            error(path, "'\(path)' must be a non-empty string, not \(node.typeName)")
            return nil
        }
        return text
    }

    /// The integer at `key` of `parent`, within `range`.
    mutating func integer(_ path: String, in parent: [String: JSONValue]?, key: String, required: Bool = false,
                          range: ClosedRange<Int>) -> Int? {
        guard let parent else { return nil }
        guard let node = parent[key] else {
            if required {
                let parentPath = path.split(separator: ".").dropLast().joined(separator: ".")
                error(parentPath, "missing key '\(key)'")
            }
            return nil
        }
        guard case .int(let raw) = node, let value = Int(exactly: raw) else {
            error(path, "'\(path)' must be an integer, not \(node.typeName)")
            return nil
        }
        guard range.contains(value) else {
            error(path, "'\(path)' must be in \(range.lowerBound)...\(range.upperBound), not \(value)")
            return nil
        }
        return value
    }
}
