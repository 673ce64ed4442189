import Foundation
import Glibc
import PavilionCore
import PavilionNet

/// `pavilion bench http`: full verifications through `pavilion serve` beside
/// the same requests through nginx as a plain reverse proxy, both against
/// one echo DP simulator, all on 127.0.0.1 in one run. See
/// `docs/benchmarks.md`.
///
/// 1. Peak requests/s of each with `wrk` (same threads, connections,
///    duration and Lua script: `POST /v1/verifications` with an API key and
///    a JSON body). nginx maps the POST to the simulator's `GET /echo`
///    (body not forwarded) over upstream keep-alive.
/// 2. p50/p99/p99.9 latency of each at half of Pavilion's peak, with an
///    open-loop constant-rate generator (``OpenLoopLoad``).
/// 3. 10,000 idle keep-alive connections to Pavilion from a helper process,
///    counted by the server (`pavilion_open_connections`), with the serve
///    process's RSS before and while they are held.
///
/// Plain HTTP on both (no TLS on either). Every child process is stopped on
/// exit.
enum HTTPBenchmark {
    struct Settings {
        var wrkThreads = 2
        var wrkConnections = 64
        var duration = 10.0
        var warmup = 3.0
        var latencyDuration = 10.0
        var idleConnections = 10_000
        var simulatorThreads = 1
        var flushSamples = 1_000

        static let quick = Settings(wrkThreads: 2, wrkConnections: 16, duration: 2, warmup: 1, latencyDuration: 2,
                                    idleConnections: 1_000, simulatorThreads: 1, flushSamples: 100)
    }

    static func run(connectorsDirectory: String, quick: Bool, arguments: Arguments) throws -> JSONValue {
        var settings = quick ? Settings.quick : Settings()
        if let text = arguments.option("duration") {
            guard let value = Double(text), value > 0, value <= 600 else { throw UsageError("--duration must be 0 < seconds <= 600") }
            settings.duration = value
            settings.latencyDuration = value
        }
        if let text = arguments.option("connections") {
            guard let value = Int(text), (1...10_000).contains(value) else { throw UsageError("--connections must be 1...10000") }
            settings.wrkConnections = value
        }
        if let text = arguments.option("idle") {
            guard let value = Int(text), (1...18_000).contains(value) else { throw UsageError("--idle must be 1...18000") }
            settings.idleConnections = value
        }
        let children = ChildProcesses()
        children.installSignalHandlers()
        let work = try makeWorkDirectory()
        defer {
            children.stopAll()
            if ProcessInfo.processInfo.environment["PAVILION_BENCH_KEEP"] == nil {
                try? FileManager.default.removeItem(atPath: work)
            } else {
                Output.err("bench http: kept \(work)")
            }
        }
        return try Run(settings: settings, work: work, connectorsDirectory: connectorsDirectory, children: children).execute()
    }

    static func makeWorkDirectory() throws -> String {
        var template = Array((NSTemporaryDirectory() + "/pavilion-bench-XXXXXX").utf8CString)
        guard let path = template.withUnsafeMutableBufferPointer({ buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }) else {
            throw CommandError("cannot create a temporary directory: \(String(cString: strerror(errno)))")
        }
        return String(cString: path)
    }
}

/// One run of the HTTP benchmark, step by step.
private struct Run {
    let settings: HTTPBenchmark.Settings
    let work: String
    let connectorsDirectory: String
    let children: ChildProcesses
    let pavilion = ChildProcesses.currentExecutable

