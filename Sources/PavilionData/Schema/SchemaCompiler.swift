import PavilionCore

/// The vocabularies a dialect turns on (core is always on).
struct Vocabularies: OptionSet, Sendable {
    let rawValue: UInt8
    static let applicator = Vocabularies(rawValue: 1)
    static let validation = Vocabularies(rawValue: 2)
    static let unevaluated = Vocabularies(rawValue: 4)
    static let formatAnnotation = Vocabularies(rawValue: 8)
    static let formatAssertion = Vocabularies(rawValue: 16)
    static let standard: Vocabularies = [.applicator, .validation, .unevaluated, .formatAnnotation]
}

/// Turns schema documents into a ``SchemaProgram``: first scans each
/// document for its resources (`$id`) and anchors, then compiles reachable
/// subschemas from a work list (no recursion on reference chains), then
/// refuses reference cycles that consume no input.
struct SchemaCompiler {
    /// A subschema: a document and the JSON Pointer into it.
    struct Location: Hashable {
        let document: Int
        let pointer: String
    }

    /// What the scan learned about a subschema.
    struct Scanned {
        let base: String
        let vocabularies: Vocabularies
        let resource: String
    }

    static let metaschemaURI = "https://json-schema.org/draft/2020-12/schema"
    static let maxSchemaDepth = 512

    let registry: SchemaRegistry
    let options: JSONSchema.Options
    /// Documents by index: URI (nil for the schema being compiled) and value.
    var documents: [(uri: String?, value: JSONValue)] = []
    var resourceLocations: [String: Location] = [:]
    var anchors: [String: Location] = [:]
    var dynamicAnchors: [String: [String: Location]] = [:]
    var scanned: [Location: Scanned] = [:]
    var compiled: [Location: Int] = [:]
    var nodes: [SchemaNode] = []
    var nodeLocations: [Location] = []
    var pending: [Int] = []
    var resourceIndex: [String: Int] = [:]
    var resources: [SchemaResource] = []

    init(registry: SchemaRegistry, options: JSONSchema.Options) {
        self.registry = registry
        self.options = options
    }

    // MARK: Driving

    mutating func compile(_ schema: JSONValue) throws(SchemaError) -> SchemaProgram {
        let base = URIReference(options.baseURI).withoutFragment.string
        documents.append((nil, schema))
        let rootLocation = Location(document: 0, pointer: "")
        resourceLocations[base] = rootLocation
        try scan(schema, at: rootLocation, base: base, resource: base, vocabularies: .standard, depth: 0)
        let root = node(for: rootLocation)
        var doneResources = 0
        repeat {
            while let index = pending.popLast() { try build(index) }
            while doneResources < resources.count {
                let uri = resources[doneResources].uri
                for (name, location) in dynamicAnchors[uri] ?? [:] {
                    resources[doneResources].dynamicAnchors[name] = node(for: location)
                }
                doneResources += 1
            }
        } while !pending.isEmpty
        try refuseCycles()
        return SchemaProgram(nodes: nodes, resources: resources, root: root)
    }

    func error(_ code: SchemaError.Code, _ reason: String, at location: Location, _ keyword: String...) -> SchemaError {
        let pointer = location.pointer + keyword.map { "/" + JSONPointer.escape($0) }.joined()
        return SchemaError(code, reason, document: documents[location.document].uri, pointer: pointer)
    }

    func value(at location: Location) -> JSONValue? {
        guard let tokens = JSONPointer.tokens(location.pointer) else { return nil }
        return JSONPointer.resolve(tokens, in: documents[location.document].value)
    }

    // MARK: Scanning

    static let schemaMapKeywords = ["$defs", "properties", "patternProperties", "dependentSchemas"]
    static let schemaArrayKeywords = ["allOf", "anyOf", "oneOf", "prefixItems"]
    static let schemaKeywords = ["items", "contains", "additionalProperties", "propertyNames", "if", "then", "else", "not",
                                 "unevaluatedItems", "unevaluatedProperties"]

