import PavilionCore

/// Applying one compiled keyword.
extension SchemaEvaluator {
    func apply(_ keyword: SchemaKeyword, _ instance: JSONValue, collect: Bool, _ evaluated: inout Evaluated) -> Bool {
        let name = keyword.name
        switch keyword.check {
        case .alwaysFalse:
            report("", "no value is allowed here (false schema)")
            return false

        case .type(let types):
            guard types.admits(instance) else {
                report(name, "expected \(types.names), found \(instance.typeName)")
                return false
            }
            return true

        case .enumeration(let values):
            guard values.contains(where: { $0.schemaEquals(instance) }) else {
                report(name, "\(Self.excerpt(instance)) is not one of the \(values.count) allowed values")
                return false
            }
            return true

        case .constant(let value):
            guard value.schemaEquals(instance) else {
                report(name, "\(Self.excerpt(instance)) is not the required value \(Self.excerpt(value))")
                return false
            }
            return true

        case .bound(let bound, let limit):
            guard let order = NumberSemantics.compare(instance, limit) else { return true }
            let ok: Bool
            let relation: String
            switch bound {
            case .minimum: ok = order >= 0; relation = "at least"
            case .exclusiveMinimum: ok = order > 0; relation = "greater than"
            case .maximum: ok = order <= 0; relation = "at most"
            case .exclusiveMaximum: ok = order < 0; relation = "less than"
            }
            if !ok { report(name, "\(instance.serialized) is not \(relation) \(limit.serialized)") }
            return ok

        case .multipleOf(let divisor):
            switch instance {
            case .int, .double:
                guard NumberSemantics.isMultiple(instance, of: divisor) else {
                    report(name, "\(instance.serialized) is not a multiple of \(divisor.serialized)")
                    return false
                }
                return true
            default:
                return true
            }

        case .minLength(let n):
            guard case .string(let s) = instance else { return true }
            // Each code point takes 1 to 4 UTF-8 bytes: decide without counting when the byte count settles it.
            let bytes = s.utf8.count
            if bytes >= 4 * n { return true }
            let length = bytes < n ? bytes : s.unicodeScalars.count
            guard length >= n else {
                report(name, "string of \(length) characters is shorter than \(n)")
                return false
            }
            return true

        case .maxLength(let n):
            guard case .string(let s) = instance else { return true }
            let bytes = s.utf8.count
            if bytes <= n { return true }
            let length = s.unicodeScalars.count
            guard length <= n else {
                report(name, "string of \(length) characters is longer than \(n)")
                return false
            }
            return true

        case .pattern(let pattern):
            guard case .string(let s) = instance else { return true }
            guard pattern.matches(s) else {
                report(name, "\(Self.excerpt(instance)) does not match the pattern \(pattern.source)")
                return false
            }
            return true

        case .format(let format):
            guard case .string(let s) = instance else { return true }
            guard format.accepts(s) else {
                report(name, "\(Self.excerpt(instance)) is not a valid \(format.rawValue)")
                return false
            }
            return true

        case .minItems(let n):
            guard case .array(let a) = instance, a.count < n else { return true }
            report(name, "array of \(a.count) items has fewer than \(n)")
            return false

        case .maxItems(let n):
            guard case .array(let a) = instance, a.count > n else { return true }
            report(name, "array of \(a.count) items has more than \(n)")
            return false

        case .uniqueItems:
            guard case .array(let a) = instance, let (i, j) = Self.firstDuplicate(a) else { return true }
            report(name, "items \(i) and \(j) are equal")
            return false

        case .minProperties(let n):
            guard case .object(let o) = instance, o.count < n else { return true }
            report(name, "object with \(o.count) properties has fewer than \(n)")
            return false

        case .maxProperties(let n):
            guard case .object(let o) = instance, o.count > n else { return true }
            report(name, "object with \(o.count) properties has more than \(n)")
            return false

        case .required(let names):
            guard case .object(let o) = instance else { return true }
            var valid = true
            for required in names where o[required] == nil {
                valid = false
                report(name, "required property \"\(required)\" is missing")
                if !reporting { break }
            }
            return valid

        case .dependentRequired(let rules):
            guard case .object(let o) = instance else { return true }
            var valid = true
            for (trigger, names) in rules where o[trigger] != nil {
                for required in names where o[required] == nil {
                    valid = false
                    report(name, "property \"\(required)\" is required when \"\(trigger)\" is present")
                    if !reporting { return false }
                }
            }
            return valid

        default:
            return applyApplicator(keyword, instance, collect: collect, &evaluated)
        }
    }

