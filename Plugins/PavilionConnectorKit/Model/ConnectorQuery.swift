/// One verification question, parsed and checked by the kit before the
/// connector sees it: `claims` is non-empty, without duplicates, and every
/// claim is one the connector declared.
public struct ConnectorQuery: Sendable, Hashable {
    /// The host's request id, for correlation (may be empty).
    public var requestID: String
    /// Subject attributes, OpenID Connect names where one exists.
    public var subject: [String: ConnectorJSON]
    /// The requested claims, in query order.
    public var claims: [String]
    /// The declared purpose (e.g. `kyc`), if given.
    public var purpose: String?
    /// The jurisdiction the request is made under, if given.
    public var jurisdiction: String?

    /// - Parameters:
    ///   - requestID: the request id.
    ///   - subject: subject attributes.
    ///   - claims: requested claims.
    ///   - purpose: the purpose.
    ///   - jurisdiction: the jurisdiction.
    public init(requestID: String = "", subject: [String: ConnectorJSON], claims: [String],
                purpose: String? = nil, jurisdiction: String? = nil) {
        self.requestID = requestID
        self.subject = subject
        self.claims = claims
        self.purpose = purpose
        self.jurisdiction = jurisdiction
    }

    /// Whether the query asked for `claim`.
    /// - Parameter claim: a claim name.
    /// - Returns: true if requested.
    public func requests(_ claim: String) -> Bool { claims.contains(claim) }

    /// The subject attribute `name` as a non-empty string.
    /// - Parameter name: the attribute, e.g. `family_name`.
    /// - Returns: its value.
    /// - Throws: ``ConnectorError`` `invalidInput` when absent, empty or not a string.
    public func subjectString(_ name: String) throws(ConnectorError) -> String {
        guard let value = subject[name] else {
            throw ConnectorError(.invalidInput, "subject attribute \(name) is required")
        }
        guard let s = value.stringValue, !s.isEmpty else {
            throw ConnectorError(.invalidInput, "subject attribute \(name) must be a non-empty string")
        }
        return s
    }

    /// Parse and check query JSON against the connector's claims.
    static func parse(_ bytes: [UInt8], offered: [String]) throws(ConnectorError) -> ConnectorQuery {
        let json: ConnectorJSON
        do {
            json = try ConnectorJSONParser().parse(bytes: bytes)
        } catch {
            throw ConnectorError(.invalidInput, "query is not valid JSON (\(error.description))")
        }
        guard case .object(let members) = json else { throw ConnectorError(.invalidInput, "query must be an object") }
        guard let claimValues = members["claims"]?.arrayValue else {
            throw ConnectorError(.invalidInput, "query.claims must be an array")
        }
        var claims: [String] = []
        for value in claimValues {
            guard let claim = value.stringValue else {
                throw ConnectorError(.invalidInput, "query.claims must hold strings")
            }
            guard offered.contains(claim) else {
                throw ConnectorError(.unsupported, "query asks for a claim this connector does not offer")
            }
            if !claims.contains(claim) { claims.append(claim) }
        }
        guard !claims.isEmpty else { throw ConnectorError(.invalidInput, "query.claims is empty") }
        guard let subject = members["subject"]?.objectValue else {
            throw ConnectorError(.invalidInput, "query.subject must be an object")
        }
        func optionalString(_ key: String) throws(ConnectorError) -> String? {
            guard let value = members[key], value != .null else { return nil }
            guard let s = value.stringValue else { throw ConnectorError(.invalidInput, "query.\(key) must be a string") }
            return s
        }
        return ConnectorQuery(requestID: try optionalString("request_id") ?? "", subject: subject, claims: claims,
                              purpose: try optionalString("purpose"), jurisdiction: try optionalString("jurisdiction"))
    }
}
