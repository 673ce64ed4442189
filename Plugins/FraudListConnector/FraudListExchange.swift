import PavilionConnectorKit

/// One lookup (one PSI step, then the result) or one health probe.
public struct FraudListExchange: ConnectorExchange {
    /// What the exchange does.
    enum Mode {
        /// Ask the host for a PSI intersection of this one-element query.
        case lookup(PSIQuery)
        /// Probe the DP's PSI info.
        case health(path: String)
    }

    let mode: Mode

    public mutating func start() throws(ConnectorError) -> ConnectorStep {
        switch mode {
        case .lookup(let query):
            return .psi(query)
        case .health(let path):
            return .request(HTTPRequest(method: "GET", path: path, headers: [HTTPHeader("accept", "application/json")]))
        }
    }

    public mutating func receive(_ response: HTTPResponse) throws(ConnectorError) -> ConnectorStep {
        switch mode {
        case .lookup(let query):
            guard case .intersection(let indices) = try PSIAnswer(response, for: query) else {
                throw ConnectorError(.badResponse, "the host answered a cardinality to an intersection")
            }
            return .result(["listed": .bool(!indices.isEmpty)])
        case .health:
            let healthy = response.status == 200
                && (try? ConnectorJSON.parse(response.body))?["protocol"]?.stringValue == "pavilion-psi-v1"
            return .result(["healthy": .bool(healthy)])
        }
    }
}