    func execute() throws -> JSONValue {
        raiseFileLimit()
        for tool in ["nginx", "wrk", "python3"] where which(tool) == nil {
            throw CommandError("bench http needs \(tool) on PATH (apt-get install nginx wrk python3; script/bench installs them)")
        }
        let cores = ProcessInfo.processInfo.activeProcessorCount

        // The DP simulator both proxies talk to.
        let simulatorURL = try startSimulator()
        progress("echo simulator at \(simulatorURL)")

        // Pavilion: connectors, store, tenant and key, then serve.
        let (serveURL, servePID, token) = try startPavilion(simulatorURL: simulatorURL)
        progress("pavilion serve at \(serveURL) (pid \(servePID))")

        // nginx as a plain reverse proxy to the same simulator.
        let nginxURL = try startNginx(simulatorURL: simulatorURL, workers: cores)
        progress("nginx at \(nginxURL)")

        let body = #"{"connector":"echo","claims":["echo"],"subject":{},"purpose":"testing","jurisdiction":"eu"}"#
        let script = try writeWrkScript(token: token, body: body)

        let group = try EventLoopGroup(threads: 1)
        defer { group.shutdown() }
        let client = try HTTPClient(group: group, configuration: HTTPClientConfiguration(maxIdlePerEndpoint: 512))
        defer { client.shutdown() }
        let request = HTTPClientRequest(method: "POST", target: "/v1/verifications",
                                        headers: ["authorization": "Bearer \(token)", "content-type": "application/json"],
                                        body: Array(body.utf8))
        let pavilionEndpoint = try endpoint(serveURL)
        let nginxEndpoint = try endpoint(nginxURL)
        try checkOnce(client, request, pavilionEndpoint, expecting: "\"echo\":true", what: "pavilion")
        try checkOnce(client, request, nginxEndpoint, expecting: "{}", what: "nginx")

        // 1. Peak requests/s, wrk, same settings for both.
        progress("warming up pavilion (\(settings.warmup) s)")
        _ = try wrk(url: serveURL, script: script, duration: settings.warmup)
        progress("wrk: pavilion peak (\(settings.wrkThreads) threads, \(settings.wrkConnections) connections, \(settings.duration) s)")
        let pavilionPeak = try wrk(url: serveURL, script: script, duration: settings.duration)
        progress("  \(Int(pavilionPeak.rps)) requests/s, \(pavilionPeak.errors) errors")
        _ = try wrk(url: nginxURL, script: script, duration: settings.warmup)
        progress("wrk: nginx peak")
        let nginxPeak = try wrk(url: nginxURL, script: script, duration: settings.duration)
        progress("  \(Int(nginxPeak.rps)) requests/s, \(nginxPeak.errors) errors")

        // 2. Latency at half of Pavilion's peak, open loop, both; first the
        // disk's own flush latency, the floor under a durable commit.
        let flush = try diskFlushLatency(samples: settings.flushSamples)
        progress("disk flush (16 KiB append + fsync, \(flush.samples)x): p50 \(format(flush.p50)) p99.9 \(format(flush.p999)) ms")
        let rate = max(1, (pavilionPeak.rps / 2).rounded())
        progress("open loop at \(Int(rate)) requests/s for \(settings.latencyDuration) s: pavilion")
        let logOffset = fileSize("\(work)/serve.log")
        let commitSeries = ["pavilion_store_commit_verifications_count", "pavilion_store_commit_verifications_sum"]
        let commitsBefore = try metrics(client, pavilionEndpoint, commitSeries)
        let pavilionLatency = try OpenLoopLoad(endpoint: pavilionEndpoint, request: request, rate: rate,
                                           duration: settings.latencyDuration, warmup: 1).run()
        progress("  p50 \(format(pavilionLatency.p50)) p99 \(format(pavilionLatency.p99)) p99.9 \(format(pavilionLatency.p999)) ms")
        let commitsAfter = try metrics(client, pavilionEndpoint, commitSeries)
        let commits = commitsAfter[0] - commitsBefore[0], committed = commitsAfter[1] - commitsBefore[1]
        progress("  \(Int(commits)) group commits for \(Int(committed)) verifications")
        Thread.sleep(forTimeInterval: 0.1)  // the serve's log thread writes within a few ms
        let server = serverLatency(log: "\(work)/serve.log", from: logOffset, skip: Int(rate))
        progress("  as the server logged them (\(server.samples)): p50 \(format(server.p50)) p99 \(format(server.p99)) p99.9 \(format(server.p999)) ms")
        progress("open loop at \(Int(rate)) requests/s: nginx")
        let nginxLatency = try OpenLoopLoad(endpoint: nginxEndpoint, request: request, rate: rate,
                                        duration: settings.latencyDuration, warmup: 1).run()
        progress("  p50 \(format(nginxLatency.p50)) p99 \(format(nginxLatency.p99)) p99.9 \(format(nginxLatency.p999)) ms")
        client.shutdown()

        // 3. Idle connections held, counted by the server, RSS of the serve process.
        let idle = try idleConnections(serveURL: serveURL, endpoint: pavilionEndpoint, servePID: servePID, group: group)

        let ratio = nginxPeak.rps > 0 ? pavilionPeak.rps / nginxPeak.rps : 0
        return [
            "pavilion_rps": round1(pavilionPeak.rps),
            "nginx_rps": round1(nginxPeak.rps),
            "ratio": .double((ratio * 1000).rounded() / 1000),
            "p50_ms": round3(pavilionLatency.p50),
            "p99_ms": round3(pavilionLatency.p99),
            "p999_ms": round3(pavilionLatency.p999),
            "idle_connections": .int(Int64(idle.counted)),
            "idle_rss_mb": round1(idle.rssHeld),
            // Context.
            "tls": false,
            "cores": .int(Int64(cores)),
            "wrk_threads": .int(Int64(settings.wrkThreads)),
            "wrk_connections": .int(Int64(settings.wrkConnections)),
            "duration_s": .double(settings.duration),
            "pavilion_errors": .int(Int64(pavilionPeak.errors)),
            "nginx_errors": .int(Int64(nginxPeak.errors)),
            "pavilion_wrk_p99_ms": round3(pavilionPeak.p99),
            "nginx_wrk_p99_ms": round3(nginxPeak.p99),
            "latency_rate_rps": .double(rate),
            "latency_duration_s": .double(settings.latencyDuration),
            "latency_samples": .int(Int64(pavilionLatency.samples)),
            "latency_errors": .int(Int64(pavilionLatency.errors)),
            "latency_achieved_rps": round1(pavilionLatency.achievedRate),
            "max_ms": round3(pavilionLatency.max),
            "server_p50_ms": round3(server.p50),
            "server_p99_ms": round3(server.p99),
            "server_p999_ms": round3(server.p999),
            "server_latency_samples": .int(Int64(server.samples)),
            "store_commits_per_s": round1(commits / (settings.latencyDuration + 1)),
            "store_verifications_per_commit": round1(commits > 0 ? committed / commits : 0),
            "nginx_p50_ms": round3(nginxLatency.p50),
            "nginx_p99_ms": round3(nginxLatency.p99),
            "nginx_p999_ms": round3(nginxLatency.p999),
            "nginx_latency_errors": .int(Int64(nginxLatency.errors)),
            "idle_requested": .int(Int64(settings.idleConnections)),
            "rss_before_idle_mb": round1(idle.rssBefore),
            "idle_kb_per_connection": .double(idle.counted > 0
                ? ((idle.rssHeld - idle.rssBefore) * 1024 / Double(idle.counted) * 10).rounded() / 10 : 0),
            "fsync_p50_ms": round3(flush.p50),
            "fsync_p999_ms": round3(flush.p999),
            "target_ratio": .double(0.5),
            "target_p999_ms": 5,
        ]
    }

