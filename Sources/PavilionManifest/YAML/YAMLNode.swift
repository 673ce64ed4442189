import PavilionCore

/// One node of a parsed YAML document, with where it was written.
///
/// Mapping keys are always strings (their source text) and keep their own
/// position, so that a diagnostic about a key can point at the key.
struct YAMLNode: Sendable, Hashable {
    /// One `key: value` pair of a mapping.
    struct Entry: Sendable, Hashable {
        var key: String
        var keyLocation: SourceLocation
        var value: YAMLNode
    }

    /// What the node holds.
    enum Content: Sendable, Hashable {
        case scalar(YAMLScalar)
        case sequence([YAMLNode])
        case mapping([Entry])
    }

    var content: Content
    /// Where the node starts (1-based).
    var location: SourceLocation

    /// The entries when this is a mapping, else `nil`.
    var entries: [Entry]? {
        if case .mapping(let e) = content { return e }
        return nil
    }

    /// The items when this is a sequence, else `nil`.
    var items: [YAMLNode]? {
        if case .sequence(let i) = content { return i }
        return nil
    }

    /// The scalar when this is a scalar, else `nil`.
    var scalar: YAMLScalar? {
        if case .scalar(let s) = content { return s }
        return nil
    }

    /// How this node is named in messages: `string "high"`, `integer 3`,
    /// `a mapping`, `a list`.
    var described: String {
        switch content {
        case .scalar(let s): return s.described
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }
}
