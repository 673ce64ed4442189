import Foundation
import PavilionCore
import PavilionData

/// The validation stage on PavilionData's JSON Schema 2020-12 validator:
/// each manifest schema is compiled once and kept; `format` is asserted
/// (a manifest that says `format: date` means it).
///
/// Violations name the JSON Pointer and the keyword but never the value:
/// messages of keywords that would quote the value (`enum`, `const`,
/// `pattern`, `format`, numeric bounds) are replaced by a neutral one.
public final class JSONSchemaSubjectValidator: SubjectValidator, @unchecked Sendable {
    // @unchecked: `compiled` and the `recent` arrays are only touched under `lock`.
    private let lock = NSLock()
    private var compiled: [JSONValue: Result<JSONSchema, SchemaError>] = [:]
    /// The last schemas compiled or found in `compiled` (oldest first, at
    /// most ``recentLimit``) and their programs, checked with `==` before
    /// `compiled`: a manifest's schema is the same dictionary storage on
    /// every call, which `==` recognises at once, while the dictionary
    /// lookup hashes the whole schema (~2.7k instructions a call).
    private var recentSchemas: [JSONValue] = []
    private var recentPrograms: [Result<JSONSchema, SchemaError>] = []
    private static let recentLimit = 16

    /// Keywords whose messages quote the instance.
    static let quotingKeywords: Set<String> = [
        "enum", "const", "pattern", "format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
    ]

    public init() {}

    /// Check `instance` against `schema`.
    /// - Returns: every violation, without values; a schema that does not
    ///   compile is one violation at the root naming the schema's problem.
    public func validate(_ instance: JSONValue, against schema: JSONValue) -> [SchemaViolation] {
        let program = lock.withLock { () -> Result<JSONSchema, SchemaError> in
            for index in recentSchemas.indices where recentSchemas[index] == schema { return recentPrograms[index] }
            let program: Result<JSONSchema, SchemaError>
            if let known = compiled[schema] {
                program = known
            } else {
                program = Result { () throws(SchemaError) in
                    try JSONSchema(schema, options: JSONSchema.Options(formatAssertion: true))
                }
                compiled[schema] = program
            }
            if recentSchemas.count == Self.recentLimit {
                recentSchemas.removeFirst()
                recentPrograms.removeFirst()
            }
            recentSchemas.append(schema)
            recentPrograms.append(program)
            return program
        }
        switch program {
        case .failure(let error):
            return [SchemaViolation(pointer: "", keyword: "$schema", message: "the manifest's schema is invalid: \(error)")]
        case .success(let schema):
            return schema.validate(instance).map { error in
                let keyword = error.keyword.split(separator: "/").last.map(String.init) ?? error.keyword
                let message: String
                if Self.quotingKeywords.contains(keyword) {
                    message = "value does not satisfy '\(keyword)'"
                } else if keyword == "additionalProperties" || keyword == "unevaluatedProperties" {
                    message = "is not an allowed property"
                } else {
                    message = error.message
                }
                return SchemaViolation(pointer: error.instanceLocation, keyword: keyword, message: message)
            }.sorted { ($0.pointer, $0.keyword) < ($1.pointer, $1.keyword) }
        }
    }
}
