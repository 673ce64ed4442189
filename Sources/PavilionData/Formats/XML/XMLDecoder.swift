import Foundation
import FoundationXML
import PavilionCore

/// Maps XML documents to Pavilion's JSON data model, on FoundationXML's
/// event-driven `XMLParser` (libxml2 beneath).
///
/// The convention (also in docs/data.md):
/// - The result is an object with one member, the root element's name
///   (unless ``Options/includeRoot`` is off, then the root's own value).
/// - An element with neither attributes nor child elements is its text,
///   a JSON string, exactly as written (entities and CDATA resolved);
///   `<a/>` is `""`. Values are never typed: `<age>36</age>` is `"36"`.
/// - Any other element is an object: each attribute under `@name`, each
///   child element under its name, its text under `#text` (text segments
///   joined, trimmed, left out when only white space; the order of mixed
///   content is not kept).
/// - A child name that occurs more than once becomes an array of the
///   values in document order; a name listed in ``Options/arrayElements``
///   is an array even when it occurs once.
/// - Names are kept as written, prefixes included (`xsi:type`,
///   `@xmlns:x`). Comments and processing instructions are dropped.
///
/// Refused, with line:column and the element path: document type
/// declarations (so no entity expansion and no external entities), a
/// declared encoding other than UTF-8, invalid UTF-8, nesting deeper than
/// ``Options/maxDepth``, documents over ``Options/maxBytes``, and anything
/// not well-formed (including references to undeclared entities).
public struct XMLDecoder: Sendable {
    /// How documents are read and mapped.
    public struct Options: Sendable, Hashable {
        /// Largest document accepted, in bytes (default 16 MiB).
        public var maxBytes: Int
        /// Deepest element nesting accepted; the root is depth 1 (default 64).
        public var maxDepth: Int
        /// Element names whose values are always arrays.
        public var arrayElements: Set<String>
        /// Whether the result wraps the root's value in an object named for
        /// the root element (default `true`).
        public var includeRoot: Bool

        /// - Parameters:
        ///   - maxBytes: largest document accepted.
        ///   - maxDepth: deepest nesting accepted.
        ///   - arrayElements: names always mapped to arrays.
        ///   - includeRoot: wrap the result in `{rootName: …}`.
        public init(maxBytes: Int = 16 << 20, maxDepth: Int = 64, arrayElements: Set<String> = [], includeRoot: Bool = true) {
            self.maxBytes = maxBytes
            self.maxDepth = maxDepth
            self.arrayElements = arrayElements
            self.includeRoot = includeRoot
        }
    }

    /// The options in force.
    public let options: Options

    /// - Parameter options: limits and mapping choices.
    public init(options: Options = Options()) { self.options = options }

    /// Decode one XML document.
    /// - Parameter bytes: the document, UTF-8.
    /// - Returns: the JSON value per the convention above.
    /// - Throws: ``XMLDataError`` with line, column and element path.
    public func decode<Bytes: Collection>(_ bytes: Bytes) throws(XMLDataError) -> JSONValue where Bytes.Element == UInt8 {
        let buffer = Array(bytes)
        try XMLPrologScanner.check(buffer, maxBytes: options.maxBytes)
        let parser = XMLParser(data: Data(buffer))
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = false
        parser.shouldReportNamespacePrefixes = false
        let builder = XMLTreeBuilder(options: options)
        parser.delegate = builder
        let finished = parser.parse()
        // Keep the delegate (held weakly by the parser) alive until here.
        return try withExtendedLifetime(builder) { () throws(XMLDataError) -> JSONValue in
            if let failure = builder.failure { throw failure }
            guard finished, let root = builder.result else {
                let code = (parser.parserError as NSError?)?.code ?? -1
                throw XMLDataError(.syntax, XMLTreeBuilder.describe(code), line: max(parser.lineNumber, 1),
                                   column: max(parser.columnNumber, 1), path: builder.path)
            }
            return options.includeRoot ? .object([root.name: root.value]) : root.value
        }
    }
}
