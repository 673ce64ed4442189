/// How a ``DPSimulator`` listens, whom it serves and what it knows.
public struct SimulatorConfiguration: Sendable {
    /// The provider API served.
    public var kind: SimulatorKind
    /// The address to bind, an IP literal. Default `127.0.0.1`.
    public var host: String
    /// The port; 0 picks an ephemeral one (read it back from ``DPSimulator/port``).
    public var port: Int
    /// PEM certificate chain for TLS; with ``tlsKeyFile``. Nil serves plain HTTP.
    public var tlsCertificateFile: String?
    /// PEM private key for TLS; with ``tlsCertificateFile``.
    public var tlsKeyFile: String?
    /// The OAuth client id the token endpoint accepts. Default `test-client`
    /// (the recorded fixtures' tenant secret).
    public var clientID: String
    /// The OAuth client secret the token endpoint accepts. Default `s3cr3t`.
    public var clientSecret: String
    /// How long an issued token is valid; nil for the kind's default
    /// (camara 3600 s, fhir 300 s).
    public var tokenLifetime: Duration?
    /// The people the simulator knows. Default ``SyntheticPerson/builtIn``.
    public var people: [SyntheticPerson]
    /// The numbers a ``SimulatorKind/fraudList`` register lists (E.164).
    /// Default: `+34600000002` and `+447700900500` … `+447700900599`.
    public var listedNumbers: [String]
    /// The faults injected from the start.
    public var faults: SimulatorFaults
    /// Seed for the `errorRate` draws, for repeatable tests; nil (the
    /// default) uses the system generator.
    public var randomSeed: UInt64?
    /// Event-loop threads when the simulator makes its own group. Default 1.
    public var threads: Int
    /// The longest a stalled request is held before its connection is
    /// closed (bounds the `stall` fault). Default 120 s.
    public var stallLimit: Duration
    /// Signs every provider-API response (detached JWS in `x-jws-signature`)
    /// when set; `nil` (the default) leaves responses unsigned.
    public var responseSigner: SimulatorResponseSigner?

    /// - Parameters: the fields above, with their defaults.
    public init(kind: SimulatorKind, host: String = "127.0.0.1", port: Int = 0, tlsCertificateFile: String? = nil,
                tlsKeyFile: String? = nil, clientID: String = "test-client", clientSecret: String = "s3cr3t",
                tokenLifetime: Duration? = nil, people: [SyntheticPerson] = SyntheticPerson.builtIn,
                faults: SimulatorFaults = .none, randomSeed: UInt64? = nil, threads: Int = 1,
                stallLimit: Duration = .seconds(120), responseSigner: SimulatorResponseSigner? = nil,
                listedNumbers: [String]? = nil) {
        self.listedNumbers = listedNumbers ?? FraudListAPI.builtInNumbers
        self.responseSigner = responseSigner
        self.kind = kind
        self.host = host
        self.port = port
        self.tlsCertificateFile = tlsCertificateFile
        self.tlsKeyFile = tlsKeyFile
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.tokenLifetime = tokenLifetime
        self.people = people
        self.faults = faults
        self.randomSeed = randomSeed
        self.threads = threads
        self.stallLimit = stallLimit
    }

    /// The token lifetime in effect.
    var effectiveTokenLifetime: Duration {
        if let tokenLifetime { return tokenLifetime }
        return kind == .fhir ? .seconds(300) : .seconds(3600)
    }
}
