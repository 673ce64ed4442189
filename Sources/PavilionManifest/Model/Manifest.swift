import PavilionCore

/// A validated connector manifest: one YAML file in `connectors.d/`.
///
/// Every value here has passed validation; `locations` keeps where each key
/// was written so that later checks (library pin, plugin self-description)
/// can still report `file:line:column`.
public struct Manifest: Sendable, Hashable {
    // Copy-on-write: a manifest is read on every verification (by the
    // pipeline, the data run, the registry and caches), and copying its
    // eighteen members retained and released every string and array in it.
    // One storage object makes a copy one retain; members are read in place
    // (`_read`), so `manifest.compliance.purposes` copies nothing either.
    private var storage: Storage

    /// The manifest file as given (relative paths stay relative).
    public var file: String {
        _read { yield storage.file }
        set { uniqueStorage().file = newValue }
    }
    /// `metadata`.
    public var metadata: Metadata {
        _read { yield storage.metadata }
        set { uniqueStorage().metadata = newValue }
    }
    /// `spec.library`.
    public var library: Library {
        _read { yield storage.library }
        set { uniqueStorage().library = newValue }
    }
    /// `spec.formats`.
    public var formats: Formats {
        _read { yield storage.formats }
        set { uniqueStorage().formats = newValue }
    }
    /// `spec.claims`, in file order.
    public var claims: [Claim] {
        _read { yield storage.claims }
        set { uniqueStorage().claims = newValue }
    }
    /// `spec.settings`: a JSON object handed to the plugin's `create`.
    public var settings: JSONValue {
        _read { yield storage.settings }
        set { uniqueStorage().settings = newValue }
    }
    /// `spec.secrets`: names of the tenant-scoped secrets the plugin may read.
    public var secrets: [Secret] {
        _read { yield storage.secrets }
        set { uniqueStorage().secrets = newValue }
    }
    /// `spec.schemas.input` / `spec.schemas.output`: JSON Schema 2020-12 objects.
    public var inputSchema: JSONValue? {
        _read { yield storage.inputSchema }
        set { uniqueStorage().inputSchema = newValue }
    }
    public var outputSchema: JSONValue? {
        _read { yield storage.outputSchema }
        set { uniqueStorage().outputSchema = newValue }
    }
    /// `spec.regions`, in file order.
    public var regions: [Region] {
        _read { yield storage.regions }
        set { uniqueStorage().regions = newValue }
    }
    /// `spec.compliance`.
    public var compliance: Compliance {
        _read { yield storage.compliance }
        set { uniqueStorage().compliance = newValue }
    }
    /// `spec.connection`, with defaults filled in.
    public var connection: Connection {
        _read { yield storage.connection }
        set { uniqueStorage().connection = newValue }
    }
    /// `spec.health`, if the connector offers a health probe.
    public var health: Health? {
        _read { yield storage.health }
        set { uniqueStorage().health = newValue }
    }
    /// `spec.tests.fixtures`: recorded-exchange fixture files, resolved
    /// against the manifest's folder.
    public var fixtures: [String] {
        _read { yield storage.fixtures }
        set { uniqueStorage().fixtures = newValue }
    }
    /// `spec.transforms`: the transform steps as JSON (an array), or `nil`
    /// when the manifest has none. Checked for structure here; the host
    /// compiles them with PavilionData's `TransformProgram`, whose errors
    /// name a step index that ``location(of:)`` turns into a position
    /// (`spec.transforms[2].normalize`).
    public var transforms: JSONValue? {
        _read { yield storage.transforms }
        set { uniqueStorage().transforms = newValue }
    }
    /// `spec.quality`: the data-quality policy as JSON (an object), or `nil`.
    /// Checked for structure here; the host compiles it with PavilionData's
    /// `QualityPolicy`, whose errors name a member path that
    /// ``location(of:)`` turns into a position (`spec.quality.consistency[1]`).
    public var quality: JSONValue? {
        _read { yield storage.quality }
        set { uniqueStorage().quality = newValue }
    }
    /// `spec.integrity`: how the DP signs its responses, or `nil` when it does not.
    public var integrity: Integrity? {
        _read { yield storage.integrity }
        set { uniqueStorage().integrity = newValue }
    }
    /// Where each key was written, by dotted path (`spec.library.sha256`,
    /// `spec.regions[1].residency`). The path `""` is the document itself.
    public var locations: [String: SourceLocation] {
        _read { yield storage.locations }
        set { uniqueStorage().locations = newValue }
    }