    func applyApplicator(_ keyword: SchemaKeyword, _ instance: JSONValue, collect: Bool, _ evaluated: inout Evaluated) -> Bool {
        let name = keyword.name
        switch keyword.check {
        case .ref(let target):
            return inPlace(target, instance, keyword: name, collect: collect, &evaluated)

        case .dynamicRef(let initial, let anchor):
            var target = initial
            if let anchor {
                for resource in scope {
                    if let found = program.resources[resource].dynamicAnchors[anchor] {
                        target = found
                        break
                    }
                }
            }
            return inPlace(target, instance, keyword: name, collect: collect, &evaluated)

        case .allOf(let list):
            var valid = true
            for (i, node) in list.enumerated() where !inPlace(node, instance, keyword: "\(name)/\(i)", collect: collect, &evaluated) {
                valid = false
                if !reporting { break }
            }
            return valid

        case .anyOf(let list):
            var matched = false
            quietly {
                for node in list {
                    var branch = Evaluated()
                    if evaluate(node, instance, collect: collect, into: &branch) {
                        matched = true
                        guard collect else { break }
                        evaluated.merge(branch)
                    }
                }
            }
            if !matched { report(name, "matches none of the \(list.count) alternatives") }
            return matched

        case .oneOf(let list):
            var matches: [Int] = []
            quietly {
                var found = Evaluated()
                for (i, node) in list.enumerated() {
                    var branch = Evaluated()
                    if evaluate(node, instance, collect: collect, into: &branch) {
                        matches.append(i)
                        if matches.count > 1 { break }
                        found = branch
                    }
                }
                if matches.count == 1 && collect { evaluated.merge(found) }
            }
            if matches.isEmpty {
                report(name, "matches none of the \(list.count) alternatives")
            } else if matches.count > 1 {
                report(name, "matches alternatives \(matches[0]) and \(matches[1]); exactly one must match")
            }
            return matches.count == 1

        case .not(let node):
            var ignored = Evaluated()
            let matched = quietly { evaluate(node, instance, collect: false, into: &ignored) }
            if matched { report(name, "must not match the schema under 'not'") }
            return !matched

        case .conditional(let condition, let then, let otherwise):
            var branch = Evaluated()
            let holds = quietly { evaluate(condition, instance, collect: collect, into: &branch) }
            if holds {
                if collect { evaluated.merge(branch) }
                guard let then else { return true }
                return inPlace(then, instance, keyword: "then", collect: collect, &evaluated)
            }
            guard let otherwise else { return true }
            return inPlace(otherwise, instance, keyword: "else", collect: collect, &evaluated)

        case .dependentSchemas(let rules):
            guard case .object(let o) = instance else { return true }
            var valid = true
            for (trigger, node) in rules where o[trigger] != nil {
                if !inPlace(node, instance, keyword: "\(name)/\(JSONPointer.escape(trigger))", collect: collect, &evaluated) {
                    valid = false
                    if !reporting { break }
                }
            }
            return valid

        default:
            return applyChildren(keyword, instance, collect: collect, &evaluated)
        }
    }