    /// Record the base URI, resource and dialect of `value` and of every
    /// subschema beneath it, and register `$id`s and anchors.
    mutating func scan(_ value: JSONValue, at location: Location, base: String, resource: String, vocabularies: Vocabularies,
                       depth: Int) throws(SchemaError) {
        guard depth <= Self.maxSchemaDepth else {
            throw error(.invalidKeyword, "schema nested deeper than \(Self.maxSchemaDepth)", at: location)
        }
        guard case .object(let members) = value else {
            scanned[location] = Scanned(base: base, vocabularies: vocabularies, resource: resource)
            return
        }
        var base = base
        var resource = resource
        var vocabularies = vocabularies
        if let id = members["$id"] {
            guard case .string(let text) = id else { throw error(.invalidKeyword, "$id must be a string", at: location, "$id") }
            let reference = URIReference(text)
            if let fragment = reference.fragment, !fragment.isEmpty {
                throw error(.invalidKeyword, "$id must not have a fragment ('\(text)'); use $anchor", at: location, "$id")
            }
            base = reference.resolved(against: URIReference(base)).withoutFragment.string
            resource = base
            if let existing = resourceLocations[base], existing != location {
                throw error(.duplicateIdentifier, "$id '\(base)' is declared twice", at: location, "$id")
            }
            resourceLocations[base] = location
        }
        if let dialect = members["$schema"] {
            guard case .string(let uri) = dialect else {
                throw error(.invalidKeyword, "$schema must be a string", at: location, "$schema")
            }
            vocabularies = try self.vocabularies(of: uri, at: location)
        }
        scanned[location] = Scanned(base: base, vocabularies: vocabularies, resource: resource)
        for keyword in ["$anchor", "$dynamicAnchor"] {
            guard let anchor = members[keyword] else { continue }
            guard case .string(let name) = anchor, Self.isAnchorName(name) else {
                throw error(.invalidKeyword, "\(keyword) must be a name matching ^[A-Za-z_][-A-Za-z0-9._]*$", at: location, keyword)
            }
            let key = base + "#" + name
            if let existing = anchors[key], existing != location {
                throw error(.duplicateIdentifier, "anchor '\(name)' is declared twice in \(base)", at: location, keyword)
            }
            anchors[key] = location
            if keyword == "$dynamicAnchor" { dynamicAnchors[base, default: [:]][name] = location }
        }
        func child(_ tokens: String...) -> Location {
            Location(document: location.document, pointer: location.pointer + tokens.map { "/" + JSONPointer.escape($0) }.joined())
        }
        for keyword in Self.schemaMapKeywords {
            guard case .object(let map)? = members[keyword] else { continue }
            for (name, subschema) in map {
                try scan(subschema, at: child(keyword, name), base: base, resource: resource, vocabularies: vocabularies, depth: depth + 1)
            }
        }
        for keyword in Self.schemaArrayKeywords {
            guard case .array(let list)? = members[keyword] else { continue }
            for (index, subschema) in list.enumerated() {
                try scan(subschema, at: child(keyword, String(index)), base: base, resource: resource, vocabularies: vocabularies,
                         depth: depth + 1)
            }
        }
        for keyword in Self.schemaKeywords {
            guard let subschema = members[keyword] else { continue }
            try scan(subschema, at: child(keyword), base: base, resource: resource, vocabularies: vocabularies, depth: depth + 1)
        }
    }

