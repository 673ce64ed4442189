/// What a PSI server announces (`GET /psi/v1/info`): the protocol, suite,
/// mode, set size and limits, and for ``PSIMode/intersection`` its public key.
public struct PSIServerInfo: Sendable, Codable, Equatable {
    /// ``PSIProtocol/name``.
    public var `protocol`: String
    /// The OPRF suite identifier, `P256-SHA256`.
    public var suite: String
    /// What the client may learn.
    public var mode: PSIMode
    /// Distinct elements in the server's set (revealed by every PSI protocol of this kind).
    public var setSize: Int
    /// ``PSIProtocol/digestLength``.
    public var digestLength: Int
    /// The most elements per evaluation request.
    public var maxBatch: Int
    /// The most entries per page of the server's set.
    public var maxPage: Int
    /// `k·G`, compressed SEC1 in lowercase hex (the client's additive unblinding needs it).
    public var publicKey: String

    /// - Parameters: the fields above.
    public init(protocol: String, suite: String, mode: PSIMode, setSize: Int, digestLength: Int, maxBatch: Int,
                maxPage: Int, publicKey: String) {
        self.protocol = `protocol`
        self.suite = suite
        self.mode = mode
        self.setSize = setSize
        self.digestLength = digestLength
        self.maxBatch = maxBatch
        self.maxPage = maxPage
        self.publicKey = publicKey
    }
}
