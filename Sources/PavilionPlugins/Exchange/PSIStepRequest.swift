internal import CPavilion
import PavilionCore

/// A private set intersection a connector asked the host to run against its
/// DP's published `pavilion-psi-v1` set (`PV_STEP_PSI`, ABI 2), validated.
///
/// The host runs the client side of the protocol (docs/psi.md) and steps the
/// exchange with ``answer(intersection:)`` or ``answer(cardinality:)``.
public struct PSIStepRequest: Sendable, Equatable, CustomStringConvertible {
    /// What the connector may learn.
    public enum Mode: String, Sendable, Hashable {
        /// Which elements are in the DP's set (`PV_PSI_INTERSECTION`).
        case intersection
        /// How many are (`PV_PSI_CARDINALITY`).
        case cardinality
    }

    /// Most elements in one step (`PV_PSI_MAX_ELEMENTS`).
    public static let maxElements = Int(PV_PSI_MAX_ELEMENTS)
    /// Longest element in bytes (`PV_PSI_MAX_ELEMENT_BYTES`, the OPRF input limit).
    public static let maxElementBytes = Int(PV_PSI_MAX_ELEMENT_BYTES)

    /// Base path of the DP's PSI service relative to the endpoint base URL,
    /// e.g. `/psi/v1`; no trailing `/`.
    public var path: String
    /// The elements, 1 to ``maxElements``, each 1 to ``maxElementBytes`` bytes.
    public var elements: [[UInt8]]
    /// What the connector may learn.
    public var mode: Mode

    /// - Parameters: the fields as described above (not validated here).
    public init(path: String, elements: [[UInt8]], mode: Mode) {
        self.path = path
        self.elements = elements
        self.mode = mode
    }

    /// `PSI <mode> <path> (<n> elements)`; never an element.
    public var description: String { "PSI \(mode.rawValue) \(path) (\(elements.count) elements)" }

    /// The synthetic response a plugin is stepped with after an intersection:
    /// `200 {"intersection":[…]}` with `content-type: application/json`.
    /// - Parameter indices: ascending indices into ``elements``.
    public static func answer(intersection indices: [Int]) -> HTTPResponse {
        HTTPResponse(status: 200, json: ["intersection": .array(indices.map { .int(Int64($0)) })])
    }

    /// The synthetic response after a cardinality query: `200 {"cardinality":n}`.
    /// - Parameter count: how many distinct elements are in the DP's set.
    public static func answer(cardinality count: Int) -> HTTPResponse {
        HTTPResponse(status: 200, json: ["cardinality": .int(Int64(count))])
    }
}
