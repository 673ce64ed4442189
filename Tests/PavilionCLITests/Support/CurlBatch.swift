import Foundation
import PavilionTestSupport
import XCTest

/// Many requests from one `curl` process (`curl --config FILE`, transfers
/// separated by `next`), one after the other over a kept-alive connection:
/// one client of a load. Runs in the background until ``finish(seconds:)``.
final class CurlBatch: @unchecked Sendable {
    // @unchecked: `child` is set once; its logs lock.

    /// One request of the batch.
    struct Transfer {
        var method: String
        var path: String
        /// A file holding a JSON body to send, if any.
        var bodyFile: URL?
    }

    private static let marker = "#pavilion-batch#"
    private let child: ChildProcess
    private let count: Int

    /// Start curl on `transfers`, each to `baseURL` with `key`, trusting `caFile`.
    /// - Parameter configFile: where to write curl's config (it holds the key: keep it in a private folder).
    init(baseURL: String, caFile: URL, key: String, transfers: [Transfer], configFile: URL) throws {
        var config = ""
        for transfer in transfers {
            config += """
                url = "\(baseURL)\(transfer.path)"
                request = "\(transfer.method)"
                cacert = "\(caFile.path)"
                header = "authorization: Bearer \(key)"
                max-time = 30
                write-out = "\\n\(Self.marker)%{http_code}\\n"

                """
            if let body = transfer.bodyFile {
                config += "header = \"content-type: application/json\"\ndata-binary = \"@\(body.path)\"\n"
            }
            config += "next\n"
        }
        try config.write(to: configFile, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: configFile.path)
        count = transfers.count
        child = try ChildProcess(Curl.executable, ["--silent", "--config", configFile.path],
                                 in: configFile.deletingLastPathComponent())
    }

    /// Wait (bounded) for curl to finish every transfer.
    /// - Returns: one response per transfer, in order (`status` 0 where none
    ///   arrived), or `nil` if curl still ran at the deadline (it is killed).
    func finish(seconds: Double) -> [Curl.Response]? {
        guard child.waitForExit(seconds: seconds) != nil else {
            child.forceStop()
            return nil
        }
        // Let the pipe drain: curl's last line ends with a newline.
        _ = child.stdout.wait(seconds: 5, until: count, counting: { $0.hasPrefix(Self.marker) })
        var responses: [Curl.Response] = []
        var body: [String] = []
        for line in child.stdout.lines {
            if line.hasPrefix(Self.marker) {
                let status = Int(line.dropFirst(Self.marker.count)) ?? 0
                responses.append(Curl.Response(status: status, contentType: "", body: body.joined(separator: "\n"),
                                               exitCode: status == 0 ? 1 : 0, error: ""))
                body = []
            } else {
                body.append(line)
            }
        }
        return responses
    }

    /// Kill curl if it still runs (teardown).
    func cancel() { child.forceStop() }
}
