import Foundation

/// An API key's identifier: `key_` and 16 hex digits. It names the key in
/// audit records; it is not secret.
public struct APIKeyID: Hashable, Sendable, CustomStringConvertible {
    /// The identifier text.
    public let rawValue: String

    /// - Parameter rawValue: the identifier.
    /// - Throws: ``StoreError/Code/invalidInput`` when it has the wrong shape.
    public init(_ rawValue: String) throws(StoreError) {
        try Validation.require(Validation.isIdentifier(rawValue),
                               "API key id \(Validation.quoted(rawValue)) is not [A-Za-z0-9_-]{1,128}")
        self.rawValue = rawValue
    }

    init(trusted rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }
}

/// What a key may do.
public enum APIKeyKind: String, Sendable, Hashable, CaseIterable {
    /// Operates the service (tenants, keys); belongs to no tenant.
    case admin
    /// Acts for exactly one tenant.
    case tenant
}

/// An API key as stored: everything but the secret, which exists only as a
/// SHA-256 hash.
public struct APIKey: Sendable, Hashable {
    /// The key's identifier.
    public var id: APIKeyID
    /// Admin or tenant.
    public var kind: APIKeyKind
    /// The tenant of a tenant key; `nil` for an admin key.
    public var tenantID: TenantID?
    /// The public lookup part of the token (`pvk_<prefix>_…`).
    public var prefix: String
    /// A label for people (a token), e.g. `ci` or `backend-prod`.
    public var label: String
    /// When it was issued (millisecond precision).
    public var createdAt: Date
    /// When it was revoked, if it was.
    public var revokedAt: Date?
}

/// A freshly issued key with its token. The token is shown once: the store
/// keeps only its hash, so it cannot be recovered later.
public struct IssuedAPIKey: Sendable {
    /// The stored key.
    public var key: APIKey
    /// The bearer token, `pvk_<prefix>_<secret>`. Hand it to its owner and forget it.
    public var token: String
}

/// The result of presenting a token.
public enum KeyAuthentication: Sendable, Hashable {
    /// The token is right, not revoked, and its tenant (if any) is active.
    case authenticated(APIKey)
    /// Malformed, unknown prefix, or wrong secret: deliberately not told apart.
    case invalid
    /// The token is right but the key was revoked.
    case revoked(APIKeyID)
    /// The token is right but its tenant is disabled.
    case tenantDisabled(APIKeyID, TenantID)

    /// The key when authenticated, else `nil`.
    public var key: APIKey? {
        if case .authenticated(let key) = self { return key }
        return nil
    }
}
