import Foundation
import TestSupport
import Testing

/// Starts `commune-agent run` with the officer's screen on a free loopback port and returns the
/// daemon (the caller stops it) and a browser of the screen, once the screen has said where it is.
func startOfficerScreen(workspace: Workspace, db: String, arguments: [String] = [], environment: [String: String] = [:],
                        host: String = "127.0.0.1", web: String = "127.0.0.1:0") async throws -> (DaemonProcess, Browser) {
    let daemon = try DaemonProcess(workspace: workspace, binary: Binaries.agent, arguments: ["run", "--db", db, "--web", web] + arguments,
                                   environment: ["AGENT_SYNC_AFTER_WRITE": "0.2", "AGENT_SYNC_INTERVAL": "3600"].merging(environment) { $1 })
    var port = 0
    // Generous: when every suite starts its processes at once on a slow day, a daemon took
    // over 20 s to come up.
    try await waitUntil(timeout: 90) {
        let line = ((try? String(contentsOfFile: daemon.stdoutPath, encoding: .utf8)) ?? "").split(separator: "\n").first { $0.contains("screen on") }
        port = line.flatMap { Int($0.split(separator: ":").last ?? "") } ?? 0
        return port != 0
    }
    return (daemon, Browser(host: host, port: port))
}
