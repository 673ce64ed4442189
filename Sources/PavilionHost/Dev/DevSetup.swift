import PavilionStore

/// An API key of the development environment: its id and bearer token.
public struct DevAPIKey: Sendable, Hashable {
    /// The key's id (`key_…`), as audit records name it.
    public var id: String
    /// The bearer token (`pvk_…`).
    public var token: String

    /// - Parameters:
    ///   - id: the key id.
    ///   - token: the bearer token.
    public init(id: String, token: String) {
        self.id = id
        self.token = token
    }
}

/// What ``DevEnvironment/prepare(dataDirectory:connectors:tenant:)`` made or
/// found: file paths, the open store, the tenant and its keys.
public struct DevSetup: Sendable {
    /// The data directory.
    public var dataDirectory: String
    /// `DATA/tls/ca.pem`: the development CA certificate clients trust.
    public var caCertificateFile: String
    /// `DATA/tls/ca-key.pem` (0600): the CA's private key.
    public var caKeyFile: String
    /// `DATA/tls/server.pem`: the server certificate for localhost, 127.0.0.1, ::1.
    public var serverCertificateFile: String
    /// `DATA/tls/server-key.pem` (0600): the server's private key.
    public var serverKeyFile: String
    /// `DATA/dev-secrets.json` (0600): the keys below, kept for re-runs.
    public var secretsFile: String
    /// The store, open.
    public var store: SQLiteStore
    /// The development tenant.
    public var tenant: TenantID
    /// The admin key.
    public var adminKey: DevAPIKey
    /// The tenant's key.
    public var tenantKey: DevAPIKey
    /// The connectors enabled for the tenant (all of them, not only those asked for now).
    public var enabledConnectors: [String]
    /// Whether anything had to be made this time (first run, or a part
    /// missing); `false` when everything was reused.
    public var createdAnything: Bool
}
