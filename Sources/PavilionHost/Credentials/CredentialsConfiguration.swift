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

    /// - Parameters: the fields above.
    public init(issuer: String, keys: KeySource, regions: [String: RegionKeys], lifetimeSeconds: Int = 86_400) {
        self.issuer = issuer
        self.keys = keys
        self.regions = regions
        self.lifetimeSeconds = lifetimeSeconds
    }
}
