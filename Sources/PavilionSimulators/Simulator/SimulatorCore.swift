import PavilionCore
import PavilionNet

/// What every request of one simulator shares: the provider API, the faults
/// and the stats.
final class SimulatorCore: Sendable {
    let kind: SimulatorKind
    let api: any ProviderAPI
    let injector: FaultInjector
    let stats = StatsRecorder()
    let stallLimit: Duration
    let signer: SimulatorResponseSigner?

    init(configuration: SimulatorConfiguration) throws(SimulatorError) {
        signer = configuration.responseSigner
        kind = configuration.kind
        injector = FaultInjector(faults: configuration.faults, seed: configuration.randomSeed)
        stallLimit = configuration.stallLimit
        let issuer = TokenIssuer(clientID: configuration.clientID, clientSecret: configuration.clientSecret,
                                 lifetime: configuration.effectiveTokenLifetime)
        switch configuration.kind {
        case .camara: api = CamaraKYCMatchAPI(people: configuration.people, issuer: issuer)
        case .fhir: api = FHIRPatientAPI(people: configuration.people, issuer: issuer)
        case .echo: api = EchoAPI()
        case .fraudList: api = try FraudListAPI(numbers: configuration.listedNumbers)
        }
    }

    /// Answer one request: control API, or provider API with faults.
    func handle(_ request: HTTPServerRequest) async -> HTTPServerResponse {
        if request.path == "/_sim" || request.path.hasPrefix("/_sim/") { return control(request) }
        var response = await respond(to: request)
        if let signer, !response.dropsConnection { signer.sign(&response) }
        return response
    }

    /// The provider API's answer, with faults.
    private func respond(to request: HTTPServerRequest) async -> HTTPServerResponse {
        stats.request(path: request.path, traceparent: request.headers["traceparent"])
        let decision = injector.decide(path: request.path)
        if decision.latencyMs > 0 {
            stats.fault("latency")
            try? await Task.sleep(for: .milliseconds(decision.latencyMs))
            if Task.isCancelled { return .dropConnection }
        }
        switch decision.action {
        case .none:
            return api.respond(to: request)
        case .stall:
            stats.fault("stall")
            // Held until the server cancels the task (client gone at shutdown,
            // or the simulator stops) or the stall limit passes; never answered.
            try? await Task.sleep(for: stallLimit)
            return .dropConnection
        case .reset:
            stats.fault("reset")
            return .dropConnection
        case .unavailable:
            stats.fault("error")
            var response = api.error(status: 503, message: "simulated outage (errorRate)")
            response.headers.add(name: "retry-after", value: "1")
            return response
        case .status(let status):
            stats.fault("status")
            if status >= 400 { return api.error(status: status, message: "simulated status \(status)") }
            var response = api.respond(to: request)
            response.status = status
            return response
        case .garbage:
            stats.fault("garbage")
            return .garbage(contentType: api.contentType)
        }
    }

    /// The `/_sim/` control API.
    private func control(_ request: HTTPServerRequest) -> HTTPServerResponse {
        switch (request.method, request.path) {
        case ("GET", "/_sim/faults"):
            return .json(200, injector.faults.json)
        case ("POST", "/_sim/faults"), ("PUT", "/_sim/faults"):
            do {
                let json = try JSONParser().parse(bytes: request.body)
                let faults = try SimulatorFaults(json: json)
                injector.replace(faults)
                return .json(200, faults.json)
            } catch let error as SimulatorError {
                return .problem(status: 400, code: error.code.rawValue, title: "Bad Request", detail: error.reason)
            } catch {
                return .problem(status: 400, code: "invalid_json", title: "Bad Request", detail: "\(error)")
            }
        case ("GET", "/_sim/stats"):
            var json = stats.snapshot.json
            if case .object(var members) = json {
                members["simulator"] = .string(kind.rawValue)
                json = .object(members)
            }
            return .json(200, json)
        case ("DELETE", "/_sim/stats"):
            stats.reset()
            return HTTPServerResponse(status: 204)
        case (_, "/_sim/faults"), (_, "/_sim/stats"):
            return .problem(status: 405, code: "method_not_allowed", title: "Method Not Allowed",
                            detail: "\(request.method) is not allowed on \(request.path)")
        default:
            return .problem(status: 404, code: "not_found", title: "Not Found", detail: "no control resource \(request.path)")
        }
    }
}
