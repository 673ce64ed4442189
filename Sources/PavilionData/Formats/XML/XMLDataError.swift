/// Why XML input was refused, and where.
///
/// Equal by ``code``. The reason never quotes element text or attribute
/// values: registries answer with personal data and errors reach logs.
public struct XMLDataError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kinds of problem XML input can have.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        /// The code's name, e.g. `doctypeRefused`.
        public var description: String { name }

        /// The document has a document type declaration (`<!DOCTYPE`), the
        /// only place entities can be declared: refused so that no entity is
        /// ever expanded (billion laughs) or fetched (XXE).
        public static let doctypeRefused = Code("doctypeRefused")
        /// The XML declaration names an encoding other than UTF-8.
        public static let unsupportedEncoding = Code("unsupportedEncoding")
        /// Bytes that are not well-formed UTF-8.
        public static let invalidUTF8 = Code("invalidUTF8")
        /// Elements nested deeper than ``XMLDecoder/Options/maxDepth``.
        public static let tooDeep = Code("tooDeep")
        /// More input than ``XMLDecoder/Options/maxBytes``.
        public static let tooLarge = Code("tooLarge")
        /// Not well-formed XML, as the parser (libxml2) reports it; this
        /// includes references to undeclared entities such as `&xxe;`.
        public static let syntax = Code("syntax")
    }

    /// The kind of problem.
    public let code: Code
    /// What is wrong, for people; never quotes text or attribute values.
    public let reason: String
    /// 1-based line where the problem was seen.
    public let line: Int
    /// 1-based column where the problem was seen. For problems the parser
    /// finds this is where it stopped, often just after the construct.
    public let column: Int
    /// XPath-like path of the element being read, e.g.
    /// `/registry/person[2]/birthDate` (`[n]` for the n-th same-named
    /// sibling, shown from 2 on); empty before the root element.
    public let path: String
    /// Where in Pavilion the error was raised (`#fileID:#line`).
    public let raisedAt: String

    /// - Parameters:
    ///   - code: the kind of problem.
    ///   - reason: what is wrong, without document contents.
    ///   - line: 1-based line.
    ///   - column: 1-based column.
    ///   - path: XPath-like path of the current element, or empty.
    public init(_ code: Code, _ reason: String, line: Int, column: Int, path: String = "",
                fileID: String = #fileID, sourceLine: Int = #line) {
        self.code = code
        self.reason = reason
        self.line = line
        self.column = column
        self.path = path
        self.raisedAt = "\(fileID):\(sourceLine)"
    }

    /// `line:column: path: reason`, the path left out when empty.
    public var description: String {
        path.isEmpty ? "\(line):\(column): \(reason)" : "\(line):\(column): \(path): \(reason)"
    }

    /// Equal when the codes are equal.
    public static func == (lhs: XMLDataError, rhs: XMLDataError) -> Bool { lhs.code == rhs.code }
    /// Hashes the code only, consistent with `==`.
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
