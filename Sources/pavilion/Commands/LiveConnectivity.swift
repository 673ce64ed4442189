import Foundation
import PavilionCore
import PavilionCrypto
import PavilionHost
import PavilionNet
import Synchronization

/// Reads `GET /v1/admin/connectivity` from a serving host for
/// `pavilion connectors list --host`.
enum LiveConnectivity {
    /// Each endpoint's state object, keyed `"<connector> <url>"`.
    /// - Parameters:
    ///   - host: the host's base URL (`https://host:8443`).
    ///   - key: an admin API key.
    ///   - caFile: PEM roots for the host's certificate (system roots when `nil`).
    /// - Throws: `CommandError` naming what failed.
    static func fetch(host: String, key: String, caFile: String?) throws -> [String: JSONValue] {
        guard let url = EndpointURL(host) else { throw CommandError("--host must be http(s)://host[:port], not \(host)") }
        let group = try EventLoopGroup(threads: 1)
        defer { group.shutdown() }
        let tls = TLSConfiguration.client(trustRoots: caFile.map { .caFile($0) } ?? .system)
        let client = try HTTPClient(group: group, configuration: HTTPClientConfiguration(tls: tls))
        defer { client.shutdown() }
        var headers = HTTPHeaders()
        headers.add(name: "authorization", value: "Bearer \(key)")
        let request = HTTPClientRequest(method: "GET", target: url.basePath + "/v1/admin/connectivity", headers: headers)
        let box = Mutex<Result<HTTPClientResponse, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                let response = try await client.send(request, to: url.endpoint, deadline: .now + .seconds(10))
                box.withLock { $0 = .success(response) }
            } catch {
                box.withLock { $0 = .failure(error) }
            }
            done.signal()
        }
        done.wait()
        let response: HTTPClientResponse
        switch box.withLock({ $0 }) {
        case .success(let r)?: response = r
        case .failure(let error)?: throw CommandError("cannot reach \(host): \(error)")
        case nil: throw CommandError("cannot reach \(host)")
        }
        guard response.status == 200 else {
            throw CommandError("\(host)/v1/admin/connectivity answered \(response.status): \(String(decoding: response.body.prefix(300), as: UTF8.self))")
        }
        let json = try JSONParser().parse(String(decoding: response.body, as: UTF8.self))
        var states: [String: JSONValue] = [:]
        // A tenant's own state (its client certificate) is not the connector's; list the shared one.
        for connector in json["connectors"]?.arrayValue ?? [] where connector["tenant"] == nil {
            let name = connector["name"]?.stringValue ?? ""
            for region in connector["regions"]?.arrayValue ?? [] {
                for endpoint in region["endpoints"]?.arrayValue ?? [] {
                    if let u = endpoint["url"]?.stringValue { states["\(name) \(u)"] = endpoint }
                }
            }
        }
        return states
    }
}
