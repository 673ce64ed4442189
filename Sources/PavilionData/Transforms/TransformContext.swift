/// What a run of a ``TransformProgram`` needs from its host, per request.
public struct TransformContext: Sendable {
    /// The date `derive` computes ages against (the host's "today" in the
    /// relying party's jurisdiction; tests pass a fixed one).
    public var today: CivilDate
    /// The tenant's keyed hash for `hash` and `tokenize`, e.g. HMAC-SHA-256
    /// under the tenant's key; `nil` when the tenant has none, which makes
    /// those steps fail with ``TransformError/Code/keyUnavailable``.
    /// PavilionData never sees the key itself.
    public var keyedHash: (@Sendable ([UInt8]) -> [UInt8])?

    /// - Parameters:
    ///   - today: the reference date for ages.
    ///   - keyedHash: the tenant's keyed hash, if any.
    public init(today: CivilDate, keyedHash: (@Sendable ([UInt8]) -> [UInt8])? = nil) {
        self.today = today
        self.keyedHash = keyedHash
    }
}