    static func isAnchorName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCII,
              first.properties.isAlphabetic || first == "_" else { return false }
        return name.unicodeScalars.allSatisfy { s in
            s.isASCII && (s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "-" || s == "." || s == "_")
        }
    }

    /// The vocabularies the metaschema at `uri` declares.
    func vocabularies(of uri: String, at location: Location) throws(SchemaError) -> Vocabularies {
        let bare = URIReference(uri).withoutFragment.string
        if bare == Self.metaschemaURI { return .standard }
        guard let metaschema = registry.document(for: bare), case .object(let declared)? = metaschema["$vocabulary"] else {
            // An unknown dialect is read as 2020-12: lenient, and documented.
            return .standard
        }
        var result: Vocabularies = []
        let prefix = "https://json-schema.org/draft/2020-12/vocab/"
        for (vocabulary, required) in declared {
            switch vocabulary {
            case prefix + "core", prefix + "meta-data", prefix + "content": break
            case prefix + "applicator": result.insert(.applicator)
            case prefix + "validation": result.insert(.validation)
            case prefix + "unevaluated": result.insert(.unevaluated)
            case prefix + "format-annotation": result.insert(.formatAnnotation)
            case prefix + "format-assertion": result.formUnion([.formatAnnotation, .formatAssertion])
            default:
                if required == .bool(true) {
                    throw error(.unsupportedVocabulary, "metaschema \(bare) requires the unknown vocabulary \(vocabulary)",
                                at: location, "$schema")
                }
            }
        }
        return result
    }

    // MARK: References

    /// The index of the node for `location`, queued for building if new.
    mutating func node(for location: Location) -> Int {
        if let index = compiled[location] { return index }
        let index = nodes.count
        nodes.append(.placeholder)
        nodeLocations.append(location)
        compiled[location] = index
        pending.append(index)
        return index
    }

    /// The location of the resource `uri`, loading it from the registry if needed.
    mutating func resource(_ uri: String) throws(SchemaError) -> Location? {
        if let location = resourceLocations[uri] { return location }
        guard let document = registry.document(for: uri) else { return nil }
        // The registry files a document under its address and its own $id:
        // reached by both, it is still one document.
        if case .string(let id)? = document["$id"] {
            let own = URIReference(id).resolved(against: URIReference(uri)).withoutFragment.string
            if let loaded = resourceLocations[own], loaded.pointer.isEmpty, documents[loaded.document].uri != nil {
                resourceLocations[uri] = loaded
                return loaded
            }
        }
        documents.append((uri, document))
        let location = Location(document: documents.count - 1, pointer: "")
        resourceLocations[uri] = location
        try scan(document, at: location, base: uri, resource: uri, vocabularies: .standard, depth: 0)
        return location
    }

    /// Where `reference`, written at `location` (keyword `keyword`), leads.
    /// - Returns: the target and the plain-name fragment when it had one.
    mutating func resolve(_ reference: String, from location: Location, keyword: String) throws(SchemaError) -> (Location, String?) {
        guard let scan = scanned[location] else {
            throw error(.unresolvedReference, "internal: subschema was not scanned", at: location, keyword)
        }
        let target = URIReference(reference).resolved(against: URIReference(scan.base))
        let uri = target.withoutFragment.string
        guard let fragment = URIReference.percentDecoded(target.fragment ?? "") else {
            throw error(.invalidKeyword, "bad percent-encoding in '\(reference)'", at: location, keyword)
        }
        guard let resourceLocation = try resource(uri) else {
            throw error(.unresolvedReference, "'\(reference)' names \(uri), which is neither in this schema nor registered",
                        at: location, keyword)
        }
        if fragment.isEmpty { return (resourceLocation, nil) }
        if fragment.hasPrefix("/") {
            let targetLocation = Location(document: resourceLocation.document, pointer: resourceLocation.pointer + fragment)
            guard let found = value(at: targetLocation) else {
                throw error(.unresolvedReference, "'\(reference)': nothing at JSON Pointer \(fragment) in \(uri)", at: location, keyword)
            }
            if scanned[targetLocation] == nil {
                // A pointer into a place the scan did not visit (an unknown
                // keyword): take the base of the nearest scanned ancestor.
                var tokens = JSONPointer.tokens(targetLocation.pointer) ?? []
                var ancestor = resourceLocation
                while !tokens.isEmpty {
                    tokens.removeLast()
                    let candidate = Location(document: targetLocation.document,
                                             pointer: tokens.map { "/" + JSONPointer.escape($0) }.joined())
                    if scanned[candidate] != nil {
                        ancestor = candidate
                        break
                    }
                }
                let info = scanned[ancestor] ?? Scanned(base: uri, vocabularies: .standard, resource: uri)
                try self.scan(found, at: targetLocation, base: info.base, resource: info.resource, vocabularies: info.vocabularies,
                              depth: 0)
            }
            return (targetLocation, nil)
        }
        guard let anchored = anchors[uri + "#" + fragment] else {
            throw error(.unresolvedReference, "'\(reference)': no anchor '\(fragment)' in \(uri)", at: location, keyword)
        }
        return (anchored, fragment)
    }

    mutating func resourceNumber(_ uri: String) -> Int {
        if let index = resourceIndex[uri] { return index }
        resources.append(SchemaResource(uri: uri, dynamicAnchors: [:]))
        resourceIndex[uri] = resources.count - 1
        return resources.count - 1
    }

    // MARK: Cycles

    /// Refuse schemas whose in-place applicators and references lead back
    /// to a node without descending into the instance: evaluation would
    /// never end.
    func refuseCycles() throws(SchemaError) {
        var state = [UInt8](repeating: 0, count: nodes.count)  // 0 new, 1 on stack, 2 done
        for start in nodes.indices where state[start] == 0 {
            var stack: [(node: Int, edges: [Int], next: Int)] = [(start, inPlaceEdges(start), 0)]
            state[start] = 1
            while !stack.isEmpty {
                let top = stack.count - 1
                if stack[top].next == stack[top].edges.count {
                    state[stack[top].node] = 2
                    stack.removeLast()
                    continue
                }
                let target = stack[top].edges[stack[top].next]
                stack[top].next += 1
                switch state[target] {
                case 1:
                    let from = nodeLocations[stack[top].node]
                    let to = nodeLocations[target]
                    throw error(.referenceCycle,
                                "references loop back to \(to.pointer.isEmpty ? "the root" : to.pointer) without descending into the instance",
                                at: from)
                case 0:
                    state[target] = 1
                    stack.append((target, inPlaceEdges(target), 0))
                default:
                    break
                }
            }
        }
    }

    func inPlaceEdges(_ index: Int) -> [Int] {
        var edges: [Int] = []
        for keyword in nodes[index].keywords {
            switch keyword.check {
            case .ref(let target), .dynamicRef(let target, _), .not(let target): edges.append(target)
            case .allOf(let list), .anyOf(let list), .oneOf(let list): edges += list
            case .conditional(let condition, let then, let otherwise):
                edges.append(condition)
                if let then { edges.append(then) }
                if let otherwise { edges.append(otherwise) }
            case .dependentSchemas(let list): edges += list.map(\.1)
            default: break
            }
        }
        return edges
    }
}
