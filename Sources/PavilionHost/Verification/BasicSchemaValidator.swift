import Foundation
import PavilionCore

/// A JSON Schema subset: `type`, `required`, `properties`,
/// `additionalProperties` (boolean or schema), `pattern`, `enum`,
/// `minLength`, `maxLength`. `format` and other annotations are ignored
/// (2020-12 treats `format` as an annotation by default).
///
/// TEMPORARY: replace with the `PavilionData` validator when it lands; it
/// covers what the shipped manifests use and nothing more. Unknown keywords
/// are ignored, not refused.
public struct BasicSchemaValidator: SubjectValidator {
    /// Most violations reported for one instance.
    public static let maxViolations = 20

    /// A validator.
    public init() {}

    /// Check `instance` against `schema`.
    public func validate(_ instance: JSONValue, against schema: JSONValue) -> [SchemaViolation] {
        var out: [SchemaViolation] = []
        check(instance, schema, pointer: "", into: &out)
        return Array(out.prefix(Self.maxViolations))
    }

    private func check(_ value: JSONValue, _ schema: JSONValue, pointer: String, into out: inout [SchemaViolation]) {
        if case .bool(let allowed) = schema {
            if !allowed { out.append(SchemaViolation(pointer: pointer, keyword: "false", message: "is not allowed")) }
            return
        }
        guard case .object(let rules) = schema else { return }
        if let type = rules["type"] {
            let names = type.arrayValue?.compactMap(\.stringValue) ?? [type.stringValue].compactMap { $0 }
            if !names.isEmpty, !names.contains(where: { Self.matches(value, type: $0) }) {
                out.append(SchemaViolation(pointer: pointer, keyword: "type",
                                           message: "must be \(names.joined(separator: " or ")), not \(Self.typeName(value))"))
                return
            }
        }
        if let choices = rules["enum"]?.arrayValue, !choices.contains(where: { Self.equal($0, value) }) {
            out.append(SchemaViolation(pointer: pointer, keyword: "enum", message: "is not one of the allowed values"))
        }
        if case .string(let text) = value {
            let length = text.unicodeScalars.count
            if let min = rules["minLength"]?.intValue, length < min {
                out.append(SchemaViolation(pointer: pointer, keyword: "minLength", message: "is shorter than \(min) characters"))
            }
            if let max = rules["maxLength"]?.intValue, length > max {
                out.append(SchemaViolation(pointer: pointer, keyword: "maxLength", message: "is longer than \(max) characters"))
            }
            if let pattern = rules["pattern"]?.stringValue {
                if let regex = try? NSRegularExpression(pattern: pattern) {
                    let range = NSRange(text.startIndex..., in: text)
                    if regex.firstMatch(in: text, range: range) == nil {
                        out.append(SchemaViolation(pointer: pointer, keyword: "pattern", message: "does not match the pattern \(pattern)"))
                    }
                } else {
                    out.append(SchemaViolation(pointer: pointer, keyword: "pattern", message: "cannot be checked: the schema's pattern is invalid"))
                }
            }
        }
        if case .object(let members) = value {
            let properties = rules["properties"]?.objectValue ?? [:]
            for name in rules["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[name] == nil {
                out.append(SchemaViolation(pointer: pointer + "/" + Self.escape(name), keyword: "required", message: "is required"))
            }
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                let path = pointer + "/" + Self.escape(name)
                if let sub = properties[name] {
                    check(member, sub, pointer: path, into: &out)
                } else if let additional = rules["additionalProperties"] {
                    if additional == .bool(false) {
                        out.append(SchemaViolation(pointer: path, keyword: "additionalProperties", message: "is not an allowed member"))
                    } else {
                        check(member, additional, pointer: path, into: &out)
                    }
                }
            }
        }
    }

    static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null),
             ("integer", .int), ("number", .int), ("number", .double): return true
        case ("integer", .double(let d)): return d == d.rounded() && d.isFinite
        default: return false
        }
    }

    static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .object: return "object"
        case .array: return "array"
        case .string: return "string"
        case .bool: return "boolean"
        case .null: return "null"
        case .int: return "integer"
        case .double: return "number"
        }
    }

    static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.int(let x), .double(let y)), (.double(let y), .int(let x)): return Double(x) == y
        default: return a == b
        }
    }

    static func escape(_ name: String) -> String {
        name.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }
}
