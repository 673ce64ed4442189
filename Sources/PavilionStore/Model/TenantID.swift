/// A tenant's identifier: a lowercase slug, `[a-z0-9][a-z0-9-]{0,62}`.
public struct TenantID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The slug.
    public let rawValue: String

    /// - Parameter rawValue: the slug.
    /// - Throws: ``StoreError/Code/invalidInput`` when it is not a slug.
    public init(_ rawValue: String) throws(StoreError) {
        try Validation.require(Validation.isSlug(rawValue),
                               "tenant id \(Validation.quoted(rawValue)) is not a slug ([a-z0-9][a-z0-9-]{0,62})")
        self.rawValue = rawValue
    }

    init(trusted rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }
    public static func < (lhs: TenantID, rhs: TenantID) -> Bool { lhs.rawValue < rhs.rawValue }
}