    /// The flush latency of the disk under the store: 16 KiB appended and
    /// `fsync`ed, as a group commit does, on the same file system as the
    /// store, with nothing else of the benchmark running. A verification is
    /// answered only after its commit is on disk, so this is the floor
    /// under its latency.
    private func diskFlushLatency(samples: Int) throws -> (p50: Double, p999: Double, samples: Int) {
        let path = "\(work)/fsync-probe"
        guard FileManager.default.createFile(atPath: path, contents: nil), let file = FileHandle(forWritingAtPath: path) else {
            throw CommandError("cannot create \(path)")
        }
        defer {
            try? file.close()
            try? FileManager.default.removeItem(atPath: path)
        }
        let block = Data(repeating: 0x5a, count: 16 * 1024)
        var times: [Double] = []
        times.reserveCapacity(samples)
        do {
            for _ in 0..<samples {
                try file.write(contentsOf: block)
                let start = ContinuousClock.now
                try file.synchronize()
                let elapsed = ContinuousClock.now - start
                times.append(elapsed.inMilliseconds)
            }
        } catch {
            throw CommandError("cannot measure the disk's flush latency at \(path): \(error)")
        }
        times.sort()
        // The same nearest-rank percentiles as the latency figures beside them.
        return (OpenLoopLoad.percentile(times, 0.5), OpenLoopLoad.percentile(times, 0.999), times.count)
    }

