import Foundation
import PavilionCore
import PavilionNet
import PavilionPrivacy

/// A telco fraud register that publishes its list of phone numbers as a
/// `pavilion-psi-v1` encoded set (docs/psi.md), as `pavilion psi serve`
/// does: the ``PSIServer`` mounted under `/psi/v1/` (info, evaluate, set
/// pages; intersection mode). Nothing else is served: the register answers
/// no plain lookups, so a number never reaches it in the clear.
///
/// The set is preprocessed at start into a temporary folder (a fresh key
/// each time) that goes with the simulator.
final class FraudListAPI: ProviderAPI {
    /// The numbers listed by default: Bruno (`p2`, `+34600000002`) of the
    /// built-in people, and `+447700900500` … `+447700900599` from Ofcom's
    /// range reserved for drama, none of them ever issued.
    static let builtInNumbers: [String] = ["+34600000002"] + (500...599).map { "+447700900\($0)" }

    let server: PSIServer
    private let directory: String

    /// Preprocess `numbers` (E.164, one element each).
    /// - Throws: ``SimulatorError`` `invalidConfiguration` for an empty or
    ///   unusable list, `startFailed` when the folder cannot be written.
    init(numbers: [String]) throws(SimulatorError) {
        guard !numbers.isEmpty, numbers.allSatisfy({ !$0.isEmpty && !$0.contains("\n") && !$0.contains("\r") }) else {
            throw SimulatorError(.invalidConfiguration, "the fraud list needs one or more numbers without line breaks")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pavilion-fraud-list-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try Data((numbers.joined(separator: "\n") + "\n").utf8).write(to: folder.appendingPathComponent("list.txt"))
        } catch {
            throw SimulatorError(.startFailed, "cannot write the fraud list to \(folder.path): \(error.localizedDescription)")
        }
        directory = folder.path
        do {
            let set = try PSIServerSet.prepare(setPath: folder.appendingPathComponent("list.txt").path,
                                               cacheDirectory: folder.appendingPathComponent("cache").path,
                                               mode: .intersection, workers: 1)
            server = PSIServer(set: set, workers: 1)
        } catch {
            try? FileManager.default.removeItem(atPath: folder.path)
            throw SimulatorError(.startFailed, "cannot preprocess the fraud list: \(error.description)")
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    var contentType: String { "application/octet-stream" }

    func respond(to request: HTTPServerRequest) -> HTTPServerResponse {
        PSIRoutes.handle(request, server)
    }

    func error(status: Int, message: String) -> HTTPServerResponse {
        .problem(status: status, code: "psi_unavailable", title: "PSI request failed", detail: message)
    }
}