    /// Memberwise initialiser, for tests and tools that build a manifest
    /// without a file. ``ManifestLoader`` is the way to get a validated one.
    public init(file: String, metadata: Metadata, library: Library, formats: Formats, claims: [Claim],
                settings: JSONValue = .object([:]), secrets: [Secret] = [], inputSchema: JSONValue? = nil,
                outputSchema: JSONValue? = nil, regions: [Region], compliance: Compliance,
                connection: Connection = Connection(), health: Health? = nil, fixtures: [String] = [],
                transforms: JSONValue? = nil, quality: JSONValue? = nil, integrity: Integrity? = nil,
                locations: [String: SourceLocation] = [:]) {
        storage = Storage(file: file, metadata: metadata, library: library, formats: formats, claims: claims, settings: settings, secrets: secrets, inputSchema: inputSchema, outputSchema: outputSchema, regions: regions, compliance: compliance, connection: connection, health: health, fixtures: fixtures, transforms: transforms, quality: quality, integrity: integrity, locations: locations)
    }

    private mutating func uniqueStorage() -> Storage {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return storage
    }

    public static func == (lhs: Manifest, rhs: Manifest) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.hasSameMembers(as: rhs.storage)
    }

    public func hash(into hasher: inout Hasher) { storage.hash(into: &hasher) }

    /// The members. Mutated only through ``uniqueStorage()``, so never while
    /// shared: @unchecked Sendable is sound.
    private final class Storage: @unchecked Sendable {
        var file: String
        var metadata: Metadata
        var library: Library
        var formats: Formats
        var claims: [Claim]
        var settings: JSONValue
        var secrets: [Secret]
        var inputSchema: JSONValue?
        var outputSchema: JSONValue?
        var regions: [Region]
        var compliance: Compliance
        var connection: Connection
        var health: Health?
        var fixtures: [String]
        var transforms: JSONValue?
        var quality: JSONValue?
        var integrity: Integrity?
        var locations: [String: SourceLocation]

        init(file: String, metadata: Metadata, library: Library, formats: Formats, claims: [Claim], settings: JSONValue, secrets: [Secret], inputSchema: JSONValue?, outputSchema: JSONValue?, regions: [Region], compliance: Compliance, connection: Connection, health: Health?, fixtures: [String], transforms: JSONValue?, quality: JSONValue?, integrity: Integrity?, locations: [String: SourceLocation]) {
            self.file = file
            self.metadata = metadata
            self.library = library
            self.formats = formats
            self.claims = claims
            self.settings = settings
            self.secrets = secrets
            self.inputSchema = inputSchema
            self.outputSchema = outputSchema
            self.regions = regions
            self.compliance = compliance
            self.connection = connection
            self.health = health
            self.fixtures = fixtures
            self.transforms = transforms
            self.quality = quality
            self.integrity = integrity
            self.locations = locations
        }

        func copy() -> Storage { Storage(file: file, metadata: metadata, library: library, formats: formats, claims: claims, settings: settings, secrets: secrets, inputSchema: inputSchema, outputSchema: outputSchema, regions: regions, compliance: compliance, connection: connection, health: health, fixtures: fixtures, transforms: transforms, quality: quality, integrity: integrity, locations: locations) }

        func hasSameMembers(as other: Storage) -> Bool {
            file == other.file
                && metadata == other.metadata
                && library == other.library
                && formats == other.formats
                && claims == other.claims
                && settings == other.settings
                && secrets == other.secrets
                && inputSchema == other.inputSchema
                && outputSchema == other.outputSchema
                && regions == other.regions
                && compliance == other.compliance
                && connection == other.connection
                && health == other.health
                && fixtures == other.fixtures
                && transforms == other.transforms
                && quality == other.quality
                && integrity == other.integrity
                && locations == other.locations
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(file)
            hasher.combine(metadata)
            hasher.combine(library)
            hasher.combine(formats)
            hasher.combine(claims)
            hasher.combine(settings)
            hasher.combine(secrets)
            hasher.combine(inputSchema)
            hasher.combine(outputSchema)
            hasher.combine(regions)
            hasher.combine(compliance)
            hasher.combine(connection)
            hasher.combine(health)
            hasher.combine(fixtures)
            hasher.combine(transforms)
            hasher.combine(quality)
            hasher.combine(integrity)
            hasher.combine(locations)
        }
    }

    /// Where `path` was written, or the start of the file.
    public func location(of path: String) -> SourceLocation {
        locations[path] ?? locations[""] ?? SourceLocation(file: file, line: 1, column: 1)
    }

    /// `metadata.name`, the connector's unique name.
    public var name: String { metadata.name }
}