    // MARK: - Children

    private func startSimulator() throws -> String {
        let out = "\(work)/simulator.out"
        try children.spawn("simulator", pavilion, ["simulate", "echo", "--port", "0", "--threads", "\(settings.simulatorThreads)"],
                           stdout: out, stderr: "\(work)/simulator.err")
        let line = try waitForLine(in: out, containing: "\"url\"", what: "the echo simulator")
        guard let url = (try? JSONParser().parse(line))?["url"]?.stringValue else {
            throw CommandError("the echo simulator printed no url: \(line)")
        }
        return url
    }

    private func startPavilion(simulatorURL: String) throws -> (url: String, pid: pid_t, token: String) {
        let connectors = "\(work)/connectors.d"
        let files = FileManager.default
        try files.createDirectory(atPath: "\(connectors)/lib", withIntermediateDirectories: true)
        for relative in ["echo.yaml", "lib/libpv_echo.so"] {
            let source = "\(connectorsDirectory)/\(relative)"
            guard files.fileExists(atPath: source) else {
                throw CommandError("\(source) is missing; build the connectors first (script/build release)")
            }
            try files.copyItem(atPath: source, toPath: "\(connectors)/\(relative)")
        }
        if files.fileExists(atPath: "\(connectorsDirectory)/fixtures/echo.json") {
            try files.createDirectory(atPath: "\(connectors)/fixtures", withIntermediateDirectories: true)
            try files.copyItem(atPath: "\(connectorsDirectory)/fixtures/echo.json", toPath: "\(connectors)/fixtures/echo.json")
        }
        // Pin the copy to the library copied (a build may differ from the shipped pin).
        guard try children.run("manifest pin", pavilion, ["manifest", "pin", connectors],
                               stdout: "\(work)/pin.out", stderr: "\(work)/pin.err") == 0 else {
            throw CommandError("pavilion manifest pin failed: \(read("\(work)/pin.err"))")
        }
        let data = "\(work)/data"
        guard try children.run("tenants create", pavilion, ["tenants", "create", "bench", "--connectors", "echo", "--data", data],
                               stdout: "\(work)/tenants.out", stderr: "\(work)/tenants.err") == 0 else {
            throw CommandError("pavilion tenants create failed: \(read("\(work)/tenants.err"))")
        }
        guard try children.run("keys create", pavilion, ["keys", "create", "--tenant", "bench", "--label", "bench", "--data", data],
                               stdout: "\(work)/key.out", stderr: "\(work)/key.err") == 0 else {
            throw CommandError("pavilion keys create failed: \(read("\(work)/key.err"))")
        }
        let token = read("\(work)/key.out").trimmingCharacters(in: .whitespacesAndNewlines)
        let config = """
            listen: { host: 127.0.0.1, port: 0 }
            tls: off
            data_dir: \(data)
            connectors_dir: \(connectors)
            endpoint_overrides:
              echo: { local: "\(simulatorURL)" }
            log_level: info
            """
        try Data(config.utf8).write(to: URL(fileURLWithPath: "\(work)/pavilion.yaml"))
        let log = "\(work)/serve.log"
        let pid = try children.spawn("pavilion serve", pavilion, ["serve", "--config", "\(work)/pavilion.yaml"],
                                     stdout: "\(work)/serve.out", stderr: log)
        let line = try waitForLine(in: log, containing: "\"msg\":\"ready\"", what: "pavilion serve", pid: pid)
        guard let url = (try? JSONParser().parse(line))?["url"]?.stringValue else {
            throw CommandError("pavilion serve's ready line has no url: \(line)")
        }
        return (url, pid, token)
    }

