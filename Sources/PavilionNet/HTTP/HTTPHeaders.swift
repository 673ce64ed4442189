/// HTTP header fields in arrival order, with case-insensitive lookup.
public struct HTTPHeaders: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    /// The fields as (name, value) pairs, in order.
    public private(set) var fields: [(name: String, value: String)]

    /// An empty header list.
    public init() { fields = [] }

    /// Headers from (name, value) pairs, order kept.
    public init(_ fields: [(String, String)]) { self.fields = fields.map { (name: $0.0, value: $0.1) } }

    /// Headers from a literal, order kept.
    public init(dictionaryLiteral elements: (String, String)...) { self.init(elements) }

    /// The first value of `name` (ASCII case-insensitive), or nil.
    public subscript(name: String) -> String? {
        for field in fields where HTTPHeaders.equalsIgnoringCase(field.name, name) { return field.value }
        return nil
    }

    /// Every value of `name`, in order.
    public func values(for name: String) -> [String] {
        var out: [String] = []
        for field in fields where HTTPHeaders.equalsIgnoringCase(field.name, name) { out.append(field.value) }
        return out
    }

    /// Whether a field named `name` is present.
    public func contains(_ name: String) -> Bool { self[name] != nil }

    /// Append a field (keeps any existing ones of the same name).
    public mutating func add(name: String, value: String) { fields.append((name: name, value: value)) }

    /// Replace every field named `name` by one with `value`.
    public mutating func replace(name: String, value: String) {
        remove(name: name)
        add(name: name, value: value)
    }

    /// Remove every field named `name`.
    public mutating func remove(name: String) {
        fields.removeAll { HTTPHeaders.equalsIgnoringCase($0.name, name) }
    }

    /// The number of fields.
    public var count: Int { fields.count }

    /// Iterate the fields in order.
    public func makeIterator() -> some IteratorProtocol<(name: String, value: String)> { fields.makeIterator() }

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.count == rhs.fields.count && zip(lhs.fields, rhs.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for field in fields {
            hasher.combine(field.name)
            hasher.combine(field.value)
        }
    }

    static func equalsIgnoringCase(_ a: String, _ b: String) -> Bool {
        let x = a.utf8, y = b.utf8
        guard x.count == y.count else { return false }
        // Native strings (every header the parser makes) compare on their
        // contiguous bytes; others byte by byte through their views.
        let fast = x.withContiguousStorageIfAvailable { p in
            y.withContiguousStorageIfAvailable { q -> Bool in
                for i in 0..<p.count where p[i] != q[i] {
                    guard lowerASCII(p[i]) == lowerASCII(q[i]) else { return false }
                }
                return true
            }
        }
        if let result = fast ?? nil { return result }
        for (p, q) in zip(x, y) where p != q {
            guard lowerASCII(p) == lowerASCII(q) else { return false }
        }
        return true
    }

    @inline(__always) static func lowerASCII(_ c: UInt8) -> UInt8 { c >= 65 && c <= 90 ? c | 0x20 : c }
}

/// An HTTP version, e.g. 1.1.
public struct HTTPVersion: Sendable, Hashable, CustomStringConvertible {
    /// Major version.
    public var major: Int
    /// Minor version.
    public var minor: Int
    /// HTTP/1.1.
    public static let http11 = HTTPVersion(major: 1, minor: 1)
    /// HTTP/1.0.
    public static let http10 = HTTPVersion(major: 1, minor: 0)
    /// - Parameters: the version numbers.
    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }
    public var description: String { "HTTP/\(major).\(minor)" }
}
