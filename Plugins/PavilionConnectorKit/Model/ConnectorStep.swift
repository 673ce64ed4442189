/// The value of one claim in a result.
public enum ClaimValue: Sendable, Hashable {
    /// A boolean claim (`true` / `false`).
    case bool(Bool)
    /// A match claim, serialised as the string `"true"` or `"false"`.
    case match(Bool)
    /// The DP cannot say; serialised as `"not_available"`.
    case notAvailable
    /// A string claim.
    case string(String)
    /// An integer claim.
    case integer(Int64)

    /// The JSON form the host receives.
    public var json: ConnectorJSON {
        switch self {
        case .bool(let b): return .bool(b)
        case .match(let b): return .string(b ? "true" : "false")
        case .notAvailable: return .string("not_available")
        case .string(let s): return .string(s)
        case .integer(let i): return .int(i)
        }
    }
}

/// Normalised claims: claim name to value, only for claims the query asked for.
public typealias Claims = [String: ClaimValue]

/// What an exchange wants next.
public enum ConnectorStep: Sendable, Hashable {
    /// Perform this request and call ``ConnectorExchange/receive(_:)`` with its response.
    case request(HTTPRequest)
    /// Done: these are the claims.
    case result(Claims)
    /// Ask the host to run this private set intersection against the DP and
    /// call ``ConnectorExchange/receive(_:)`` with its answer (read it with
    /// ``PSIAnswer/init(_:for:)``). Needs a host of ABI 2 or later; with an
    /// older host the exchange fails with `unsupported`.
    case psi(PSIQuery)
}
