import Foundation

/// A `fault-proxy` between the agent and a hub on loopback; its first stdout line is its port.
final class FaultProxyProcess: DaemonProcess {
    static let binary = Binaries.directory.appendingPathComponent("fault-proxy").path
    private(set) var port = 0

    init(workspace: Workspace, hub: HubProcess, arguments: [String]) throws {
        try super.init(workspace: workspace, binary: Self.binary, arguments: ["--target", "127.0.0.1:\(hub.port)"] + arguments)
        let deadline = Date().addingTimeInterval(30)
        while true {
            let text = (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first, let bound = Int(line) {
                port = bound
                return
            }
            guard process.isRunning, Date() < deadline else {
                process.terminate()
                throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "the proxy did not start: \(stderr)"])
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// The faults that struck so far: the proxy logs one `fault=…` line for each.
    func faults(_ kind: String, _ detail: String = "") -> Int {
        stderr.split(separator: "\n").filter { $0.contains("fault=\(kind)") && (detail.isEmpty || $0.contains(detail)) }.count
    }
}
