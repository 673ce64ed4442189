import Foundation

/// A credential signing key in the key registry: where it lives (its label
/// in the HSM or software key store), which region it signs for, and when it
/// was published, started signing and was retired. Its state is derived
/// from those times (``state(at:lifetime:)``), so a rotation needs no timer.
public struct SigningKeyRecord: Sendable, Hashable {
    /// The lifecycle state at a moment.
    public enum State: String, Sendable, Hashable {
        /// In the JWKS, not signing yet (inside the publish lead).
        case published
        /// Signing (and in the JWKS).
        case active
        /// Not signing; in the JWKS until every credential it signed has expired.
        case retired
        /// Retired longer than a credential lifetime: out of the JWKS.
        case dropped
    }

    /// The RFC 7638 thumbprint of the public key (the JWS `kid`).
    public var kid: String
    /// The key's label in its key store.
    public var label: String
    /// The region it signs for.
    public var region: String
    /// `ES256`, `ES384` or `EdDSA`.
    public var algorithm: String
    /// When it entered the JWKS.
    public var publishedAt: Date
    /// When it starts (started) signing.
    public var activatesAt: Date
    /// When it stops (stopped) signing, if retired or scheduled to be.
    public var retiredAt: Date?

    /// - Parameters: the fields above.
    public init(kid: String, label: String, region: String, algorithm: String, publishedAt: Date, activatesAt: Date,
                retiredAt: Date? = nil) {
        self.kid = kid
        self.label = label
        self.region = region
        self.algorithm = algorithm
        self.publishedAt = publishedAt
        self.activatesAt = activatesAt
        self.retiredAt = retiredAt
    }

    /// The state at `now`, given how long credentials live.
    /// - Parameters:
    ///   - now: the moment.
    ///   - lifetime: the credential lifetime in seconds: a retired key stays
    ///     published that long after its retirement.
    /// - Returns: published, active, retired or dropped.
    public func state(at now: Date, lifetime: TimeInterval) -> State {
        if let retiredAt, now >= retiredAt {
            return now >= retiredAt.addingTimeInterval(lifetime) ? .dropped : .retired
        }
        return now >= activatesAt ? .active : .published
    }
}
