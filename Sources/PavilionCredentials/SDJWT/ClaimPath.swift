/// Where a claim sits in a JSON claims set: object member names and array
/// indexes from the top, e.g. `["address", "street_address"]` or
/// `["nationalities", 1]`.
public struct ClaimPath: Sendable, Hashable, CustomStringConvertible, ExpressibleByArrayLiteral {
    /// One step of a path.
    public enum Component: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
        /// An object member.
        case member(String)
        /// An array element, by its index in the issued array.
        case element(Int)

        public init(stringLiteral value: String) { self = .member(value) }
        public init(integerLiteral value: Int) { self = .element(value) }

        public var description: String {
            switch self {
            case .member(let name): name
            case .element(let index): "[\(index)]"
            }
        }
    }

    /// The steps from the top.
    public var components: [Component]

    /// - Parameter components: the steps from the top.
    public init(_ components: [Component]) { self.components = components }

    public init(arrayLiteral elements: Component...) { self.components = elements }

    /// This path followed by `component`.
    public func appending(_ component: Component) -> ClaimPath { ClaimPath(components + [component]) }

    /// Whether `self` is `other` or lies above it.
    public func isPrefix(of other: ClaimPath) -> Bool {
        components.count <= other.components.count && Array(other.components.prefix(components.count)) == components
    }

    public var description: String {
        components.isEmpty ? "(top)" : components.map(\.description).joined(separator: ".")
    }
}
