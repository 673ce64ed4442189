/// What a PSI server lets its client learn.
public enum PSIMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// The client learns which of its elements are in the server's set.
    case intersection
    /// The client learns only how many of its elements are in the server's set.
    case cardinality
}
