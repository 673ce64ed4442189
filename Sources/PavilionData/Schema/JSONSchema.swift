import PavilionCore

/// A JSON Schema (draft 2020-12) compiled once, ready to validate any
/// number of instances, from any number of threads.
///
/// ```swift
/// let schema = try JSONSchema(try JSONParser().parse(schemaText))
/// for error in schema.validate(instance) { print(error) }
/// ```
public struct JSONSchema: Sendable {
    /// How a schema is compiled and applied.
    public struct Options: Sendable {
        /// Whether `format` asserts (fails invalid `date`, `email`, …) rather
        /// than only annotating, which is the 2020-12 default. A metaschema
        /// declaring the format-assertion vocabulary turns it on too.
        public var formatAssertion: Bool
        /// The base URI of the schema when it has no absolute `$id`.
        public var baseURI: String
        /// How deep evaluation may nest (applicators and references) before
        /// an instance is failed rather than the stack risked.
        public var maxEvaluationDepth: Int

        /// - Parameters:
        ///   - formatAssertion: assert formats (default `false`).
        ///   - baseURI: base URI for a schema without absolute `$id`.
        ///   - maxEvaluationDepth: nesting bound for evaluation (default 1000).
        public init(formatAssertion: Bool = false, baseURI: String = "urn:pavilion:schema", maxEvaluationDepth: Int = 1000) {
            self.formatAssertion = formatAssertion
            self.baseURI = baseURI
            self.maxEvaluationDepth = maxEvaluationDepth
        }
    }

    let program: SchemaProgram
    let options: Options

    /// Compile `schema`.
    /// - Parameters:
    ///   - schema: the schema, an object or a Boolean.
    ///   - registry: documents that `$ref`, `$dynamicRef` and `$schema` may name.
    ///   - options: format behaviour and base URI.
    /// - Throws: ``SchemaError`` naming the JSON Pointer of the bad keyword:
    ///   wrong keyword values, unresolvable references, reference cycles
    ///   that consume no input, bad patterns, unknown required vocabularies.
    public init(_ schema: JSONValue, registry: SchemaRegistry = SchemaRegistry(), options: Options = Options()) throws(SchemaError) {
        var compiler = SchemaCompiler(registry: registry, options: options)
        program = try compiler.compile(schema)
        self.options = options
    }

    /// Every way `instance` fails the schema; empty when it is valid.
    /// - Parameter instance: the value to check.
    /// - Returns: the errors, each with the instance and keyword locations.
    public func validate(_ instance: JSONValue) -> [ValidationError] {
        let evaluator = SchemaEvaluator(program: program, reporting: true, maxDepth: options.maxEvaluationDepth)
        _ = evaluator.run(instance)
        return evaluator.errors
    }

    /// Whether `instance` is valid; faster than ``validate(_:)`` because it
    /// stops at the first failure and builds no messages.
    /// - Parameter instance: the value to check.
    /// - Returns: `true` when valid.
    public func isValid(_ instance: JSONValue) -> Bool {
        SchemaEvaluator(program: program, reporting: false, maxDepth: options.maxEvaluationDepth).run(instance)
    }
}