    func applyChildren(_ keyword: SchemaKeyword, _ instance: JSONValue, collect: Bool, _ evaluated: inout Evaluated) -> Bool {
        let name = keyword.name
        switch keyword.check {
        case .prefixItems(let list):
            guard case .array(let a) = instance else { return true }
            var valid = true
            for i in 0..<min(list.count, a.count) where !descend(list[i], a[i], keyword: "\(name)/\(i)", token: String(i)) {
                valid = false
                if !reporting { break }
            }
            if collect { evaluated.prefix = max(evaluated.prefix, min(list.count, a.count)) }
            return valid

        case .items(let node, let after):
            guard case .array(let a) = instance else { return true }
            var valid = true
            if after < a.count {
                for i in after..<a.count where !descend(node, a[i], keyword: name, token: String(i)) {
                    valid = false
                    if !reporting { break }
                }
            }
            if collect { evaluated.allItems = true }
            return valid

        case .contains(let node, let minimum, let maximum):
            guard case .array(let a) = instance else { return true }
            var count = 0
            quietly {
                var ignored = Evaluated()
                for (i, element) in a.enumerated() where evaluate(node, element, collect: false, into: &ignored) {
                    count += 1
                    if collect { evaluated.items.insert(i) }
                    if !collect, maximum == nil, count >= minimum { break }
                }
            }
            if count < minimum {
                report(minimum == 1 && maximum == nil ? name : "minContains",
                       count == 0 ? "no item matches the 'contains' schema" : "only \(count) items match 'contains', \(minimum) needed")
                return false
            }
            if let maximum, count > maximum {
                report("maxContains", "\(count) items match 'contains', at most \(maximum) allowed")
                return false
            }
            return true

        case .properties(let map):
            guard case .object(let o) = instance else { return true }
            var valid = true
            if map.count <= o.count {
                for (key, node) in map {
                    guard let value = o[key] else { continue }
                    if collect { evaluated.properties.insert(key) }
                    if !descend(node, value, keyword: "\(name)/\(JSONPointer.escape(key))", token: JSONPointer.escape(key)) {
                        valid = false
                        if !reporting { break }
                    }
                }
            } else {
                for (key, value) in o {
                    guard let node = map[key] else { continue }
                    if collect { evaluated.properties.insert(key) }
                    if !descend(node, value, keyword: "\(name)/\(JSONPointer.escape(key))", token: JSONPointer.escape(key)) {
                        valid = false
                        if !reporting { break }
                    }
                }
            }
            return valid

        case .patternProperties(let list):
            guard case .object(let o) = instance else { return true }
            var valid = true
            for (key, value) in o {
                for (pattern, node) in list where pattern.matches(key) {
                    if collect { evaluated.properties.insert(key) }
                    if !descend(node, value, keyword: "\(name)/\(JSONPointer.escape(pattern.source))", token: JSONPointer.escape(key)) {
                        valid = false
                        if !reporting { return false }
                    }
                }
            }
            return valid

        case .additionalProperties(let node, let known, let patterns):
            guard case .object(let o) = instance else { return true }
            var valid = true
            for (key, value) in o where !known.contains(key) && !patterns.contains(where: { $0.matches(key) }) {
                if !descend(node, value, keyword: name, token: JSONPointer.escape(key)) {
                    valid = false
                    if !reporting { break }
                }
            }
            if collect { evaluated.allProperties = true }
            return valid

        case .propertyNames(let node):
            guard case .object(let o) = instance else { return true }
            var valid = true
            for key in o.keys where !descend(node, .string(key), keyword: name, token: JSONPointer.escape(key)) {
                valid = false
                if !reporting { break }
            }
            return valid

        case .unevaluatedItems(let node):
            guard case .array(let a) = instance else { return true }
            var valid = true
            if !evaluated.allItems {
                for i in evaluated.prefix..<max(evaluated.prefix, a.count) where !evaluated.items.contains(i) {
                    if !descend(node, a[i], keyword: name, token: String(i)) {
                        valid = false
                        if !reporting { break }
                    }
                }
            }
            evaluated.allItems = true
            return valid

        case .unevaluatedProperties(let node):
            guard case .object(let o) = instance else { return true }
            var valid = true
            if !evaluated.allProperties {
                for (key, value) in o where !evaluated.properties.contains(key) {
                    if !descend(node, value, keyword: name, token: JSONPointer.escape(key)) {
                        valid = false
                        if !reporting { break }
                    }
                }
            }
            evaluated.allProperties = true
            evaluated.properties = []
            return valid

        default:
            return true
        }
    }

    /// The first pair of equal elements, if any.
    static func firstDuplicate(_ items: [JSONValue]) -> (Int, Int)? {
        if items.count < 2 { return nil }
        if items.count <= 16 {
            for j in 1..<items.count {
                for i in 0..<j where items[i].schemaEquals(items[j]) { return (i, j) }
            }
            return nil
        }
        var buckets: [Int: [Int]] = [:]
        for (j, item) in items.enumerated() {
            var hasher = Hasher()
            item.schemaHash(into: &hasher)
            let hash = hasher.finalize()
            for i in buckets[hash, default: []] where items[i].schemaEquals(item) { return (i, j) }
            buckets[hash, default: []].append(j)
        }
        return nil
    }

    /// A short rendering of a value for messages.
    static func excerpt(_ value: JSONValue) -> String {
        let text = value.serialized
        return text.count <= 60 ? text : String(text.prefix(57)) + "..."
    }
}
