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
