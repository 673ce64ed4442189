import PavilionCore

/// A Referenced Token's pointer into a Token Status List
/// (draft-ietf-oauth-status-list §6.2): `"status": {"status_list": {"idx", "uri"}}`.
public struct StatusListReference: Sendable, Hashable {
    /// The index in the list.
    public var index: Int
    /// The URI of the Status List Token; equals its `sub`.
    public var uri: String

    /// - Parameters:
    ///   - index: the index (non-negative).
    ///   - uri: the list's URI.
    public init(index: Int, uri: String) {
        self.index = index
        self.uri = uri
    }

    /// The `status` claim to put in a Referenced Token.
    public var statusClaim: JSONValue {
        ["status_list": ["idx": .int(Int64(index)), "uri": .string(uri)]]
    }

    /// Read the reference from a Referenced Token's claims set.
    /// - Parameter claims: the (verified) payload, with a `status` member.
    /// - Throws: ``StatusListError`` `invalidEncoding` when `status`,
    ///   `status_list`, `idx` (a non-negative integer) or `uri` (a string
    ///   with a scheme) is missing or mistyped.
    public init(claims: JSONValue) throws(StatusListError) {
        guard let status = claims["status"] else { throw StatusListError(.invalidEncoding, "the token has no status claim") }
        guard let list = status["status_list"]?.objectValue else {
            throw StatusListError(.invalidEncoding, "the status claim has no status_list object")
        }
        guard let idxValue = list["idx"], case .int(let idx) = idxValue, idx >= 0, idx <= Int64(Int32.max) else {
            throw StatusListError(.invalidEncoding, "status_list.idx must be a non-negative integer")
        }
        guard let uri = list["uri"]?.stringValue, uri.contains(":") else {
            throw StatusListError(.invalidEncoding, "status_list.uri must be a URI string")
        }
        self.init(index: Int(idx), uri: uri)
    }
}