    private func startNginx(simulatorURL: String, workers: Int) throws -> String {
        let prefix = "\(work)/nginx"
        try FileManager.default.createDirectory(atPath: "\(prefix)/temp", withIntermediateDirectories: true)
        let upstream = try endpoint(simulatorURL)
        let port: Int
        do { port = try LoopbackPorts.free() } catch { throw CommandError("cannot find a free port: \(error)") }
        let config = """
            worker_processes \(workers);
            error_log \(prefix)/error.log warn;
            pid \(prefix)/nginx.pid;
            events { worker_connections 4096; }
            http {
                access_log \(prefix)/access.log;
                client_body_temp_path \(prefix)/temp/body;
                proxy_temp_path \(prefix)/temp/proxy;
                fastcgi_temp_path \(prefix)/temp/fastcgi;
                uwsgi_temp_path \(prefix)/temp/uwsgi;
                scgi_temp_path \(prefix)/temp/scgi;
                keepalive_requests 1000000;
                upstream simulator {
                    server \(upstream.host):\(upstream.port);
                    keepalive 64;
                    keepalive_requests 1000000;
                }
                server {
                    listen 127.0.0.1:\(port) reuseport;
                    location = /v1/verifications {
                        proxy_pass http://simulator/echo;
                        proxy_method GET;
                        proxy_pass_request_body off;
                        proxy_set_header Content-Length "";
                        proxy_set_header Content-Type "";
                        proxy_set_header Connection "";
                        proxy_http_version 1.1;
                    }
                }
            }
            """
        try Data(config.utf8).write(to: URL(fileURLWithPath: "\(prefix)/nginx.conf"))
        guard let nginx = which("nginx") else { throw CommandError("nginx is not on PATH") }
        let pid = try children.spawn("nginx", nginx, ["-p", prefix, "-c", "\(prefix)/nginx.conf", "-e", "\(prefix)/error.log",
                                                      "-g", "daemon off;"],
                                     stdout: "\(prefix)/stdout", stderr: "\(prefix)/stderr")
        let deadline = ContinuousClock.now + .seconds(10)
        while !LoopbackPorts.isListening(port: port) {
            guard children.isRunning(pid) else {
                throw CommandError("nginx exited: \(read("\(prefix)/stderr")) \(read("\(prefix)/error.log"))")
            }
            guard ContinuousClock.now < deadline else { throw CommandError("nginx did not listen within 10 s") }
            usleep(20_000)
        }
        return "http://127.0.0.1:\(port)"
    }

    // MARK: - Load

    struct WrkResult {
        var rps: Double
        var errors: Int
        var p99: Double
    }

