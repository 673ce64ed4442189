/// One event of libyaml's parse, copied out of C memory into Swift values.
///
/// Marks are libyaml's 0-based line and column; the tree builder turns them
/// into 1-based ``SourceLocation``s.
struct YAMLEvent: Sendable {
    /// A 0-based position as libyaml reports it.
    struct Mark: Sendable, Hashable {
        var line: Int
        var column: Int
    }

    /// How a scalar was written.
    enum ScalarStyle: Sendable, Hashable {
        case plain
        case singleQuoted
        case doubleQuoted
        case literal
        case folded
    }

    /// What happened.
    enum Kind: Sendable {
        case streamStart
        case streamEnd
        case documentStart
        case documentEnd
        case alias(anchor: String)
        case scalar(value: String, style: ScalarStyle)
        case sequenceStart
        case sequenceEnd
        case mappingStart
        case mappingEnd
    }

    var kind: Kind
    /// Where the event starts.
    var start: Mark
    /// The anchor (`&name`) on a node, if any.
    var anchor: String?
    /// The resolved tag of a node, if one was written (`tag:yaml.org,2002:str`).
    var tag: String?
}
