import Foundation
import PavilionCore
import PavilionPlugins
import PavilionPrivacy

/// A connector's PSI steps (`PV_STEP_PSI`, ABI 2): the host runs the client
/// side of `pavilion-psi-v1` (docs/psi.md) against the DP's published encoded
/// set over the connector's transport and steps the connector with the answer.
///
/// Who learns what: the DP receives only blinded points (uniform whatever
/// the element) and learns how many elements were asked about; the host
/// learns the answer (which elements are in the set, or how many) and the
/// DP's set size; the connector gets the same answer as indices or a count.
extension VerificationPipeline {
    /// The privacy receipt's name for a verification that used a PSI step.
    static let psiPrimitive = "psi:pavilion-psi-v1"

    /// How a PSI step ended.
    enum PSIStepOutcome: Sendable {
        /// The synthetic response to step the connector with.
        case answer(HTTPResponse)
        /// The DP could not be reached (mapped like a failed request).
        case unreachable(TransportError)
        /// The DP's PSI answer was wrong, or the host failed.
        case failed(APIProblem)
    }

    /// Run one PSI step and record it as the exchange's round `round`.
    /// - Parameters:
    ///   - psi: the validated step.
    ///   - base: the transport context of the exchange; each message gets a
    ///     deadline of the manifest's request timeout, bounded by `base.deadline`.
    ///   - round: the round's index in the lineage.
    ///   - data: the verification's data run (lineage).
    /// - Returns: the answer, or why there is none.
    func runPSI(_ psi: PSIStepRequest, base: TransportContext, round: Int, data: inout DataRun) async -> PSIStepOutcome {
        let manifest = data.manifest
        let timeout = Duration.milliseconds(manifest.connection.requestTimeoutMs)
        let psiTransport = ConnectorPSITransport(base: psi.path, transport: transport) {
            var context = base
            context.deadline = min(ContinuousClock.now + timeout, base.deadline)
            return context
        }
        let started = (Date(), ContinuousClock.now)
        // Read after the protocol ran: the routing may have failed over.
        var region: String { base.routing?.region ?? base.region.name }
        var endpoint: String { base.routing?.endpoint ?? base.baseURL.description }
        do throws(PSIError) {
            let answer: HTTPResponse
            switch psi.mode {
            case .intersection:
                let indices = try await PSIClient.intersection(elements: psi.elements, transport: psiTransport, workers: 1)
                answer = PSIStepRequest.answer(intersection: indices)
            case .cardinality:
                let count = try await PSIClient.cardinality(elements: psi.elements, transport: psiTransport, workers: 1)
                answer = PSIStepRequest.answer(cardinality: count)
            }
            data.recordPSI(answer: answer, errorCode: nil, round: round, region: region,
                           endpoint: endpoint, startedAt: started.0, duration: ContinuousClock.now - started.1)
            logger.debug("connector psi step", [
                "request_id": .string(base.requestID), "connector": .string(manifest.name), "mode": .string(psi.mode.rawValue),
                "elements": .int(Int64(psi.elements.count)), "messages": .int(Int64(psiTransport.messages)),
            ])
            return .answer(answer)
        } catch {
            let duration = ContinuousClock.now - started.1
            logger.warn("connector psi step failed", [
                "request_id": .string(base.requestID), "connector": .string(manifest.name), "region": .string(region),
                "error": .string(error.description),
            ])
            if let failure = psiTransport.transportFailure {
                // Recorded as a PSI round: blinded points may have reached the DP, so the receipt names PSI.
                data.recordPSI(answer: nil, errorCode: failure.code.rawValue, round: round, region: region,
                               endpoint: endpoint, startedAt: started.0, duration: duration)
                return .unreachable(failure)
            }
            data.recordPSI(answer: nil, errorCode: "psi_" + error.code.rawValue, round: round, region: region,
                           endpoint: endpoint, startedAt: started.0, duration: duration)
            return .failed(APIProblem(502, "upstream_error",
                                      "the data provider behind '\(manifest.name)' gave no valid answer to a private set intersection (\(error.code.rawValue))"))
        }
    }
}