    private func writeWrkScript(token: String, body: String) throws -> String {
        let path = "\(work)/verification.lua"
        let script = """
            wrk.method = "POST"
            wrk.path = "/v1/verifications"
            wrk.body = '\(body)'
            wrk.headers["Content-Type"] = "application/json"
            wrk.headers["Authorization"] = "Bearer \(token)"
            """
        try Data(script.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func wrk(url: String, script: String, duration: Double) throws -> WrkResult {
        guard let wrk = which("wrk") else { throw CommandError("wrk is not on PATH") }
        let out = "\(work)/wrk.out"
        let status = try children.run("wrk", wrk, ["-t", "\(settings.wrkThreads)", "-c", "\(settings.wrkConnections)",
                                                   "-d", "\(max(1, Int(duration.rounded())))s", "--latency", "-s", script,
                                                   "\(url)/v1/verifications"],
                                      stdout: out, stderr: "\(work)/wrk.err")
        let text = read(out)
        guard status == 0, let rps = Self.number(after: "Requests/sec:", in: text) else {
            throw CommandError("wrk failed (\(status)): \(text) \(read("\(work)/wrk.err"))")
        }
        let errors = Int(Self.number(after: "Non-2xx or 3xx responses:", in: text) ?? 0)
            + Int(Self.socketErrors(text))
        return WrkResult(rps: rps, errors: errors, p99: Self.wrkLatency(percentile: "99%", in: text) ?? .nan)
    }

    private func checkOnce(_ client: HTTPClient, _ request: HTTPClientRequest, _ endpoint: Endpoint,
                           expecting: String, what: String) throws {
        let response = try Blocking.run { try await client.send(request, to: endpoint, deadline: .now + .seconds(10)) }
        let text = String(decoding: response.body, as: UTF8.self)
        guard response.status == 200, text.contains(expecting) else {
            throw CommandError("\(what) answered \(response.status) \(text) to a verification; expected 200 with \(expecting)")
        }
    }

    // MARK: - Idle connections

    struct IdleResult {
        var counted: Int
        var rssBefore: Double
        var rssHeld: Double
    }

    private func idleConnections(serveURL: String, endpoint: Endpoint, servePID: pid_t,
                                 group: EventLoopGroup) throws -> IdleResult {
        let scraper = try HTTPClient(group: group, configuration: HTTPClientConfiguration(maxIdlePerEndpoint: 1))
        defer { scraper.shutdown() }
        let baseline = try openConnections(scraper, endpoint)
        let rssBefore = try rssMegabytes(servePID)
        progress("idle: opening \(settings.idleConnections) keep-alive connections (server counts \(baseline) open, RSS \(format(rssBefore)) MB)")
        let helper = "\(work)/idle.py"
        try Data(Self.idleScript.utf8).write(to: URL(fileURLWithPath: helper))
        guard let python = which("python3") else { throw CommandError("python3 is not on PATH") }
        let out = "\(work)/idle.out"
        let pid = try children.spawn("idle connections", python, [helper, endpoint.host, "\(endpoint.port)", "\(settings.idleConnections)"],
                                     stdout: out, stderr: "\(work)/idle.err")
        defer { children.stop(pid) }
        _ = try waitForLine(in: out, containing: "ready", what: "the idle-connection helper", pid: pid, timeout: .seconds(120))
        let held = try openConnections(scraper, endpoint)
        let rssHeld = try rssMegabytes(servePID)
        progress("idle: server counts \(held) open (\(held - baseline) idle), RSS \(format(rssHeld)) MB")
        return IdleResult(counted: held - baseline, rssBefore: rssBefore, rssHeld: rssHeld)
    }

    private func openConnections(_ client: HTTPClient, _ endpoint: Endpoint) throws -> Int {
        Int(try metrics(client, endpoint, ["pavilion_open_connections"])[0])
    }

    /// The values of the unlabelled series `names` in the server's `/metrics`, in order.
    private func metrics(_ client: HTTPClient, _ endpoint: Endpoint, _ names: [String]) throws -> [Double] {
        let response = try Blocking.run {
            try await client.send(HTTPClientRequest(method: "GET", target: "/metrics"), to: endpoint, deadline: .now + .seconds(10))
        }
        let lines = String(decoding: response.body, as: UTF8.self).split(separator: "\n")
        return try names.map { name in
            for line in lines where line.hasPrefix(name + " ") {
                if let value = Double(line.dropFirst(name.count + 1)) { return value }
            }
            throw CommandError("/metrics has no \(name)")
        }
    }

    private func rssMegabytes(_ pid: pid_t) throws -> Double {
        let status = read("/proc/\(pid)/status")
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let kb = line.split(separator: " ").dropFirst().first.flatMap { Double($0) }
            if let kb { return kb / 1024 }
        }
        throw CommandError("cannot read VmRSS of pid \(pid)")
    }

    /// Opens N connections, sends one `GET /healthz` on each and reads the
    /// answer (so each is a used keep-alive connection), prints `ready N`,
    /// then holds them until killed.
    static let idleScript = """
        import resource, signal, socket, sys
        host, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        request = ("GET /healthz HTTP/1.1\\r\\nHost: %s:%d\\r\\n\\r\\n" % (host, port)).encode()
        held = []
        def answer(sock):
            data = b""
            while b"\\r\\n\\r\\n" not in data:
                chunk = sock.recv(4096)
                if not chunk:
                    raise SystemExit("connection closed after %d" % len(held))
                data += chunk
            head, _, body = data.partition(b"\\r\\n\\r\\n")
            length = 0
            for line in head.split(b"\\r\\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip())
            while len(body) < length:
                chunk = sock.recv(4096)
                if not chunk:
                    raise SystemExit("connection closed mid-body")
                body += chunk
        while len(held) < count:
            batch = []
            for _ in range(min(200, count - len(held))):
                sock = socket.create_connection((host, port))
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                batch.append(sock)
            for sock in batch:
                sock.sendall(request)
            for sock in batch:
                answer(sock)
            held.extend(batch)
        print("ready %d" % len(held), flush=True)
        while True:
            signal.pause()
        """

    // MARK: - Helpers

    private func progress(_ line: String) { Output.err("bench http: \(line)") }

    private func fileSize(_ path: String) -> UInt64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.uint64Value ?? 0
    }

