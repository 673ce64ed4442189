/// The `credentials:` section of `pavilion.yaml`: who issues, where the
/// signing keys live, and which key signs for which region.
public struct CredentialsConfiguration: Sendable, Hashable {
    /// Where the signing keys live.
    public enum KeySource: Sendable, Hashable {
        /// Pavilion's encrypted software key store (absolute paths).
        case software(directory: String, masterKeyFile: String)
        /// A PKCS #11 token: the module, the token label, and the variable holding the PIN.
        case pkcs11(module: String, token: String, pinEnvironment: String)
    }

    /// The labels of one region's keys.
    public struct RegionKeys: Sendable, Hashable {
        /// The ES256 key's label, if the region has one.
        public var es256: String?
        /// The Ed25519 key's label, if the region has one.
        public var edDSA: String?

        /// - Parameters: the fields above.
        public init(es256: String?, edDSA: String?) {
            self.es256 = es256
            self.edDSA = edDSA
        }
    }

    /// `issuer`: the issuer identifier written into every credential (an https URL).
    public var issuer: String
    /// `keys`.
    public var keys: KeySource
    /// `regions`: region name → key labels.
    public var regions: [String: RegionKeys]
    /// `lifetime_seconds`: how long an issued credential is valid (1 day unless given).
    public var lifetimeSeconds: Int
    /// `status_base_url`: where this host's status lists are reached
    /// (`{status_base_url}/v1/status-lists/{id}`); `nil` for the host's own listen URL.
    public var statusBaseURL: String?
    /// `status_ttl_seconds`: the `ttl` of served status lists (and their `Cache-Control: max-age`), 300 unless given.
    public var statusTimeToLiveSeconds: Int = 300
    /// `status_list_size`: entries per status list, at least 131,072 (the W3C herd-privacy floor).
    public var statusListSize: Int = 131_072
    /// `key_publish_lead_seconds`: how long a new signing key is in the JWKS before it signs (300 = the JWKS max-age).
    public var keyPublishLeadSeconds: Int = 300
    /// `key_refresh_seconds`: how often a serving host re-reads the key registry (besides SIGHUP), 30 unless given.
    public var keyRefreshSeconds: Int = 30
    /// `tenant_max_age_seconds`: tenant id → the longest a credential issued for it may be valid
    /// (caps `lifetime_seconds`; verifiers may also refuse credentials older than this).
    public var tenantMaxAgeSeconds: [String: Int] = [:]

    /// - Parameters: the fields above.
    public init(issuer: String, keys: KeySource, regions: [String: RegionKeys], lifetimeSeconds: Int = 86_400) {
        self.issuer = issuer
        self.keys = keys
        self.regions = regions
        self.lifetimeSeconds = lifetimeSeconds
    }
}
