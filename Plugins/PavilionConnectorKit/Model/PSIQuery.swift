internal import CPavilion

/// A private set intersection a connector asks the host to run against its
/// DP's published `pavilion-psi-v1` set (`pv_psi_request_t`, ABI 2).
///
/// Return it as ``ConnectorStep/psi(_:)``; the host runs the protocol over
/// its own transport (the DP sees only blinded points) and calls
/// ``ConnectorExchange/receive(_:)`` with a synthetic response that
/// ``PSIAnswer/init(_:for:)`` reads. Normalise elements first (E.164
/// numbers, lower-case e-mail): PSI matches bytes.
public struct PSIQuery: Sendable, Hashable {
    /// What the connector learns.
    public enum Mode: Sendable, Hashable {
        /// Which elements are in the DP's set (`PV_PSI_INTERSECTION`).
        case intersection
        /// Only how many are (`PV_PSI_CARDINALITY`).
        case cardinality
    }

    /// Most elements in one query (`PV_PSI_MAX_ELEMENTS`).
    public static let maxElements = Int(PV_PSI_MAX_ELEMENTS)
    /// Longest element in bytes (`PV_PSI_MAX_ELEMENT_BYTES`).
    public static let maxElementBytes = Int(PV_PSI_MAX_ELEMENT_BYTES)

    /// Base path of the DP's PSI service relative to the endpoint base URL, e.g. `/psi/v1`.
    public var path: String
    /// The elements, 1 to ``maxElements``, each 1 to ``maxElementBytes`` bytes.
    public var elements: [[UInt8]]
    /// What the connector learns.
    public var mode: Mode

    /// - Parameters:
    ///   - path: the base path, starting with `/`.
    ///   - elements: the elements as bytes.
    ///   - mode: intersection (default) or cardinality.
    public init(path: String, elements: [[UInt8]], mode: Mode = .intersection) {
        self.path = path
        self.elements = elements
        self.mode = mode
    }

    /// - Parameters:
    ///   - path: the base path, starting with `/`.
    ///   - elements: the elements as UTF-8 text.
    ///   - mode: intersection (default) or cardinality.
    public init(path: String, elements: [String], mode: Mode = .intersection) {
        self.init(path: path, elements: elements.map { Array($0.utf8) }, mode: mode)
    }
}

/// The host's answer to a ``PSIQuery``, read from the synthetic response.
public enum PSIAnswer: Sendable, Hashable {
    /// Ascending indices into ``PSIQuery/elements`` of the elements in the DP's set.
    case intersection([Int])
    /// How many distinct elements are in the DP's set.
    case cardinality(Int)

    /// Read the host's answer to `query`.
    /// - Parameters:
    ///   - response: what ``ConnectorExchange/receive(_:)`` was given.
    ///   - query: the query it answers.
    /// - Throws: ``ConnectorError`` `badResponse` when the response is not a
    ///   well-formed answer for `query` (never expected from a conforming host).
    public init(_ response: HTTPResponse, for query: PSIQuery) throws(ConnectorError) {
        guard response.status == 200, let json = try? ConnectorJSONParser().parse(bytes: response.body),
              let object = json.objectValue, object.count == 1 else {
            throw ConnectorError(.badResponse, "the host's PSI answer is not a JSON object of one member")
        }
        switch query.mode {
        case .intersection:
            guard let values = object["intersection"]?.arrayValue else {
                throw ConnectorError(.badResponse, "the host's PSI answer lacks the array 'intersection'")
            }
            var indices: [Int] = []
            for value in values {
                guard let index = value.intValue, index >= 0, index < Int64(query.elements.count),
                      indices.last.map({ Int64($0) < index }) ?? true else {
                    throw ConnectorError(.badResponse, "the host's PSI answer has an index out of range or out of order")
                }
                indices.append(Int(index))
            }
            self = .intersection(indices)
        case .cardinality:
            guard let count = object["cardinality"]?.intValue, count >= 0, count <= Int64(query.elements.count) else {
                throw ConnectorError(.badResponse, "the host's PSI answer lacks a 'cardinality' within 0...\(query.elements.count)")
            }
            self = .cardinality(Int(count))
        }
    }
}
