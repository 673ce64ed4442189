/// The host services a connector cannot work without. The kit refuses to
/// load (the entry returns NULL) when the host's table lacks one.
public struct HostServices: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    /// - Parameter rawValue: the bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `pv_host_t.log`.
    public static let log = HostServices(rawValue: 1 << 0)
    /// `pv_host_t.secret`.
    public static let secret = HostServices(rawValue: 1 << 1)
    /// `pv_host_t.clock_ms`.
    public static let clock = HostServices(rawValue: 1 << 2)
    /// `pv_host_t.random`.
    public static let random = HostServices(rawValue: 1 << 3)
    /// `pv_host_t.sha256`.
    public static let sha256 = HostServices(rawValue: 1 << 4)
    /// `pv_host_t.hmac_sha256`.
    public static let hmacSHA256 = HostServices(rawValue: 1 << 5)
}

/// What a connector is: the answer to `describe`, which the host checks
/// against the manifest.
public struct ConnectorDescription: Sendable, Hashable {
    /// The manifest's `metadata.name`.
    public var name: String
    /// Semantic version, the manifest's `metadata.version`.
    public var version: String
    /// Every claim the connector can answer.
    public var claims: [String]
    /// Input data formats (`json`, `csv`, `xml`).
    public var inputFormats: [String]
    /// Output data formats.
    public var outputFormats: [String]
    /// Whether ``Connector/makeHealthProbe(context:)`` is implemented.
    public var hasHealthProbe: Bool
    /// Host services without which the connector refuses to load.
    public var requiredHostServices: HostServices

    /// - Parameters:
    ///   - name: the connector name.
    ///   - version: its semantic version.
    ///   - claims: the claims it can answer.
    ///   - inputFormats: input data formats (default `json`).
    ///   - outputFormats: output data formats (default `json`).
    ///   - hasHealthProbe: whether it builds health probes.
    ///   - requiredHostServices: host services it needs.
    public init(name: String, version: String, claims: [String], inputFormats: [String] = ["json"],
                outputFormats: [String] = ["json"], hasHealthProbe: Bool = false,
                requiredHostServices: HostServices = []) {
        self.name = name
        self.version = version
        self.claims = claims
        self.inputFormats = inputFormats
        self.outputFormats = outputFormats
        self.hasHealthProbe = hasHealthProbe
        self.requiredHostServices = requiredHostServices
    }

    /// The `describe` JSON of `connector.h`.
    public var json: ConnectorJSON {
        .object([
            "name": .string(name), "version": .string(version),
            "claims": .array(claims.map { .string($0) }),
            "input_formats": .array(inputFormats.map { .string($0) }),
            "output_formats": .array(outputFormats.map { .string($0) }),
            "health": .bool(hasHealthProbe),
        ])
    }
}
