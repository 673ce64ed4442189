/// A JSON value for connector authors (settings, subject attributes, DP bodies), with integers kept exact.
///
/// Objects keep their members in a dictionary; serialisation sorts keys so the
/// same value always has the same text. Duplicate member names are refused by
/// ``ConnectorJSONParser``, never silently merged.
public enum ConnectorJSON: Sendable, Hashable {
    case null
    case bool(Bool)
    /// A number written without fraction or exponent that fits in 64 bits.
    case int(Int64)
    /// Any other number.
    case double(Double)
    case string(String)
    case array([ConnectorJSON])
    case object([String: ConnectorJSON])
}

extension ConnectorJSON {
    /// The member named `key` when this is an object, else `nil`.
    public subscript(key: String) -> ConnectorJSON? {
        guard case .object(let members) = self else { return nil }
        return members[key]
    }

    /// The string when this is a string, else `nil`.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The Boolean when this is a Boolean, else `nil`.
    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The integer when this is an exact integer, else `nil`.
    public var intValue: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d.rounded() == d && abs(d) < 9.2e18: return Int64(d)
        default: return nil
        }
    }

    /// The number as a `Double` when this is a number, else `nil`.
    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    /// The elements when this is an array, else `nil`.
    public var arrayValue: [ConnectorJSON]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The members when this is an object, else `nil`.
    public var objectValue: [String: ConnectorJSON]? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// The JSON type name used in error messages: `null`, `boolean`,
    /// `integer`, `number`, `string`, `array` or `object`.
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .int: return "integer"
        case .double: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

extension ConnectorJSON: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(arrayLiteral elements: ConnectorJSON...) { self = .array(elements) }
    public init(nilLiteral: ()) { self = .null }
    public init(dictionaryLiteral elements: (String, ConnectorJSON)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
