import PavilionCore

/// Compiling one subschema's keywords into checks.
extension SchemaCompiler {
    mutating func build(_ index: Int) throws(SchemaError) {
        let location = nodeLocations[index]
        guard let value = value(at: location), let info = scanned[location] else {
            throw error(.unresolvedReference, "internal: no subschema at this location", at: location)
        }
        let resource = resourceNumber(info.resource)
        switch value {
        case .bool(true):
            nodes[index] = SchemaNode(keywords: [], resource: resource, tracksEvaluation: false)
        case .bool(false):
            nodes[index] = SchemaNode(keywords: [SchemaKeyword(name: "", check: .alwaysFalse)], resource: resource,
                                      tracksEvaluation: false)
        case .object(let members):
            var builder = KeywordBuilder(location: location, members: members, vocabularies: info.vocabularies)
            let keywords = try builder.build(&self)
            let tracks = keywords.contains { keyword in
                switch keyword.check {
                case .unevaluatedItems, .unevaluatedProperties: return true
                default: return false
                }
            }
            nodes[index] = SchemaNode(keywords: keywords, resource: resource, tracksEvaluation: tracks)
        default:
            throw error(.invalidKeyword, "a schema must be an object or a Boolean, not \(value.typeName)", at: location)
        }
    }
}

/// Reads one schema object's keywords, checking each value's shape.
struct KeywordBuilder {
    let location: SchemaCompiler.Location
    let members: [String: JSONValue]
    let vocabularies: Vocabularies
    var keywords: [SchemaKeyword] = []

    init(location: SchemaCompiler.Location, members: [String: JSONValue], vocabularies: Vocabularies) {
        self.location = location
        self.members = members
        self.vocabularies = vocabularies
    }

    func child(_ tokens: String...) -> SchemaCompiler.Location {
        SchemaCompiler.Location(document: location.document,
                                pointer: location.pointer + tokens.map { "/" + JSONPointer.escape($0) }.joined())
    }

    mutating func add(_ name: String, _ check: SchemaCheck) {
        keywords.append(SchemaKeyword(name: JSONPointer.escape(name), check: check))
    }

    // MARK: Operand readers

    func fail(_ compiler: SchemaCompiler, _ keyword: String, _ reason: String) -> SchemaError {
        compiler.error(.invalidKeyword, "\(keyword) \(reason)", at: location, keyword)
    }

    func count(_ keyword: String, _ compiler: SchemaCompiler) throws(SchemaError) -> Int? {
        guard let value = members[keyword] else { return nil }
        switch value {
        case .int(let i) where i >= 0: return Int(i)
        case .double(let d) where d >= 0 && d.rounded(.towardZero) == d: return d >= 9.2e18 ? Int.max : Int(d)
        default: throw fail(compiler, keyword, "must be a non-negative integer")
        }
    }

    func number(_ keyword: String, _ compiler: SchemaCompiler) throws(SchemaError) -> JSONValue? {
        guard let value = members[keyword] else { return nil }
        switch value {
        case .int, .double: return value
        default: throw fail(compiler, keyword, "must be a number")
        }
    }

    func stringArray(_ value: JSONValue, _ keyword: String, _ compiler: SchemaCompiler, at tokens: String...) throws(SchemaError) -> [String] {
        guard case .array(let list) = value else {
            throw compiler.error(.invalidKeyword, "\(keyword) must be an array of strings", at: location, keyword)
        }
        var strings: [String] = []
        var seen = Set<String>()
        for element in list {
            guard case .string(let s) = element else {
                throw compiler.error(.invalidKeyword, "\(keyword) must be an array of strings", at: location, keyword)
            }
            guard seen.insert(s).inserted else {
                throw compiler.error(.invalidKeyword, "\(keyword) lists \"\(s)\" twice", at: location, keyword)
            }
            strings.append(s)
        }
        return strings
    }

    func subschema(_ compiler: inout SchemaCompiler, _ tokens: String...) -> Int {
        compiler.node(for: SchemaCompiler.Location(document: location.document,
                                                   pointer: location.pointer + tokens.map { "/" + JSONPointer.escape($0) }.joined()))
    }

    func schemaList(_ keyword: String, _ compiler: inout SchemaCompiler) throws(SchemaError) -> [Int]? {
        guard let value = members[keyword] else { return nil }
        guard case .array(let list) = value, !list.isEmpty else {
            throw fail(compiler, keyword, "must be a non-empty array of schemas")
        }
        return list.indices.map { subschema(&compiler, keyword, String($0)) }
    }

