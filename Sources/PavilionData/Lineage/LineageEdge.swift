/// A directed edge of a ``LineageGraph``: `to` used what `from` produced.
public struct LineageEdge: Sendable, Hashable {
    /// How the two stages relate, named after what the later one did.
    public enum Relation: String, Sendable, Hashable, CaseIterable {
        /// request → policy decision.
        case decided
        /// → validation.
        case validated
        /// policy decision (or input validation) → first DP exchange.
        case permitted
        /// DP exchange → next exchange, transform → next transform.
        case followed
        /// → quality.
        case scored
        /// → first transform.
        case transformed
        /// → minimisation.
        case minimised
        /// minimisation → claims.
        case released
        /// claims → credential.
        case issued
    }

    /// The earlier node's id.
    public var from: String
    /// The later node's id.
    public var to: String
    /// How they relate.
    public var relation: Relation

    /// - Parameters: the fields above.
    public init(from: String, to: String, relation: Relation) {
        self.from = from
        self.to = to
        self.relation = relation
    }
}
