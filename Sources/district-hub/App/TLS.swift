import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOSSL
import SyncCore

/// The hub's own HTTPS: a certificate chain and its key, as PEM files.
enum HubTLS {
    static func server(certificate: String, key: String) throws -> HTTPServerBuilder {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
            let privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
            var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(privateKey))
            configuration.minimumTLSVersion = .tlsv12
            return try .tls(.http1(), tlsConfiguration: configuration)
        } catch let error as SettingsError {
            throw error
        } catch {
            throw SettingsError(key: "tls.certificate / tls.key", reason: "cannot load them: \(error)")
        }
    }
}