    func schemaMap(_ keyword: String, _ compiler: inout SchemaCompiler) throws(SchemaError) -> [(String, Int)]? {
        guard let value = members[keyword] else { return nil }
        guard case .object(let map) = value else { throw fail(compiler, keyword, "must be an object of schemas") }
        return map.keys.sorted().map { ($0, subschema(&compiler, keyword, $0)) }
    }

    func pattern(_ source: String, _ compiler: SchemaCompiler, _ tokens: String...) throws(SchemaError) -> ECMAScriptPattern {
        do {
            return try ECMAScriptPattern(source)
        } catch {
            throw SchemaError(.invalidPattern, error.reason, document: compiler.documents[location.document].uri,
                              pointer: location.pointer + tokens.map { "/" + JSONPointer.escape($0) }.joined())
        }
    }

    // MARK: Keywords

    mutating func build(_ compiler: inout SchemaCompiler) throws(SchemaError) -> [SchemaKeyword] {
        try buildReferences(&compiler)
        if vocabularies.contains(.validation) { try buildValidation(&compiler) }
        if vocabularies.contains(.formatAnnotation) { try buildFormat(compiler) }
        if vocabularies.contains(.applicator) { try buildApplicators(&compiler) }
        if vocabularies.contains(.unevaluated) {
            for keyword in ["unevaluatedItems", "unevaluatedProperties"] where members[keyword] != nil {
                let node = subschema(&compiler, keyword)
                add(keyword, keyword == "unevaluatedItems" ? .unevaluatedItems(node) : .unevaluatedProperties(node))
            }
        }
        return keywords
    }

    mutating func buildReferences(_ compiler: inout SchemaCompiler) throws(SchemaError) {
        if let value = members["$ref"] {
            guard case .string(let reference) = value else { throw fail(compiler, "$ref", "must be a string") }
            let (target, _) = try compiler.resolve(reference, from: location, keyword: "$ref")
            add("$ref", .ref(compiler.node(for: target)))
        }
        if let value = members["$dynamicRef"] {
            guard case .string(let reference) = value else { throw fail(compiler, "$dynamicRef", "must be a string") }
            let (target, anchor) = try compiler.resolve(reference, from: location, keyword: "$dynamicRef")
            // Bookend: only dynamic when the static target declares the same $dynamicAnchor.
            var dynamic: String?
            if let anchor, case .string(anchor)? = compiler.value(at: target)?["$dynamicAnchor"] { dynamic = anchor }
            add("$dynamicRef", .dynamicRef(compiler.node(for: target), anchor: dynamic))
        }
        if let value = members["$defs"], value.objectValue == nil { throw fail(compiler, "$defs", "must be an object of schemas") }
    }

    mutating func buildValidation(_ compiler: inout SchemaCompiler) throws(SchemaError) {
        if let value = members["type"] {
            var set: JSONTypeSet = []
            let names: [JSONValue]
            switch value {
            case .string: names = [value]
            case .array(let list): names = list
            default: throw fail(compiler, "type", "must be a type name or an array of them")
            }
            for name in names {
                guard case .string(let text) = name, let type = JSONTypeSet.named(text) else {
                    throw fail(compiler, "type", "names an unknown type \(name.serialized)")
                }
                guard !set.contains(type) else { throw fail(compiler, "type", "lists \(text) twice") }
                set.insert(type)
            }
            add("type", .type(set))
        }
        if let value = members["enum"] {
            guard case .array(let list) = value else { throw fail(compiler, "enum", "must be an array") }
            add("enum", list.count == 1 ? .constant(list[0]) : .enumeration(list))
        }
        if let value = members["const"] { add("const", .constant(value)) }
        if let divisor = try number("multipleOf", compiler) {
            guard NumberSemantics.compare(divisor, .int(0)) == 1 else { throw fail(compiler, "multipleOf", "must be greater than 0") }
            add("multipleOf", .multipleOf(divisor))
        }
        let bounds: [(String, NumericBound)] = [("minimum", .minimum), ("exclusiveMinimum", .exclusiveMinimum),
                                                ("maximum", .maximum), ("exclusiveMaximum", .exclusiveMaximum)]
        for (keyword, bound) in bounds {
            if let limit = try number(keyword, compiler) { add(keyword, .bound(bound, limit)) }
        }
        if let n = try count("minLength", compiler), n > 0 { add("minLength", .minLength(n)) }
        if let n = try count("maxLength", compiler) { add("maxLength", .maxLength(n)) }
        if let value = members["pattern"] {
            guard case .string(let source) = value else { throw fail(compiler, "pattern", "must be a string") }
            add("pattern", .pattern(try pattern(source, compiler, "pattern")))
        }
        if let n = try count("minItems", compiler), n > 0 { add("minItems", .minItems(n)) }
        if let n = try count("maxItems", compiler) { add("maxItems", .maxItems(n)) }
        if let value = members["uniqueItems"] {
            guard case .bool(let unique) = value else { throw fail(compiler, "uniqueItems", "must be a Boolean") }
            if unique { add("uniqueItems", .uniqueItems) }
        }
        if let n = try count("minProperties", compiler), n > 0 { add("minProperties", .minProperties(n)) }
        if let n = try count("maxProperties", compiler) { add("maxProperties", .maxProperties(n)) }
        if let value = members["required"] {
            let names = try stringArray(value, "required", compiler)
            if !names.isEmpty { add("required", .required(names)) }
        }
        if let value = members["dependentRequired"] {
            guard case .object(let map) = value else { throw fail(compiler, "dependentRequired", "must be an object of string arrays") }
            var list: [(String, [String])] = []
            for name in map.keys.sorted() {
                guard let names = map[name] else { continue }
                list.append((name, try stringArray(names, "dependentRequired", compiler)))
            }
            add("dependentRequired", .dependentRequired(list))
        }
        _ = try count("minContains", compiler)
        _ = try count("maxContains", compiler)
    }

