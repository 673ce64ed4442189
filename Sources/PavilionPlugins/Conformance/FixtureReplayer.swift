import PavilionCore

/// How one replay ended.
enum ReplayOutcome: Sendable, Equatable {
    /// The connector returned this claims object.
    case result(JSONValue)
    /// The connector (or the host's checks of its output) failed with this.
    case failure(ConnectorFailure)
    /// The connector's conversation differs from the recording.
    case mismatch(String)
}

/// Replays one recorded case through a real connector instance.
struct FixtureReplayer: Sendable {
    let instance: ConnectorInstance

    /// Requests a connector may still make after a spoiled response (each
    /// answered with 503) before the replay gives up.
    static let offScriptLimit = 3

    /// Replay `recorded`, optionally spoiling the response at `mutateAt`.
    func replay(_ recorded: RecordedFixture.Case, mutateAt: Int? = nil, mutation: ResponseMutation? = nil) -> ReplayOutcome {
        let exchange = instance.makeExchange()
        defer { exchange.end() }
        let requestID = recorded.query["request_id"]?.stringValue ?? "conformance"
        var step: ExchangeStep
        do {
            step = try exchange.begin(query: recorded.query, tenant: "conformance", requestID: requestID)
        } catch {
            return .failure(error)
        }
        var index = 0
        var offScript = 0
        var spoiled = false
        while true {
            let request: Asked
            switch step {
            case .result(let claims):
                if !spoiled, index < recorded.exchanges.count {
                    return .mismatch("returned a result after \(index) of \(recorded.exchanges.count) recorded exchanges")
                }
                return .result(claims)
            case .request(let r):
                request = .http(r)
            case .psi(let p):
                request = .psi(p)
            }
            let response: HTTPResponse
            if spoiled {
                offScript += 1
                guard offScript <= Self.offScriptLimit else {
                    return .mismatch("kept asking for requests after a spoiled response (\(request))")
                }
                response = HTTPResponse(status: 503)
            } else {
                guard index < recorded.exchanges.count else {
                    return .mismatch("asked for unrecorded request #\(index + 1): \(request)")
                }
                let recording = recorded.exchanges[index]
                if let difference = Self.difference(request, recording) {
                    return .mismatch("request #\(index + 1): \(difference)")
                }
                var answer = HTTPResponse(status: recording.responseStatus,
                                          headers: recording.responseHeaders.map { (name: $0.0, value: $0.1) },
                                          body: recording.responseBody)
                if index == mutateAt, let mutation, let changed = mutation.apply(answer) {
                    answer = changed
                    spoiled = true
                }
                response = answer
                index += 1
            }
            do {
                step = try exchange.step(response)
            } catch {
                return .failure(error)
            }
        }
    }

    /// What a connector asked for in one step.
    enum Asked: CustomStringConvertible {
        case http(HTTPRequest)
        case psi(PSIStepRequest)

        var description: String {
            switch self {
            case .http(let request): return request.description
            case .psi(let psi): return psi.description
            }
        }
    }

    /// What differs between the connector's step and the recording, or nil.
    static func difference(_ asked: Asked, _ recording: RecordedFixture.RecordedExchange) -> String? {
        switch asked {
        case .http(let request):
            guard recording.psi == nil else { return "expected a PSI step at \(recording.path), got \(request.method) \(request.path)" }
            return difference(request, recording)
        case .psi(let psi):
            guard let recorded = recording.psi else {
                return "expected \(recording.method) \(recording.path), got a PSI step at \(psi.path)"
            }
            if psi.path != recording.path || psi.mode.rawValue != recorded.mode {
                return "expected PSI \(recorded.mode) at \(recording.path), got \(psi.description)"
            }
            if psi.elements != recorded.elements.map({ Array($0.utf8) }) { return "PSI elements differ from the recording" }
            return nil
        }
    }

    /// What differs between the connector's request and the recording, or nil.
    static func difference(_ request: HTTPRequest, _ recording: RecordedFixture.RecordedExchange) -> String? {
        if request.method != recording.method || request.path != recording.path {
            return "expected \(recording.method) \(recording.path), got \(request.method) \(request.path)"
        }
        for (name, value) in recording.headers.sorted(by: { $0.key < $1.key }) {
            guard let actual = request.header(name) else { return "header '\(name)' is missing" }
            if actual != value { return "header '\(name)' differs from the recording" }
        }
        if let text = recording.bodyText, request.body != Array(text.utf8) {
            return "body differs from the recorded body_text"
        }
        if let json = recording.body {
            guard let actual = try? JSONParser().parse(bytes: request.body) else { return "body is not JSON, the recording is" }
            if actual != json { return "body \(actual.serialized) differs from the recorded \(json.serialized)" }
        }
        return nil
    }
}
