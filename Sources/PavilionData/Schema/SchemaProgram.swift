import PavilionCore

/// A compiled schema: every reachable subschema as a node of checks, with
/// references turned into node indices. Immutable once built, so one
/// program serves any number of concurrent validations.
final class SchemaProgram: Sendable {
    /// Nodes by index; index ``root`` is the schema itself.
    let nodes: [SchemaNode]
    /// Schema resources (roots of documents and subschemas with `$id`).
    let resources: [SchemaResource]
    /// The node of the schema itself.
    let root: Int

    init(nodes: [SchemaNode], resources: [SchemaResource], root: Int) {
        self.nodes = nodes
        self.resources = resources
        self.root = root
    }
}

/// One schema resource, for `$dynamicRef` resolution.
struct SchemaResource: Sendable {
    /// Its absolute URI.
    let uri: String
    /// Node index of each `$dynamicAnchor` the resource declares.
    var dynamicAnchors: [String: Int]
}

/// One subschema.
struct SchemaNode: Sendable {
    /// Checks in evaluation order; `unevaluated*` come last.
    var keywords: [SchemaKeyword]
    /// The resource the subschema belongs to.
    var resource: Int
    /// Whether it has `unevaluatedItems`/`unevaluatedProperties`, and so
    /// needs to know what its in-place applicators evaluated.
    var tracksEvaluation: Bool

    static let placeholder = SchemaNode(keywords: [], resource: 0, tracksEvaluation: false)
}

/// One keyword, ready to apply.
struct SchemaKeyword: Sendable {
    /// The keyword's name, escaped as a pointer token.
    let name: String
    let check: SchemaCheck
}

/// The JSON types `type` can name, as a bit set.
struct JSONTypeSet: OptionSet, Sendable {
    let rawValue: UInt8
    static let null = JSONTypeSet(rawValue: 1)
    static let boolean = JSONTypeSet(rawValue: 2)
    static let integer = JSONTypeSet(rawValue: 4)
    static let number = JSONTypeSet(rawValue: 8)
    static let string = JSONTypeSet(rawValue: 16)
    static let array = JSONTypeSet(rawValue: 32)
    static let object = JSONTypeSet(rawValue: 64)

    static func named(_ name: String) -> JSONTypeSet? {
        switch name {
        case "null": return .null
        case "boolean": return .boolean
        case "integer": return .integer
        case "number": return .number
        case "string": return .string
        case "array": return .array
        case "object": return .object
        default: return nil
        }
    }

    /// Whether `value` has one of the types.
    func admits(_ value: JSONValue) -> Bool {
        switch value {
        case .null: return contains(.null)
        case .bool: return contains(.boolean)
        case .int: return contains(.integer) || contains(.number)
        case .double(let d): return contains(.number) || (contains(.integer) && d.rounded(.towardZero) == d)
        case .string: return contains(.string)
        case .array: return contains(.array)
        case .object: return contains(.object)
        }
    }

    /// The names in schema order, e.g. `string or null`.
    var names: String {
        let all: [(JSONTypeSet, String)] = [(.null, "null"), (.boolean, "boolean"), (.integer, "integer"), (.number, "number"),
                                            (.string, "string"), (.array, "array"), (.object, "object")]
        return all.filter { contains($0.0) }.map(\.1).joined(separator: " or ")
    }
}

/// The comparison a numeric bound makes.
enum NumericBound: Sendable {
    case minimum, exclusiveMinimum, maximum, exclusiveMaximum
}

/// What a keyword checks, with its operands compiled.
enum SchemaCheck: Sendable {
    case alwaysFalse
    case type(JSONTypeSet)
    case enumeration([JSONValue])
    case constant(JSONValue)
    case bound(NumericBound, JSONValue)
    case multipleOf(JSONValue)
    case minLength(Int)
    case maxLength(Int)
    case pattern(ECMAScriptPattern)
    case format(SchemaFormat)
    case minItems(Int)
    case maxItems(Int)
    case uniqueItems
    case minProperties(Int)
    case maxProperties(Int)
    case required([String])
    case dependentRequired([(String, [String])])
    case ref(Int)
    /// `$dynamicRef`: the statically resolved node, and the anchor name to
    /// look up in the dynamic scope when the bookend requirement holds.
    case dynamicRef(Int, anchor: String?)
    case allOf([Int])
    case anyOf([Int])
    case oneOf([Int])
    case not(Int)
    case conditional(if: Int, then: Int?, else: Int?)
    case dependentSchemas([(String, Int)])
    case prefixItems([Int])
    case items(Int, after: Int)
    case contains(Int, min: Int, max: Int?)
    case properties([String: Int])
    case patternProperties([(ECMAScriptPattern, Int)])
    case additionalProperties(Int, known: Set<String>, patterns: [ECMAScriptPattern])
    case propertyNames(Int)
    case unevaluatedItems(Int)
    case unevaluatedProperties(Int)
}