    /// The latency of the open-loop phase as the serve process measured it:
    /// `duration_ms` of the verification `request` lines its log got from
    /// byte `offset` on, after the first `skip` (the warm-up second). It
    /// runs from the request read to the response written, so unlike the
    /// client's figure it leaves out the generator's own waits for a core.
    private func serverLatency(log: String, from offset: UInt64, skip: Int) -> (p50: Double, p99: Double, p999: Double, samples: Int) {
        guard let handle = FileHandle(forReadingAtPath: log) else { return (.nan, .nan, .nan, 0) }
        defer { try? handle.close() }
        try? handle.seek(toOffset: offset)
        let text = String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
        var durations: [Double] = []
        for line in text.split(separator: "\n") where line.contains("\"msg\":\"request\"") && line.contains("/v1/verifications") {
            if let ms = (try? JSONParser().parse(String(line)))?["duration_ms"]?.doubleValue { durations.append(ms) }
        }
        durations = Array(durations.dropFirst(skip)).sorted()
        return (OpenLoopLoad.percentile(durations, 0.5), OpenLoopLoad.percentile(durations, 0.99),
                OpenLoopLoad.percentile(durations, 0.999), durations.count)
    }

    private func read(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }

    /// Poll `path` until a line holds `marker`; fail when `pid` exits or the time is up.
    private func waitForLine(in path: String, containing marker: String, what: String, pid: pid_t? = nil,
                             timeout: Duration = .seconds(30)) throws -> String {
        try children.waitForLine(in: path, containing: marker, what: what, pid: pid, timeout: timeout)
    }

    private func which(_ tool: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"
        let dirs = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin"]
        return dirs.map { "\($0)/\(tool)" }.first { access($0, X_OK) == 0 }
    }

    private func endpoint(_ url: String) throws -> Endpoint {
        guard url.hasPrefix("http://"), let colon = url.lastIndex(of: ":"),
              let port = Int(url[url.index(after: colon)...]) else {
            throw CommandError("not an http://host:port URL: \(url)")
        }
        let host = String(url[url.index(url.startIndex, offsetBy: 7)..<colon])
        return Endpoint(scheme: .http, host: host, port: port)
    }

    /// Raise the soft open-files limit to the hard one; children (the serve
    /// process among them) inherit it.
    private func raiseFileLimit() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }

    private static func number(after label: String, in text: String) -> Double? {
        guard let line = text.split(separator: "\n").first(where: { $0.contains(label) }),
              let range = line.range(of: label) else { return nil }
        return Double(line[range.upperBound...].trimmingCharacters(in: .whitespaces))
    }

    /// `Socket errors: connect 0, read 0, write 0, timeout 0` summed.
    private static func socketErrors(_ text: String) -> Int {
        guard let line = text.split(separator: "\n").first(where: { $0.contains("Socket errors:") }) else { return 0 }
        return line.split(whereSeparator: { $0 == " " || $0 == "," }).compactMap { Int($0) }.reduce(0, +)
    }

    /// A percentile from wrk's `--latency` table, in ms.
    private static func wrkLatency(percentile: String, in text: String) -> Double? {
        guard let line = text.split(separator: "\n").first(where: {
            $0.trimmingCharacters(in: .whitespaces).hasPrefix(percentile + " ")
        }) else { return nil }
        let value = line.split(separator: " ").last.map(String.init) ?? ""
        for (suffix, scale) in [("us", 0.001), ("ms", 1.0), ("s", 1000.0)] where value.hasSuffix(suffix) {
            return Double(value.dropLast(suffix.count)).map { $0 * scale }
        }
        return nil
    }
}

/// A figure to one decimal, or null when it could not be measured.
private func round1(_ value: Double) -> JSONValue { value.isFinite ? .double((value * 10).rounded() / 10) : .null }
/// A figure to three decimals, or null when it could not be measured.
private func round3(_ value: Double) -> JSONValue { value.isFinite ? .double((value * 1000).rounded() / 1000) : .null }
private func format(_ value: Double) -> String { String(format: "%.3f", value) }
