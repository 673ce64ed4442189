/// Type erasure between the generic connector world and the ABI bridge,
/// whose `@convention(c)` functions cannot be generic.
protocol InstanceDriving: AnyObject {
    var offeredClaims: [String] { get }
    func begin(query: ConnectorQuery, context: ExchangeContext) throws(ConnectorError) -> any ExchangeDriving
    func healthProbe(context: ExchangeContext) throws(ConnectorError) -> any ExchangeDriving
}

protocol ExchangeDriving: AnyObject {
    func start() throws(ConnectorError) -> ConnectorStep
    func receive(_ response: HTTPResponse) throws(ConnectorError) -> ConnectorStep
}

final class InstanceDriver<C: Connector>: InstanceDriving {
    let connector: C

    init(settings: [String: ConnectorJSON], host: ConnectorHost) throws(ConnectorError) {
        connector = try C(settings: settings, host: host)
    }

    var offeredClaims: [String] { C.description.claims }

    func begin(query: ConnectorQuery, context: ExchangeContext) throws(ConnectorError) -> any ExchangeDriving {
        ExchangeDriver(try connector.makeExchange(query: query, context: context))
    }

    func healthProbe(context: ExchangeContext) throws(ConnectorError) -> any ExchangeDriving {
        guard let probe = try connector.makeHealthProbe(context: context) else {
            throw ConnectorError(.unsupported, "this connector has no health probe")
        }
        return ExchangeDriver(probe)
    }
}

final class ExchangeDriver<E: ConnectorExchange>: ExchangeDriving {
    var exchange: E

    init(_ exchange: E) { self.exchange = exchange }

    func start() throws(ConnectorError) -> ConnectorStep { try exchange.start() }

    func receive(_ response: HTTPResponse) throws(ConnectorError) -> ConnectorStep { try exchange.receive(response) }
}

/// Check a step before it crosses the boundary: well-formed requests and
/// PSI queries, and results that hold only what was asked.
func validate(_ step: ConnectorStep, allowedClaims: [String]) throws(ConnectorError) {
    switch step {
    case .request(let request):
        let methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"]
        guard methods.contains(request.method) else {
            throw ConnectorError(.internal, "connector produced an unsupported HTTP method")
        }
        guard request.path.hasPrefix("/"), !request.path.hasPrefix("//"),
              !request.path.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F }) else {
            throw ConnectorError(.internal, "connector produced a request path that is not a relative path")
        }
    case .result(let claims):
        for name in claims.keys where !allowedClaims.contains(name) {
            throw ConnectorError(.internal, "connector returned a claim the query did not ask for")
        }
    case .psi(let query):
        guard query.path.hasPrefix("/"), !query.path.hasPrefix("//"),
              !query.path.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F || $0 == "?" || $0 == "#" }) else {
            throw ConnectorError(.internal, "connector produced a PSI path that is not a relative base path")
        }
        guard (1...PSIQuery.maxElements).contains(query.elements.count) else {
            throw ConnectorError(.internal, "connector produced a PSI query of \(query.elements.count) elements (1...\(PSIQuery.maxElements))")
        }
        guard query.elements.allSatisfy({ (1...PSIQuery.maxElementBytes).contains($0.count) }) else {
            throw ConnectorError(.internal, "connector produced an empty PSI element or one over \(PSIQuery.maxElementBytes) bytes")
        }
    }
}
