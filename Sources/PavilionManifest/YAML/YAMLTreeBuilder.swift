import PavilionCore

/// Builds the tree from events with an explicit stack (no recursion), so
/// depth is bounded by ``YAMLParser/Limits/maxDepth`` alone.
struct YAMLTreeBuilder {
    enum Frame {
        case sequence(location: SourceLocation, items: [YAMLNode])
        case mapping(location: SourceLocation, entries: [YAMLNode.Entry], pendingKey: (String, SourceLocation)?,
                     seen: [String: SourceLocation], skipValue: Bool)
    }

    let file: String
    let maxDepth: Int
    var stack: [Frame] = []
    var root: YAMLNode?
    var documents = 0
    var diagnostics: [Diagnostic] = []

    init(file: String, maxDepth: Int) {
        self.file = file
        self.maxDepth = maxDepth
    }

    func loc(_ mark: YAMLEvent.Mark) -> SourceLocation {
        SourceLocation(file: file, line: mark.line + 1, column: mark.column + 1)
    }

    mutating func fail(_ location: SourceLocation, _ message: String) {
        diagnostics.append(Diagnostic(location, message))
    }

    /// Take one event. Returns `false` when building cannot usefully go on.
    mutating func feed(_ event: YAMLEvent) -> Bool {
        let at = loc(event.start)
        if let anchor = event.anchor {
            fail(at, "anchors are not allowed in a manifest (found '&\(anchor)'); write the value out")
        }
        var coreTag: YAMLScalar.CoreTag?
        if let tag = event.tag {
            if let t = YAMLScalar.CoreTag(rawValue: tag) {
                coreTag = t
            } else {
                fail(at, "tag '\(tag)' is not allowed; only the YAML core tags (!!str, !!int, !!float, !!bool, !!null, !!seq, !!map) are")
            }
        }
        switch event.kind {
        case .streamStart, .streamEnd, .documentEnd:
            return true
        case .documentStart:
            documents += 1
            if documents > 1 {
                fail(at, "a manifest holds exactly one YAML document; found another one here")
                return false
            }
            return true
        case .alias(let anchor):
            fail(at, "aliases are not allowed in a manifest (found '*\(anchor)')")
            attach(YAMLNode(content: .scalar(YAMLScalar(text: "", style: .plain, value: .null)), location: at))
            return true
        case .scalar(let value, let style):
            if let tag = coreTag, tag == .seq || tag == .map {
                fail(at, "tag '!!\(tag == .seq ? "seq" : "map")' does not fit a scalar")
                coreTag = nil
            }
            let scalar: YAMLScalar
            if let resolved = YAMLScalar.resolve(value, style: style, tag: coreTag) {
                scalar = resolved
            } else {
                fail(at, "'\(value.debugEscaped)' is not a valid value for its tag")
                scalar = YAMLScalar(text: value, style: style, value: .string(value))
            }
            attach(YAMLNode(content: .scalar(scalar), location: at))
            return true
        case .sequenceStart, .mappingStart:
            let isSequence: Bool
            if case .sequenceStart = event.kind { isSequence = true } else { isSequence = false }
            if let tag = coreTag, tag != (isSequence ? .seq : .map) {
                fail(at, "tag '\(tag.rawValue)' does not fit a \(isSequence ? "list" : "mapping")")
            }
            guard stack.count < maxDepth else {
                fail(at, "nesting deeper than \(maxDepth) levels")
                return false
            }
            stack.append(isSequence ? .sequence(location: at, items: [])
                : .mapping(location: at, entries: [], pendingKey: nil, seen: [:], skipValue: false))
            return true
        case .sequenceEnd, .mappingEnd:
            guard let frame = stack.popLast() else { return true }
            switch frame {
            case .sequence(let location, let items):
                attach(YAMLNode(content: .sequence(items), location: location))
            case .mapping(let location, let entries, _, _, _):
                attach(YAMLNode(content: .mapping(entries), location: location))
            }
            return true
        }
    }

    /// Hang a finished node on its parent (as a key, a value or an item).
    mutating func attach(_ node: YAMLNode) {
        guard let top = stack.popLast() else {
            root = node
            return
        }
        switch top {
        case .sequence(let location, var items):
            items.append(node)
            stack.append(.sequence(location: location, items: items))
        case .mapping(let location, var entries, let pendingKey, var seen, let skipValue):
            if let (key, keyLocation) = pendingKey {
                if !skipValue {
                    entries.append(YAMLNode.Entry(key: key, keyLocation: keyLocation, value: node))
                }
                stack.append(.mapping(location: location, entries: entries, pendingKey: nil, seen: seen, skipValue: false))
                return
            }
            guard let scalar = node.scalar else {
                fail(node.location, "mapping keys must be plain text, not \(node.described)")
                stack.append(.mapping(location: location, entries: entries, pendingKey: ("", node.location), seen: seen,
                                      skipValue: true))
                return
            }
            var skip = false
            if let first = seen[scalar.text] {
                fail(node.location, "duplicate key '\(scalar.text.debugEscaped)' (first written at line \(first.line), column \(first.column))")
                skip = true
            } else {
                seen[scalar.text] = node.location
            }
            stack.append(.mapping(location: location, entries: entries, pendingKey: (scalar.text, node.location),
                                  seen: seen, skipValue: skip))
        }
    }
}
