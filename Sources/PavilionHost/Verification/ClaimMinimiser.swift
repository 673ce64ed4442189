import PavilionCore

/// The minimisation stage: keep exactly the claims the relying party asked
/// for, whatever else the connector returned.
public enum ClaimMinimiser {
    /// The members of `result` named in `claims`; others are dropped.
    /// - Parameters:
    ///   - result: the connector's result object.
    ///   - claims: the claims asked for.
    /// - Returns: a JSON object holding at most those claims.
    public static func minimise(_ result: JSONValue, to claims: [String]) -> JSONValue {
        guard case .object(let members) = result else { return .object([:]) }
        var out: [String: JSONValue] = [:]
        for claim in claims {
            if let value = members[claim] { out[claim] = value }
        }
        return .object(out)
    }
}