extension Manifest {
    /// `metadata`.
    public struct Metadata: Sendable, Hashable {
        /// Unique connector name: lowercase letters, digits and '-', 1–63.
        public var name: String
        /// Who runs the data source, for people.
        public var provider: String
        /// Semantic version of the connector.
        public var version: String
        /// Free text, optional.
        public var description: String?

        public init(name: String, provider: String, version: String, description: String? = nil) {
            self.name = name
            self.provider = provider
            self.version = version
            self.description = description
        }
    }

    /// `spec.library`.
    public struct Library: Sendable, Hashable {
        /// Absolute (or manifest-relative, resolved) path to the shared library.
        public var path: String
        /// The path exactly as written in the manifest.
        public var declaredPath: String
        /// Lowercase hex SHA-256 of the library file.
        public var sha256: String
        /// The ABI version the library is built for.
        public var abi: UInt32

        public init(path: String, declaredPath: String, sha256: String, abi: UInt32) {
            self.path = path
            self.declaredPath = declaredPath
            self.sha256 = sha256
            self.abi = abi
        }
    }

    /// `spec.formats`.
    public struct Formats: Sendable, Hashable {
        /// Data formats the DP speaks: `json`, `csv`, `xml`.
        public var input: [String]
        public var output: [String]
        /// Credential formats the host may issue from this connector's
        /// results: `vc+jwt`, `dc+sd-jwt`, `vc-di-ecdsa-jcs-2019`,
        /// `vc-di-eddsa-jcs-2022`.
        public var credentials: [String]

        public init(input: [String], output: [String], credentials: [String]) {
            self.input = input
            self.output = output
            self.credentials = credentials
        }
    }

    /// One claim the connector can verify.
    public struct Claim: Sendable, Hashable {
        /// Claim name, e.g. `age_over_18`.
        public var name: String
        /// `boolean`, `string`, `number` or `match` (true/false/"not_available").
        public var type: String
        /// Data categories touched to answer it (`identity`, `health`, ...).
        public var dataCategories: [String]
        public var description: String?

        public init(name: String, type: String, dataCategories: [String], description: String? = nil) {
            self.name = name
            self.type = type
            self.dataCategories = dataCategories
            self.description = description
        }
    }

    /// One tenant-scoped secret the plugin may read through the host.
    public struct Secret: Sendable, Hashable {
        public var name: String
        public var description: String?

        public init(name: String, description: String? = nil) {
            self.name = name
            self.description = description
        }
    }

    /// One region where the DP answers.
    public struct Region: Sendable, Hashable {
        /// Region name, unique within the manifest (`eu-west`).
        public var name: String
        /// Where data sent to this region is processed.
        public var residency: ResidencyZone
        /// Lower is preferred.
        public var priority: Int
        /// Base URLs (`https://host[:port][/base]`), at least one.
        public var endpoints: [String]

        public init(name: String, residency: ResidencyZone, priority: Int, endpoints: [String]) {
            self.name = name
            self.residency = residency
            self.priority = priority
            self.endpoints = endpoints
        }
    }

    /// `spec.compliance`.
    public struct Compliance: Sendable, Hashable {
        /// Privacy laws that apply: `gdpr`, `uk-gdpr`, `ccpa`, `hipaa`, ...
        public var jurisdictions: [String]
        /// Data categories the connector touches at all.
        public var dataCategories: [String]
        /// GDPR Art. 6 bases the connector may be used under.
        public var lawfulBases: [String]
        /// Purposes a relying party may state (`kyc`, `age_verification`, ...).
        public var purposes: [String]
        /// ISO 8601 duration the host keeps verification records (`P90D`).
        public var retention: String
        /// Basis for a transfer out of the adequacy set (`scc`, `bcr`, `dpf`,
        /// `derogation`), when a GDPR connector has regions outside it.
        public var transferBasis: String?

        public init(jurisdictions: [String], dataCategories: [String], lawfulBases: [String], purposes: [String],
                    retention: String, transferBasis: String? = nil) {
            self.jurisdictions = jurisdictions
            self.dataCategories = dataCategories
            self.lawfulBases = lawfulBases
            self.purposes = purposes
            self.retention = retention
            self.transferBasis = transferBasis
        }
    }

