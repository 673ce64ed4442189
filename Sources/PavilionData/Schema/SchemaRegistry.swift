import PavilionCore

/// The schema documents a ``JSONSchema`` may reference by absolute URI.
///
/// Remote references resolve only to documents registered here; the
/// validator never reads files or the network on its own.
public struct SchemaRegistry: Sendable {
    private var documents: [String: JSONValue] = [:]

    /// An empty registry.
    public init() {}

    /// Make `schema` available under `uri`, and also under its own `$id`
    /// when that is an absolute URI.
    /// - Parameters:
    ///   - schema: the schema document.
    ///   - uri: the absolute URI references will use (a fragment is ignored).
    /// - Throws: ``SchemaError`` with code `invalidKeyword` when `uri` is not
    ///   absolute.
    public mutating func register(_ schema: JSONValue, as uri: String) throws(SchemaError) {
        let reference = URIReference(uri)
        guard reference.isAbsolute else {
            throw SchemaError(.invalidKeyword, "a registered schema needs an absolute URI, not '\(uri)'", document: uri, pointer: "")
        }
        documents[reference.withoutFragment.string] = schema
        if case .string(let id)? = schema["$id"] {
            let resolved = URIReference(id).resolved(against: reference).withoutFragment
            if resolved.isAbsolute, documents[resolved.string] == nil { documents[resolved.string] = schema }
        }
    }

    /// The document registered under `uri` (without fragment), if any.
    /// - Parameter uri: an absolute URI.
    /// - Returns: the document, or `nil`.
    public func document(for uri: String) -> JSONValue? {
        documents[URIReference(uri).withoutFragment.string]
    }

    /// The URIs of every registered document.
    public var uris: [String] { Array(documents.keys) }
}
