import PavilionCore

extension YAMLNode {
    /// A value this node cannot be turned into JSON, and where.
    struct JSONConversionError: Error, Sendable {
        var location: SourceLocation
        var message: String
    }

    /// This subtree as JSON: mappings become objects (keys are their text),
    /// sequences arrays, scalars their core-schema value.
    /// - Throws: ``JSONConversionError`` for `.inf` and `.nan`, which JSON
    ///   cannot hold.
    func jsonValue() throws(JSONConversionError) -> JSONValue {
        switch content {
        case .scalar(let s):
            switch s.value {
            case .null: return .null
            case .bool(let b): return .bool(b)
            case .int(let i): return .int(i)
            case .float(let d):
                guard d.isFinite else {
                    throw JSONConversionError(location: location, message: "\(s.text) cannot be represented in JSON")
                }
                return .double(d)
            case .string(let t): return .string(t)
            }
        case .sequence(let items):
            var out: [JSONValue] = []
            out.reserveCapacity(items.count)
            for item in items { out.append(try item.jsonValue()) }
            return .array(out)
        case .mapping(let entries):
            var out: [String: JSONValue] = [:]
            for entry in entries { out[entry.key] = try entry.value.jsonValue() }
            return .object(out)
        }
    }
}
