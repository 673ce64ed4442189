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

/// A syntax error libyaml reported, with its position.
struct YAMLSyntaxError: Error, Sendable {
    /// libyaml's problem text, e.g. "found character that cannot start any token".
    var problem: String
    /// Where the problem is (0-based), when libyaml knows.
    var mark: YAMLEvent.Mark?
    /// The byte offset of the problem, for reader (encoding) errors.
    var offset: Int?
    /// libyaml's context text, e.g. "while scanning a plain scalar".
    var context: String?

    init(problem: String, mark: YAMLEvent.Mark? = nil, offset: Int? = nil, context: String? = nil) {
        self.problem = problem
        self.mark = mark
        self.offset = offset
        self.context = context
    }
}