    /// `spec.connection`, defaults filled in (documented in docs/manifest.md).
    public struct Connection: Sendable, Hashable {
        public var maxConnections: Int = 64
        public var maxIdle: Int = 64
        public var minIdle: Int = 0
        public var idleTimeoutMs: Int = 60_000
        public var maxLifetimeMs: Int = 600_000
        public var connectTimeoutMs: Int = 2_000
        public var requestTimeoutMs: Int = 5_000
        public var maxAttempts: Int = 2
        public var backoffMs: Int = 50
        public var breakerConsecutiveFailures: Int = 5
        public var breakerFailureRate: Double = 0.5
        public var breakerWindow: Int = 20
        public var breakerOpenMs: Int = 30_000
        public var breakerHalfOpenProbes: Int = 3
        public var tlsCAFile: String?
        public var tlsSPKIPins: [String] = []
        public var tlsMinVersion: String = "1.2"
        /// `tls.client_certificate`: PEM chain presented to the DP (mutual TLS), resolved like `ca_file`.
        public var tlsClientCertificate: String?
        /// `tls.client_key`: its PEM private key; given with `client_certificate`.
        public var tlsClientKey: String?
        /// `load_balancing`: `least_outstanding` (default) or `latency_ewma`.
        public var loadBalancing: String = "least_outstanding"
        /// `on_unavailable`: `problem` (503 + Retry-After, default) or `cannot_attest`.
        public var onUnavailable: String = "problem"
        /// `retry_after_s`: the Retry-After of the 503 when no allowed region answers.
        public var retryAfterSeconds: Int = 30
        /// `hedging`: hedge idempotent requests after the p95 latency.
        public var hedging: Bool = false
        /// `retries.budget_ratio`: retries allowed per request in the window.
        public var retryBudgetRatio: Double = 0.1
        /// `breaker.minimum_calls`: outcomes needed before the failure rate counts.
        public var breakerMinimumCalls: Int = 10
        /// `outlier.consecutive_errors`.
        public var outlierConsecutiveErrors: Int = 5
        /// `outlier.base_ejection_ms`.
        public var outlierBaseEjectionMs: Int = 30_000
        /// `outlier.max_ejection_ms`.
        public var outlierMaxEjectionMs: Int = 300_000
        /// `outlier.max_ejected_percent`.
        public var outlierMaxEjectedPercent: Int = 50

        public init() {}
    }

    /// `spec.integrity`: the DP signs its responses; the host verifies each
    /// one before using it and refuses unsigned or badly signed ones.
    public struct Integrity: Sendable, Hashable {
        /// The scheme: `jws` (a detached JWS, RFC 7515 Appendix F, in the
        /// `x-jws-signature` response header) or `http-message-signatures`
        /// (RFC 9421 over `@status` and `content-digest`, RFC 9530).
        public var responseSignature: String
        /// The trusted public keys: a JWKS file (absolute, resolved against
        /// the manifest's folder), when written as a string.
        public var keysFile: String?
        /// The trusted public keys written inline: a JWKS object (`{keys: [...]}`).
        public var inlineKeys: JSONValue?
        /// The JWS algorithms accepted (`ES256`, `ES384`, `EdDSA`, `PS256`, `RS256`).
        public var algorithms: [String]

        /// The algorithms accepted when the manifest names none.
        public static let defaultAlgorithms = ["ES256", "EdDSA"]

        public init(responseSignature: String, keysFile: String? = nil, inlineKeys: JSONValue? = nil,
                    algorithms: [String] = Integrity.defaultAlgorithms) {
            self.responseSignature = responseSignature
            self.keysFile = keysFile
            self.inlineKeys = inlineKeys
            self.algorithms = algorithms
        }
    }

    /// `spec.health`.
    public struct Health: Sendable, Hashable {
        public var intervalMs: Int
        public var timeoutMs: Int

        public init(intervalMs: Int, timeoutMs: Int) {
            self.intervalMs = intervalMs
            self.timeoutMs = timeoutMs
        }
    }
}

extension Manifest {
    /// Whether `text` is a valid connector (or region) name,
    /// `^[a-z][a-z0-9-]{0,62}$`, as the loader requires of `metadata.name`.
    public static func isValidName(_ text: String) -> Bool { TextRules.isName(text) }
}