    mutating func buildFormat(_ compiler: SchemaCompiler) throws(SchemaError) {
        guard let value = members["format"] else { return }
        guard case .string(let name) = value else { throw fail(compiler, "format", "must be a string") }
        guard compiler.options.formatAssertion || vocabularies.contains(.formatAssertion),
              let format = SchemaFormat(rawValue: name) else { return }
        add("format", .format(format))
    }

    mutating func buildApplicators(_ compiler: inout SchemaCompiler) throws(SchemaError) {
        if let list = try schemaList("allOf", &compiler) { add("allOf", .allOf(list)) }
        if let list = try schemaList("anyOf", &compiler) { add("anyOf", .anyOf(list)) }
        if let list = try schemaList("oneOf", &compiler) { add("oneOf", .oneOf(list)) }
        if members["not"] != nil { add("not", .not(subschema(&compiler, "not"))) }
        if members["if"] != nil {
            let then = members["then"] != nil ? subschema(&compiler, "then") : nil
            let otherwise = members["else"] != nil ? subschema(&compiler, "else") : nil
            if then != nil || otherwise != nil {
                add("if", .conditional(if: subschema(&compiler, "if"), then: then, else: otherwise))
            } else {
                // Alone, `if` only annotates; compile it for its annotations.
                add("if", .conditional(if: subschema(&compiler, "if"), then: nil, else: nil))
            }
        }
        if let map = try schemaMap("dependentSchemas", &compiler) { add("dependentSchemas", .dependentSchemas(map)) }
        var prefixCount = 0
        if let list = try schemaList("prefixItems", &compiler) {
            prefixCount = list.count
            add("prefixItems", .prefixItems(list))
        }
        if members["items"] != nil { add("items", .items(subschema(&compiler, "items"), after: prefixCount)) }
        if members["contains"] != nil {
            let minimum = vocabularies.contains(.validation) ? try count("minContains", compiler) ?? 1 : 1
            let maximum = vocabularies.contains(.validation) ? try count("maxContains", compiler) : nil
            add("contains", .contains(subschema(&compiler, "contains"), min: minimum, max: maximum))
        }
        var known = Set<String>()
        if let map = try schemaMap("properties", &compiler) {
            known = Set(map.map(\.0))
            add("properties", .properties(Dictionary(uniqueKeysWithValues: map)))
        }
        var patterns: [ECMAScriptPattern] = []
        if let map = try schemaMap("patternProperties", &compiler) {
            var compiled: [(ECMAScriptPattern, Int)] = []
            for (source, node) in map {
                let regex = try pattern(source, compiler, "patternProperties", source)
                compiled.append((regex, node))
                patterns.append(regex)
            }
            add("patternProperties", .patternProperties(compiled))
        }
        if members["additionalProperties"] != nil {
            add("additionalProperties", .additionalProperties(subschema(&compiler, "additionalProperties"), known: known, patterns: patterns))
        }
        if members["propertyNames"] != nil { add("propertyNames", .propertyNames(subschema(&compiler, "propertyNames"))) }
    }
}
