import Foundation
import FoundationXML
import PavilionCore

/// The `XMLParser` delegate that builds the JSON value; one per document,
/// used on one thread, never shared.
final class XMLTreeBuilder: NSObject, XMLParserDelegate {
    /// An element being read.
    private struct Frame {
        var name: String
        var attributes: [String: String]
        var members: [String: JSONValue] = [:]
        /// Children seen per name, for arrays and for `[n]` in paths.
        var counts: [String: Int] = [:]
        var text = ""
        var index: Int
    }

    private let options: XMLDecoder.Options
    private var stack: [Frame] = []
    private(set) var result: (name: String, value: JSONValue)?
    private(set) var failure: XMLDataError?

    init(options: XMLDecoder.Options) {
        self.options = options
    }

    /// The XPath-like path of the element being read.
    var path: String {
        stack.map { $0.index > 1 ? "/\($0.name)[\($0.index)]" : "/\($0.name)" }.joined()
    }

    private func fail(_ parser: XMLParser, _ code: XMLDataError.Code, _ reason: String) {
        guard failure == nil else { return }
        failure = XMLDataError(code, reason, line: max(parser.lineNumber, 1), column: max(parser.columnNumber, 1), path: path)
        parser.abortParsing()
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        guard failure == nil else { return }
        if stack.isEmpty, result != nil {
            fail(parser, .syntax, "not well-formed XML: a second root element; a document has exactly one")
            return
        }
        var index = 1
        if let parent = stack.indices.last {
            index = (stack[parent].counts[elementName] ?? 0) + 1
            stack[parent].counts[elementName] = index
        }
        stack.append(Frame(name: elementName, attributes: attributeDict, index: index))
        if stack.count > options.maxDepth {
            fail(parser, .tooDeep, "elements nested deeper than \(options.maxDepth)")
        }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        guard failure == nil, let frame = stack.popLast() else { return }
        let value = Self.value(of: frame)
        guard let parent = stack.indices.last else {
            result = (frame.name, options.arrayElements.contains(frame.name) ? .array([value]) : value)
            return
        }
        let name = frame.name
        switch stack[parent].members[name] {
        case nil:
            stack[parent].members[name] = options.arrayElements.contains(name) ? .array([value]) : value
        case .array(var items)? where options.arrayElements.contains(name) || (stack[parent].counts[name] ?? 0) > 2:
            items.append(value)
            stack[parent].members[name] = .array(items)
        case let first?:
            stack[parent].members[name] = .array([first, value])
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard failure == nil, !stack.isEmpty else { return }
        stack[stack.count - 1].text += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        guard failure == nil, !stack.isEmpty else { return }
        // The document passed the UTF-8 check, so its CDATA is UTF-8.
        stack[stack.count - 1].text += String(decoding: CDATABlock, as: UTF8.self)
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
        guard failure == nil else { return }
        // Record the position and path now: by the time `parse()` returns
        // the parser may have unwound its state.
        failure = XMLDataError(.syntax, Self.describe((parseError as NSError).code), line: max(parser.lineNumber, 1),
                               column: max(parser.columnNumber, 1), path: path)
    }

    // Defence in depth: the prolog scanner refuses DTDs before parsing,
    // so none of these should ever be called.

    func parser(_ parser: XMLParser, foundInternalEntityDeclarationWithName name: String, value: String?) {
        fail(parser, .doctypeRefused, "entity declarations are refused")
    }

    func parser(_ parser: XMLParser, foundExternalEntityDeclarationWithName name: String, publicID: String?, systemID: String?) {
        fail(parser, .doctypeRefused, "external entities are refused")
    }

    func parser(_ parser: XMLParser, resolveExternalEntityName name: String, systemID: String?) -> Data? {
        nil
    }

    /// The JSON value of a finished element.
    private static func value(of frame: Frame) -> JSONValue {
        if frame.attributes.isEmpty, frame.members.isEmpty { return .string(frame.text) }
        var object = frame.members
        for (name, value) in frame.attributes { object["@" + name] = .string(value) }
        let trimmed = frame.text.trimmingCharacters(in: .whitespacesAndNewlines)
        if !trimmed.isEmpty { object["#text"] = .string(trimmed) }
        return .object(object)
    }

    /// A sentence for libxml2's error code, as `XMLParser.ErrorCode` names it.
    static func describe(_ code: Int) -> String {
        // libxml2's xmlParserErrors numbers, which XMLParser passes through on Linux.
        let known: [Int: String] = [
            4: "document is empty or has no root element",
            5: "document ends before the root element is closed",
            9: "character not allowed in XML",
            23: "entity reference is not terminated by ';'",
            26: "reference to an undeclared entity (only &lt; &gt; &amp; &quot; &apos; and character references exist without a DTD)",
            38: "'<' in an attribute value",
            39: "attribute value must be quoted",
            40: "attribute value is not terminated",
            41: "attribute without a value",
            42: "attribute appears twice on the element",
            68: "name expected",
            73: "'>' expected",
            76: "end tag does not match the start tag",
            77: "element is not closed",
            86: "extra content after the root element",
        ]
        return "not well-formed XML: " + (known[code] ?? "parser error \(code)")
    }
}
