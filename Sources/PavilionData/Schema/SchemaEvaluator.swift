import PavilionCore

/// What in-place evaluation covered of one instance location, for
/// `unevaluatedProperties` and `unevaluatedItems`.
struct Evaluated {
    var allProperties = false
    var properties: Set<String> = []
    var allItems = false
    var prefix = 0
    var items: Set<Int> = []

    mutating func merge(_ other: Evaluated) {
        if other.allProperties {
            allProperties = true
            properties = []
        } else if !allProperties, !other.properties.isEmpty {
            properties.formUnion(other.properties)
        }
        if other.allItems {
            allItems = true
        } else if !allItems {
            prefix = max(prefix, other.prefix)
            if !other.items.isEmpty { items.formUnion(other.items) }
        }
    }
}

/// One validation run over a ``SchemaProgram``.
///
/// In reporting mode it collects every error with its locations; otherwise
/// it stops at the first failure. Paths are kept as stacks and turned into
/// pointers only when an error is reported.
final class SchemaEvaluator {
    let program: SchemaProgram
    let nodes: [SchemaNode]
    private(set) var errors: [ValidationError] = []
    /// Whether errors are being recorded (off inside `anyOf`, `not`, …).
    var reporting: Bool
    let maxDepth: Int
    var depth = 0
    var instancePath: [String] = []
    var keywordPath: [String] = []
    /// Resources entered, outermost first, for `$dynamicRef`.
    var scope: [Int] = []

    init(program: SchemaProgram, reporting: Bool, maxDepth: Int) {
        self.program = program
        self.nodes = program.nodes
        self.reporting = reporting
        self.maxDepth = maxDepth
    }

    func run(_ instance: JSONValue) -> Bool {
        var evaluated = Evaluated()
        return evaluate(program.root, instance, collect: false, into: &evaluated)
    }

    // MARK: Reporting

    func report(_ keyword: String, _ message: @autoclosure () -> String) {
        guard reporting else { return }
        var location = keywordPath.isEmpty ? "" : "/" + keywordPath.joined(separator: "/")
        if !keyword.isEmpty { location += "/" + keyword }
        errors.append(ValidationError(instanceLocation: instancePath.isEmpty ? "" : "/" + instancePath.joined(separator: "/"),
                                      keyword: location, message: message()))
    }

    /// Run `body` with reporting off, restoring it afterwards.
    @inline(__always)
    func quietly<T>(_ body: () -> T) -> T {
        let saved = reporting
        reporting = false
        defer { reporting = saved }
        return body()
    }

    // MARK: Nodes

    /// Evaluate node `index` against `instance` at the current location.
    /// - Parameters:
    ///   - collect: whether the caller needs to know what was evaluated.
    ///   - evaluated: receives what was evaluated, when valid and collecting.
    func evaluate(_ index: Int, _ instance: JSONValue, collect: Bool, into evaluated: inout Evaluated) -> Bool {
        let node = nodes[index]
        depth += 1
        defer { depth -= 1 }
        guard depth <= maxDepth else {
            report("", "evaluation nested deeper than \(maxDepth) (recursive schema?)")
            return false
        }
        var entered = false
        if scope.last != node.resource {
            scope.append(node.resource)
            entered = true
        }
        defer { if entered { scope.removeLast() } }
        let collectHere = collect || node.tracksEvaluation
        var local = Evaluated()
        var valid = true
        for keyword in node.keywords where !apply(keyword, instance, collect: collectHere, &local) {
            valid = false
            if !reporting { break }
        }
        if valid && collect { evaluated.merge(local) }
        return valid
    }

    /// Evaluate a subschema against a member or element of the instance.
    @inline(__always)
    func descend(_ index: Int, _ instance: JSONValue, keyword: String, token: @autoclosure () -> String) -> Bool {
        var ignored = Evaluated()
        guard reporting else { return evaluate(index, instance, collect: false, into: &ignored) }
        keywordPath.append(keyword)
        instancePath.append(token())
        defer {
            keywordPath.removeLast()
            instancePath.removeLast()
        }
        return evaluate(index, instance, collect: false, into: &ignored)
    }

    /// Evaluate a subschema against the same instance location.
    @inline(__always)
    func inPlace(_ index: Int, _ instance: JSONValue, keyword: @autoclosure () -> String, collect: Bool,
                 _ evaluated: inout Evaluated) -> Bool {
        guard reporting else { return evaluate(index, instance, collect: collect, into: &evaluated) }
        keywordPath.append(keyword())
        defer { keywordPath.removeLast() }
        return evaluate(index, instance, collect: collect, into: &evaluated)
    }
}
